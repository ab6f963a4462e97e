"""Item 13: every look at a child's record is in the audit trail; nothing is served when the
trail cannot be written; the trail cannot be changed by the application's database role; the
daily report names a worker browsing records outside their caseload, and few others."""

from __future__ import annotations

import random
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import psycopg

from proof.checks.signin import _django, child_of, urls_with_ids
from proof.figures import Figure, at_most, check, zero
from proof.stack import Stack

SNOOPED = 145  # records the simulated snooper opens in a day (the figure)


def _child_routes(stack: Stack):
    person = child_of(stack)
    routes = [r for r in urls_with_ids(stack, person) if r.person_id]
    return person, routes


@check("13", "Audit of every look, audit failures and the daily report", quick=True)
def audit_trail(stack: Stack) -> list[Figure]:
    person, routes = _child_routes(stack)
    client = stack.session("socialworker")
    worker = stack.sql("SELECT id FROM workforce_worker WHERE username = 'socialworker'")[0][0]

    # (a) Each page or API answer about the child, as their social worker: an audit row naming
    # the child must appear. An answer that does not name the child (a form to break the glass,
    # the same for every record) holds none of their data and is left out.
    names = _names_of(stack, person)
    unaudited, served, nameless = [], 0, 0
    for route in routes:
        last = stack.sql("SELECT coalesce(max(id), 0) FROM access_auditevent")[0][0]
        answer = client.get(stack.base_url + route.path, allow_redirects=False, timeout=300)
        if answer.status_code != 200:
            continue
        if not any(n in answer.text for n in names):
            nameless += 1
            continue
        served += 1
        rows = stack.sql(
            "SELECT count(*) FROM access_auditevent WHERE id > %s AND actor_id = %s "
            "AND person_id = %s",
            [last, worker, person],
        )[0][0]
        if rows == 0:
            unaudited.append(route.path)
    figures = [
        zero(
            "13",
            "pages and API answers about a child with no audit row",
            unaudited,
            note=(f"e.g. {unaudited[0]}; " if unaudited else "")
            + f"{served} answers naming the child ({nameless} not naming them) of {len(routes)} "
            "patterns with the child's ids",
        ),
    ]

    # (b) The same requests in-process while every audit insert fails: none may be answered.
    figures.append(_served_without_audit(stack, routes, names))

    # (c) The daily report on a simulated day.
    figures.extend(_daily_report(stack))
    return figures


def _names_of(stack: Stack, person: str) -> list[str]:
    given, family = stack.sql(
        "SELECT given_name, family_name FROM people_person WHERE id = %s", [person]
    )[0]
    return [n for n in (given, family) if n and len(n) > 2]


def _served_without_audit(stack: Stack, routes, names) -> Figure:
    _django(stack)
    from django.db import DatabaseError
    from django.db.models.query import QuerySet
    from django.test import Client

    from onestory.access.models import AuditEvent
    from onestory.workforce.models import Worker

    original_bulk = QuerySet.bulk_create

    def refuse_save(self, *args, **kwargs):
        raise DatabaseError("proof: the audit trail cannot be written")

    def refuse_bulk(self, objs, *args, **kwargs):
        if self.model is AuditEvent:
            raise DatabaseError("proof: the audit trail cannot be written")
        return original_bulk(self, objs, *args, **kwargs)

    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    client.force_login(Worker.objects.get(username="socialworker"))
    served, tried = [], 0
    with (
        mock.patch.object(AuditEvent, "save", refuse_save),
        mock.patch.object(QuerySet, "bulk_create", refuse_bulk),
    ):
        for route in routes:
            answer = client.get(route.path, secure=True)
            tried += 1
            body = answer.content.decode(errors="replace")
            if 200 <= answer.status_code < 300 and any(n in body for n in names):
                served.append(route.path)
    return zero(
        "13",
        "answers served while the audit trail cannot be written",
        served,
        note=(f"e.g. {served[0]}; " if served else "")
        + f"{tried} requests, every audit insert failing",
    )


TAMPERING = {
    "UPDATE": "UPDATE access_auditevent SET reason = 'covering my tracks' "
    "WHERE id = (SELECT max(id) FROM access_auditevent)",
    "DELETE": "DELETE FROM access_auditevent WHERE id = (SELECT max(id) FROM access_auditevent)",
    "TRUNCATE": "TRUNCATE access_auditevent",
}


@check(
    "13",
    "Tampering with the audit trail through the application's database role",
    quick=True,
    needs_server=False,
)
def tampering(stack: Stack) -> list[Figure]:
    """As the role the service connects as (not the tables' owner: `onestory
    grant_service_role`, docs/adr/0019-service-database-role.md)."""
    return [_tampering(stack)]


