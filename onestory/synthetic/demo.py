"""The demo sign-ins: one worker for each role, with work to look at in the synthetic data.

Running it again refreshes the passwords and tops the work up; it never duplicates it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as reset_lockouts
from django.db import transaction

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.access.selectors import visible_to
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import today_in_london
from onestory.core.rules import ASSESSMENT_WORKING_DAYS, add_working_days
from onestory.earlyhelp.models import Episode, EpisodeMember
from onestory.frontdoor.models import Referral
from onestory.people.models import ChronologyEntry, HouseholdMember, Person, Postcode
from onestory.people.rules import age_in_years
from onestory.socialcare import models as sc
from onestory.socialcare.rules import SOCIAL_WORKER_PURPOSES, placement_distance_miles
from onestory.workforce.models import Agency, Team, Worker
from onestory.workforce.rules import Role

from .casework import (
    CHILD_IN_NEED_PURPOSES,
    CONSENT_PURPOSES,
    PURPOSE_CHILD_IN_NEED,
    PURPOSE_EARLY_HELP,
    PURPOSE_EARLY_HELP_FAMILY,
    PURPOSE_FAMILY_MEMBER,
)
from .chronology import allocation_summary
from .earlyhelp import demo_episode, hand_over_for_demo
from .familyhubs import DEMO_HUB, demo_sessions
from .models import PlantedDuplicate
from .recording import demo_drafts
from .workforce import COUNCIL_NAME

DEMO_PASSWORD = "onestory-demo"  # noqa: S105 - published on purpose: demo sign-ins only
SOCIAL_WORKER_CHILDREN = 15
EARLY_HELP_CHILDREN = 10
SCHOOL_PUPILS_WITH_CONSENT = 8
SCHOOL_EARLY_HELP_EPISODES = 2  # the designated safeguarding lead leads this many episodes
SCHOOL_EPISODE_DAYS = 35  # opened this long ago: assessed, planned, one action overdue


class SyntheticDataMissing(Exception):
    """The synthetic local authority has not been generated in this database."""


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    team: str | None  # council team name; None for the school's own team
    job_title: str
    is_staff: bool = False


# Invented names (common first and last names put together at random).
DEMO_USERS = (
    DemoUser(
        "frontdoor", "Amira", "Hussain", Role.FRONT_DOOR, "Front Door (MASH)", "MASH social worker"
    ),
    DemoUser(
        "earlyhelp",
        "Claire",
        "Bennett",
        Role.EARLY_HELP,
        "Early Help North",
        "Family support worker",
    ),
    DemoUser(
        "familyhub",
        "Megan",
        "Doyle",
        Role.FAMILY_HUB,
        "Family Hub North",
        "Family hub practitioner",
    ),
    DemoUser("school", "Daniel", "Okafor", Role.PARTNER, None, "Designated safeguarding lead"),
    DemoUser(
        "socialworker",
        "Sarah",
        "Mitchell",
        Role.SOCIAL_WORKER,
        "Social Work North",
        "Social worker",
    ),
    DemoUser(
        "manager",
        "James",
        "Carter",
        Role.TEAM_MANAGER,
        "Social Work North",
        "Social work team manager",
    ),
    DemoUser(
        "mashmanager",
        "Nadia",
        "Rahman",
        Role.TEAM_MANAGER,
        "Front Door (MASH)",
        "MASH team manager",
    ),
    DemoUser(
        "analyst", "Ravi", "Patel", Role.ANALYST, "Performance and Insight", "Performance analyst"
    ),
    DemoUser(
        "admin",
        "Tom",
        "Walsh",
        Role.ADMIN,
        "Systems and Information Governance",
        "Systems administrator",
        is_staff=True,
    ),
    DemoUser(
        "dpo",
        "Helen",
        "Price",
        Role.DATA_PROTECTION_OFFICER,
        "Systems and Information Governance",
        "Data protection officer",
    ),
)


@dataclass
class DemoRow:
    username: str
    name: str
    role: str
    team: str
    can_open: int
    note: str


ADULT_AGE = timedelta(days=18 * 365)


def _active(queryset, now: datetime):
    return queryset.filter(starts_at__lte=now).exclude(ends_at__lte=now)


def _school_for_demo(now: datetime) -> tuple[Agency, list[Person]]:
    """The primary school with the most current pupils, judged by who issued their UPNs."""
    today = now.date()
    pupils: dict[str, list] = {}
    for person_id, upn, born in (
        Person.objects.exclude(upn="")
        .exclude(pk__in=PlantedDuplicate.objects.values("duplicate_id"))
        .filter(date_of_death__isnull=True, merged_into__isnull=True)
        .order_by("id")
        .values_list("id", "upn", "date_of_birth")
    ):
        if born and 5 <= age_in_years(born, today) <= 10:
            pupils.setdefault(upn[1:8], []).append(person_id)
    schools = {
        a.code: a for a in Agency.objects.filter(kind=Agency.Kind.SCHOOL, code__startswith="821")
    }
    # Consents for pupils (parents' consents for an early help episode are not counted), and
    # consents that have ended (an early help episode closed), which a demo school has none of.
    is_pupil = {person_id for ids in pupils.values() for person_id in ids}
    consents: dict[str, int] = {}
    ended: dict[str, int] = {}
    for person_id, code, valid_to in Consent.objects.filter(
        status=Consent.Status.GIVEN, agencies__in=schools.values()
    ).values_list("person_id", "agencies__code", "valid_to"):
        if valid_to is not None:
            ended[code] = ended.get(code, 0) + 1
        elif person_id in is_pupil:
            consents[code] = consents.get(code, 0) + 1
    current = (
        Worker.objects.filter(username="school").values_list("agency__code", flat=True).first()
    )

    def preference(code: str) -> tuple:
        # A school with no more than eight consents yet (so that about eight pupils are
        # visible), the demo sign-in's own school first, then the one with most pupils.
        extra = max(0, consents.get(code, 0) - SCHOOL_PUPILS_WITH_CONSENT)
        return (code in ended, extra, code != current, -len(pupils[code]), code)

    ranked = sorted((code for code in pupils if code in schools), key=preference)
    if not ranked:
        raise SyntheticDataMissing("No primary school pupils found: run `onestory synth` first.")
    best = schools[ranked[0]]
    return best, list(Person.objects.filter(pk__in=pupils[ranked[0]]).order_by("id"))


def _household_members(person_ids) -> dict:
    """person id -> the ids of everyone in their current household."""
    memberships = HouseholdMember.objects.filter(person_id__in=person_ids, valid_to__isnull=True)
    households = dict(memberships.values_list("person_id", "household_id"))
    everyone: dict = {}
    for household_id, person_id in HouseholdMember.objects.filter(
        household_id__in=set(households.values()), valid_to__isnull=True
    ).values_list("household_id", "person_id"):
        everyone.setdefault(household_id, []).append(person_id)
    return {pid: everyone.get(hid, [pid]) for pid, hid in households.items()}


def _give_families(
    worker: Worker,
    *,
    purposes: tuple[str, ...],
    family_purpose: str,
    target: int,
    now: datetime,
    new_purpose: str,
) -> int:
    """Give the worker families until they hold `target` children; returns how many they hold.

    Families already allocated to the worker's team move to the worker (with their parents);
    when the team has too few, unallocated families are allocated afresh.
    """

    def held() -> int:
        return _active(Allocation.objects.filter(worker=worker, purpose__in=purposes), now).count()

    if held() >= target:
        return held()
    restricted = set(RecordRestriction.objects.values_list("person_id", flat=True))
    candidates = (
        _active(Allocation.objects.filter(worker__team=worker.team, purpose__in=purposes), now)
        .exclude(worker=worker)
        .exclude(person_id__in=restricted)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    families = _household_members(list(candidates[:200]))
    for child_id in candidates[:200]:
        if held() >= target:
            return held()
        members = families.get(child_id, [child_id])
        if restricted.intersection(members):
            continue
        moving = list(
            _active(
                Allocation.objects.filter(person_id__in=members, worker__team=worker.team), now
            ).exclude(worker=worker)
        )
        for allocation in moving:
            allocation.worker, allocation.team = worker, worker.team
        Allocation.objects.bulk_update(moving, ["worker", "team"])
        _chronicle_allocations(moving, worker=worker, now=now)

    # Not enough in the team (a tiny synthetic town): allocate families nobody works with yet.
    allocated = Allocation.objects.values_list("person_id", flat=True)
    children = (
        Person.objects.filter(
            date_of_birth__gt=(now - timedelta(days=17 * 365)).date(),
            date_of_death__isnull=True,
            merged_into__isnull=True,
        )
        .exclude(pk__in=allocated)
        .exclude(pk__in=restricted)
        .order_by("id")
        .values_list("id", flat=True)[:100]
    )
    families = _household_members(list(children))
    adults = set(
        Person.objects.filter(
            pk__in=[p for members in families.values() for p in members],
            date_of_birth__lte=(now - timedelta(days=18 * 365)).date(),
        ).values_list("id", flat=True)
    )
    starts = now - timedelta(days=14)
    for child_id in children:
        if held() >= target:
            break
        members = families.get(child_id, [child_id])
        if Allocation.objects.filter(person_id__in=members).exists():
            continue
        made = Allocation.objects.bulk_create(
            [
                Allocation(
                    person_id=pid,
                    worker=worker,
                    team=worker.team,
                    starts_at=starts,
                    purpose=family_purpose if pid in adults else new_purpose,
                    allocated_by=worker.team.manager,
                )
                for pid in members
            ]
        )
        _chronicle_allocations(made, worker=worker, now=starts)
    return held()


def _chronicle_allocations(allocations, *, worker: Worker, now: datetime) -> None:
    """Each demo allocation in the person's chronology, worded as the generator words them."""
    name = worker.get_full_name() or worker.username
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person_id=allocation.person_id,
            occurred_at=now,
            category="allocation",
            summary=allocation_summary(allocation, worker_name=name),
            recorded_by=worker.team.manager,
            source_type="access.allocation",
            source_id=str(allocation.pk),
        )
        for allocation in allocations
    )


