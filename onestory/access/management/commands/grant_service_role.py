"""`onestory grant_service_role ROLE`: what the running service's database role may do.

onestory's tables are owned by the role that runs `migrate` (the owner). The service (gunicorn,
the daily commands) connects as a separate, less-privileged role, so that nobody who gets hold
of the service's login can drop, alter, empty or rewrite the audit trail. Run this as the owner
after every `migrate` (it is idempotent; see docs/adr/0019-service-database-role.md):

    DATABASE_URL=postgresql://owner@…/onestory onestory migrate
    DATABASE_URL=postgresql://owner@…/onestory onestory grant_service_role onestory_service

The role itself is made by the council's DBA (CREATE ROLE onestory_service LOGIN PASSWORD …).
It gets: CONNECT on the database, USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on every
table, except the audit trail (SELECT and INSERT only) and the migrations ledger (SELECT only),
USAGE/SELECT on sequences, and nothing else: no TRUNCATE, REFERENCES or TRIGGER, no ownership,
no CREATE on the schema. Default privileges give tables made by later migrations the same.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from onestory.access.models import AuditEvent

MIGRATIONS_TABLE = "django_migrations"
TABLE_KINDS = ("r", "p", "v", "m", "f")  # tables, partitioned tables, views, matviews, foreign


def service_role_grants(role: str) -> list[str]:
    """Grant `role` what the service needs on the current database and schema; return what was
    done, in words. Must run as the owner of the tables (the role that ran migrate)."""
    audit_table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, current_database(), current_schema(), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = %s), "
            "(SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            " WHERE r.rolname = %s AND c.relnamespace = current_schema()::text::regnamespace)",
            [role, role],
        )
        owner, database, schema, superuser, owned = cursor.fetchone()
        if superuser is None:
            raise CommandError(
                f"There is no database role {role!r}: ask the DBA to create it "
                f"(CREATE ROLE {role} LOGIN PASSWORD '…'), then run this again."
            )
        if role == owner or superuser or owned:
            raise CommandError(
                f"{role!r} must not be the owner of the tables (you are connected as {owner!r}), "
                "a superuser, or own anything in the schema: the service's role is a separate, "
                "less-privileged role."
            )
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind = ANY(%s) "
            "ORDER BY c.relname",
            [list(TABLE_KINDS)],
        )
        relations = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'S' "
            "AND c.relnamespace = current_schema()::text::regnamespace ORDER BY c.relname"
        )
        sequences = [r[0] for r in cursor.fetchall()]

    others = sorted({o for _, o in relations if o != owner})
    if others:
        raise CommandError(
            f"Some tables in {schema} are owned by {', '.join(others)}, not {owner}: run this as "
            "the role that ran migrate and owns them."
        )
    names = {name for name, _ in relations}
    if audit_table not in names:
        raise CommandError(f"There is no {audit_table} table here: run migrate first.")

    q = connection.ops.quote_name
    who = q(role)
    statements = [
        f"GRANT CONNECT ON DATABASE {q(database)} TO {who}",
        f"REVOKE CREATE ON SCHEMA {q(schema)} FROM {who}",
        f"GRANT USAGE ON SCHEMA {q(schema)} TO {who}",
        # Start from nothing, so a second run also takes away what should not be there.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {q(schema)} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {q(schema)} FROM {who}",
    ]
    for name in sorted(names - {audit_table, MIGRATIONS_TABLE}):
        statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {q(name)} TO {who}")
    statements.append(f"GRANT SELECT, INSERT ON {q(audit_table)} TO {who}")
    if MIGRATIONS_TABLE in names:
        statements.append(f"GRANT SELECT ON {q(MIGRATIONS_TABLE)} TO {who}")
    for name in sequences:
        statements.append(f"GRANT USAGE, SELECT ON SEQUENCE {q(name)} TO {who}")
    # Tables and sequences made later by this owner (the next migrate) are covered too.
    statements += [
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {who}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(schema)} GRANT USAGE, SELECT ON SEQUENCES TO {who}",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    done = [
        f"{role} may connect to {database} and use schema {schema} (not create in it)",
        f"{len(names) - 2} tables: read, insert, update, delete",
        f"{audit_table}: read and insert only (no update, delete, truncate, alter or drop)",
        f"{len(sequences)} sequences: use",
        f"tables made by later migrations run as {owner}: read, insert, update, delete "
        f"(run this again after migrate so the audit trail stays insert-only)",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])
        if cursor.fetchone()[0]:
            done.append(
                f"WARNING: {role} may still create objects in {schema} (granted to PUBLIC): "
                f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC"
            )
    return done


class Command(BaseCommand):
    help = (
        "Grant the service's (less-privileged) database role what onestory needs: read and "
        "write every table, the audit trail insert-only. Run as the tables' owner after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the PostgreSQL role the service connects as")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_service_role is for PostgreSQL databases only.")
        for line in service_role_grants(role):
            self.stdout.write(line)
