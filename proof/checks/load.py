"""Item 19: 300 practitioners at once on this machine (gunicorn + PostgreSQL, loopback only).

Each simulated practitioner signs in as a worker of their own role (the demo sign-ins, and the
town's synthetic workers given a known password in the proof database only) and, after a ramp,
works for a bounded time with a practitioner's pauses between actions: the front door queue
(front door), "Known to us?" search, a person page and a chronology of someone on their
caseload, a case note (start, two autosaves as it is typed, submit) and the performance hub
(managers, analysts). Every request is timed; p50/p95/p99 per action and the error rate are
reported (goal: p95 <= 300 ms for pages and search, 0 errors).

The pace. A practitioner reads what a page shows before the next one (a person page, a
chronology, a contact: tens of seconds), so the goal is measured at a mean pause of 30 s between
actions: 300 practitioners then ask for about 10 pages a second, 36,000 an hour, more than the
whole children's services workforce of a town of Luton's size asks of its case system at its
busiest. The same practitioners are then run for a minute at a third of that pause (10 s, three
times the realistic pace) as a stress figure, reported beside the goal without one of its own
except for errors (none, at any pace), so a reader sees where this 2-core machine saturates.
Then the same client, with the same number of practitioners at the realistic pace, asks for
`/healthz` (a Django view that touches no database) as the ceiling the server gives any view,
reported as a ratio; and the client's own CPU share and the load average, so a reader can see
the client did not starve the server.

The client is threads with requests sessions: the practitioners spend nearly all their time
pausing, so 300 threads cost little CPU (the figure shows how much).

Environment (to develop on a small town): ONESTORY_PROOF_LOAD_USERS (300),
ONESTORY_PROOF_LOAD_SECONDS (steady seconds, 180), ONESTORY_PROOF_LOAD_RAMP (seconds, 60),
ONESTORY_PROOF_LOAD_THINK (mean pause in seconds, 30), ONESTORY_PROOF_LOAD_STRESS_THINK (10),
ONESTORY_PROOF_LOAD_STRESS_SECONDS (60).
"""

from __future__ import annotations

import datetime
import os
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from proof.figures import Figure, at_most, check, zero
from proof.stack import DEMO_PASSWORD, Stack, log

PAGE_GOAL_MS = 300
# How the simulated practitioners divide between roles.
SHARES = {"socialworker": 40, "earlyhelp": 30, "frontdoor": 15, "manager": 10, "analyst": 5}
LOAD_PASSWORD = "onestory-load-proof"  # given to synthetic workers, in the proof database only
ROLES = ("frontdoor", "earlyhelp", "socialworker", "manager", "analyst")
# The actions that are pages or search (goal p95 <= 300 ms); saving a note is reported beside.
PAGES = ("queue", "search", "person", "chronology", "dashboard")
VERSION = re.compile(r'name="version" value="(\d+)"')
NOTE_EDIT = re.compile(r"/recording/notes/([0-9a-f-]{36})/edit/$")
NOTE_DONE = re.compile(r"/recording/notes/([0-9a-f-]{36})/$")


def _setting(name: str, default: float) -> float:
    return float(os.environ.get(f"ONESTORY_PROOF_LOAD_{name}", default))


@dataclass
class Practitioner:
    username: str
    role: str
    password: str
    people: list[str] = field(default_factory=list)  # ids on their caseload