def _tampering(stack: Stack) -> Figure:
    """Each attempt in a transaction rolled back whatever happens: nothing is lost if one works."""
    accepted = []
    url = stack.env.get("DATABASE_URL", stack.database.url)  # the service's own login
    role = urlsplit(url).username
    for name, statement in TAMPERING.items():
        with psycopg.connect(url) as conn:
            try:
                with conn.transaction(force_rollback=True):
                    cursor = conn.execute(statement)
                    if name == "TRUNCATE" or cursor.rowcount:
                        accepted.append(name)
            except psycopg.Error:
                pass
    return zero(
        "13",
        "changes to audit rows accepted (app's DB role)",
        accepted,
        note=(f"role {role}: " + ", ".join(accepted) + " accepted (rolled back)")
        if accepted
        else f"role {role}: UPDATE, DELETE and TRUNCATE refused",
    )


def _daily_report(stack: Stack) -> list[Figure]:
    """Today, in a transaction rolled back afterwards: every case worker of the town opens
    their own caseload (up to 20 records) and a few of their team's other cases (up to 5, as on
    duty), managers their teams' cases (up to 40), and one simulated snooper opens 145 records
    that are not theirs; the report must name the snooper and few others."""
    _django(stack)
    from django.db import transaction

    from onestory.access.audit_report import unusual_access_on
    from onestory.access.models import Allocation, AuditEvent
    from onestory.core.clock import LONDON, now
    from onestory.people.models import Person
    from onestory.workforce.models import Team, Worker
    from onestory.workforce.rules import CASE_ROLES

    class Rollback(Exception):
        pass

    moment = now()
    day = moment.astimezone(LONDON).date()
    rng = random.Random(2014)
    result = {}
    try:
        with transaction.atomic():
            active = Allocation.objects.filter(ends_at__isnull=True)
            own, team_cases = {}, {}
            for worker_id, team_id, person_id in active.values_list(
                "worker_id", "team_id", "person_id"
            ):
                own.setdefault(worker_id, []).append(person_id)
                team_cases.setdefault(team_id, []).append(person_id)
            workers = list(
                Worker.objects.filter(is_active=True, role__in=[r.value for r in CASE_ROLES])
                .exclude(username__startswith="proof-")
                .values_list("pk", "team_id", "role")
            )
            managed = {}
            for team_id, manager_id in Team.objects.filter(manager__isnull=False).values_list(
                "pk", "manager_id"
            ):
                managed.setdefault(manager_id, []).extend(team_cases.get(team_id, []))
            events = []
            for pk, team_id, role in workers:
                mine = own.get(pk, [])
                day_of = rng.sample(mine, min(20, len(mine)))
                others = [p for p in team_cases.get(team_id, []) if p not in set(mine)]
                day_of += rng.sample(others, min(rng.randint(0, 5), len(others)))
                if role == "manager":
                    teams = managed.get(pk, [])
                    day_of += rng.sample(teams, min(40, len(teams)))
                events += [
                    AuditEvent(
                        at=moment - timedelta(minutes=rng.randint(0, 300)),
                        actor_id=pk,
                        action="view",
                        person_id=p,
                        detail={"page": "record"},
                    )
                    for p in day_of
                ]
            model = Worker.objects.get(username="socialworker")
            snooper, _ = Worker.objects.get_or_create(
                username="proof-snooper",
                defaults={"role": model.role, "team": model.team, "agency": model.agency},
            )
            theirs = set(own.get(snooper.pk, []))
            strangers = list(
                Person.objects.exclude(pk__in=theirs).values_list("pk", flat=True)[: SNOOPED * 4]
            )
            events += [
                AuditEvent(
                    at=moment, actor=snooper, action="view", person_id=p, detail={"page": "record"}
                )
                for p in rng.sample(strangers, min(SNOOPED, len(strangers)))
            ]
            AuditEvent.objects.bulk_create(events, batch_size=2000)
            flagged = unusual_access_on(day)
            result = {
                "normal": len(workers),
                "events": len(events),
                "caught": sum(1 for f in flagged if f.worker.pk == snooper.pk),
                "false": [f.worker.username for f in flagged if f.worker.pk != snooper.pk],
            }
            raise Rollback
    except Rollback:
        pass
    false_alarms = len(result["false"])
    return [
        Figure(
            "13",
            "simulated snooper (145 records in a day) named by the report",
            f"{result['caught']}/1",
            goal="1/1",
            ok=result["caught"] == 1,
            note=f"onestory audit_report, {result['events']:,} looks simulated today",
        ),
        at_most(
            "13",
            "false alarms among the town's normal case workers",
            false_alarms,
            max(1, result["normal"] // 100),
            note=f"of {result['normal']} workers"
            + (f"; e.g. {result['false'][0]}" if result["false"] else ""),
        ),
    ]
