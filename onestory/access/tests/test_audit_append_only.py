import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from onestory.access import audit
from onestory.access.models import AuditEvent

# The trigger (django-pgtrigger Protect) exists on PostgreSQL, the production database; the
# SQLite demo database has none. CI runs this suite on PostgreSQL.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)

AT = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def event(db):
    return audit.record(actor=None, action="view", at=AT, detail={"page": "person"})


def test_an_audit_event_cannot_be_changed(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="covering my tracks")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_audit_events_can_still_be_added(event):
    audit.record(actor=None, action="search", at=AT)
    assert AuditEvent.objects.count() == 2