class Recorder:
    """Times per action (after the ramp) and every failure, from all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.requests = 0
        self.errors: list[str] = []
        self.measuring = False

    def add(self, action: str, ms: float) -> None:
        with self.lock:
            self.requests += 1
            if self.measuring:
                self.times[action].append(ms)

    def fail(self, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.errors.append(what)


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- Who works -------------------------------------------------------------------------------


def _practitioners(stack: Stack, count: int) -> list[Practitioner]:
    """`count` practitioners: the demo workers, then the town's active synthetic workers of the
    same roles (a known password set on the proof database); sign-ins are shared round-robin
    when the town has fewer workers than practitioners (each has a session of their own)."""
    # Each signs in past their second factor with a backup code (Stack.session), so workers who
    # already have an authenticator (from an earlier run) work as well as those who do not.
    rows = stack.sql(
        "SELECT w.id, w.username, w.role FROM workforce_worker w WHERE w.is_active "
        "AND w.role = ANY(%s) ORDER BY w.username",
        [list(ROLES)],
    )
    stack.django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from onestory.synthetic.demo import DEMO_USERS

    # Every demo sign-in works with its published password, which it keeps: the other checks
    # sign in with it, also on a later run that reuses this town.
    sign_ins = {user.username for user in DEMO_USERS}
    demo = [r for r in rows if r[1] in sign_ins]
    synthetic = [r for r in rows if r[1] not in sign_ins][: max(count - len(demo), 0)]
    if synthetic:
        get_user_model().objects.filter(username__in=[r[1] for r in synthetic]).update(
            password=make_password(LOAD_PASSWORD)
        )
    ids = [r[0] for r in demo + synthetic]
    caseloads: dict[int, list[str]] = defaultdict(list)
    for worker_id, person_id in stack.sql(
        # Records they may open: allocated now, not merged away, not restricted (earlier
        # checks plant restricted records on the demo workers' caseloads, which they may not
        # open unless named).
        "SELECT a.worker_id, a.person_id FROM access_allocation a JOIN people_person p "
        "ON p.id = a.person_id WHERE a.starts_at <= now() AND a.ends_at IS NULL "
        "AND p.merged_into_id IS NULL AND a.worker_id = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM access_recordrestriction r WHERE r.person_id = p.id)",
        [ids],
    ):
        caseloads[worker_id].append(str(person_id))
    workers = [
        Practitioner(
            username,
            role,
            DEMO_PASSWORD if username in sign_ins else LOAD_PASSWORD,
            caseloads.get(worker_id, [])[:50],
        )
        for worker_id, username, role in demo + synthetic
    ]
    # A council's practitioners, not its sign-ins in alphabetical order: most are social workers
    # and early help practitioners; few open the performance hub.
    by_role: dict[str, list[Practitioner]] = defaultdict(list)
    for worker in workers:
        by_role[worker.role].append(worker)
    shares = [(role, share) for role, share in SHARES.items() if by_role[role]]
    chosen, seen = [], defaultdict(int)
    for i in range(count):
        role = (
            shares[i % len(shares)][0]
            if i < len(shares)
            else random.Random(i).choices([r for r, _ in shares], [w for _, w in shares])[0]
        )
        chosen.append(by_role[role][seen[role] % len(by_role[role])])
        seen[role] += 1
    return chosen


# --- What they do ------------------------------------------------------------------------------


class Session:
    """One practitioner's browser: times each request and records what went wrong."""

    def __init__(self, stack: Stack, client, recorder: Recorder):
        self.stack, self.client, self.recorder = stack, client, recorder

    def call(self, action: str, method: str, path: str, *, ok=None, **kwargs):
        started = time.perf_counter()
        try:
            answer = self.client.request(method, self.stack.base_url + path, timeout=60, **kwargs)
        except Exception as error:  # noqa: BLE001 - a refused or broken connection is an error
            self.recorder.fail(f"{action}: {type(error).__name__} {str(error)[-80:]}")
            return None
        ms = (time.perf_counter() - started) * 1000
        good = answer.status_code == 200 and "/sign-in/" not in answer.url
        if good and ok is not None:
            try:
                good = bool(ok(answer))
            except ValueError:  # not the JSON or page expected
                good = False
        if not good:
            self.recorder.fail(f"{action}: {answer.status_code} {answer.url[-60:]}")
            return None
        self.recorder.add(action, ms)
        return answer

    def post(self, action: str, path: str, data: dict, **kwargs):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.call(action, "POST", path, data=data, **kwargs)


def _search(s: Session, names: list[tuple[str, str]]) -> None:
    given, family = random.choice(names)
    s.post("search", "/known-to-us/", {"given_name": given, "family_name": family})


def _note(s: Session, person: str) -> None:
    """Start a note, autosave it twice as it is typed, submit it."""
    form = s.post(
        "note start",
        "/recording/notes/start/",
        {"person": person, "form_token": uuid.uuid4().hex},
        ok=lambda a: NOTE_EDIT.search(a.url) and VERSION.search(a.text),
    )
    if form is None:
        return
    path = NOTE_EDIT.search(form.url).group(0)
    version = VERSION.search(form.text).group(1)
    day = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    data = {
        "kind": "visit",
        "occurred_on": day,
        "occurred_time": "10:30",
        "present": "Mother, health visitor",
        "subjects": [person],
        f"seen_{person}": "seen_alone",
        "text": "Visited at home.",
    }
    for words in (" Saw the children.", " Talked about school; all well."):
        time.sleep(random.uniform(1, 3))  # typing
        data["text"] += words
        saved = s.post(
            "note autosave",
            path.replace("/edit/", "/autosave/"),
            {**data, "version": version},
            ok=lambda a: "version" in a.json(),
        )
        if saved is None:
            return
        version = str(saved.json()["version"])
    time.sleep(random.uniform(1, 3))
    s.post(
        "note submit",
        path,
        {**data, "version": version, "action": "submit"},
        ok=lambda a: NOTE_DONE.search(a.url),
    )


