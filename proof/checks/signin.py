"""Items 11 and 12: forged state-changing requests, writes caused by reading, and signing in
(second factor, single-use codes, lockout, the same answer for known and unknown usernames,
idle and absolute session expiry).

Every URL pattern is requested with realistic ids: the record of a child allocated to the demo
social worker, and for each other id in the pattern a row of the matching model that belongs
to that child where there is one (urls_with_ids, shared with the audit checks of item 13).
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from dataclasses import dataclass

from requests.adapters import HTTPAdapter

from proof.figures import Figure, at_most, check, zero
from proof.stack import DEMO_PASSWORD, DEMO_SIGN_INS, Stack

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# Tables whose rows a GET may change: the audit trail (every look is recorded), the session
# (renewed on every request) and django-axes' record of sign-ins.
MAY_CHANGE_ON_READ = re.compile(r"^(access_auditevent|django_session|axes_.*)$")


@dataclass
class Route:
    pattern: str  # "people/<uuid:person_id>/"
    path: str  # "/people/0b6…/"
    name: str  # "people:person"
    person_id: str | None  # the child the ids belong to, when they do
    params: tuple[str, ...]


def _walk(patterns, prefix="", namespace=""):
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            space = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), space)
        else:
            yield prefix + str(p.pattern), f"{namespace}{p.name or ''}", p.callback


def _django(stack: Stack) -> None:
    from django.apps import apps

    if not apps.ready:
        stack.django()


def child_of(stack: Stack, username: str = "socialworker") -> str:
    """A child allocated to this worker now, not restricted: the record the ids are taken from."""
    rows = stack.sql(
        "SELECT a.person_id FROM access_allocation a JOIN workforce_worker w ON w.id = a.worker_id "
        "WHERE w.username = %s AND a.ends_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
        "access_recordrestriction r WHERE r.person_id = a.person_id) ORDER BY a.starts_at LIMIT 1",
        [username],
    )
    if not rows:
        raise RuntimeError(f"{username} has no allocated child in the proof database")
    return str(rows[0][0])


def _model_for(param: str, app_label: str):
    from django.apps import apps

    from onestory.people.models import Person

    if param in ("person_id", "named_id"):
        return Person
    stem = (param[:-3] if param.endswith("_id") else param).replace("_", "")
    models = [m for m in apps.get_models() if m._meta.app_label.startswith(("onestory", ""))]
    same_app = [m for m in models if m._meta.app_label == app_label]
    ranked = (
        [m for m in same_app if m.__name__.lower() == stem]
        + [m for m in models if m.__name__.lower() == stem]
        + [m for m in same_app if m.__name__.lower().endswith(stem)]
        + [m for m in models if m.__name__.lower().endswith(stem)]
    )
    return ranked[0] if ranked else None


def _row_of(model, person_id: str):
    """The id of a row of this model belonging to the child (directly or one step away)."""
    from onestory.people.models import Person

    if model is Person:
        return person_id
    fields = [
        f
        for f in model._meta.get_fields()
        if getattr(f, "many_to_one", False) or getattr(f, "many_to_many", False)
    ]
    for f in fields:
        if f.related_model is Person:
            row = model.objects.filter(**{f.name: person_id}).values_list("pk", flat=True).first()
            if row is not None:
                return row
    for f in fields:
        if f.related_model is None:
            continue
        for g in f.related_model._meta.get_fields():
            if getattr(g, "many_to_one", False) and g.related_model is Person:
                row = (
                    model.objects.filter(**{f"{f.name}__{g.name}": person_id})
                    .values_list("pk", flat=True)
                    .first()
                )
                if row is not None:
                    return row
    return model.objects.values_list("pk", flat=True).first()


def urls_with_ids(stack: Stack, person_id: str) -> list[Route]:
    """Every URL pattern, each id filled with a row belonging to the child where one exists."""
    _django(stack)
    from django.urls import get_resolver

    from onestory.workforce.models import Worker

    worker = Worker.objects.filter(username="socialworker").values_list("pk", flat=True).first()
    routes = []
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        app_label = (callback.__module__.split(".") + ["", ""])[1]
        params = re.findall(r"<(?:(\w+):)?(\w+)>", pattern)
        path, belongs = pattern, bool(params)
        for converter, param in params:
            if param == "worker_id":
                value = worker
            elif converter == "int":
                value = 1
            elif param == "source":
                value = "cin"
            elif converter in ("str", "slug"):
                value = "x"
            else:
                model = _model_for(param, app_label)
                value = _row_of(model, person_id) if model is not None else None
                if value is None:
                    value, belongs = uuid.uuid4(), False
            path = path.replace(f"<{converter + ':' if converter else ''}{param}>", str(value))
        if "(?" in path or "^" in path:  # a regular-expression pattern: not requested
            continue
        routes.append(
            Route(
                pattern,
                "/" + path,
                name,
                person_id if belongs else None,
                tuple(p for _, p in params),
            )
        )
    return routes


# --- Item 11 ------------------------------------------------------------------------------------


def _table_counts(stack: Stack) -> dict[str, tuple[int, int]]:
    """Each table's rows and its count of rows ever inserted, updated or deleted."""
    tables = stack.sql(
        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
        "WHERE schemaname = 'public'"
    )
    counts = {}
    for name, changes in tables:
        if MAY_CHANGE_ON_READ.match(name):
            continue
        rows = stack.sql(f'SELECT count(*) FROM "{name}"')[0][0]  # noqa: S608 - catalogue names
        counts[name] = (rows, changes)
    return counts


