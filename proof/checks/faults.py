"""Items 14, 15 and 17: faults.

14. `kill -9` of gunicorn, and separately of PostgreSQL (a throwaway instance of its own, never
    the shared cluster), during concurrent requests for support: partial records,
    acknowledged-but-lost submissions, recovery time.
15. A fault injected after each database write of a step up and of a person merge: rows of the
    partial change left behind.
17. pg_dump → restore into a fresh database → every table's row count and checksum equal, the
    time to restore; whether the service's database role can drop or alter the audit table.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from proof.figures import Figure, check, zero
from proof.stack import VAR, Stack

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _tables(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]


def _fingerprints(conn) -> dict[str, tuple[int, str]]:
    """Every table's row count and an order-free checksum of its rows' text."""
    found = {}
    for table in _tables(conn):
        # Table names come from pg_tables.
        checksum = (
            "coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0)"
        )
        query = f'SELECT count(*), {checksum}::text FROM "{table}" t'  # noqa: S608
        row = conn.execute(query).fetchone()
        found[table] = (row[0], row[1])
    return found


# --- 17: backup and restore ---------------------------------------------------------------------


def _drop_database(source: str, name: str) -> None:
    """DROP DATABASE … WITH (FORCE), tried again while an autovacuum worker (which a role that is
    not a superuser may not end) is at work in the freshly restored copy."""
    import psycopg

    for attempt in range(20):
        with psycopg.connect(_with_database(source, "postgres"), autocommit=True) as admin:
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == 19:
                    raise
        time.sleep(0.5)


@check("17", "Backup and restore", quick=True, needs_server=False)
def backup_restore(stack: Stack) -> list[Figure]:
    import psycopg

    source = stack.database.url
    copy_name = f"{stack.database.name}_restored"
    copy_url = _with_database(source, copy_name)
    dump = VAR / f"{stack.database.name}.dump"
    dump.parent.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(source) as conn:
        # The dump and the checksums read one snapshot, so a write elsewhere cannot differ them.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        began = time.monotonic()
        subprocess.run(
            [str(PG_BIN / "pg_dump"), "-Fc", "--snapshot", snapshot, "-f", str(dump), "-d", source],
            check=True,
        )
        dump_seconds = time.monotonic() - began
        before = _fingerprints(conn)
        conn.rollback()
    _drop_database(source, copy_name)
    with psycopg.connect(_with_database(source, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{copy_name}"')
    try:
        began = time.monotonic()
        subprocess.run(
            [str(PG_BIN / "pg_restore"), "--no-owner", "-j", "2", "-d", copy_url, str(dump)],
            check=True,
        )
        restore_seconds = time.monotonic() - began
        with psycopg.connect(copy_url) as conn:
            after = _fingerprints(conn)
    finally:
        _drop_database(source, copy_name)
        dump.unlink(missing_ok=True)
    differ = [
        f"{t}: {before.get(t)} then {after.get(t)}"
        for t in sorted(set(before) | set(after))
        if before.get(t) != after.get(t)
    ]
    rows = sum(c for c, _ in before.values())
    return [
        zero(
            "17",
            "tables whose rows differ after pg_dump and restore",
            differ,
            note=differ[0] if differ else f"{len(before)} tables, {rows:,} rows, count and md5",
        ),
        Figure(
            "17",
            "time to restore (pg_restore -j 2)",
            round(restore_seconds, 1),
            goal="",
            note=f"seconds; the dump took {dump_seconds:.1f} s",
        ),  # fmt: skip
    ]


AUDIT_TAMPERING = {
    "DROP TABLE": "DROP TABLE access_auditevent CASCADE",
    "ALTER TABLE (disable trigger)": "ALTER TABLE access_auditevent DISABLE TRIGGER ALL",
    "ALTER TABLE (add column)": "ALTER TABLE access_auditevent ADD COLUMN proof_tamper int",
    "TRUNCATE": "TRUNCATE access_auditevent",
    "DELETE": "DELETE FROM access_auditevent WHERE id IN "
    "(SELECT id FROM access_auditevent LIMIT 1)",
    "UPDATE": "UPDATE access_auditevent SET action = action WHERE id IN "
    "(SELECT id FROM access_auditevent LIMIT 1)",
    "DROP TRIGGER": "DROP TRIGGER IF EXISTS pgtrigger_audit_append_only_15822 ON access_auditevent",
}


def audit_tampering(database_url: str) -> list[str]:
    """Each tampering statement the role in `database_url` may run on the audit table (each
    tried in a transaction that is rolled back, so nothing changes)."""
    import psycopg

    allowed = []
    with psycopg.connect(database_url) as conn:
        for what, statement in AUDIT_TAMPERING.items():
            conn.execute("BEGIN")
            conn.execute("SET LOCAL lock_timeout = '10s'")
            try:
                conn.execute(statement)
            except psycopg.Error:
                pass
            else:
                allowed.append(what)
            conn.rollback()
    return allowed


@check("17", "The service's database role and the audit table", quick=True, needs_server=False)
def audit_role(stack: Stack) -> list[Figure]:
    url = stack.env.get("DATABASE_URL", stack.database.url)
    role = urlsplit(url).username
    owner = stack.sql(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'access_auditevent'"
    )
    allowed = audit_tampering(url)
    return [
        zero(
            "17",
            "ways the service's role can drop, alter or empty the audit table",
            allowed,
            note=(
                f"role {role} (table owner {owner[0][0] if owner else '?'}) may: "
                + ", ".join(allowed)
            )
            if allowed
            else f"role {role}: {len(AUDIT_TAMPERING)} attempts refused",
        )
    ]


# --- 15: a fault after each write of step up and of merge ---------------------------------------


class InjectedFault(Exception):
    """Raised by the proof after the chosen database write."""


WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?([a-z0-9_]+)\"?", re.I)


class FaultAfterWrite:
    """An execute wrapper that counts writes, and raises after write number `fault_at`."""

    def __init__(self, fault_at: int | None = None):
        self.fault_at, self.writes, self.tables = fault_at, 0, set()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        found = WRITE.match(sql)
        if found:
            self.writes += 1
            self.tables.add(found.group(2))
            if self.fault_at is not None and self.writes == self.fault_at:
                raise InjectedFault(f"after write {self.writes}: {sql[:60]}")
        return result


def _faults_in(action, *, label: str) -> tuple[list[str], int]:
    """Run `action` once to count its writes, then once per write with a fault after it.
    Each run happens inside a savepoint rolled back at the end (the proof database is left as
    it was); after a fault, the rows of every table the action writes are compared with those
    before it."""
    from django.db import connection, transaction

    def state(tables) -> dict:
        with connection.cursor() as cursor:
            found = {}
            for table in sorted(tables):
                # Table names come from the SQL the action itself ran.
                latest = "max(updated_at)::text" if _has_updated_at(cursor, table) else "NULL"
                query = "SELECT count(*), count(*) FILTER (WHERE xmin::text::bigint >= %s), "
                cursor.execute(f'{query}{latest} FROM "{table}"', [first_xid])  # noqa: S608
                found[table] = cursor.fetchone()
            return found

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current() % 4294967296")
            first_xid = cursor.fetchone()[0]
        counting = FaultAfterWrite()
        with transaction.atomic():
            with connection.execute_wrapper(counting):
                action()
            transaction.set_rollback(True)
        partial = []
        for n in range(1, counting.writes + 1):
            with transaction.atomic():
                before = state(counting.tables)
                fault = FaultAfterWrite(n)
                try:
                    with connection.execute_wrapper(fault):
                        action()
                except InjectedFault:
                    after = state(counting.tables)
                    left = [
                        f"{t}: {before[t][:2]} then {after[t][:2]}"
                        for t in counting.tables
                        if before[t] != after[t]
                    ]
                    if left:
                        partial.append(f"{label} fault after write {n}: {left[0]}")
                else:
                    partial.append(f"{label}: write {n} of {counting.writes} never came")
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    return partial, counting.writes


def _has_updated_at(cursor, table: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s "
        "AND column_name = 'updated_at'",
        [table],
    )
    return cursor.fetchone() is not None


@check("15", "A fault after each write of step up and of a person merge", needs_server=False)
def injected_faults(stack: Stack) -> list[Figure]:
    stack.django()
    from onestory.access.selectors import visible_to
    from onestory.core.clock import now as clock_now
    from onestory.frontdoor.actions import step_up
    from onestory.people.merging import person_merge
    from onestory.workforce.models import Worker

    at = clock_now()
    earlyhelp = Worker.objects.get(username="earlyhelp")
    frontdoor = Worker.objects.get(username="frontdoor")
    child = (
        visible_to(earlyhelp, now=at)
        .filter(date_of_birth__isnull=False)
        .order_by("-date_of_birth", "pk")
        .first()
    )
    figures = []
    if child is None:
        return [Figure("15", "step up: no child open to earlyhelp", "error", goal="runs", ok=False)]

    def stepping_up():
        step_up(
            form_token=secrets.token_urlsafe(24),
            child_ids=[child.pk],
            adult_ids=[],
            what_has_changed="Proof: a fault during step up",
            handover_summary="Proof",
            consent="given",
            acting_user=earlyhelp,
            now=at,
        )

    partial, writes = _faults_in(stepping_up, label="step up")
    figures.append(
        zero(
            "15",
            "partial changes left by a fault in a step up",
            partial,
            note=partial[0] if partial else f"a fault after each of its {writes} writes",
        )
    )
    # Two records with much recorded about them: the merged one's rows all move.
    pair = stack.sql(
        "SELECT p.id, count(c.id) FROM people_person p JOIN people_chronologyentry c "
        "ON c.person_id = p.id WHERE p.merged_into_id IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM access_recordrestriction r WHERE r.person_id = p.id) "
        "GROUP BY p.id ORDER BY count(c.id) DESC, p.id LIMIT 2"
    )
    kept, merged = pair[0][0], pair[1][0]

    def merging():
        person_merge(
            kept_id=kept,
            merged_id=merged,
            reason="Proof: the same person recorded twice, a fault during the merge",
            acting_user=frontdoor,
            now=at,
        )

    partial, writes = _faults_in(merging, label="merge")
    figures.append(
        zero(
            "15",
            "partial changes left by a fault in a person merge",
            partial,
            note=partial[0] if partial else f"a fault after each of its {writes} writes",
        )
    )
    return figures


# --- 14: kill -9 during concurrent requests for support -----------------------------------------


def _request_form(client, marker: str, token: str) -> dict:
    return {
        "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
        "form_token": token,
        "referrer_name": "Proof Referrer",
        "referrer_contact": "01632 960000",
        "what_happened": f"The child said they were hurt at home. {marker}",
        "consent": "given",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "20",
        "people-0-role": "child",
        "people-0-given_name": "Proofchild",
        "people-0-family_name": f"Killed{marker[-4:]}",
        "people-1-role": "parent",
        "people-1-given_name": "Proofparent",
        "people-1-family_name": f"Killed{marker[-4:]}",
    }


def _submissions_killed(stack: Stack, kill, recover, *, requests: int = 200, label: str):
    """`requests` requests for support at once from a partner; `kill()` once a quarter are
    answered, `recover()` brings the service back. Then every request that failed is sent again
    with its form_token, as a worker would press the button again.

    Returns figures: partial contacts, acknowledged-but-lost, markers not made exactly once,
    recovery seconds."""

    partner = stack.session("school")
    clients = []
    for _ in range(16):
        c = stack.anonymous()
        c.headers.update(partner.headers)
        c.cookies.update(partner.cookies)
        clients.append(c)
    run = secrets.token_hex(3)
    url = f"{stack.base_url}/front-door/request/"
    sent = [(f"proof-kill-{run}-{k:04d}", secrets.token_urlsafe(24)) for k in range(requests)]
    answered = {}
    killed_at = [None]
    lock = threading.Lock()

    def submit(k: int):
        marker, token = sent[k]
        try:
            answer = clients[k % 16].post(
                url, data=_request_form(partner, marker, token), allow_redirects=False, timeout=60
            )
            result = answer.headers.get("Location", "") if answer.status_code == 302 else None
        except Exception:
            result = None
        with lock:
            answered[marker] = result
            if killed_at[0] is None and len(answered) >= requests // 4:
                killed_at[0] = time.monotonic()
                kill()

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(submit, range(requests)))
    if killed_at[0] is None:
        killed_at[0] = time.monotonic()
        kill()
    recover()
    recovery = time.monotonic() - killed_at[0]
    acknowledged = {m: loc for m, loc in answered.items() if loc}
    made = _contacts_made(stack, run)
    lost = [m for m, loc in acknowledged.items() if made.get(m, (0, 0))[0] == 0]
    partial = [f"{m}: {people} people" for m, (_, people) in made.items() if people % 2]
    # Press the button again on everything not acknowledged.
    for marker, token in sent:
        if marker not in acknowledged:
            with contextlib.suppress(Exception):
                clients[0].post(
                    url, data=_request_form(partner, marker, token), allow_redirects=False,
                    timeout=60,
                )  # fmt: skip
    made = _contacts_made(stack, run)
    not_once = [
        f"{m}: {made.get(m, (0, 0))[0]} contacts" for m, _ in sent if made.get(m, (0, 0))[0] != 1
    ]
    partial += [f"{m}: {people} people for {n} contacts" for m, (n, people) in made.items()
                if people != 2 * n]  # fmt: skip
    failed = requests - len(acknowledged)
    return [
        zero("14", f"{label}: partial records", partial,
             note=partial[0] if partial else f"{requests} requests, {failed} cut off"),
        zero("14", f"{label}: acknowledged but lost", lost,
             note=lost[0] if lost else f"{len(acknowledged)} acknowledged"),
        zero("14", f"{label}: not made exactly once after resending", not_once,
             note=not_once[0] if not_once else "each cut-off request sent again, same form_token"),
        Figure("14", f"{label}: recovery time", round(recovery, 1), goal="",
               note="seconds from the kill until a signed-in page answers again"),
    ]  # fmt: skip


def _contacts_made(stack: Stack, run: str) -> dict:
    """{marker: (contacts, people rows)} for this run's requests."""
    rows = stack.sql(
        "SELECT substring(c.what_happened from 'proof-kill-[0-9a-f]+-[0-9]+'), "
        "count(DISTINCT c.id), count(p.id) FROM frontdoor_contact c "
        "LEFT JOIN frontdoor_contactperson p ON p.contact_id = c.id "
        "WHERE c.what_happened LIKE %s GROUP BY 1",
        [f"%proof-kill-{run}-%"],
    )
    return {m: (n, people) for m, n, people in rows}


