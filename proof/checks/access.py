"""Items 1, 2, 4 and 6: access and disclosure, proven over real HTTP against the running service.

The check plants, once per database, records no demo sign-in may open: a child and an adult of
a team no demo worker belongs to (with a family, an address, a grant, a duplicate pair, a merge,
a message, a contact, an information request, an early help episode, a referral, an assessment,
a protection plan and a period in care hanging off them), and a restricted child allocated to
the demo social worker and her team with nobody named on the restriction. Their names are
invented and appear nowhere else, so a name (or record id) in any response is a disclosure.

1. Every URL pattern from Django's resolver × anonymous and every demo role × GET, POST, PUT,
   PATCH and DELETE (with a valid CSRF token), its parameters filled with the hidden records'
   ids: hidden names in a response (leaks), record or role-closed URLs answered with anything
   but 403/404/405 or the sign-in page (unexpected allows), and views with no access rule.
2. Lists, "known to us?", dashboards, exports and the API lists as every role: the hidden names
   and ids in them, and whether "known to us?" for the restricted child's exact name and date
   of birth answers differently from a name nobody has.
4. Write endpoints posted a legitimate form plus protected fields: protected columns changed.
6. A worker moved to another team, or deactivated, keeps their signed-in session: what they are
   served after the change.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import requests

from proof.figures import Figure, check, zero
from proof.stack import DEMO_SIGN_INS, VAR, Stack, log

ROLES = DEMO_SIGN_INS
ANONYMOUS = "anonymous"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# The planted people's names: invented, found nowhere in the synthetic town.
OTHER_TEAM_CHILD = ("Zebedee", "Quillfeather", date(2015, 3, 14))
OTHER_TEAM_ADULT = ("Ottoline", "Marchbanks", date(1986, 7, 2))
RESTRICTED_CHILD = ("Wilhelmina", "Thistlewood", date(2014, 11, 9))
NOBODY = ("Peregrine", "Wolstenholme", date(2014, 11, 9))  # a name nobody has
HIDDEN_WORDS = ("Quillfeather", "Marchbanks", "Thistlewood")

# (url name, role) pairs the rules allow to answer for a hidden record of another team, and
# whether they may show who it is (as tests/test_url_access.py EXCEPTIONS, by demo sign-in).
# The data protection officer governs access to every record (restricted ones included).
DPO_GOVERNS = {
    "access:person-access-log",
    "access:restriction",
    "access:restriction-add",
    "access:restriction-lift",
    "access:restriction-remove",
    "retention:hold-place",  # places a legal hold on any record, confirming the name
}
# Front-door screeners see identifying details of everyone except restricted records they are
# not named on (SEES_IDENTIFYING_DETAILS_OF_ALL), and screen every contact.
FRONT_DOOR_SEES = {
    "people:search",
    "people:duplicates",
    "people:duplicate",
    "people:merge-undo",
    "frontdoor:contact",
    "frontdoor:person-link",
    "frontdoor:contact-decide",
    "frontdoor:contact-close",
    "frontdoor:information-request-add",
    "frontdoor:information-reply",
    "frontdoor:contact-assign",
    "frontdoor:strategy-discussion",
}
# Analysts and managers read every family's Supporting Families evidence by reference and ward,
# never by name (ADR 9): allowed to answer, not to name.
ANSWER_NOT_NAME = {
    ("earlyhelp:supporting-families-family", "analyst"),
    ("earlyhelp:supporting-families-family", "manager"),
    ("earlyhelp:supporting-families-family", "mashmanager"),
}
# Ends the session the walk is using; proven by item 12, not walked.
NOT_WALKED = {"access:sign-out"}

ROLE_OF = {
    "school": "partner",
    "mashmanager": "manager",
}


def role_of(username: str) -> str:
    return ROLE_OF.get(username, username)


# The MASH team's manager screens with the front door (frontdoor.rules may_screen: a manager of
# a front-door team): every contact, with the names its referrer typed.
MASH_MANAGER_SEES = {n for n in FRONT_DOOR_SEES if n.startswith("frontdoor:")} | {
    "frontdoor:sign-off"  # and signs off every front-door decision
}
# Workers trusted to break the glass are offered it for any record id (the same page for a
# missing one: the walk compares the two).
BREAK_THE_GLASS = ("access:break-glass", {"frontdoor", "socialworker", "manager", "mashmanager"})


def names_allowed(name: str, username: str) -> set[str]:
    """Whose identity the rules let this sign-in see on this URL: "other team", "restricted"."""
    if username == "dpo" and name in DPO_GOVERNS:
        return {"other team", "restricted"}
    if username == "frontdoor" and name in FRONT_DOOR_SEES:
        return {"other team"}  # never a restricted record they are not named on
    if username == "mashmanager" and name in MASH_MANAGER_SEES:
        return {"other team"}
    return set()


def may_answer(name: str, username: str, variant: str) -> bool:
    """Whether the rules let this sign-in get an answer for this hidden record."""
    if variant in names_allowed(name, username):
        return True
    if name == BREAK_THE_GLASS[0] and username in BREAK_THE_GLASS[1]:
        return True
    return (name, username) in ANSWER_NOT_NAME and variant == "other team"


# --- The hidden records -----------------------------------------------------------------------


def _plant(stack: Stack) -> dict:
    """The hidden records, planted once per database (their ids kept under var/proof)."""
    stack.django()
    from onestory.people.models import Person

    path = VAR / f"access-world-{stack.database.name}.json"
    if path.exists():
        world = json.loads(path.read_text())
        ids = [world["other team"]["person_id"], world["restricted"]["person_id"]]
        if Person.objects.filter(pk__in=ids).count() == 2:
            return world
    world = _plant_world()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(world, indent=2))
    return world


def _plant_world() -> dict:
    from django.db import transaction
    from django.utils import timezone

    from onestory.access.models import AccessGrant, Allocation, Notification, RecordRestriction
    from onestory.earlyhelp.models import Episode, EpisodeMember
    from onestory.frontdoor.models import InformationRequest, Referral
    from onestory.frontdoor.tests.factories import submit
    from onestory.people.models import (
        Address,
        DuplicateCandidate,
        Household,
        HouseholdMember,
        Person,
        PersonMerge,
        PersonName,
    )
    from onestory.socialcare.models import Assessment, CarePeriod, ChildProtectionPlan
    from onestory.workforce.models import Agency, Team, Worker

    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        council = Worker.objects.get(username="socialworker").agency
        team, _ = Team.objects.get_or_create(
            agency=council,
            name="Proof: Social Work Elsewhere",
            defaults={"kind": Team.Kind.SOCIAL_WORK},
        )
        stranger, _ = Worker.objects.get_or_create(
            username="proof-elsewhere",
            defaults={
                "first_name": "Elsewhere",
                "last_name": "Worker",
                "role": "socialworker",
                "team": team,
                "agency": council,
            },
        )
        school, _ = Agency.objects.get_or_create(
            name="Proof: a school nobody signs in from", defaults={"kind": Agency.Kind.SCHOOL}
        )
        school_team, _ = Team.objects.get_or_create(
            agency=school, name="Proof: pastoral team", defaults={"kind": Team.Kind.PARTNER}
        )
        referrer, _ = Worker.objects.get_or_create(
            username="proof-referrer",
            defaults={
                "first_name": "Proof",
                "last_name": "Referrer",
                "role": "partner",
                "team": school_team,
                "agency": school,
            },
        )
        dpo = Worker.objects.get(username="dpo")
        socialworker = Worker.objects.get(username="socialworker")

        def person(given, family, born):
            made = Person.objects.create(
                given_name=given, family_name=family, date_of_birth=born, sex="U"
            )
            PersonName.objects.create(
                person=made, kind="legal", given_name=given, family_name=family
            )
            return made

        child = person(*OTHER_TEAM_CHILD)
        adult = person(*OTHER_TEAM_ADULT)
        for who in (child, adult):
            Allocation.objects.create(
                person=who, worker=stranger, team=team, starts_at=now, allocated_by=stranger
            )
        household = Household.objects.create(name="Quillfeather household")
        member = HouseholdMember.objects.create(household=household, person=child)
        HouseholdMember.objects.create(household=household, person=adult)
        address = Address.objects.create(
            person=child, line_1="1 Quillfeather Row", town="Luton", postcode="LU1 1AA"
        )
        grant = AccessGrant.objects.create(
            person=child,
            worker=stranger,
            kind=AccessGrant.Kind.GRANT,
            reason="Cover for the proof",
            starts_at=now,
        )
        candidate = DuplicateCandidate.objects.create(
            person_a=child, person_b=adult, score=0.9, evidence=[]
        )
        merge = PersonMerge.objects.create(
            kept=child, merged=adult, reason="Same child", merged_by=stranger, merged_at=now
        )
        note = Notification.objects.create(
            recipient=stranger, person=child, message="Zebedee Quillfeather was opened"
        )
        contact = submit(
            referrer,
            now=now,
            people=[{"role": "child", "given_name": "Zebedee", "family_name": "Quillfeather"}],
        )
        named = contact.people.get()
        named.person = child
        named.save(update_fields=["person"])
        request = InformationRequest.objects.create(
            contact=contact,
            agency_kind="police",
            asked_of="Police",
            question="Known to you?",
            requested_at=now,
            requested_by=stranger,
            due_at=now,
        )
        episode = Episode.objects.create(
            reference="EH-PROOF0001",
            source=Episode.Source.AGENCY,
            team=team,
            lead_professional=stranger,
            opened_at=now,
            opened_by=stranger,
            consent_given_by="Zebedee Quillfeather's mother",
        )
        EpisodeMember.objects.create(episode=episode, person=child, role="child")
        EpisodeMember.objects.create(episode=episode, person=adult, role="adult")
        referral = Referral.objects.create(
            contact=contact,
            person=child,
            referral_date=today,
            source="2A",
            primary_need="N1",
            assessment_due_on=today,
        )
        assessment = Assessment.objects.create(
            referral=referral, person=child, worker=stranger, started_on=today, due_on=today
        )
        plan = ChildProtectionPlan.objects.create(
            referral=referral,
            person=child,
            starts_on=today,
            initial_category="NEG",
            latest_category="NEG",
        )
        period = CarePeriod.objects.create(person=child, referral=referral, starts_on=today)

        # The restricted child: the demo social worker's and her team's, nobody named on it.
        restricted = person(*RESTRICTED_CHILD)
        Allocation.objects.create(
            person=restricted,
            worker=socialworker,
            team=socialworker.team,
            starts_at=now,
            allocated_by=socialworker,
        )
        RecordRestriction.objects.create(
            person=restricted, restricted_by=dpo, reason="Proof: nobody is named on this record"
        )
        restricted_home = Household.objects.create(name="Thistlewood household")
        restricted_member = HouseholdMember.objects.create(
            household=restricted_home, person=restricted
        )
    return {
        "other team": {
            "person_id": str(child.pk),
            "adult_id": str(adult.pk),
            "household_id": str(household.pk),
            "address_id": str(address.pk),
            "member_id": str(member.pk),
            "grant_id": str(grant.pk),
            "candidate_id": str(candidate.pk),
            "merge_id": str(merge.pk),
            "notification_id": str(note.pk),
            "contact_id": str(contact.pk),
            "named_id": str(named.pk),
            "request_id": str(request.pk),
            "episode_id": str(episode.pk),
            "referral_id": str(referral.pk),
            "assessment_id": str(assessment.pk),
            "plan_id": str(plan.pk),
            "period_id": str(period.pk),
        },
        "restricted": {
            "person_id": str(restricted.pk),
            "household_id": str(restricted_home.pk),
            "member_id": str(restricted_member.pk),
        },
    }


def _markers(world: dict) -> dict[str, list[str]]:
    """What shows who the hidden records are, by variant: names and record ids."""
    return {
        "other team": [
            OTHER_TEAM_CHILD[1],
            OTHER_TEAM_ADULT[1],
            world["other team"]["person_id"],
            world["other team"]["adult_id"],
        ],
        "restricted": [RESTRICTED_CHILD[1], world["restricted"]["person_id"]],
    }


def _all_markers(world: dict) -> list[str]:
    return [m for found in _markers(world).values() for m in found]


# --- Signing in ---------------------------------------------------------------------------------


def sign_in(stack: Stack, username: str):
    """A signed-in session past the second factor (stack.session), or an anonymous one."""
    if username == ANONYMOUS:
        return stack.anonymous()
    return stack.session(username)


def _clone(stack: Stack, client):
    copy = stack.anonymous()
    copy.headers.update(client.headers)
    copy.cookies.update(client.cookies)
    return copy


# --- Item 1: the URL walk ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    rule: str | None
    allowed: frozenset | None  # roles, or None for any signed-in role

    @property
    def kwargs(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def routes(stack: Stack) -> list[Route]:
    stack.django()
    from django.urls import URLPattern, URLResolver, get_resolver

    from onestory.access.decorators import allowed_roles_of, rule_of

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                rule = rule_of(entry.callback)
                allowed = allowed_roles_of(entry.callback)
                if rule and rule.startswith("roles:"):
                    allowed = frozenset(rule.removeprefix("roles:").split(","))
                yield Route(
                    name or prefix + str(entry.pattern),
                    prefix + str(entry.pattern),
                    rule,
                    frozenset(str(r) for r in allowed) if allowed is not None else None,
                )

    return list(walk(get_resolver().url_patterns))


def fill(route: Route, ids: dict) -> tuple[str, bool]:
    """The URL with the hidden ids put in, and whether any hidden id went in."""
    used = []

    def one(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "uuid":
            if name in ids:
                used.append(name)
            return str(ids.get(name, uuid.uuid4()))
        if converter == "int":
            return "999999"
        return "walk"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route.route), bool(used)


def _to_sign_in(answer) -> bool:
    """Sent to sign in, or to the second factor (every walking session has passed it)."""
    location = answer.headers.get("Location", "")
    return answer.status_code in (301, 302, 303) and location.startswith("/sign-in/")


def judge(route, username, method, variant, hidden_ids, answer, markers, url="") -> dict:
    """What is wrong with one answer: leak, unexpected allow, server error, lost session."""
    where = f"{method} {route.name} as {username} ({variant}): {answer.status_code}"
    body = answer.text if answer.content else ""
    found = {}
    if answer.status_code >= 500:
        found["error"] = where
    allowed = names_allowed(route.name, username) if username != ANONYMOUS else set()
    for whose, words in markers.items():
        if whose in allowed:
            continue
        # An id that is in the address asked for may be echoed (a 404's break-the-glass link).
        hits = [m for m in words if m in body and m not in url]
        if hits:
            found["leak"] = f"{where}: {hits[0]!r} ({whose}) in the answer"
    refused = answer.status_code in (403, 404, 405) or _to_sign_in(answer)
    if username == ANONYMOUS:
        if route.rule != "public" and not refused and answer.status_code != 401:
            found["allow"] = f"{where}: anonymous visitors must be refused or sent to sign in"
        return found
    if _to_sign_in(answer):
        found["session"] = f"{where}: sent to sign in (the walk's session ended)"
    role = role_of(username)
    closed = route.allowed is not None and role not in route.allowed
    record = hidden_ids or route.rule in ("person", "household")
    if (closed or record) and not refused and not may_answer(route.name, username, variant):
        if answer.status_code < 400:
            found["allow"] = f"{where}: expected 404 ({'role' if closed else 'record'} hidden)"
        elif answer.status_code < 500:
            found["other"] = f"{where}: answered neither 404 nor 403"
    return found


def walk_urls(stack: Stack, world: dict, *, methods, variants, threads: int = 4) -> dict:
    all_routes = routes(stack)
    markers = _markers(world)
    clients = {u: sign_in(stack, u) for u in (ANONYMOUS, *ROLES)}
    local = threading.local()

    def client_for(username):
        if not hasattr(local, "clients"):
            local.clients = {}
        if username not in local.clients:
            local.clients[username] = _clone(stack, clients[username])
        return local.clients[username]

    jobs = []
    for route in all_routes:
        if route.name in NOT_WALKED or route.rule is None:
            continue
        for variant in variants if route.kwargs else ["no"]:
            ids = world.get(variant, {})
            url, hidden = fill(route, ids)
            if variant == "restricted" and not hidden:
                continue  # nothing of the restricted child's in this URL: the other walk has it
            for username in (ANONYMOUS, *ROLES):
                role = role_of(username)
                closed = route.allowed is not None and role not in route.allowed
                for method in methods if username != ANONYMOUS else ("GET", "POST"):
                    # A write with no record in it, by a role the URL is open to, could change
                    # the town (a claim, a sample): not sent; lists are read with GET.
                    if method != "GET" and not hidden and not closed and username != ANONYMOUS:
                        continue
                    jobs.append((route, username, method, variant, hidden, url))

    def send(job):
        route, username, method, variant, hidden, url = job
        client = client_for(username)
        headers = {"X-CSRFToken": client.cookies.get("csrftoken", "")}
        data = {"csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}

        def ask(address):
            for attempt in (1, 2):  # once more after a dropped connection (a busy machine)
                try:
                    return client.request(
                        method,
                        stack.base_url + address,
                        data=data if method != "GET" else None,
                        headers=headers,
                        allow_redirects=False,
                        timeout=120,
                    )
                except requests.RequestException:
                    if attempt == 2:
                        raise
                    time.sleep(1)

        try:
            answer = ask(url)
            found = judge(route, username, method, variant, hidden, answer, markers, url)
            if hidden and route.name == BREAK_THE_GLASS[0] and username in BREAK_THE_GLASS[1]:
                missing = ask(fill(route, {})[0])
                if missing.status_code != answer.status_code:
                    found["other"] = (
                        f"{method} {route.name} as {username} ({variant}): {answer.status_code}"
                        f", a missing record {missing.status_code}"
                    )
            return found
        except requests.RequestException as error:  # a worker killed mid-answer, a timeout
            return {"error": f"{method} {route.name} as {username}: {type(error).__name__}"}

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(send, jobs))
    found = {"leak": [], "allow": [], "other": [], "error": [], "session": []}
    for result in results:
        for kind, text in result.items():
            found[kind].append(text)
    return {
        "requests": len(jobs),
        "seconds": time.monotonic() - started,
        "routes": all_routes,
        "found": found,
    }


def _first(items: list[str]) -> str:
    return f"; e.g. {items[0]}" if items else ""


@check("1", "Every URL × every role × every method against hidden records", quick=True)
def url_walk(stack: Stack) -> list[Figure]:
    world = _plant(stack)
    variants = ["other team", "restricted"]
    # CI walks with GET and POST (the methods the views answer); the full run with all five.
    methods = ("GET", "POST") if stack.quick else METHODS
    result = walk_urls(stack, world, methods=methods, variants=variants)
    found, n = result["found"], result["requests"]
    log(f"item 1: {n} requests in {result['seconds']:.0f} s")
    for kind, items in found.items():
        for text in items[:300]:
            log(f"item 1 {kind}: {text}")
    no_rule = [r.name for r in result["routes"] if r.rule is None]
    covered = f"{len(result['routes'])} URL patterns, {n:,} requests ({', '.join(methods)})"
    return [
        zero("1", "leaks: hidden names or ids in an answer", found["leak"],
             note=covered + _first(found["leak"])),
        zero("1", "unexpected allows of hidden records or closed pages", found["allow"],
             note=_first(found["allow"]).removeprefix("; e.g. ")),
        zero("1", "hidden records answered unlike a missing one (not 404/403)", found["other"],
             note=_first(found["other"]).removeprefix("; e.g. ")),
        zero("1", "URL patterns whose view declares no access rule", no_rule,
             note=", ".join(no_rule[:3])),
        zero("1", "server errors in the walk", found["error"],
             note=_first(found["error"]).removeprefix("; e.g. ")),
        zero("1", "walk sessions ended by a request", found["session"],
             note=_first(found["session"]).removeprefix("; e.g. ")),
    ]  # fmt: skip


# --- Item 2: lists, search, dashboards, exports, API lists ---------------------------------------


def _without(text: str, *typed: str) -> str:
    """An answer with what differs between two identical answers taken out (the CSRF token,
    what was typed), so that two answers can be compared."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    for value in typed:
        text = text.replace(value, "")
    return text