# PostgreSQL's backends report their counts of changed rows when idle, at most 10 s late.
STATISTICS_DELAY = 11


@check("11", "Forged state-changing requests and writes caused by reading", quick=True)
def csrf_and_safe_methods(stack: Stack) -> list[Figure]:
    person = child_of(stack)
    routes = urls_with_ids(stack, person)
    workers = ["socialworker", "manager"]
    clients = {w: stack.session(w) for w in workers}

    # Forged: every pattern, every state-changing method, without a token and with a wrong one.
    # The Referer is the service's own, so what is tested is the token itself.
    accepted, statuses, sent = [], {}, 0
    forger = clients["socialworker"]
    wrong = "x" * 64
    for route in routes:
        for method in STATE_CHANGING:
            # The token is checked the same way whatever the method: a wrong one on POST.
            for token in (None, wrong) if method == "POST" else (None,):
                headers = {"X-CSRFToken": token} if token else {}
                data = {"csrfmiddlewaretoken": token} if token else {}
                answer = forger.request(
                    method,
                    stack.base_url + route.path,
                    data=data,
                    headers=headers,
                    allow_redirects=False,
                    timeout=120,
                )
                sent += 1
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                if answer.status_code < 400:
                    accepted.append(
                        f"{method} {route.path} {'wrong' if token else 'no'} token: "
                        f"{answer.status_code}"
                    )
    # The forger is still signed in (a forged sign-out accepted would have ended the session).
    still_in = forger.get(stack.base_url + "/", allow_redirects=False, timeout=60).status_code
    shown = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
    figures = [
        zero(
            "11",
            "forged POST/PUT/PATCH/DELETE accepted (no or wrong CSRF token)",
            accepted,
            note=(
                accepted[0]
                if accepted
                else f"{sent:,} requests on {len(routes)} patterns: "
                f"{shown}; still signed in: {still_in == 200}"
            ),
        ),
    ]

    # Reading: GET every pattern as each worker; no table but the audit trail may change.
    time.sleep(STATISTICS_DELAY)
    before = _table_counts(stack)
    got = {}
    for client in clients.values():
        for route in routes:
            answer = client.get(stack.base_url + route.path, allow_redirects=False, timeout=300)
            got[answer.status_code] = got.get(answer.status_code, 0) + 1
    time.sleep(STATISTICS_DELAY)
    after = _table_counts(stack)
    changed = []
    for name, (rows, changes) in sorted(after.items()):
        was_rows, was_changes = before.get(name, (0, 0))
        if (rows, changes) != (was_rows, was_changes):
            changed.append(f"{name}: {was_rows}→{rows} rows, {changes - was_changes} row changes")
    shown = ", ".join(f"{s}×{n}" for s, n in sorted(got.items()))
    figures.append(
        zero(
            "11",
            "tables changed by GET requests (audit, sessions, axes aside)",
            changed,
            note=(
                changed[0]
                if changed
                else f"{sum(got.values()):,} GETs as "
                f"{' and '.join(workers)} on {len(before)} tables: {shown}"
            ),
        )
    )
    return figures


# --- Item 12 ------------------------------------------------------------------------------------

WRONG = "not-the-password-1"
GUESSES = 12  # more than any sensible lockout allows


class _FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.0.0.0/8 is all ours), so that each guess can
    come from its own address (per-account lockout) or all from one (per-address lockout)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _from(stack: Stack, address: str):
    client = stack.anonymous()
    client.mount("https://", _FromAddress(address))
    client.headers["Referer"] = f"{stack.base_url}/"
    client.get(f"{stack.base_url}/sign-in/", timeout=30)
    return client


