"""Item 16: concurrency over HTTP against the running server.

- Concurrent editors of one person's details, each holding the same version: more than one
  save accepted for that version, or the accepted save missing afterwards, is a lost update.
- Double submissions of a request for support (the same form_token sent twice at once):
  more than one contact made from one form is a duplicate.
- Races to allocate one child (a manager's two tabs choosing two social workers at once):
  a child with two open social worker allocations breaks the invariant.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

from proof.figures import Figure, check, zero
from proof.stack import Stack

SOCIAL_WORKER_PURPOSES = (
    "Social worker (assessment)",
    "Social worker (child in need)",
    "Social worker (child protection)",
    "Social worker (child in care)",
)
PROOF_TEAM_ACCESS = "Proof: team access for allocation races"


class _FormFields(HTMLParser):
    """The values a browser would send for the form with `action` (or the first POST form)."""

    def __init__(self, action: str | None = None):
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        posting = tag == "form" and not self.done and (a.get("method") or "").lower() == "post"
        if posting and (self.action is None or (a.get("action") or "") in ("", self.action)):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str | None = None) -> dict[str, str]:
    parser = _FormFields(action)
    parser.feed(html)
    return parser.fields


def clone(stack: Stack, signed_in):
    """Another client on the same signed-in session (as a second browser tab would be)."""
    client = stack.anonymous()
    client.headers.update(signed_in.headers)
    client.cookies.update(signed_in.cookies)
    return client


def at_once(calls: list) -> list:
    """Run each call in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return call()
        except Exception as error:  # a dropped connection is a result to count, not a crash
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


# --- Concurrent editors -------------------------------------------------------------------------


def _editable_person(stack: Stack) -> str | None:
    rows = stack.sql(
        "SELECT a.person_id FROM access_allocation a JOIN workforce_worker w ON w.id = a.worker_id "
        "JOIN people_person p ON p.id = a.person_id "
        "WHERE w.username = 'socialworker' AND a.ends_at IS NULL AND p.merged_into_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM access_recordrestriction r WHERE r.person_id = p.id) "
        "ORDER BY p.id LIMIT 1"
    )
    return str(rows[0][0]) if rows else None


def editors(stack: Stack, counts: tuple[int, ...]) -> tuple[list[str], list[str], int]:
    """Rounds of `n` editors saving the same version of one person's details at once."""
    person = _editable_person(stack)
    if person is None:
        return ["no person allocated to socialworker to edit"], [], 0
    worker = stack.session("socialworker")
    url = f"{stack.base_url}/people/{person}/edit/"
    lost, errors, saves = [], [], 0
    for n in counts:
        page = worker.get(url, timeout=60)
        if page.status_code != 200:
            return [f"edit page answered {page.status_code}"], errors, saves
        base = form_fields(page.text, action="")
        base.pop("version", None)
        version = form_fields(page.text).get("version") or _version(page.text)
        run = secrets.token_hex(3)
        values = [f"Proof language {run} {i}" for i in range(n)]
        clients = [clone(stack, worker) for _ in range(n)]

        def save(i, base=base, version=version, values=values, clients=clients):
            data = {**base, "version": version, "first_language": values[i]}
            data["csrfmiddlewaretoken"] = worker.cookies.get("csrftoken", "")
            return clients[i].post(url, data=data, allow_redirects=False, timeout=120)

        answers = at_once([lambda i=i: save(i) for i in range(n)])
        saves += n
        accepted = [
            i
            for i, a in enumerate(answers)
            if not isinstance(a, Exception)
            and a.status_code == 302
            and "/edit/" not in a.headers.get("Location", "")
        ]
        errors += [
            f"{n} editors: {a if isinstance(a, Exception) else a.status_code}"
            for a in answers
            if isinstance(a, Exception) or a.status_code >= 500
        ]
        final = stack.sql(
            "SELECT first_language, version FROM people_person WHERE id = %s", [person]
        )[0]
        if len(accepted) > 1:
            lost.append(f"{n} editors: {len(accepted)} saves accepted for version {version}")
        elif len(accepted) == 1 and final[0] != values[accepted[0]]:
            lost.append(f"{n} editors: the accepted save is not what is stored")
        elif not accepted:
            lost.append(f"{n} editors: no save accepted (version {version})")
    return lost, errors, saves


