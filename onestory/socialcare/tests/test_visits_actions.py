"""Statutory visits of any kind: seen, seen alone, and dates that have happened."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused
from onestory.people.models import ChronologyEntry

from ..actions import visits as actions
from ..models import Visit
from .factories_protection import referred_child, team_pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def case():
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=date(2026, 5, 1))
    return worker, child, referral


@pytest.mark.parametrize("kind", [Visit.Kind.CHILD_IN_CARE, Visit.Kind.LEAVING_CARE])
def test_any_kind_of_visit_is_recorded_with_audit_and_chronology(case, kind):
    worker, child, _ = case
    visit = actions.visit_record(
        person_id=child.pk,
        kind=kind,
        visited_on=date(2026, 6, 12),
        child_seen=True,
        seen_alone=True,
        acting_user=worker,
        now=NOW,
    )
    assert (visit.kind, visit.seen_alone, visit.visited_by) == (kind, True, worker)
    assert AuditEvent.objects.filter(object_id=str(visit.pk), action="create").exists()
    line = ChronologyEntry.objects.get(source_id=str(visit.pk))
    assert "seen alone" in line.summary


def test_a_child_not_seen_cannot_be_seen_alone_and_the_future_is_refused(case):
    worker, child, _ = case
    with pytest.raises(DetailsRefused) as refused:
        actions.visit_record(
            person_id=child.pk,
            kind=Visit.Kind.CHILD_PROTECTION,
            visited_on=date(2026, 6, 16),
            child_seen=False,
            seen_alone=True,
            acting_user=worker,
            now=NOW,
        )
    assert set(refused.value.problems) == {"visited_on", "seen_alone"}
