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
from proof.stack import DEMO_PASSWORD, Stack, log

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
    ranked = (
        [m for m in models if m._meta.app_label == app_label and m.__name__.lower() == stem]
        + [m for m in models if m.__name__.lower() == stem]
        + [m for m in models if m._meta.app_label == app_label and m.__name__.lower().endswith(stem)]
        + [m for m in models if m.__name__.lower().endswith(stem)]
    )  # fmt: skip
    return ranked[0] if ranked else None


def _row_of(model, person_id: str):
    """The id of a row of this model belonging to the child (directly or one step away)."""
    from onestory.people.models import Person

    if model is Person:
        return person_id
    fields = [f for f in model._meta.get_fields() if getattr(f, "many_to_one", False)
              or getattr(f, "many_to_many", False)]  # fmt: skip
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
            Route(pattern, "/" + path, name, person_id if belongs else None,
                  tuple(p for _, p in params))  # fmt: skip
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
                answer = forger.request(method, stack.base_url + route.path, data=data,
                                        headers=headers, allow_redirects=False, timeout=120)  # fmt: skip
                sent += 1
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                if answer.status_code < 400:
                    accepted.append(f"{method} {route.path} {'wrong' if token else 'no'} token: "
                                    f"{answer.status_code}")  # fmt: skip
    # The forger is still signed in (a forged sign-out accepted would have ended the session).
    still_in = forger.get(stack.base_url + "/", allow_redirects=False, timeout=60).status_code
    shown = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
    figures = [
        zero("11", "forged POST/PUT/PATCH/DELETE accepted (no or wrong CSRF token)", accepted,
             note=(accepted[0] if accepted else f"{sent:,} requests on {len(routes)} patterns: "
                   f"{shown}; still signed in: {still_in == 200}")),  # fmt: skip
    ]

    # Reading: GET every pattern as each worker; no table but the audit trail may change.
    time.sleep(STATISTICS_DELAY)
    before = _table_counts(stack)
    got = {}
    for worker, client in clients.items():
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
        zero("11", "tables changed by GET requests (audit, sessions, axes aside)", changed,
             note=(changed[0] if changed else f"{sum(got.values()):,} GETs as "
                   f"{' and '.join(workers)} on {len(before)} tables: {shown}"))  # fmt: skip
    )
    return figures