def _version(html: str) -> str:
    import re

    found = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)
    return (found.group(1) or found.group(2)) if found else ""


# --- Double submissions -------------------------------------------------------------------------


def double_submissions(stack: Stack, pairs: int) -> tuple[list[str], list[str], int]:
    """`pairs` requests for support, each sent twice at once with the same form_token."""
    partner = stack.session("school")
    url = f"{stack.base_url}/front-door/request/"
    run = secrets.token_hex(4)
    clients = [clone(stack, partner) for _ in range(8)]
    duplicates, errors = [], []

    def form(marker: str, token: str) -> dict:
        return {
            "csrfmiddlewaretoken": partner.cookies.get("csrftoken", ""),
            "form_token": token,
            "referrer_name": "Proof Referrer",
            "referrer_job_title": "Designated safeguarding lead",
            "referrer_agency_name": "Proof school",
            "referrer_contact": "01632 960000",
            "what_happened": f"The child said they were hurt at home. {marker}",
            "family_knows": "",
            "consent": "given",
            "consent_explanation": "",
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-MIN_NUM_FORMS": "0",
            "people-MAX_NUM_FORMS": "20",
            "people-0-role": "child",
            "people-0-given_name": "Proofchild",
            "people-0-family_name": f"Double{marker[-6:]}",
        }

    markers = []
    lock = threading.Lock()

    def pair(k: int):
        marker = f"proof-double-{run}-{k:04d}"
        data = form(marker, secrets.token_urlsafe(24))
        a, b = clients[(2 * k) % 8], clients[(2 * k + 1) % 8]
        answers = at_once(
            [
                lambda: a.post(url, data=data, allow_redirects=False, timeout=120),
                lambda: b.post(url, data=data, allow_redirects=False, timeout=120),
            ]
        )
        with lock:
            markers.append(marker)
            for answer in answers:
                if isinstance(answer, Exception) or answer.status_code != 302:
                    said = answer if isinstance(answer, Exception) else answer.status_code
                    errors.append(f"{marker}: {said}")
            places = {
                x.headers.get("Location")
                for x in answers
                if not isinstance(x, Exception) and x.status_code == 302
            }
            if len(places) > 1:
                duplicates.append(f"{marker}: the two answers name different contacts")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(pair, range(pairs)))
    made = dict(
        stack.sql(
            "SELECT substring(what_happened from 'proof-double-[0-9a-f]+-[0-9]+'), count(*) "
            "FROM frontdoor_contact WHERE what_happened LIKE %s GROUP BY 1",
            [f"%proof-double-{run}-%"],
        )
    )
    for marker in markers:
        count = made.get(marker, 0)
        if count > 1:
            duplicates.append(f"{marker}: {count} contacts")
        elif count == 0 and not any(e.startswith(marker) for e in errors):
            duplicates.append(f"{marker}: acknowledged but no contact")
    return duplicates, errors, pairs


# --- Allocation races ---------------------------------------------------------------------------