def _statutory_caseload(worker: Worker, *, now: datetime) -> list[str]:
    """Make sure the social worker holds a child on a protection plan (with visits and a review
    due), a child in care who has moved placement and had a review, and an assessment in
    progress: the generated children who fit move to the worker, with their family."""
    restricted = set(RecordRestriction.objects.values_list("person_id", flat=True))

    def held() -> set:
        return set(
            _active(
                Allocation.objects.filter(worker=worker, purpose__in=SOCIAL_WORKER_PURPOSES), now
            ).values_list("person_id", flat=True)
        )

    moved_plan = (
        sc.ChildProtectionPlan.objects.filter(
            ends_on__isnull=True,
            next_review_on__isnull=False,
            person__statutory_visits__isnull=False,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    # Moved within the period of care open today (an earlier period's placements don't count).
    in_care = list(
        sc.CarePeriod.objects.filter(ends_on__isnull=True, reviews__isnull=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    moved_care = list(
        dict.fromkeys(
            person_id
            for period_id, person_id in sc.CarePeriod.objects.filter(
                ends_on__isnull=True, reviews__isnull=False
            )
            .order_by("person_id")
            .values_list("pk", "person_id")
            .distinct()
            if sc.Placement.objects.filter(period_id=period_id).count() >= 2
        )
    )
    assessing = sc.Assessment.objects.filter(
        status=sc.Assessment.Status.IN_PROGRESS, referral__closed_on__isnull=True
    ).values_list("person_id", flat=True)
    # A town too small to have a child in care who has moved: one moves now (_move_placement).
    to_move = not moved_care
    found = []
    for label, candidates in (
        ("a child on a child protection plan", list(moved_plan.order_by("person_id"))),
        ("a child in care", moved_care or in_care),
        ("an assessment in progress", list(assessing.order_by("person_id"))),
    ):
        mine = held()
        if mine.intersection(candidates):
            found.append(label)
            continue
        child = next((c for c in candidates if c not in restricted), None)
        if child is None and label == "an assessment in progress":
            if _reassessment(worker, mine, now=now):
                found.append(label)
            continue
        if child is None:
            continue
        members = _household_members([child]).get(child, [child])
        social_workers = set(
            _active(
                Allocation.objects.filter(person_id=child, purpose__in=SOCIAL_WORKER_PURPOSES),
                now,
            ).values_list("worker_id", flat=True)
        )
        moving = list(
            _active(
                Allocation.objects.filter(person_id__in=members, worker_id__in=social_workers),
                now,
            )
        )
        for allocation in moving:
            allocation.worker, allocation.team = worker, worker.team
        Allocation.objects.bulk_update(moving, ["worker", "team"])
        _chronicle_allocations(moving, worker=worker, now=now)
        sc.Assessment.objects.filter(
            person_id=child, status=sc.Assessment.Status.IN_PROGRESS
        ).update(worker=worker)
        if label == "a child in care" and to_move:
            _move_placement(child, now=now)
        found.append(label)
    return found


def _move_placement(child, *, now: datetime) -> None:
    """The child in care moves, three weeks ago, to another foster family in the town (one
    that fosters another child): a planned move, as the care plan set out."""
    period = sc.CarePeriod.objects.filter(person_id=child, ends_on__isnull=True).first()
    current = sc.Placement.objects.filter(period=period, ends_on__isnull=True).first()
    if current is None:
        return
    moved = max(current.starts_on + timedelta(days=1), today_in_london(now) - timedelta(days=21))
    other = (
        sc.Placement.objects.filter(inside_area=True, place__startswith="U")
        .exclude(carer__in=("", current.carer))
        .exclude(placement_postcode=current.home_postcode)
        .order_by("pk")
        .first()
    )
    postcode = other.placement_postcode if other else current.placement_postcode
    grid = {
        p: (e, n)
        for p, e, n in Postcode.objects.filter(
            postcode__in=(postcode, current.home_postcode)
        ).values_list("postcode", "easting", "northing")
    }
    current.ends_on, current.change_reason = moved, "CARPL"
    current.save(update_fields=["ends_on", "change_reason", "updated_at"])
    home, there = grid.get(current.home_postcode), grid.get(postcode)
    sc.Placement.objects.create(
        period=period,
        person_id=child,
        place=current.place,
        provider=current.provider,
        carer=other.carer if other else f"{current.carer} (new carers)",
        starts_on=moved,
        long_term=current.long_term,
        home_postcode=current.home_postcode,
        placement_postcode=postcode,
        distance_miles=placement_distance_miles(home, there) if home and there else None,
        placement_area_code=other.placement_area_code if other else current.placement_area_code,
        inside_area=other.inside_area if other else current.inside_area,
        outside_england=False,
    )


def _reassessment(worker: Worker, children: set, *, now: datetime) -> bool:
    """A town too small to have an assessment under way: the worker starts a fresh assessment
    (circumstances changed) of one of their children in need, under the open referral."""
    referral = (
        Referral.objects.filter(person_id__in=children, closed_on__isnull=True)
        .order_by("person_id")
        .first()
    )
    if referral is None:
        return False
    today = today_in_london(now)
    started = today - timedelta(days=10)
    holidays = bank_holidays_between(started, started + timedelta(days=120))
    sc.Assessment.objects.create(
        referral=referral,
        person_id=referral.person_id,
        worker=worker,
        started_on=started,
        due_on=add_working_days(started, ASSESSMENT_WORKING_DAYS, holidays),
        child_views="Says things have been harder at home since the summer.",
    )
    return True


def _restricted_record_naming(manager: Worker, dpo: Worker, now: datetime) -> Person | None:
    """One restricted record in the manager's team that names the manager; the team's others too."""
    team_children = _active(
        Allocation.objects.filter(team=manager.team, purpose__in=CHILD_IN_NEED_PURPOSES), now
    )
    for restriction in RecordRestriction.objects.filter(
        person_id__in=team_children.values("person_id")
    ):
        AccessGrant.objects.get_or_create(
            person_id=restriction.person_id,
            worker=manager,
            kind=AccessGrant.Kind.RESTRICTED,
            revoked_at=None,
            defaults={
                "reason": "Named on a restricted record",
                "granted_by": dpo,
                "starts_at": now - timedelta(days=1),
            },
        )
    named = AccessGrant.objects.filter(
        worker=manager, kind=AccessGrant.Kind.RESTRICTED, revoked_at=None
    )
    if named.exists():
        return named.order_by("person_id").first().person
    choice = (
        team_children.exclude(worker__username="socialworker").order_by("person_id").first()
        or team_children.order_by("person_id").first()
    )
    if choice is None:
        return None
    RecordRestriction.objects.create(
        person_id=choice.person_id,
        restricted_by=dpo,
        reason="A member of the family works in children's services.",
    )
    for worker in {manager.pk: manager, choice.worker_id: choice.worker}.values():
        AccessGrant.objects.create(
            person_id=choice.person_id,
            worker=worker,
            kind=AccessGrant.Kind.RESTRICTED,
            granted_by=dpo,
            reason="Named on a restricted record",
            starts_at=now - timedelta(days=1),
        )
    return choice.person


def _school_consents(
    school: Agency, pupils: list[Person], recorded_by: Worker, now: datetime
) -> int:
    given = Consent.objects.filter(
        agencies=school, status=Consent.Status.GIVEN, person__date_of_birth__gt=now - ADULT_AGE
    )
    have = set(given.values_list("person_id", flat=True))
    restricted = set(RecordRestriction.objects.values_list("person_id", flat=True))
    for pupil in pupils:
        if len(have) >= SCHOOL_PUPILS_WITH_CONSENT:
            break
        if pupil.pk in have or pupil.pk in restricted:
            continue
        consent = Consent.objects.create(
            person=pupil,
            status=Consent.Status.GIVEN,
            given_by="Mother",
            purposes=CONSENT_PURPOSES,
            valid_from=now - timedelta(days=21),
            recorded_by=recorded_by,
        )
        consent.agencies.add(school)
        have.add(pupil.pk)
    return len(have)


def _early_help_episodes(worker: Worker, *, now: datetime) -> int:
    """The early help worker leads the episodes of the families they hold as lead professional:
    a colleague's episode is handed over; a family allocated by the demo gets one opened."""
    held = _active(
        Allocation.objects.filter(
            worker=worker, purpose__in=(PURPOSE_EARLY_HELP, PURPOSE_EARLY_HELP_FAMILY)
        ),
        now,
    )
    purposes = dict(held.values_list("person_id", "purpose"))
    starts = dict(held.values_list("person_id", "starts_at"))
    children = sorted(p for p, purpose in purposes.items() if purpose == PURPOSE_EARLY_HELP)
    families = _household_members(children)
    done: set = set()
    for child_id in children:
        if child_id in done:
            continue
        episode = (
            Episode.objects.filter(status=Episode.Status.OPEN, members__person_id=child_id)
            .order_by("opened_at")
            .first()
        )
        if episode is None:
            family = [p for p in families.get(child_id, [child_id]) if p in purposes]
            people = {p.pk: p for p in Person.objects.filter(pk__in=family)}
            episode = demo_episode(
                children=[people[p] for p in family if purposes[p] == PURPOSE_EARLY_HELP],
                adults=[people[p] for p in family if purposes[p] == PURPOSE_EARLY_HELP_FAMILY],
                team=worker.team,
                lead=worker,
                agencies=[worker.agency],
                opened_at=min(starts[p] for p in family),
                now=now,
                household_id=HouseholdMember.objects.filter(person_id=child_id, valid_to=None)
                .values_list("household", flat=True)
                .first(),
            )
        elif episode.lead_professional_id != worker.pk:
            hand_over_for_demo(episode, worker, now=now, changed_by=worker.team.manager or worker)
        done.update(episode.members.values_list("person_id", flat=True))
    return Episode.objects.filter(status=Episode.Status.OPEN, lead_professional=worker).count()


def _school_episodes(worker: Worker, school: Agency, *, now: datetime) -> int:
    """The designated safeguarding lead leads early help for one or two pupils the school holds
    consent for (and their parents), as a school opens early help itself."""
    led = Episode.objects.filter(status=Episode.Status.OPEN, lead_professional=worker)
    if led.count() >= SCHOOL_EARLY_HELP_EPISODES:
        return led.count()
    consents = (
        _active_consents(Consent.objects.filter(agencies=school, status=Consent.Status.GIVEN), now)
        .filter(person__date_of_birth__gt=now - ADULT_AGE)
        .order_by("person_id")
    )
    busy = set(
        EpisodeMember.objects.filter(episode__status=Episode.Status.OPEN).values_list(
            "person_id", flat=True
        )
    )
    busy |= set(RecordRestriction.objects.values_list("person_id", flat=True))
    pupils = {c.person_id: c for c in consents}
    families = _household_members(list(pupils))
    for pupil_id, consent in pupils.items():
        if led.count() >= SCHOOL_EARLY_HELP_EPISODES:
            break
        family = families.get(pupil_id, [pupil_id])
        if busy.intersection(family):
            continue
        adults = list(
            Person.objects.filter(
                pk__in=family, date_of_birth__lte=now - ADULT_AGE, date_of_death__isnull=True
            ).order_by("id")
        )
        demo_episode(
            children=[consent.person],
            adults=adults,
            team=worker.team,
            lead=worker,
            agencies=[school],
            opened_at=now - timedelta(days=SCHOOL_EPISODE_DAYS),
            now=now,
            household_id=HouseholdMember.objects.filter(person_id=pupil_id, valid_to=None)
            .values_list("household", flat=True)
            .first(),
            child_consents={pupil_id: consent},
            allocate=True,
        )
        busy.update(family)
    return led.count()


def _active_consents(queryset, now: datetime):
    return queryset.filter(valid_from__lte=now).exclude(valid_to__lte=now)


def ensure_demo_users(*, now: datetime) -> list[DemoRow]:
    """Create or refresh the demo sign-ins and their work; returns one row per sign-in."""
    council = Agency.objects.filter(name=COUNCIL_NAME).first()
    teams = {t.name: t for t in Team.objects.filter(agency=council)} if council else {}
    needed = {u.team for u in DEMO_USERS if u.team}
    if not Person.objects.exists() or not needed <= set(teams):
        raise SyntheticDataMissing(
            "The synthetic local authority is not in this database. Run "
            "`onestory synth --scale 0.1 --seed 2014` first, then `onestory demo_users`."
        )

    with transaction.atomic():
        school, pupils = _school_for_demo(now)
        school_team, _ = Team.objects.get_or_create(
            agency=school, name="Safeguarding team", defaults={"kind": Team.Kind.PARTNER}
        )
        workers: dict[str, Worker] = {}
        for spec in DEMO_USERS:
            team = teams[spec.team] if spec.team else school_team
            worker, _ = Worker.objects.get_or_create(username=spec.username)
            worker.first_name, worker.last_name = spec.first_name, spec.last_name
            worker.role, worker.team, worker.agency = spec.role.value, team, team.agency
            worker.job_title, worker.is_active = spec.job_title, True
            worker.is_staff, worker.is_superuser = spec.is_staff, False
            worker.email = f"{spec.username}@demo.invalid"
            worker.set_password(DEMO_PASSWORD)
            worker.save()
            if AccessAttempt.objects.filter(username=spec.username).exists():
                reset_lockouts(username=spec.username)
            workers[spec.username] = worker

        manager, social_worker = workers["manager"], workers["socialworker"]
        for team_manager, team in (
            (manager, social_worker.team),
            (workers["mashmanager"], workers["frontdoor"].team),
        ):
            if team.manager_id != team_manager.pk:
                team.manager = team_manager
                team.save(update_fields=["manager", "updated_at"])

        social_work = _give_families(
            social_worker,
            purposes=CHILD_IN_NEED_PURPOSES,
            family_purpose=PURPOSE_FAMILY_MEMBER,
            target=SOCIAL_WORKER_CHILDREN,
            now=now,
            new_purpose=PURPOSE_CHILD_IN_NEED,
        )
        early_help = _give_families(
            workers["earlyhelp"],
            purposes=(PURPOSE_EARLY_HELP,),
            family_purpose=PURPOSE_EARLY_HELP_FAMILY,
            target=EARLY_HELP_CHILDREN,
            now=now,
            new_purpose=PURPOSE_EARLY_HELP,
        )
        statutory = _statutory_caseload(social_worker, now=now)
        restricted = _restricted_record_naming(manager, workers["dpo"], now)
        consents = _school_consents(school, pupils, workers["earlyhelp"], now)
        early_help_episodes = _early_help_episodes(workers["earlyhelp"], now=now)
        school_episodes = _school_episodes(workers["school"], school, now=now)
        hub_week, hub_today = demo_sessions(workers["familyhub"], now=now)
        drafts = demo_drafts(social_worker, purposes=CHILD_IN_NEED_PURPOSES, now=now)
        early_help_drafts = demo_drafts(
            workers["earlyhelp"], purposes=(PURPOSE_EARLY_HELP,), now=now
        )

    notes = {
        "socialworker": f"{social_work} children allocated, with their parents; "
        + ", ".join(statutory)
        + f"; {drafts} unfinished case notes",
        "earlyhelp": f"{early_help} children as lead professional, with their parents; "
        f"leads {early_help_episodes} open early help episodes; "
        f"{early_help_drafts} unfinished case notes",
        "familyhub": f"runs {hub_week} sessions this week ({hub_today} today) at {DEMO_HUB.name}",
        "school": f"consent covers {consents} pupils of {school.name}; "
        f"leads {school_episodes} early help episodes",
        "manager": "manages Social Work North; named on a restricted record"
        if restricted
        else "manages Social Work North",
        "frontdoor": "screens the front door's contacts; sees who is known to the service",
        "mashmanager": "manages the front door; signs off its decisions",
        "analyst": "aggregates only; no case records",
        "admin": "configuration; no case records",
        "dpo": "audit trails and restrictions; no case records",
    }
    rows = []
    for spec in DEMO_USERS:
        worker = workers[spec.username]
        rows.append(
            DemoRow(
                username=spec.username,
                name=worker.get_full_name(),
                role=worker.role_enum.label,
                team=f"{worker.team.name}, {worker.agency.name}",
                can_open=visible_to(worker, now=now).count(),
                note=notes[spec.username],
            )
        )
    return rows
