"""The front door under load (issue 3): contacts submitted and screened per second, and how fast
the screening queue page opens.

Runs inside `bench.worker` (a process of its own, without the search benchmark's data in memory)
against the synthetic authority that `onestory synth` made, including the front-door history it
generated (contacts, decisions and referrals over the years). The bench makes no history of its
own: the only contacts it creates are the ones it times, and it deletes them again (with
everything they wrote except the audit trail, which PostgreSQL refuses to delete) so that every
run measures the same data.

Throughput: `clients` processes at once (4 by default), each with its own database connection
and none waiting for another: each one, as fast as it can, has a partner agency submit a request
for support naming a child and a parent from the generated population (matching at intake runs
when the submit commits, inside `contact_submit`, as in the product), then a front-door screener
takes the contact, links each person named to the record matching put first, reads the contact
page (each person's front-door history) and decides: early help with an early help team (two in
three) or a statutory referral (primary need N1) to a social work team. The figure is contacts
completed per second of wall time. PostgreSQL only: SQLite lets one writer in at a time, so
concurrent clients would measure its lock, not the product.

Queue page: the front door's queue (`frontdoor:queue`) rendered through Django's test client by
a signed-in screener, first holding the open contacts the generator left, then with
`queue_extra` more open contacts the bench submits (half given to a screener, a third with the
child already linked, one in twenty in immediate danger), as on a busy day.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import re
import statistics
import time
import traceback
from datetime import timedelta

# Marks every contact the bench submits, so that cleaning up finds exactly those (also after a
# run that was stopped half-way). Not a real address: .invalid never resolves.
BENCH_CONTACT = "frontdoor-bench@onestory.invalid"
BENCH_REFERRER = "Onestory bench referrer"
WORRY = (
    "Bench: the child has come to school hungry three days running, and the parent seemed "
    "distressed at pick-up."
)
RATIONALE = {
    "early_help": "Bench: needs are additional but not complex; early help fits what was said.",
    "referral": "Bench: the worry suggests neglect; a child and family assessment is needed.",
}
REFERRER_MESSAGE = "Bench: thank you for your request for support. We will contact the family."
REFERENCE_PATTERN = re.compile(r"FD-[0-9A-Z]{8}")
WARMUP_PER_CLIENT = 2
BARRIER_SECONDS = 300


def log(message: str) -> None:
    from bench.worker import log as worker_log

    worker_log(f"front door: {message}")


def _percentiles(values: list[float]) -> dict:
    from bench.worker import percentile

    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
        "n": len(values),
    }


# --- What the generator loaded ----------------------------------------------------------------


def synthetic_contacts():
    """Contacts that are not the bench's own: the generated front-door history."""
    from onestory.frontdoor.models import Contact

    return Contact.objects.exclude(referrer_contact=BENCH_CONTACT)