def allocation_races(stack: Stack, races: int) -> tuple[list[str], list[str], int]:
    """A manager allocates one child to two social workers of their team at once, `races` times.

    The child's own social worker allocation is ended for the races and given back afterwards;
    a team allocation (not a case holder) keeps the manager able to open the record.
    """
    team = stack.sql(
        "SELECT t.id FROM workforce_team t JOIN workforce_worker m ON m.id = t.manager_id "
        "WHERE m.username = 'manager' LIMIT 1"
    )
    if not team:
        return ["manager manages no team"], [], 0
    team_id = team[0][0]
    workers = stack.sql(
        # Social workers (or the team's managers, who may hold cases) other than the demo ones.
        "SELECT id FROM workforce_worker WHERE team_id = %s AND role IN ('socialworker', "
        "'manager') AND is_active ORDER BY username IN ('socialworker', 'manager'), id LIMIT 2",
        [team_id],
    )
    child = stack.sql(
        "SELECT a.id, a.person_id FROM access_allocation a JOIN people_person p "
        "ON p.id = a.person_id WHERE a.ends_at IS NULL AND a.purpose = ANY(%s) AND a.team_id = %s "
        "AND p.merged_into_id IS NULL AND NOT EXISTS (SELECT 1 FROM access_recordrestriction r "
        "WHERE r.person_id = p.id) AND (SELECT count(*) FROM access_allocation o WHERE "
        "o.person_id = p.id AND o.ends_at IS NULL AND o.purpose = ANY(%s)) = 1 "
        "ORDER BY p.id LIMIT 1",
        [list(SOCIAL_WORKER_PURPOSES), team_id, list(SOCIAL_WORKER_PURPOSES)],
    )
    if len(workers) < 2 or not child:
        return ["no child and two social workers in the manager's team"], [], 0
    original, person = child[0]
    manager = stack.session("manager")
    url = f"{stack.base_url}/social-care/children/{person}/allocate/"
    clients = [clone(stack, manager) for _ in range(2)]
    access = stack.sql(
        "INSERT INTO access_allocation (id, created_at, updated_at, version, purpose, starts_at, "
        "person_id, team_id) VALUES (%s, now(), now(), 1, %s, now() - interval '1 hour', %s, %s) "
        "RETURNING id",
        [uuid.uuid4(), PROOF_TEAM_ACCESS, person, team_id],
    )[0][0]
    started = stack.sql("SELECT now()")[0][0]
    broken, errors = [], []
    try:
        _end_open(stack, person)
        for k in range(races):
            answers = at_once(
                [
                    lambda c=c, w=w: c.post(
                        url,
                        data={
                            "csrfmiddlewaretoken": manager.cookies.get("csrftoken", ""),
                            "form_token": secrets.token_urlsafe(24),
                            "worker": str(w[0]),
                            "allocate_anyway": "on",
                        },
                        allow_redirects=False,
                        timeout=120,
                    )
                    for c, w in zip(clients, workers, strict=True)
                ]
            )
            errors += [
                f"race {k}: {a if isinstance(a, Exception) else a.status_code}"
                for a in answers
                if isinstance(a, Exception) or a.status_code >= 500
            ]
            open_now = _end_open(stack, person)
            accepted = sum(
                1 for a in answers if not isinstance(a, Exception) and a.status_code == 302
            )
            if open_now > 1:
                broken.append(f"race {k}: {open_now} open social worker allocations")
            elif open_now != accepted:
                broken.append(f"race {k}: {accepted} acknowledged, {open_now} made")
    finally:
        stack.sql(
            "UPDATE access_allocation SET ends_at = now() WHERE id = %s RETURNING id", [access]
        )
        stack.sql(
            "UPDATE access_allocation SET ends_at = NULL WHERE id = %s RETURNING id", [original]
        )
    del started
    return broken, errors, races


def _end_open(stack: Stack, person) -> int:
    """End the child's open social worker allocations; how many there were."""
    return len(
        stack.sql(
            "UPDATE access_allocation SET ends_at = now() WHERE person_id = %s "
            "AND ends_at IS NULL AND purpose = ANY(%s) RETURNING id",
            [person, list(SOCIAL_WORKER_PURPOSES)],
        )
    )


@check("16", "Concurrent editors, double submissions, allocation races", quick=True)
def concurrency(stack: Stack) -> list[Figure]:
    counts = (2, 10, 20) if stack.quick else (2, 10, 50)
    pairs = 100 if stack.quick else 1000
    races = 50 if stack.quick else 500
    lost, edit_errors, saves = editors(stack, counts)
    duplicates, double_errors, sent = double_submissions(stack, pairs)
    broken, race_errors, raced = allocation_races(stack, races)
    errors = edit_errors + double_errors + race_errors
    return [
        zero(
            "16",
            f"lost updates, {' / '.join(map(str, counts))} concurrent editors",
            lost,
            note=lost[0] if lost else f"{saves} saves of one person's details at once",
        ),
        zero(
            "16",
            f"duplicates from {sent:,} double submissions",
            duplicates,
            note=duplicates[0] if duplicates else "requests for support sent twice at once",
        ),
        zero(
            "16",
            f"invariant violations in {raced:,} allocation races",
            broken,
            note=broken[0] if broken else "two open social worker allocations for one child",
        ),
        zero(
            "16",
            "server errors or dropped requests under contention",
            errors,
            note=errors[0] if errors else "",
        ),
    ]
