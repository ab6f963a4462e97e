"""The service the proof runs against: PostgreSQL holding the synthetic local authority, and
gunicorn serving onestory with the production settings over TLS on the loopback address.

The database is made once per scale and reused: its comment records the scale and seed it was
generated with, the migrations it holds and a token kept in the var/proof of the checkout that
made it, so a run after a change of any of them, or from another checkout, makes it again.
Everything the proof keeps is under var/proof/ (the certificate, gunicorn's log, results).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "proof"
SEED = 2014
DEMO_PASSWORD = "onestory-demo"  # onestory.synthetic.demo.DEMO_PASSWORD, the demo sign-ins'
# One sign-in per role (`onestory demo_users`; onestory.synthetic.demo).
DEMO_SIGN_INS = (
    "frontdoor",
    "earlyhelp",
    "familyhub",
    "school",
    "socialworker",
    "manager",
    "mashmanager",
    "analyst",
    "admin",
    "dpo",
)


def log(message: str) -> None:
    print(f"[proof {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _migrations_fingerprint() -> str:
    files = sorted(ROOT.glob("onestory/*/migrations/0*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Database:
    url: str  # postgresql://…/onestory_proof

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def _admin(self):
        import psycopg

        return psycopg.connect(_with_database(self.url, "postgres"), autocommit=True)

    def comment(self) -> str | None:
        with self._admin() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name],
            ).fetchone()
        return None if row is None else (row[0] or "")

    def recreate(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def set_comment(self, text: str) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(self.name), sql.Literal(text)
                )
            )


def _make_role(owner_url: str, role: str, password: str) -> bool:
    """Make `role` a login with no other powers, or give it a new password: as the owner when it
    may create roles, else as the postgres user when the proof runs as root (a DBA's job)."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN "
        "CREATE ROLE {role}; END IF; END $$; "
        "ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
        "PASSWORD {password}"
    ).format(name=sql.Literal(role), role=sql.Identifier(role), password=sql.Literal(password))
    try:
        with psycopg.connect(owner_url, autocommit=True) as conn:
            conn.execute(statement)
        return True
    except psycopg.errors.InsufficientPrivilege:
        pass
    local = urlsplit(owner_url).hostname in {"127.0.0.1", "localhost", "::1"}
    runuser, psql = shutil.which("runuser"), shutil.which("psql")
    if not local or os.geteuid() != 0 or runuser is None or psql is None:
        return False
    port = urlsplit(owner_url).port or 5432
    text = statement.as_string(None)
    done = subprocess.run(  # the password goes through stdin, not the process list
        [runuser, "-u", "postgres", "--", psql, "-q", "-X", "-v", "ON_ERROR_STOP=1",
         "-p", str(port), "-d", "postgres"],
        input=text, text=True, capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        log(f"psql as postgres: {done.stderr.strip()}")
    return done.returncode == 0


@dataclass
class Stack:
    """What the checks are given: where the service is, its database, and how it was set up."""

    database: Database
    scale: float
    quick: bool
    env: dict = field(default_factory=dict)  # the service's environment (settings, secrets)
    base_url: str = ""
    certificate: Path | None = None
    server_log: Path = VAR / "gunicorn.log"
    process: subprocess.Popen | None = None
    command: list[str] = field(default_factory=list)

    # --- Running onestory's commands against the proof database ------------------------------

    def onestory(
        self, *args: str, settings: str = "config.settings.local", owner: bool = False
    ) -> None:
        """Run a management command as the service does, or with `owner` as the tables' owner
        (migrate, synth, grant_service_role: what a council's DBA runs)."""
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": settings}
        if owner:
            env["DATABASE_URL"] = self.database.url
        subprocess.run([str(ROOT / ".venv" / "bin" / "onestory"), *args], env=env, check=True)

    def prepare_database(self, *, fresh: bool = False) -> None:
        scale = f"{self.scale:g}"
        wanted = (
            f"onestory proof scale={scale} seed={SEED} migrations={_migrations_fingerprint()}"
        )
        # What the checks planted is remembered under this checkout's var/proof (ids of planted
        # records, uploaded files), so the town is reused only by the checkout that made it and
        # still holds that memory: a token kept there must match the one in the comment. Another
        # checkout, or a fresh clone at the same path, makes its own town.
        token_file = VAR / f"town-{self.database.name}.token"
        token = token_file.read_text().strip() if token_file.exists() else None
        if not fresh and token and self.database.comment() == f"{wanted} town={token}":
            log(f"database {self.database.name} holds the synthetic authority at scale {scale}")
        else:
            log(f"making database {self.database.name} at scale {scale} (this takes a while)")
            token_file.unlink(missing_ok=True)
            self.database.recreate()
            self.onestory("migrate", "--noinput", "-v", "0", owner=True)
            self.onestory("synth", "--scale", scale, "--seed", str(SEED), owner=True)
            self.onestory("demo_users", owner=True)
            token = secrets.token_hex(8)
            self.database.set_comment(f"{wanted} town={token}")
            VAR.mkdir(parents=True, exist_ok=True)
            token_file.write_text(token)
        self.use_service_role()

    def use_service_role(self) -> None:
        """The service connects as a role of its own, not the tables' owner (as a council runs
        it: docs/adr/0019-service-database-role.md): the role is made (or given a new password),
        `onestory grant_service_role` is run as the owner, and the service's DATABASE_URL names
        the role. Without a way to make roles (CREATEROLE, or root to ask the postgres user) the
        service stays on the owner's login, and the audit-tampering figures show it."""
        role = f"{self.database.name}_service"[:63]
        password = secrets.token_urlsafe(24)
        if not _make_role(self.database.url, role, password):
            log(f"cannot make the role {role}: the service connects as the tables' owner")
            return
        self.onestory("grant_service_role", role, owner=True)
        parts = urlsplit(self.database.url)
        netloc = f"{role}:{password}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        self.env["DATABASE_URL"] = urlunsplit(parts._replace(netloc=netloc))
        log(f"the service connects as {role}, which does not own the tables")

    @property
    def service_url(self) -> str:
        """The database URL the service connects with (its own role, or the owner's)."""
        return self.env.get("DATABASE_URL", self.database.url)

    def sql(self, query: str, params: list | tuple = ()) -> list[tuple]:
        """Rows from the proof database, read directly (to choose records for the checks)."""
        import psycopg

        with psycopg.connect(self.database.url) as conn:
            return conn.execute(query, params).fetchall()

    def django(self) -> None:
        """Set Django up in this process against the proof database (for checks that use the
        models: planting markers, reading the audit trail). Call once, before importing models."""
        import django

        os.environ.update({**self.env, "DJANGO_SETTINGS_MODULE": "config.settings.local"})
        django.setup()

    # --- The server -----------------------------------------------------------------------------

    def _certificate(self) -> tuple[Path, Path]:
        """A self-signed certificate for 127.0.0.1, made once: the proof's own, not a real one."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        cert_path, key_path = VAR / "tls" / "cert.pem", VAR / "tls" / "key.pem"
        if cert_path.exists() and key_path.exists():
            return cert_path, key_path
        cert_path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert_path, key_path

    def start_server(self, *, workers: int | None = None, threads: int = 4) -> None:
        """gunicorn with the production settings, TLS on 127.0.0.1 (no proxy in front), set as
        the README's deployment notes recommend for a council's server:

        - workers: 2 x cores + 1 processes of 4 threads. A page is mostly Python (the ORM,
          templates), which one process runs on one core at a time; a process per core and one
          spare keeps both cores busy while others wait on PostgreSQL, and few threads per
          process keep a slow page from queueing many others behind the same lock.
        - keep-alive 75 s: longer than a practitioner's pause between pages, so their browser
          reuses its connection. With gunicorn's default (2 s) the server closes idle
          connections all the time, and under load a request sent as the server closes its
          connection is lost ("remote end closed connection without response").
        - backlog 2048: connections arriving in a burst wait to be accepted, not refused;
          graceful timeout 5 s for the proof's restarts (the worker timeout stays 30 s).
        """
        workers = workers or 2 * (os.cpu_count() or 1) + 1
        cert, key = self._certificate()
        self.certificate = cert
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base_url = f"https://127.0.0.1:{port}"
        self.server_log.parent.mkdir(parents=True, exist_ok=True)
        self.onestory(
            "collectstatic", "--noinput", "-v", "0", settings="config.settings.production"
        )
        self.command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--certfile", str(cert),
            "--keyfile", str(key),
            "--worker-class", "gthread",
            "--workers", str(workers),
            "--threads", str(threads),
            "--keep-alive", "75",
            "--backlog", "2048",
            "--access-logfile", str(self.server_log),
            # gunicorn's usual line, and how long the request took (ms) to read a slow spell by.
            "--access-logformat", '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms',
            "--error-logfile", str(self.server_log),
            "--graceful-timeout", "5",
        ]  # fmt: skip
        self._launch()

    def _launch(self) -> None:
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
        self.process = subprocess.Popen(
            self.command, env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL
        )
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 60) -> float:
        """Seconds until the sign-in page answers."""
        import requests

        started = time.monotonic()
        while time.monotonic() - started < timeout:
            with contextlib.suppress(requests.RequestException):
                if requests.get(
                    f"{self.base_url}/sign-in/", verify=str(self.certificate), timeout=2
                ).ok:
                    return time.monotonic() - started
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.server_log}")
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:g} s: see {self.server_log}")

    def stop_server(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def restart_server(self) -> None:
        """Start the same server again (after a check killed it)."""
        self.stop_server()
        self._launch()

    # --- Signed-in clients ----------------------------------------------------------------------

    def anonymous(self):
        """A requests session that trusts the proof's certificate, and nothing from the
        environment (a CA bundle or proxy set for the machine would override it)."""
        import requests

        client = requests.Session()
        client.trust_env = False
        client.verify = str(self.certificate)
        return client

    def password_sign_in(self, username: str, password: str = DEMO_PASSWORD, *, timeout=30):
        """(client, answer): a fresh session after sending the sign-in form, wherever the service
        then sends it (home, the second-factor page, or back to sign in)."""
        client = self.anonymous()
        client.headers["Referer"] = f"{self.base_url}/"
        client.get(f"{self.base_url}/sign-in/", timeout=timeout)
        answer = client.post(
            f"{self.base_url}/sign-in/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
            },
            timeout=timeout,
        )
        return client, answer

    def session(self, username: str, password: str = DEMO_PASSWORD):
        """A requests session signed in as a worker, past their second factor, with the CSRF
        token at hand."""
        client, answer = self.password_sign_in(username, password)
        if "/sign-in/second-factor/" in answer.url:
            answer = client.post(
                f"{self.base_url}/sign-in/second-factor/",
                data={
                    "token": self.backup_code(username),
                    "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
                },
                timeout=30,
            )
        if "/sign-in/" in answer.url:
            raise RuntimeError(f"could not sign in as {username}: {answer.status_code}")
        return client

    def backup_code(self, username: str) -> str:
        """A new backup code for the worker, usable once (as an administrator would issue one:
        the proof opens many sessions at once, and an authenticator's code is used once per
        30 seconds). A worker without an authenticator app is given one first, as if they had
        set it up."""
        import psycopg

        code = secrets.token_hex(4)
        with _SECOND_FACTOR_LOCK, psycopg.connect(self.database.url) as conn:
            (user_id,) = conn.execute(
                "SELECT id FROM workforce_worker WHERE username = %s", [username]
            ).fetchone()
            if not conn.execute(
                "SELECT 1 FROM otp_totp_totpdevice WHERE user_id = %s AND confirmed", [user_id]
            ).fetchone():
                conn.execute(
                    "INSERT INTO otp_totp_totpdevice (name, confirmed, key, step, t0, digits, "
                    "tolerance, drift, last_t, user_id, throttling_failure_count) "
                    "VALUES ('Proof', true, %s, 30, 0, 6, 1, 0, -1, %s, 0)",
                    [secrets.token_hex(20), user_id],
                )
            device = conn.execute(
                "SELECT id FROM otp_static_staticdevice WHERE user_id = %s AND confirmed "
                "ORDER BY id LIMIT 1",
                [user_id],
            ).fetchone()
            if device is None:
                device = conn.execute(
                    "INSERT INTO otp_static_staticdevice (name, confirmed, user_id, "
                    "throttling_failure_count) VALUES ('Backup codes', true, %s, 0) RETURNING id",
                    [user_id],
                ).fetchone()
            conn.execute(
                "INSERT INTO otp_static_statictoken (token, device_id) VALUES (%s, %s)",
                [code, device[0]],
            )
        return code


# One worker's second-factor devices are made once, however many sessions open at once.
_SECOND_FACTOR_LOCK = threading.Lock()


def environment(database_url: str) -> dict:
    """The service's environment: the proof database, production secrets made for the run."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # No proxy in front: the worker's address is the connection's.
        "ONESTORY_PROXY_COUNT": "0",
        "ONESTORY_VAR_DIR": str(VAR / "var"),
    }


def default_database_url(quick: bool) -> str:
    base = os.environ.get("DATABASE_URL", "postgresql://app:app@127.0.0.1:5432/onestory")
    if not base.startswith("postgres"):
        base = "postgresql://app:app@127.0.0.1:5432/onestory"
    return _with_database(base, "onestory_proof_quick" if quick else "onestory_proof")