def _one_action(s: Session, who: Practitioner, names) -> None:
    person = random.choice(who.people) if who.people else None
    choices: list[tuple[str, float]] = []
    if who.role == "frontdoor":
        choices = [("queue", 5), ("search", 4)]
    elif who.role in ("socialworker", "earlyhelp"):
        choices = [("search", 3)]
        if person:
            choices += [("person", 4), ("chronology", 3), ("note", 1.5)]
    elif who.role == "manager":
        choices = [("dashboard", 2), ("search", 2)] + ([("person", 2)] if person else [])
    else:  # analyst
        choices = [("dashboard", 1)]
    action = random.choices([c[0] for c in choices], [c[1] for c in choices])[0]
    if action == "queue":
        s.call("queue", "GET", "/front-door/")
    elif action == "search":
        _search(s, names)
    elif action == "person":
        s.call("person", "GET", f"/people/{person}/")
    elif action == "chronology":
        s.call("chronology", "GET", f"/people/{person}/chronology/")
    elif action == "note":
        _note(s, person)
    else:
        s.call("dashboard", "GET", "/performance/")


def _run(stack: Stack, count: int, work, *, ramp: float, steady: float, think: float):
    """Run `count` threads: each starts within the ramp and calls `work(index)` with pauses
    until the end of the steady window. Returns (recorder, client CPU seconds, load average)."""
    recorder = Recorder()
    start = time.monotonic()
    measure_from, stop = start + ramp, start + ramp + steady

    def practitioner(index: int) -> None:
        time.sleep(random.uniform(0, ramp))
        action = work(index)
        while time.monotonic() < stop:
            action(recorder)
            # A pause that would outlast the run ends with it (no thread to wait for).
            time.sleep(max(min(random.expovariate(1 / think), stop - time.monotonic()), 0))

    threads = [threading.Thread(target=practitioner, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(max(measure_from - time.monotonic(), 0))
    recorder.measuring = True
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(max(stop - time.monotonic(), 0))
    recorder.measuring = False
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    load = os.getloadavg()[0]
    for thread in threads:
        thread.join(timeout=90)
    return recorder, cpu / wall, load


@check("19", "Load: 300 practitioners", quick=False)
def load(stack: Stack) -> list[Figure]:
    count = int(_setting("USERS", 300))
    steady, ramp, think = _setting("SECONDS", 180), _setting("RAMP", 60), _setting("THINK", 30)
    stress_think, stress_steady = _setting("STRESS_THINK", 10), _setting("STRESS_SECONDS", 60)
    cores = os.cpu_count() or 1
    workers = _practitioners(stack, count)
    names = stack.sql(
        "SELECT given_name, family_name FROM people_person WHERE merged_into_id IS NULL "
        "ORDER BY id LIMIT 2000"
    )
    log(f"load: signing in {count} practitioners ({len({w.username for w in workers})} workers)")
    sign_in_failures: list[str] = []

    def sign_in(who: Practitioner):
        try:
            return stack.session(who.username, who.password)
        except Exception as error:  # noqa: BLE001
            sign_in_failures.append(f"{who.username}: {error}")
            return None

    with ThreadPoolExecutor(max_workers=cores * 2) as pool:
        clients = list(pool.map(sign_in, workers))

    def mix(index: int):
        client = clients[index]
        who = workers[index]

        def act(recorder: Recorder) -> None:
            if client is not None:
                _one_action(Session(stack, client, recorder), who, names)

        return act

    log(f"load: {count} practitioners, ramp {ramp:g} s, {steady:g} s steady, pause {think:g} s")
    recorder, client_cpu, load_average = _run(
        stack, count, mix, ramp=ramp, steady=steady, think=think
    )
    log(f"load: stress, a {stress_think:g} s pause for {stress_steady:g} s")
    stress, _, stress_load = _run(
        stack, count, mix, ramp=min(ramp, 20), steady=stress_steady, think=stress_think
    )

    def bare(index: int):
        client = stack.anonymous()

        def act(recorder: Recorder) -> None:
            Session(stack, client, recorder).call("healthz", "GET", "/healthz")

        return act

    ceiling_steady = min(steady, 60)
    log(f"load: the same client against /healthz for {ceiling_steady:g} s")
    ceiling, ceiling_cpu, ceiling_load = _run(
        stack, count, bare, ramp=min(ramp, 20), steady=ceiling_steady, think=think
    )

    figures: list[Figure] = []
    measured = sum(len(v) for v in recorder.times.values())
    errors = recorder.errors + sign_in_failures
    figures.append(
        Figure(
            "19",
            "error rate under load (%)",
            100 * len(errors) / max(recorder.requests, 1),
            goal="0",
            ok=not errors,
            note=f"{len(errors)} of {recorder.requests:,} requests"
            + (f"; first: {errors[0]}" if errors else ""),
        )
    )
    healthz = ceiling.times.get("healthz", [])
    healthz_p95 = _percentile(healthz, 95)
    for action in (*PAGES, "note start", "note autosave", "note submit"):
        times = recorder.times.get(action, [])
        p50, p95, p99 = (_percentile(times, p) for p in (50, 95, 99))
        note = f"p50 {p50:.0f}, p99 {p99:.0f} ms, {len(times):,} timed" + (
            f", {p95 / healthz_p95:.1f}x /healthz p95" if times and healthz else ""
        )
        if not times:
            figures.append(Figure("19", f"p95 {action} (ms)", float("nan"), note="not reached"))
        elif action in PAGES:
            figures.append(at_most("19", f"p95 {action} (ms)", p95, PAGE_GOAL_MS, " ms", note=note))
        else:
            figures.append(Figure("19", f"p95 {action} (ms)", p95, note=note))
    pages = [t for a in PAGES for t in recorder.times.get(a, [])]
    stress_pages = [t for a in PAGES for t in stress.times.get(a, [])]
    figures += [
        Figure(
            "19",
            "ceiling: p95 /healthz, same client (ms)",
            healthz_p95,
            note=f"p50 {_percentile(healthz, 50):.0f}, p99 {_percentile(healthz, 99):.0f} ms, "
            f"{len(healthz):,} timed, {len(ceiling.errors)} errors",
        ),
        Figure(
            "19",
            "pages p95 / bare view p95 (ratio)",
            _percentile(pages, 95) / healthz_p95 if pages and healthz else float("nan"),
            note=f"pages p50 {_percentile(pages, 50):.0f} ms vs /healthz "
            f"p50 {_percentile(healthz, 50):.0f} ms",
        ),
        zero(
            "19",
            "errors against the bare view",
            ceiling.errors,
            note=ceiling.errors[0] if ceiling.errors else f"{ceiling.requests:,} requests",
        ),
        Figure(
            "19",
            "throughput under load (requests/s)",
            measured / steady,
            note=f"{count} practitioners, {len({w.username for w in workers})} sign-ins, "
            f"mean pause {think:g} s, {steady:g} s steady after {ramp:g} s ramp",
        ),
        zero(
            "19",
            f"errors at the stress pace ({stress_think:g} s pause)",
            stress.errors,
            note=stress.errors[0] if stress.errors else f"{stress.requests:,} requests",
        ),
        Figure(
            "19",
            f"stress pace ({stress_think:g} s pause): p95 pages and search (ms)",
            _percentile(stress_pages, 95),
            note=f"no goal: where the machine saturates; p50 {_percentile(stress_pages, 50):.0f}"
            f", p99 {_percentile(stress_pages, 99):.0f} ms; "
            f"{sum(len(v) for v in stress.times.values()) / stress_steady:.1f} requests/s, "
            f"load average {stress_load:.1f}",
        ),
        Figure(
            "19",
            "client's own CPU (% of the machine)",
            100 * client_cpu / cores,
            note=f"{cores} cores; {100 * ceiling_cpu / cores:.0f}% against /healthz",
        ),
        Figure(
            "19",
            "load average (1 min) at the end of the steady load",
            load_average,
            note=f"{cores} cores; {ceiling_load:.1f} after the /healthz run",
        ),
    ]
    return figures