def known_to_us(client, stack: Stack, given: str, family: str, born: date):
    return client.post(
        f"{stack.base_url}/known-to-us/",
        data={
            "given_name": given,
            "family_name": family,
            "date_of_birth": born.strftime("%d/%m/%Y"),
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
        },
        timeout=120,
        allow_redirects=False,
    )


def _api_pages(client, url: str, limit: int = 200):
    """Every page of an API list (following `next`), up to `limit` pages."""
    pages = []
    while url and len(pages) < limit:
        answer = client.get(url, timeout=120)
        pages.append(answer)
        try:
            url = answer.json().get("next") if answer.ok else None
        except ValueError:
            url = None
    return pages


@check("2", "Lists, search, dashboards, exports and API lists reveal no hidden record", quick=True)
def lists(stack: Stack) -> list[Figure]:
    world = _plant(stack)
    markers = _all_markers(world)
    no_parameters = [r for r in routes(stack) if not r.kwargs and r.name not in NOT_WALKED]
    leaks, oracle, errors, answers = [], [], [], 0
    for username in ROLES:
        began = time.monotonic()
        client = sign_in(stack, username)
        role = role_of(username)
        # Every list, dashboard, count and export the role may reach (no record in the URL).
        for route in no_parameters:
            if route.allowed is not None and role not in route.allowed:
                continue
            answer = client.get(stack.base_url + "/" + route.route, timeout=120)
            answers += 1
            if answer.status_code >= 500:
                errors.append(f"{route.name} as {username}: {answer.status_code}")
            allowed = names_allowed(route.name, username)
            for whose, words in _markers(world).items():
                hits = [m for m in words if m in answer.text and whose not in allowed]
                if hits:
                    leaks.append(f"{route.name} as {username}: {hits[0]!r} ({whose})")
        # The API lists, every page, and filtered by the hidden names.
        for url in ("/api/people/", "/api/families/"):
            for answer in _api_pages(client, stack.base_url + url):
                answers += 1
                if answer.status_code >= 500:
                    errors.append(f"{url} as {username}: {answer.status_code}")
                hits = [m for m in markers if m in answer.text]
                if hits:
                    leaks.append(f"{url} as {username}: {hits[0]!r}")
        # Searching notes and documents for the hidden names.
        if role in ("frontdoor", "earlyhelp", "familyhub", "partner", "socialworker", "manager"):
            for word in HIDDEN_WORDS:
                answer = client.post(
                    f"{stack.base_url}/documents/search/",
                    data={"q": word, "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
                    timeout=120,
                )
                answers += 1
                hits = [m for m in markers if m in _without(answer.text, word)]
                if hits:
                    leaks.append(f"documents:search for {word} as {username}: {hits[0]!r}")
        # Known to us? The restricted child's exact name and date of birth must be answered as
        # a name nobody has; the other team's child too, except for front-door screeners.
        if role in ("frontdoor", "earlyhelp", "familyhub", "partner", "socialworker", "manager"):
            nobody = known_to_us(client, stack, *NOBODY)
            baseline = _without(nobody.text, *NOBODY[:2], NOBODY[2].strftime("%d/%m/%Y"))
            asked = [("restricted", RESTRICTED_CHILD)]
            if username != "frontdoor":
                asked.append(("other team", OTHER_TEAM_CHILD))
            for what, (given, family, born) in asked:
                answer = known_to_us(client, stack, given, family, born)
                answers += 1
                shown = _without(answer.text, given, family, born.strftime("%d/%m/%Y"))
                if answer.status_code != nobody.status_code or shown != baseline:
                    oracle.append(f"known to us? as {username}: the {what} child is answered "
                                  "differently from a name nobody has")  # fmt: skip
                hits = [m for m in markers if m in answer.text and m not in (given, family)]
                if hits:
                    leaks.append(f"known to us? as {username}: {hits[0]!r}")
        log(f"item 2: {username} in {time.monotonic() - began:.0f} s")
    return [
        zero("2", "lists, searches, exports, API pages revealing a hidden record", leaks,
             note=f"{answers:,} answers, {len(ROLES)} sign-ins" + _first(leaks)),
        zero("2", "searches telling a restricted or hidden record exists", oracle,
             note=_first(oracle).removeprefix("; e.g. ") or "known to us? exact name and birth"),
        zero("2", "server errors on lists", errors, note=_first(errors).removeprefix("; e.g. ")),
    ]  # fmt: skip


# --- Item 6: a worker moved or deactivated, with a session already open ------------------------


def _team_only_record(worker) -> str | None:
    """A record the worker opens only through their team (not allocated to them, no grant)."""
    from django.db.models import Q
    from django.utils import timezone

    from onestory.access.models import AccessGrant, Allocation, RecordRestriction
    from onestory.access.selectors import visible_to

    now = timezone.now()
    own = Allocation.objects.filter(worker=worker).values("person_id")
    granted = AccessGrant.objects.filter(worker=worker).values("person_id")
    team = Allocation.objects.filter(
        Q(team=worker.team) | Q(worker__team=worker.team),
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        starts_at__lte=now,
    ).values("person_id")
    person = (
        visible_to(worker, now=now)
        .filter(pk__in=team)
        .exclude(pk__in=own)
        .exclude(pk__in=granted)
        .exclude(pk__in=RecordRestriction.objects.values("person_id"))
        .order_by("pk")
        .first()
    )
    return str(person.pk) if person else None


def _allocate_to_team(team):
    """A child nobody works with, allocated to the team alone (taken away after the check)."""
    from django.utils import timezone

    from onestory.access.models import Allocation
    from onestory.people.models import Person

    person = (
        Person.objects.filter(allocations__isnull=True, merged_into__isnull=True, restriction=None)
        .exclude(family_name__in=HIDDEN_WORDS)
        .order_by("pk")
        .first()
    )
    return Allocation.objects.create(
        person=person, team=team, starts_at=timezone.now(), purpose="Proof: team allocation"
    )


def _allocated_record(worker) -> str | None:
    from django.utils import timezone

    from onestory.access.selectors import visible_to

    person = (
        visible_to(worker, now=timezone.now())
        .filter(allocations__worker=worker)
        .order_by("pk")
        .first()
    )
    return str(person.pk) if person else None


def _served(answer, username: str) -> bool:
    return not (answer.status_code in (401, 403, 404) or _to_sign_in(answer))


@check("6", "A worker moved to another team or deactivated, mid-session", quick=True)
def moved_or_deactivated(stack: Stack) -> list[Figure]:
    _plant(stack)  # the team elsewhere
    from onestory.workforce.models import Team, Worker

    served, proven = [], []
    # Moved: the social worker goes to another team; her old team's records must close at once.
    mover = Worker.objects.get(username="socialworker")
    old_team = mover.team
    record, planted = _team_only_record(mover), None
    if record is None:
        planted = _allocate_to_team(mover.team)
        record = str(planted.person_id)
    client = sign_in(stack, "socialworker")
    pages = [f"/people/{record}/", f"/api/people/{record}/", f"/social-care/children/{record}/"]
    if record is None:
        served.append("no record open to the social worker through her team alone")
    else:
        before = client.get(stack.base_url + pages[0], timeout=120, allow_redirects=False)
        if before.status_code != 200:
            served.append(f"before the move the team's record answered {before.status_code}")
        try:
            mover.team = Team.objects.get(name="Proof: Social Work Elsewhere")
            mover.save(update_fields=["team"])
            for page in pages:
                answer = client.get(stack.base_url + page, timeout=120, allow_redirects=False)
                proven.append(page)
                # (The id itself may be in a 404 page: the address asked for is echoed.)
                if _served(answer, "socialworker"):
                    served.append(f"moved worker served {page}: {answer.status_code}")
            # Her list of people must not carry the old team's record either.
            answer = client.get(f"{stack.base_url}/api/people/?page_size=1000", timeout=120)
            if record in answer.text:
                served.append("moved worker's /api/people/ lists the old team's record")
            proven.append("/api/people/")
        finally:
            mover.team = old_team
            mover.save(update_fields=["team"])
            if planted is not None:
                planted.delete()
    # Deactivated: the early help worker is switched off while signed in.
    leaver = Worker.objects.get(username="earlyhelp")
    record = _allocated_record(leaver)
    client = sign_in(stack, "earlyhelp")
    pages = ["/", "/api/people/", "/early-help/", "/known-to-us/"]
    if record:
        pages += [f"/people/{record}/", f"/api/people/{record}/"]
        before = client.get(f"{stack.base_url}/people/{record}/", timeout=120)
        if before.status_code != 200:
            served.append(f"before deactivation their own record answered {before.status_code}")
    try:
        Worker.objects.filter(pk=leaver.pk).update(is_active=False)
        for page in pages:
            for method in ("GET", "POST"):
                answer = client.request(
                    method,
                    stack.base_url + page,
                    data={"csrfmiddlewaretoken": client.cookies.get("csrftoken", "")},
                    timeout=120,
                    allow_redirects=False,
                )
                proven.append(f"{method} {page}")
                if _served(answer, "earlyhelp") and answer.status_code != 405:
                    served.append(f"deactivated worker served {method} {page}: "
                                  f"{answer.status_code}")  # fmt: skip
    finally:
        Worker.objects.filter(pk=leaver.pk).update(is_active=True)
    return [
        zero("6", "requests served after a move or deactivation", served,
             note=f"{len(proven)} requests after the change" + _first(served)),
    ]  # fmt: skip


# --- Item 4: writes given extra protected fields -------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: their action and fields as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": [], "radios": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file"):
                return
            if kind == "radio":
                self._form["radios"].setdefault(name, attrs.get("value", ""))
                if "checked" in attrs:
                    self._form["radios"][name] = attrs.get("value", "")
                return
            if kind == "checkbox" and "checked" not in attrs:
                return
            self._form["fields"].append([name, attrs.get("value", "")])
        elif tag == "select" and name:
            self._select = [name, None]
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[1] in (None, "") or "selected" in attrs:
                self._select[1] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and not self._textarea[1].strip():
                self._textarea[1] = "Written by the proof to see what a form changes, and no more."
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self._form["fields"] += [[k, v] for k, v in self._form["radios"].items()]
            self._form = None


def page_form(client, url: str) -> tuple[list, list[str]]:
    """The page's main POST form (the one with most fields) as (name, value) pairs."""
    answer = client.get(url, timeout=120)
    parser = _Forms()
    parser.feed(answer.text)
    forms = [f for f in parser.forms if "sign-out" not in f["action"]]
    if not forms:
        return [], []
    form = max(forms, key=lambda f: len(f["fields"]))
    pairs = [(k, "" if v is None else v) for k, v in form["fields"]]
    return pairs, [k for k, _ in pairs]


def _row(stack: Stack, table: str, pk) -> dict:
    rows = stack.sql(f"SELECT row_to_json(t)::text FROM {table} t WHERE id = %s", [pk])  # noqa: S608
    return json.loads(rows[0][0]) if rows else {}


# Audit actions that record a look, not a change.
READ_ACTIONS = ("view", "list", "search", "export", "download", "denied", "sign_in")


@dataclass
class Write:
    """One write endpoint: the form posted, the extra fields added, the row that must not change
    beyond what the form says."""

    what: str
    username: str
    url: str  # the form page
    post_to: str  # where the form goes
    table: str
    pk: str
    extras: dict  # protected field -> value the worker should not be able to set
    always: tuple = ("id", "created_at")  # columns no form changes
    change: dict | None = None  # field -> value the legitimate form changes
    headers: dict | None = None
    add_subject: bool = False  # also add the hidden child to the form's list of people


def _injected_changes(before: dict, after: dict, extras: dict, fields: list, always) -> list:
    """Columns changed by the extra fields: an extra's column that changed though the form has
    no such field, or a column no form may change."""
    changed = []
    for column in before:
        if before[column] == after.get(column):
            continue
        field = column.removesuffix("_id")
        # The extra field's own value got in (a legitimate change, a decision moving the
        # status on, is not the extra field's doing).
        value = extras.get(column, extras.get(field))
        injected = (
            value is not None
            and not {field, column} & set(fields)
            and str(after.get(column)).startswith(str(value)[:10])
        )
        if column in always or injected:
            changed.append(column)
    return changed


def _writes(stack: Stack, world: dict) -> list[Write]:
    from onestory.workforce.models import Team, Worker

    stranger = Worker.objects.get(username="proof-elsewhere")
    elsewhere = Team.objects.get(name="Proof: Social Work Elsewhere")
    other = world["other team"]
    protected = {
        "id": other["person_id"],
        "pk": other["person_id"],
        "team": str(elsewhere.pk),
        "team_id": str(elsewhere.pk),
        "worker": str(stranger.pk),
        "owner": str(stranger.pk),
        "author": str(stranger.pk),
        "created_by": str(stranger.pk),
        "recorded_by": str(stranger.pk),
        "assigned_to": str(stranger.pk),
        "lead_professional": str(stranger.pk),
        "restricted": "on",
        "is_restricted": "true",
        "merged_into": other["person_id"],
        "version": "999",
        "status": "closed",
        "created_at": "2001-01-01T00:00:00Z",
        "person": other["person_id"],
        "episode": other["episode_id"],
        "household": other["household_id"],
        "reference": "INJECTED-BY-PROOF",
        "referrer_name": "Injected By Proof",
        "submitted_at": "2001-01-01T00:00:00Z",
    }
    writes = []
    child = stack.sql(
        "SELECT a.person_id FROM access_allocation a JOIN workforce_worker w ON w.id = a.worker_id"
        " LEFT JOIN access_recordrestriction r ON r.person_id = a.person_id"
        " WHERE w.username = 'socialworker' AND a.ends_at IS NULL AND r.id IS NULL"
        " ORDER BY a.person_id LIMIT 1"
    )
    if child:
        pid = str(child[0][0])
        writes.append(
            Write("person edit", "socialworker", f"/people/{pid}/edit/", f"/people/{pid}/edit/",
                  "people_person", pid, protected, ("id", "created_at", "merged_into_id"),
                  change={"middle_names": f"Proof{int(time.time())}"})
        )  # fmt: skip
    action = stack.sql(
        "SELECT a.id, a.episode_id FROM earlyhelp_planaction a JOIN earlyhelp_episode e"
        " ON e.id = a.episode_id JOIN workforce_worker w ON w.id = e.lead_professional_id"
        " WHERE w.username = 'earlyhelp' AND e.closed_at IS NULL ORDER BY a.id LIMIT 1"
    )
    if action:
        aid, eid = action[0]
        url = f"/early-help/{eid}/actions/{aid}/"
        writes.append(
            Write("early help plan action edit", "earlyhelp", url, url, "earlyhelp_planaction",
                  str(aid), protected, ("id", "created_at", "episode_id", "created_by_id"),
                  change={"success_looks_like": f"Proof {time.time():.0f}: the family is ok"})
        )  # fmt: skip
    # A new contact each run, as a school would send it, for the front door to decide.
    from django.utils import timezone

    from onestory.frontdoor.tests.factories import submit
    from onestory.people.models import Person

    contact = submit(Worker.objects.get(username="proof-referrer"), now=timezone.now())
    known = Person.objects.filter(merged_into__isnull=True, restriction=None).exclude(
        family_name__in=HIDDEN_WORDS
    )
    for n, named in enumerate(contact.people.order_by("pk")):  # linked as the screener would
        named.person = known.order_by("pk")[n]
        named.save(update_fields=["person"])
    if contact:
        url = f"/front-door/contacts/{contact.pk}/decide/"
        writes.append(
            Write("contact decide", "frontdoor", url, url, "frontdoor_contact",
                  str(contact.pk), protected,
                  ("id", "created_at", "reference", "referrer_name", "recorded_by_id",
                   "referrer_worker_id", "received_at", "what_happened"))
        )  # fmt: skip
    return writes


def _start_note(stack: Stack, client, person_id: str) -> str | None:
    answer = client.post(
        f"{stack.base_url}/recording/notes/start/",
        data={"person": person_id, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
        timeout=120,
        allow_redirects=False,
    )
    found = re.search(r"/recording/notes/([0-9a-f-]{36})/", answer.headers.get("Location", ""))
    return found.group(1) if found else None


def _post_write(stack: Stack, client, write: Write, fields: list, pairs: list, extras: dict):
    data = [(k, write.change.get(k, v) if write.change else v) for k, v in pairs]
    data = [(k, client.cookies["csrftoken"]) if k == "csrfmiddlewaretoken" else (k, v)
            for k, v in data]  # fmt: skip
    data += [(k, v) for k, v in extras.items() if k not in fields]
    # A person list the form offers gets the hidden child added, as a forged browser would.
    for name in ("people", "subjects", "person_ids", "members"):
        if name in fields and write.add_subject:
            data.append((name, extras["person"]))
    return client.post(
        stack.base_url + write.post_to,
        data=data,
        headers={"X-CSRFToken": client.cookies["csrftoken"], **(write.headers or {})},
        timeout=120,
        allow_redirects=False,
    )


@check("4", "Writes given extra protected fields (owner, team, restricted, version, status)",
       quick=True)  # fmt: skip
def protected_fields(stack: Stack) -> list[Figure]:
    world = _plant(stack)
    writes = _writes(stack, world)
    sessions = {}
    changed, accepted, covered, unaudited = [], [], [], []

    def attempt(write: Write):
        client = sessions.setdefault(write.username, sign_in(stack, write.username))
        pairs, fields = page_form(client, stack.base_url + write.url)
        if not pairs:
            changed.append(f"{write.what}: no form at {write.url}")
            return
        before = _row(stack, write.table, write.pk)
        last_event = stack.sql("SELECT coalesce(max(id), 0) FROM access_auditevent")[0][0]
        before_restricted = stack.sql(
            "SELECT count(*) FROM access_recordrestriction WHERE person_id = %s",
            [write.pk] if write.table == "people_person" else [world["other team"]["person_id"]],
        )
        answer = _post_write(stack, client, write, fields, pairs, write.extras)
        after = _row(stack, write.table, write.pk)
        covered.append(write.what)
        saved = before != after
        log(f"item 4: {write.what}: {answer.status_code}, row {'changed' if saved else 'same'}")
        if saved:
            accepted.append(f"{write.what} {answer.status_code}")
            # Item 13: the change is in the audit trail, as a change by this worker.
            if not stack.sql(
                "SELECT 1 FROM access_auditevent e JOIN workforce_worker w ON w.id = e.actor_id"
                " WHERE e.id > %s AND w.username = %s AND e.action <> ALL(%s) LIMIT 1",
                [last_event, write.username, list(READ_ACTIONS)],
            ):
                unaudited.append(write.what)
        elif answer.status_code == 400:
            log(f"item 4: {write.what} refused: {answer.text[:300]}")
        elif answer.status_code == 200 and "govuk-error-summary" in answer.text:
            problems = re.findall(r'<a href="#[^"]*">([^<]+)</a>', answer.text)[:3]
            log(f"item 4: {write.what} refused: {problems}")
        for column in _injected_changes(before, after, write.extras, fields, write.always):
            changed.append(f"{write.what}: {column} {before.get(column)!r} → {after.get(column)!r}")
        if write.table == "people_person" and before_restricted != stack.sql(
            "SELECT count(*) FROM access_recordrestriction WHERE person_id = %s", [write.pk]
        ):
            changed.append(f"{write.what}: the record's restriction")
        if (
            write.change
            and "version" in before
            and after.get("version") not in (before["version"], before["version"] + 1)
        ):
            changed.append(f"{write.what}: version {before['version']} → {after['version']}")

    for write in writes:
        attempt(write)
    # A case note: started on the social worker's own child, autosaved and then submitted with
    # extra fields (author, status, subjects, household, submitted time).
    child = next((w.pk for w in writes if w.table == "people_person"), None)
    if child:
        client = sessions.setdefault("socialworker", sign_in(stack, "socialworker"))
        note = _start_note(stack, client, child)
        if note is None:
            changed.append("case note: could not start a note")
        else:
            edit = f"/recording/notes/{note}/edit/"
            always = ("id", "created_at", "author_id", "household_id", "about_id", "about_type")
            subjects = "SELECT person_id::text FROM recording_casenotesubject WHERE note_id = %s"
            before_subjects = stack.sql(subjects, [note])
            autosave = Write(
                "case note autosave",
                "socialworker",
                edit,
                f"/recording/notes/{note}/autosave/",
                "recording_casenote",
                note,
                writes[0].extras,
                always,
                headers={"X-Requested-With": "fetch"},
            )
            attempt(autosave)
            status = _row(stack, "recording_casenote", note).get("status")
            if status != "draft":
                changed.append(f"case note autosave: status became {status!r}")
            submit = Write("case note submit", "socialworker", edit, edit, "recording_casenote",
                           note, {**writes[0].extras, "action": "submit"}, always)  # fmt: skip
            attempt(submit)
            # The hidden child added to the note's people by a forged form: refused.
            note = _start_note(stack, client, child)
            edit = f"/recording/notes/{note}/edit/"
            before_subjects = stack.sql(subjects, [note])
            attempt(Write("case note with a hidden subject", "socialworker", edit, edit,
                          "recording_casenote", note, {**writes[0].extras, "action": "submit"},
                          always, add_subject=True))  # fmt: skip
            after_subjects = stack.sql(subjects, [note])
            if sorted(after_subjects) != sorted(before_subjects):
                changed.append(f"case note: subjects {before_subjects} → {after_subjects}")
    for text in changed:
        log(f"item 4: {text}")
    return [
        zero("4", "protected fields changed by extra form fields", changed,
             note=f"{', '.join(covered)}" + _first(changed)),
        # Every legitimate write must go through, or the check proved nothing about it; the
        # note with a hidden child among its people must be refused.
        Figure("4", "legitimate writes accepted (with the extra fields ignored)", len(accepted),
               goal=f"{len(covered) - 1}", ok=len(accepted) == len(covered) - 1
               and not any("hidden subject" in a for a in accepted),
               note="; ".join(accepted)),
        zero("13", "changes to a child's record with no audit event", unaudited,
             note=f"{len(accepted)} accepted writes checked" + _first(unaudited)),
    ]  # fmt: skip