def _try(client, stack: Stack, username: str, password: str):
    began = time.perf_counter()
    answer = client.post(
        f"{stack.base_url}/sign-in/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=60,
    )
    return answer, time.perf_counter() - began


def _proof_worker(username: str, *, device: bool = False):
    """A worker of the proof's own, like the demo social worker (never a demo sign-in, which
    other checks use), with a confirmed authenticator when asked."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onestory.workforce.models import Worker

    model = Worker.objects.get(username="socialworker")
    worker, _ = Worker.objects.get_or_create(
        username=username,
        defaults={"role": model.role, "team": model.team, "agency": model.agency},
    )
    worker.set_password(DEMO_PASSWORD)
    worker.is_active = True
    worker.save()
    if device:
        TOTPDevice.objects.filter(user=worker).delete()
        return worker, TOTPDevice.objects.create(user=worker, name="Proof", confirmed=True)
    return worker, None


def _second_factor_by_role(stack: Stack) -> list[str]:
    """Roles whose demo sign-in reaches a page with a password alone (every role sees children's
    records or the trails about them: onestory.workforce.rules.MUST_USE_SECOND_FACTOR)."""
    from onestory.workforce.rules import Role

    demo = dict(
        stack.sql(
            "SELECT role, username FROM workforce_worker WHERE username = ANY(%s)",
            [list(DEMO_SIGN_INS)],
        )
    )
    without = []
    for role in sorted(Role):
        username = demo.get(role.value)
        if username is None:
            without.append(f"{role.value} (no demo sign-in to try)")
            continue
        client = _from(stack, "127.0.0.3")
        answer, _ = _try(client, stack, username, DEMO_PASSWORD)
        home = client.get(f"{stack.base_url}/", allow_redirects=False, timeout=60)
        if answer.status_code == 302 and home.status_code == 200:
            without.append(role.value)
    return without


@check("12", "Second factor for every role that sees case data", quick=True)
def second_factor_for_case_roles(stack: Stack) -> list[Figure]:
    _django(stack)
    from onestory.workforce.rules import Role
    without = _second_factor_by_role(stack)
    stack.onestory("axes_reset")
    return [
        zero(
            "12",
            "roles that see case data signed in without a second factor",
            without,
            note=("password alone: " + ", ".join(without))
            if without
            else f"each of the {len(Role)} roles' demo sign-in is sent to its second factor",
        ),
    ]


@check("12", "One-time codes, lockout, username enumeration, session expiry", quick=True)
def signing_in(stack: Stack) -> list[Figure]:
    _django(stack)
    from django_otp.oath import totp

    figures = []
    stack.onestory("axes_reset")

    # A one-time code used twice: signed in with it, signed out, signed in again with it.
    _, device = _proof_worker("proof-totp", device=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    reused = []
    for attempt in range(2):
        client = _from(stack, "127.0.0.4")
        answer, _ = _try(client, stack, "proof-totp", DEMO_PASSWORD)
        target = answer.headers.get("Location", "")
        entered = client.post(
            f"{stack.base_url}/sign-in/second-factor/",
            data={"token": code, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
            allow_redirects=False,
            timeout=60,
        )
        home = client.get(f"{stack.base_url}/", allow_redirects=False, timeout=60)
        if attempt == 0 and (
            "second-factor" not in target or entered.status_code != 302 or home.status_code != 200
        ):
            raise RuntimeError(f"the first use of a code was refused: {entered.status_code}")
        if attempt == 1 and home.status_code == 200:
            reused.append(code)
        client.post(
            f"{stack.base_url}/sign-out/",
            allow_redirects=False,
            timeout=60,
            data={"csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
        )
    figures.append(
        zero(
            "12",
            "one-time codes accepted a second time",
            reused,
            note="the same TOTP code, in a second sign-in within its 30 s",
        )
    )

    # Per account: each wrong password from its own address, until the account is locked.
    _proof_worker("proof-lockout")
    answered, locked_at = 0, None
    for n in range(GUESSES):
        answer, _ = _try(_from(stack, f"127.0.1.{n + 1}"), stack, "proof-lockout", WRONG)
        if answer.status_code == 429:
            locked_at = n
            break
        answered += 1
    right, _ = _try(_from(stack, "127.0.1.200"), stack, "proof-lockout", DEMO_PASSWORD)
    let_in = [] if right.status_code == 429 else ["the right password while locked"]
    figures.append(
        at_most(
            "12",
            "wrong passwords answered before an account locks",
            answered,
            5,
            note=(
                f"locked at guess {locked_at + 1}, each from its own address; "
                if locked_at is not None
                else f"never locked in {GUESSES}; "
            )
            + ("right password then refused" if not let_in else "right password then LET IN"),
        )
    )
    figures.append(zero("12", "sign-ins let through a locked account", let_in))

    # Per address: a different username each time, all from one address.
    stack.onestory("axes_reset")
    one = _from(stack, "127.0.2.1")
    answered, locked_at = 0, None
    for n in range(GUESSES):
        answer, _ = _try(one, stack, f"proof-nobody-{n}-{uuid.uuid4().hex[:6]}", WRONG)
        if answer.status_code == 429:
            locked_at = n
            break
        answered += 1
    figures.append(
        at_most(
            "12",
            "wrong passwords answered before an address locks",
            answered,
            5,
            note=f"locked at guess {locked_at + 1}, a new username each time"
            if locked_at is not None
            else f"never locked in {GUESSES}",
        )
    )
    stack.onestory("axes_reset")

    # Known and unknown usernames: the same status, the same page, the same time.
    known = [
        r[0]
        for r in stack.sql(
            "SELECT username FROM workforce_worker "
            "WHERE is_active AND username NOT LIKE 'proof-%%' "
            "ORDER BY id LIMIT 20"
        )
    ]
    timings = {"known": [], "unknown": []}
    shapes = {"known": set(), "unknown": set()}
    for n, username in enumerate(known):
        for kind, name in (("known", username), ("unknown", f"{username}x{n}q")):
            client = _from(stack, f"127.0.3.{len(timings['known']) * 2 + len(timings['unknown'])}")
            answer, took = _try(client, stack, name, WRONG)
            timings[kind].append(took)
            body = answer.text.replace(name, "").replace(client.cookies.get("csrftoken", ""), "")
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
            shapes[kind].add((answer.status_code, len(body) // 16))
    stack.onestory("axes_reset")
    differ = sorted(shapes["known"] ^ shapes["unknown"])
    p50 = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    gap = abs(p50["known"] - p50["unknown"])
    figures.append(
        zero(
            "12",
            "answers telling a known username from an unknown one",
            differ,
            note=f"{len(known)} of each; status and page length"
            + (f": {differ[:2]}" if differ else " alike"),
        )
    )
    # A password check takes a few hundred milliseconds, and a busy machine moves medians by
    # tens: the gap that tells usernames apart is the hash skipped for one kind (most of that
    # time), so the line is a quarter of the quicker median, and never under 50 ms.
    limit = max(50, round(min(p50.values()) / 4))
    figures.append(
        at_most(
            "12",
            "p50 time, known vs unknown username (difference)",
            round(gap),
            limit,
            " ms",
            note=f"known {p50['known']:.0f} ms, unknown {p50['unknown']:.0f} ms",
        )
    )

    figures.append(zero("12", "sessions that end at the wrong time", _expiry_violations(stack)))
    return figures


def _expiry_violations(stack: Stack) -> list[str]:
    """Age a signed-in session in the database and see whether the service still serves it:
    idle 31 minutes (ended) and 29 (kept), signed in 10 h 1 min ago (ended) and 9 h 59 (kept)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    found = []
    cases = [
        ("idle", 31, False),
        ("idle", 29, True),
        ("absolute", 601, False),
        ("absolute", 599, True),
    ]
    for kind, minutes, kept in cases:
        client = stack.session("socialworker")
        key = client.cookies.get("sessionid")
        if kind == "idle":
            stack.sql(
                "UPDATE django_session SET expire_date = now() + make_interval(mins => %s) "
                "WHERE session_key = %s RETURNING session_key",
                [30 - minutes, key],
            )
        else:
            session = store(session_key=key)
            session["onestory_signed_in_at"] = time.time() - minutes * 60
            session.save()
        served = client.get(f"{stack.base_url}/", allow_redirects=False, timeout=60)
        if (served.status_code == 200) != kept:
            found.append(
                f"{kind} {minutes} min: {'served' if served.status_code == 200 else 'ended'}"
            )
        if kept and kind == "idle":
            expiry = stack.sql(
                "SELECT expire_date - now() FROM django_session WHERE session_key = %s", [key]
            )
            if not expiry or expiry[0][0].total_seconds() > 31 * 60:
                found.append(f"a request set the idle expiry {expiry[0][0] if expiry else 'none'}")
    return found
