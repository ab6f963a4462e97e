"""The service connects to PostgreSQL as a less-privileged role than the tables' owner
(`onestory grant_service_role`, docs/adr/0019-service-database-role.md): with that role, the
audit trail can be added to and read, and nothing else; every other table is read and written
as usual."""

import datetime
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.workforce.tests.factories import WorkerFactory

AT = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
REFUSED = "42501"  # insufficient_privilege: "permission denied", "must be owner"


def _can_create_roles() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
        )
        return bool(cursor.fetchone()[0])


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles are PostgreSQL's"),
]


@pytest.fixture
def service_role(db):
    """A role made inside the test's transaction (so it goes when the test ends), granted by the
    command as the owner, that this connection can then act as (SET ROLE)."""
    if not _can_create_roles():
        pytest.skip("the test database's role may not create roles (CI's may: .ci/run)")
    role = f"onestory_test_service_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT "{role}" TO current_user')
    call_command("grant_service_role", role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def _as(role: str, statement: str, params=()) -> int:
    """Run `statement` as `role` in a savepoint; the rows it touched."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(statement, params)
        count = cursor.rowcount
        cursor.execute("RESET ROLE")
        return count


def _refused(role: str, statement: str) -> bool:
    try:
        _as(role, statement)
    except DatabaseError as error:
        return getattr(error.__cause__, "sqlstate", None) == REFUSED
    return False


def test_the_service_role_adds_to_and_reads_the_audit_trail(service_role):
    _as(
        service_role,
        "INSERT INTO access_auditevent (at, action, person_id, object_type, object_id, reason, "
        "detail, user_agent) VALUES (%s, 'view', NULL, '', '', '', '{}', '')",
        [AT],
    )
    assert _as(service_role, "SELECT 1 FROM access_auditevent") == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_auditevent SET reason = 'covering my tracks'",
        "DELETE FROM access_auditevent",
        "TRUNCATE access_auditevent",
        "DROP TABLE access_auditevent CASCADE",
        "ALTER TABLE access_auditevent ADD COLUMN tampered int",
        "ALTER TABLE access_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER IF EXISTS pgtrigger_audit_append_only_15822 ON access_auditevent",
        "SELECT id FROM access_auditevent FOR UPDATE",
        "CREATE TABLE onestory_test_new (id int)",
        "DELETE FROM django_migrations",
    ],
)
def test_the_service_role_cannot_change_or_destroy_the_audit_trail(service_role, statement):
    event = audit.record(actor=None, action="view", at=AT, detail={"page": "person"})
    assert _refused(service_role, statement)
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_service_role_reads_and_writes_other_tables(service_role):
    worker = WorkerFactory()
    assert _as(
        service_role,
        "UPDATE workforce_worker SET first_name = 'Renamed' WHERE id = %s",
        [worker.pk],
    )
    assert _as(service_role, "SELECT 1 FROM workforce_worker WHERE first_name = 'Renamed'") == 1
    assert _as(service_role, "DELETE FROM workforce_worker WHERE id = %s", [worker.pk]) == 1


def test_running_it_again_changes_nothing_and_the_owner_is_refused(service_role):
    call_command("grant_service_role", service_role, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _refused(service_role, "TRUNCATE access_auditevent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError):
        call_command("grant_service_role", owner)
    with pytest.raises(CommandError):
        call_command("grant_service_role", "nobody_by_this_name")