def _until_answers(stack: Stack, client, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(Exception):
            if (
                client.get(f"{stack.base_url}/front-door/my-requests/", timeout=5).status_code
                == 200
            ):
                return
        time.sleep(0.2)
    raise RuntimeError("the service did not answer again")


@check("14", "kill -9 of the server and of PostgreSQL during requests for support")
def kill_nine(stack: Stack) -> list[Figure]:
    probe = stack.session("school")

    def kill_server():
        os.killpg(stack.process.pid, signal.SIGKILL)

    def recover_server():
        stack.process.wait()
        stack.restart_server()
        _until_answers(stack, probe)

    figures = _submissions_killed(stack, kill_server, recover_server, label="gunicorn killed")
    with throwaway_postgres(stack) as (other, postgres):
        probe = other.session("school")
        figures += _submissions_killed(
            other,
            postgres.kill,
            lambda: (postgres.start(), _until_answers(other, probe)),
            label="PostgreSQL killed",
        )
    return figures


class ThrowawayPostgres:
    """A PostgreSQL instance of the proof's own, on a spare port, to be killed."""

    def __init__(self, directory: Path, port: int):
        self.directory, self.port = directory, port

    def _as_postgres(self, *args: str, **kwargs):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, **kwargs)  # noqa: S607

    def create(self) -> None:
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "-A", "trust",
            "-U", "postgres", stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.start()
        self._as_postgres(
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-c", "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB", stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start(self, *, within: float = 60) -> None:
        """Start it, as an operator would after a crash: a backend forked just before the kill
        holds the shared memory until it notices its postmaster is gone (a second or so), and
        until then PostgreSQL refuses to start, so a refused start is tried again."""
        deadline = time.monotonic() + within
        while True:
            try:
                self._as_postgres(
                    str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-w", "-t", "120",
                    "-l", str(self.directory / "log"),
                    "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
                    "start", stdout=subprocess.DEVNULL,
                )  # fmt: skip
                return
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def pids(self) -> list[int]:
        pid_file = self.directory / "data" / "postmaster.pid"
        if not pid_file.exists():
            return []
        main = int(pid_file.read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(main)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [main, *map(int, children)]

    def kill(self) -> None:
        """kill -9 of this instance's postmaster and every one of its processes."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate",
                "stop", stdout=subprocess.DEVNULL,
            )  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(stack: Stack):
    """The proof database copied into a throwaway PostgreSQL, with its own gunicorn."""
    import socket

    from proof.stack import Database, environment

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    postgres = ThrowawayPostgres(VAR / "pgkill", port)
    other = None
    try:
        postgres.create()
        url = f"postgresql://app:app@127.0.0.1:{port}/{stack.database.name}"
        dump = VAR / "pgkill.dump"
        subprocess.run(
            [str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), "-d", stack.database.url], check=True
        )
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "app",
             stack.database.name], check=True,
        )  # fmt: skip
        subprocess.run(  # without grants: the service's role is not in this cluster
            [str(PG_BIN / "pg_restore"), "--no-owner", "--no-acl", "-j", "2", "-d", url,
             str(dump)],
            check=True,
        )  # fmt: skip
        dump.unlink(missing_ok=True)
        other = Stack(Database(url), stack.scale, stack.quick, environment(url))
        other.server_log = VAR / "gunicorn-pgkill.log"
        other.start_server()
        yield other, postgres
    finally:
        if other is not None:
            other.stop_server()
        postgres.stop()