def history_loaded() -> dict:
    """How much front-door history the generator made: counts and the years it covers."""
    from django.db.models import Count, Max, Min

    from onestory.frontdoor.models import ContactPerson, Decision, Referral
    from onestory.frontdoor.rules import Status

    contacts = synthetic_contacts()
    span = contacts.aggregate(first=Min("received_at"), last=Max("received_at"), n=Count("id"))
    # The years the history covers, from the contact 0.5% of the way in: a few contacts dated
    # long before the rest (the referral behind a child in care for years) do not stretch it.
    bulk_from = None
    if span["n"]:
        ordered = contacts.order_by("received_at").values_list("received_at", flat=True)
        bulk_from = ordered[span["n"] // 200]
    years = (span["last"] - bulk_from).days / 365.25 if bulk_from else 0.0
    return {
        "contacts": span["n"],
        "first_received": span["first"].date().isoformat() if span["first"] else None,
        "bulk_from": bulk_from.date().isoformat() if bulk_from else None,
        "last_received": span["last"].date().isoformat() if span["last"] else None,
        "years": round(years, 2),
        "open": contacts.filter(status__in=[Status.RECEIVED, Status.SCREENING]).count(),
        "by_status": dict(
            contacts.values_list("status").annotate(n=Count("id")).order_by("status")
        ),
        "people_named": ContactPerson.objects.filter(contact__in=contacts).count(),
        "decisions": Decision.objects.filter(contact__in=contacts).count(),
        "referrals": Referral.objects.filter(contact__in=contacts).count(),
    }


# --- Who and what the bench uses ---------------------------------------------------------------


def workforce() -> dict:
    """Generated front-door screeners, partner referrers and the teams decisions go to."""
    from onestory.workforce.models import Team, Worker
    from onestory.workforce.rules import Role

    screeners = list(
        Worker.objects.filter(
            role=Role.FRONT_DOOR,
            is_active=True,
            team__kind=Team.Kind.FRONT_DOOR,
            username__startswith="syn-",
        ).order_by("username")
    )
    partners = list(
        Worker.objects.filter(
            role=Role.PARTNER, is_active=True, agency__isnull=False, username__startswith="syn-"
        ).order_by("username")
    )
    early_help = list(Team.objects.filter(kind=Team.Kind.EARLY_HELP).order_by("name"))
    social_work = list(Team.objects.filter(kind=Team.Kind.SOCIAL_WORK).order_by("name"))
    missing = [
        what
        for what, found in (
            ("front-door screeners", screeners),
            ("partner practitioners", partners),
            ("early help teams", early_help),
            ("social work teams", social_work),
        )
        if not found
    ]
    if missing:
        raise SystemExit(f"The synthetic workforce has no {', '.join(missing)}.")
    return {
        "screeners": [w.pk for w in screeners],
        "partners": [w.pk for w in partners],
        "early_help_teams": [t.pk for t in early_help],
        "social_work_teams": [t.pk for t in social_work],
    }


def pick_families(count: int, *, seed: int) -> list[dict]:
    """`count` families (a child under 18 and a parent), each person used once, as a referrer
    would describe them: names, date of birth and current postcode.

    Left out: people of the planted duplicates (two records of one person: which one the bench
    should link is then a matter of taste) and people already at the front door (an open
    front-door allocation), whose open contact the bench's decisions would otherwise touch.
    """
    from onestory.access.models import Allocation
    from onestory.core.clock import today_in_london
    from onestory.frontdoor.actions import PURPOSE_FRONT_DOOR
    from onestory.people.models import Address, Person, Relationship
    from onestory.synthetic.models import PlantedDuplicate

    today = today_in_london()
    avoid = set(
        Allocation.objects.filter(purpose=PURPOSE_FRONT_DOOR, ends_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    for original, duplicate in PlantedDuplicate.objects.values_list("original_id", "duplicate_id"):
        avoid.update((original, duplicate))
    pairs = list(
        Relationship.objects.filter(
            kind="parent",
            valid_to__isnull=True,
            to_person__date_of_birth__gt=today - timedelta(days=int(17.9 * 365.25)),
            to_person__date_of_birth__lte=today,
            to_person__date_of_death__isnull=True,
            to_person__merged_into__isnull=True,
            from_person__date_of_death__isnull=True,
            from_person__merged_into__isnull=True,
        )
        .order_by("from_person_id", "to_person_id")
        .values_list("from_person_id", "to_person_id")
    )
    random.Random(f"frontdoor-{seed}").shuffle(pairs)
    chosen = []
    for parent_id, child_id in pairs:
        if parent_id in avoid or child_id in avoid:
            continue
        avoid.update((parent_id, child_id))
        chosen.append((child_id, parent_id))
        if len(chosen) == count:
            break
    ids = [i for pair in chosen for i in pair]
    people = {
        p["id"]: p
        for p in Person.objects.filter(pk__in=ids).values(
            "id", "given_name", "family_name", "date_of_birth"
        )
    }
    postcodes = {}
    for person_id, postcode in (
        Address.objects.filter(person_id__in=ids, valid_to__isnull=True)
        .order_by("valid_from")
        .values_list("person_id", "postcode")
    ):
        postcodes[person_id] = postcode  # the latest current address wins

    def typed(person_id, role: str) -> dict:
        p = people[person_id]
        return {
            "role": role,
            "given_name": p["given_name"],
            "family_name": p["family_name"],
            "date_of_birth": p["date_of_birth"],
            "postcode": postcodes.get(person_id, ""),
            "relationship_to_child": "Parent" if role == "parent" else "",
        }

    return [
        {"people": [typed(child, "child"), typed(parent, "parent")], "records": [child, parent]}
        for child, parent in chosen
    ]


# --- One contact through the front door --------------------------------------------------------


def submit(family: dict, *, partner, immediate_danger: bool = False):
    """A partner's online request for support naming the family. Matching at intake runs when
    the submit commits (transaction.on_commit), inside this call, as in the product."""
    from onestory.core.clock import now
    from onestory.core.idempotency import new_form_token
    from onestory.frontdoor import actions

    return actions.contact_submit(
        form_token=new_form_token(),
        channel="online",
        referrer_name=BENCH_REFERRER,
        referrer_job_title=partner.job_title,
        referrer_contact=BENCH_CONTACT,
        what_happened=WORRY,
        consent="given",
        immediate_danger=immediate_danger,
        people=family["people"],
        acting_user=partner,
        now=now(),
    )


class NotScreened(Exception):
    """The contact could not be taken through screening (the reason says why, no names)."""


def _link_suggested(contact_id, screener, *, roles=("child", "parent")) -> int:
    """Link each person named (of these roles) to the record matching at intake put first.

    Returns how many of them matching put a record first for; a person without any suggestion
    stops the contact."""
    from onestory.core.clock import now
    from onestory.frontdoor import actions
    from onestory.frontdoor.models import ContactPerson

    named = list(
        ContactPerson.objects.filter(contact_id=contact_id, role__in=roles).order_by("position")
    )
    for person in named:
        if not person.suggestions:
            raise NotScreened(f"matching at intake suggested no record for the {person.role}")
        actions.contact_person_link(
            contact_person_id=person.pk,
            person_id=person.suggestions[0]["person_id"],
            acting_user=screener,
            now=now(),
        )
    return len(named)


def screen_one(family: dict, *, partner, screener, decision: dict) -> dict:
    """Submit, match, assign, link, open and decide one contact; the time each step took (ms)."""
    from onestory.core.clock import now
    from onestory.frontdoor import actions, selectors
    from onestory.frontdoor.models import Contact, ContactPerson

    steps = {}
    started = mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        moment = time.perf_counter()
        steps[name] = (moment - mark) * 1000
        mark = moment

    contact = submit(family, partner=partner)
    lap("submit_and_match")
    if contact.needs_attention:
        raise NotScreened("matching at intake failed (the contact is marked for attention)")
    suggested = [
        str(s[0]["person_id"]) if s else None
        for s in ContactPerson.objects.filter(contact=contact)
        .order_by("position")
        .values_list("suggestions", flat=True)
    ]
    actions.contact_assign(
        contact_id=contact.pk,
        to_worker=screener,
        version=contact.version,
        acting_user=screener,
        now=now(),
    )
    lap("assign")
    _link_suggested(contact.pk, screener)
    lap("link")
    # What the contact page reads once the people are linked (each one's earlier contacts and
    # referrals, the re-referral warning), without the template: read before deciding.
    at = now()
    opened, view = selectors.access_contact_by_id(screener, contact.pk, now=at)
    selectors.contact_page(screener, opened, view, now=at)
    lap("open")
    version = Contact.objects.values_list("version", flat=True).get(pk=contact.pk)
    actions.contact_decide(
        contact_id=contact.pk,
        version=version,
        acting_user=screener,
        now=now(),
        referrer_message=REFERRER_MESSAGE,
        **decision,
    )
    lap("decide")
    steps["total"] = (time.perf_counter() - started) * 1000
    steps["intended"] = suggested == [str(r) for r in family["records"]]
    steps["outcome"] = decision["outcome"]
    return steps


def decision_for(n: int, *, early_help_teams: list, social_work_teams: list) -> dict:
    """Two in three early help (levels 2 and 3 in turn), one in three a statutory referral."""
    if n % 3 == 2:
        return {
            "outcome": "referral",
            "level": 4,
            "primary_need": "N1",
            "social_work_team": social_work_teams[n % len(social_work_teams)],
            "rationale": RATIONALE["referral"],
        }
    return {
        "outcome": "early_help",
        "level": 2 + n % 2,
        "early_help_team": early_help_teams[n % len(early_help_teams)],
        "rationale": RATIONALE["early_help"],
    }


# --- Throughput: concurrent clients ------------------------------------------------------------


def _client(index: int, families: list, people: dict, barrier, results) -> None:
    """One client (a child process with its own connection): warm up, wait for the others, then
    take its families through the front door one after another."""
    from django.db import connections

    from onestory.core.errors import DomainError
    from onestory.workforce.models import Team, Worker

    try:
        screener = Worker.objects.select_related("team").get(pk=people["screener"])
        partners = list(Worker.objects.select_related("agency").filter(pk__in=people["partners"]))
        partners.sort(key=lambda w: people["partners"].index(w.pk))
        eh = list(Team.objects.filter(pk__in=people["early_help_teams"]).order_by("name"))
        sw = list(Team.objects.filter(pk__in=people["social_work_teams"]).order_by("name"))

        def one(n: int, family: dict) -> dict:
            return screen_one(
                family,
                partner=partners[n % len(partners)],
                screener=screener,
                decision=decision_for(index + n, early_help_teams=eh, social_work_teams=sw),
            )

        warm, timed = families[:WARMUP_PER_CLIENT], families[WARMUP_PER_CLIENT:]
        for n, family in enumerate(warm):
            one(n, family)
        barrier.wait(timeout=BARRIER_SECONDS)
        began = time.monotonic()
        done, failures, finished_at = [], [], []
        for n, family in enumerate(timed, start=len(warm)):
            try:
                done.append(one(n, family))
                finished_at.append(time.monotonic())
            except (DomainError, NotScreened) as error:
                failures.append(f"{type(error).__name__}: {getattr(error, 'message', error)}")
            except Exception as error:  # noqa: BLE001 - reported as a possible product bug
                failures.append(
                    f"UNEXPECTED {type(error).__name__}: {error}\n"
                    + "".join(traceback.format_exc().splitlines(keepends=True)[-12:])
                )
        results.put(
            {
                "index": index,
                "began": began,
                "ended": time.monotonic(),
                "finished_at": finished_at,
                "done": done,
                "failures": failures,
            }
        )
    except BaseException:  # noqa: BLE001 - the parent reports it
        barrier.abort()  # the others stop waiting for this client at the start line
        results.put({"index": index, "crashed": traceback.format_exc()[-3000:]})
    finally:
        connections.close_all()


def measure_throughput(*, clients: int, per_client: int, families: list, staff: dict) -> dict:
    """CLIENTS processes at once, each taking `per_client` contacts through the front door."""
    import multiprocessing
    import queue as queue_module

    from django.db import connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    per = WARMUP_PER_CLIENT + per_client
    processes = []
    connections.close_all()  # each child opens its own connection; none is shared
    for index in range(clients):
        people = {
            "screener": staff["screeners"][index % len(staff["screeners"])],
            # Each client's requests come from a few different partner agencies.
            "partners": staff["partners"][index::clients][:8] or staff["partners"],
            "early_help_teams": staff["early_help_teams"],
            "social_work_teams": staff["social_work_teams"],
        }
        process = context.Process(
            target=_client,
            args=(index, families[index * per : (index + 1) * per], people, barrier, results),
            name=f"frontdoor-client-{index}",
        )
        process.start()
        processes.append(process)
    load_before = os.getloadavg()[0]
    try:
        barrier.wait(timeout=BARRIER_SECONDS)
    except Exception:  # noqa: BLE001 - a client crashed while warming up; collect its report
        log("a client did not reach the start line")
    reports = []
    deadline = time.monotonic() + 1800
    while len(reports) < clients and time.monotonic() < deadline:
        try:
            reports.append(results.get(timeout=5))
        except queue_module.Empty:
            if not any(p.is_alive() for p in processes) and results.empty():
                break
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    crashed = [r["crashed"] for r in reports if "crashed" in r]
    if crashed or len(reports) < clients:
        return {
            "error": "a client stopped: " + (crashed[0] if crashed else "no report"),
            "clients": clients,
        }
    began = min(r["began"] for r in reports)
    ended = max(r["ended"] for r in reports)
    wall = ended - began
    done = [d for r in reports for d in r["done"]]
    failures = [f for r in reports for f in r["failures"]]
    # Only the stretch where all clients were still busy counts as "4 at once"; the figure
    # over the whole wall time is kept too (it includes the last client finishing alone).
    all_busy_until = min(max(r["finished_at"], default=r["began"]) for r in reports)
    in_steady = sum(1 for r in reports for t in r["finished_at"] if t <= all_busy_until)
    steps = ("submit_and_match", "assign", "link", "open", "decide")
    return {
        "clients": clients,
        "contacts_per_client": per_client,
        "warmup_per_client": WARMUP_PER_CLIENT,
        "completed": len(done),
        "failed": len(failures),
        "failures": failures[:20],
        "wall_seconds": wall,
        "contacts_per_second": len(done) / wall if wall > 0 else float("nan"),
        "contacts_per_second_all_busy": (
            in_steady / (all_busy_until - began) if all_busy_until > began else float("nan")
        ),
        "latency_ms": _percentiles([d["total"] for d in done]),
        "steps_ms": {
            s: {k: v for k, v in _percentiles([d[s] for d in done]).items() if k != "n"}
            for s in steps
        },
        "linked_intended_records": (
            sum(d["intended"] for d in done) / len(done) if done else float("nan")
        ),
        "outcomes": {
            outcome: sum(1 for d in done if d["outcome"] == outcome)
            for outcome in sorted({d["outcome"] for d in done})
        },
        "machine_load": {
            "before": load_before,
            "after": os.getloadavg()[0],
            "cpus": os.cpu_count(),
        },
    }


# --- The queue page ---------------------------------------------------------------------------


def _host() -> str:
    from django.conf import settings

    return next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "127.0.0.1").lstrip(".")


@contextlib.contextmanager
def _full_collections():
    """The pause (ms) of each full (generation 2) garbage collection while the block runs."""
    pauses: list[float] = []
    began = [0.0]

    def watch(phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - began[0]) * 1000)

    gc.callbacks.append(watch)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(watch)


def measure_queue(*, screener_id, renders: int) -> dict:
    """Render the queue page `renders` times as a signed-in front-door screener."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.worker import percentile
    from onestory.frontdoor.models import Contact
    from onestory.frontdoor.rules import Status
    from onestory.frontdoor.selectors import QUEUE_PAGE_SIZE
    from onestory.workforce.models import Worker

    open_contacts = Contact.objects.filter(status__in=[Status.RECEIVED, Status.SCREENING]).count()
    screener = Worker.objects.get(pk=screener_id)
    client = Client(HTTP_HOST=_host())
    client.force_login(screener)
    url = reverse("frontdoor:queue")
    for _ in range(5):  # warm the template cache and the connection; not counted
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"The queue page answered {response.status_code}, not 200.")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read now: the list comes from the connection's log, which the next requests clear.
    queries = len(captured)
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    rows = max(0, response.content.count(b'<tr class="govuk-table__row">') - 1)
    timings, statuses = [], set()
    load_before = os.getloadavg()[0]
    with _full_collections() as pauses:
        for _ in range(renders):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
    client.logout()
    return {
        "open_contacts": open_contacts,
        "rows_shown": rows,
        "page_size": QUEUE_PAGE_SIZE,
        "queries_per_render": queries,
        "sql_ms_one_render": round(sql_ms, 1),
        "page_kib": round(len(response.content) / 1024, 1),
        "renders": renders,
        "statuses": sorted(statuses),
        "latency_ms": {
            "p50": percentile(timings, 0.50),
            "p95": percentile(timings, 0.95),
            "p99": percentile(timings, 0.99),
            "mean": statistics.fmean(timings),
        },
        # Python's full garbage collections while rendering: each pauses the render it falls in.
        "full_gc": {
            "count": len(pauses),
            "p50_ms": percentile(pauses, 0.5),
            "max_ms": max(pauses, default=0.0),
            "heap_objects": len(gc.get_objects()),
        },
        "machine_load": {
            "before": load_before,
            "after": os.getloadavg()[0],
            "cpus": os.cpu_count(),
        },
    }


def fill_queue(families: list, *, staff: dict) -> dict:
    """Submit open contacts as on a busy day: half given to a screener, a third with the child
    linked to their record, one in twenty in immediate danger. Sequential; timed."""
    from onestory.core.clock import now
    from onestory.frontdoor import actions
    from onestory.workforce.models import Worker

    partners = list(Worker.objects.filter(pk__in=staff["partners"]).select_related("agency"))
    screeners = list(Worker.objects.filter(pk__in=staff["screeners"]).select_related("team"))
    started = time.perf_counter()
    problems = []
    for n, family in enumerate(families):
        try:
            contact = submit(
                family, partner=partners[n % len(partners)], immediate_danger=n % 20 == 7
            )
            screener = screeners[n % len(screeners)]
            if n % 2 == 0:
                actions.contact_assign(
                    contact_id=contact.pk,
                    to_worker=screener,
                    version=contact.version,
                    acting_user=screener,
                    now=now(),
                )
            if n % 3 == 0:
                _link_suggested(contact.pk, screener, roles=("child",))
        except Exception as error:  # noqa: BLE001 - reported, the queue is measured anyway
            problems.append(f"{type(error).__name__}: {getattr(error, 'message', error)}")
    seconds = time.perf_counter() - started
    return {
        "submitted": len(families) - len(problems),
        "seconds": seconds,
        "contacts_per_second_one_client": len(families) / seconds if seconds else float("nan"),
        "problems": problems[:10],
    }


# --- Cleaning up ------------------------------------------------------------------------------


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def cleanup() -> dict:
    """Delete every contact the bench submitted and what it wrote: the people named, decisions,
    referrals, allocations, chronology entries, notifications and form tokens.

    The audit trail stays: PostgreSQL refuses to delete audit events (by design), so each run
    adds some (about a dozen per contact).
    """
    from django.db import transaction
    from django.db.models import Min

    from onestory.access.models import Allocation, Notification
    from onestory.core.models import IdempotencyKey
    from onestory.frontdoor import actions
    from onestory.frontdoor.models import Contact, ContactPerson, Referral, StrategyDiscussion
    from onestory.people.models import ChronologyEntry

    ours = Contact.objects.filter(referrer_contact=BENCH_CONTACT)
    deleted = {}
    with transaction.atomic():
        ids = list(ours.values_list("pk", flat=True))
        if not ids:
            return deleted
        since = ours.aggregate(since=Min("created_at"))["since"] - timedelta(seconds=1)
        references = set(ours.values_list("reference", flat=True))
        people = list(
            ContactPerson.objects.filter(contact_id__in=ids, person__isnull=False)
            .values_list("person_id", flat=True)
            .distinct()
        )
        purposes = [
            actions.PURPOSE_FRONT_DOOR,
            actions.PURPOSE_EARLY_HELP,
            actions.PURPOSE_LEAD_PROFESSIONAL,
            actions.PURPOSE_REFERRAL,
        ]

        def count(label: str, n: int) -> None:
            if n:
                deleted[label] = deleted.get(label, 0) + n

        for chunk in _chunks(people):
            count(
                "allocations",
                Allocation.objects.filter(
                    person_id__in=chunk, purpose__in=purposes, created_at__gte=since
                ).delete()[0],
            )
        for chunk in _chunks([str(i) for i in ids]):
            count(
                "chronology entries",
                ChronologyEntry.objects.filter(
                    source_type=Contact._meta.label_lower, source_id__in=chunk
                ).delete()[0],
            )
            count(
                "form tokens",
                IdempotencyKey.objects.filter(
                    result_type=Contact._meta.label, result_id__in=chunk
                ).delete()[0],
            )
        mine = [
            pk
            for pk, message in Notification.objects.filter(
                created_at__gte=since, message__contains="FD-"
            ).values_list("pk", "message")
            if set(REFERENCE_PATTERN.findall(message)) & references
        ]
        for chunk in _chunks(mine):
            count("notifications", Notification.objects.filter(pk__in=chunk).delete()[0])
        for chunk in _chunks(ids):
            count(
                "strategy discussions",
                StrategyDiscussion.objects.filter(contact_id__in=chunk).delete()[0],
            )
            count("referrals", Referral.objects.filter(contact_id__in=chunk).delete()[0])
            count("contacts and their rows", Contact.objects.filter(pk__in=chunk).delete()[0])
        deleted["contacts"] = len(ids)
    return deleted


# --- All of it --------------------------------------------------------------------------------


def measure(
    *,
    vendor: str,
    seed: int,
    clients: int,
    per_client: int,
    renders: int,
    queue_extra: int,
) -> dict:
    """The front-door figures for this database; the bench's contacts are deleted afterwards."""
    started = time.perf_counter()
    leftovers = cleanup()
    if leftovers:
        log(f"deleted {leftovers.get('contacts', 0)} contacts left by an earlier, stopped run")
    history = history_loaded()
    staff = workforce()
    throughput_runs = vendor == "postgresql"
    wanted = queue_extra + (clients * (per_client + WARMUP_PER_CLIENT) if throughput_runs else 0)
    families = pick_families(wanted, seed=seed)
    if len(families) < wanted:
        raise SystemExit(
            f"The synthetic authority has {len(families)} families the bench can use; "
            f"it needs {wanted}. Lower --frontdoor-contacts or --queue-extra."
        )
    result = {"history": history, "families_used": len(families)}
    log(
        f"{history['contacts']} generated contacts over {history['years']:.1f} years, "
        f"{history['open']} open; timing the queue page ({renders} renders)"
    )
    screener = staff["screeners"][0]

    def part(name: str, run) -> None:
        """Each part on its own: one that fails is reported, and the others still run."""
        try:
            result[name] = run()
        except Exception as error:  # noqa: BLE001 - reported with the figures
            log(f"{name} stopped: {type(error).__name__}: {error}")
            result[name] = {
                "error": f"{type(error).__name__}: {error}",
                "traceback": traceback.format_exc()[-3000:],
            }

    try:
        part("queue_generated", lambda: measure_queue(screener_id=screener, renders=renders))
        if throughput_runs:
            log(f"{clients} clients taking {per_client} contacts each through the front door")
            part(
                "throughput",
                lambda: measure_throughput(
                    clients=clients,
                    per_client=per_client,
                    families=families[queue_extra:],
                    staff=staff,
                ),
            )
        else:
            result["throughput"] = {
                "skipped": "PostgreSQL only: SQLite lets one writer in at a time, so concurrent "
                "clients would measure its lock"
            }
        log(f"submitting {queue_extra} open contacts, then timing the queue page again")
        part("queue_fill", lambda: fill_queue(families[:queue_extra], staff=staff))
        part("queue_busy", lambda: measure_queue(screener_id=screener, renders=renders))
    finally:
        result["cleanup"] = cleanup()
    result["seconds"] = time.perf_counter() - started
    return result
