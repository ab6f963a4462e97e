"""Who works with which families: allocations, consents and restricted records.

Figures at scale 1 are the published ones (see DOMAIN.md and shared/seeds): 1,647 children in
need in Luton at 31 March 2023 (seed 000), of whom 378 in care (seed 001); 270 child protection
plans (2014, seed 004). About 2,000 children with an early help lead professional is hand-set.
Families in the strategy's target wards and lone-parent, step and kinship families are likelier
to be chosen (hand-set weights). A case began as long ago as one open on a day of a steady
state (episodes.py): brothers and sisters together, those born by then.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.people.rules import age_in_years
from onestory.socialcare.rules import ALLOCATION_PURPOSES, CaseKind
from onestory.socialcare.rules import PURPOSE_FAMILY_MEMBER as SOCIAL_CARE_FAMILY_MEMBER

from .drafts import REFERENCE_DATE, YEAR, HouseholdInfo
from .episodes import care_durations, open_child_in_need, plan_durations
from .identifiers import new_uuid
from .reference import ward_specs
from .workforce import Workforce

CHILDREN_IN_NEED_AT_SCALE_1 = 1647  # 31 March 2023, seed 000_e04a2efb12b37ca7
CHILDREN_IN_CARE_AT_SCALE_1 = 378  # seed 001_cddccef64bc409fe
CHILD_PROTECTION_AT_SCALE_1 = 270  # 2014, seed 004_77df210b40dffe3f
EARLY_HELP_AT_SCALE_1 = 2000  # hand-set

# The product's own words for what an allocation is for (socialcare.rules).
PURPOSE_CHILD_IN_NEED = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_NEED]
PURPOSE_CHILD_PROTECTION = ALLOCATION_PURPOSES[CaseKind.CHILD_PROTECTION]
PURPOSE_CHILD_IN_CARE = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_CARE]
PURPOSE_FAMILY_MEMBER = SOCIAL_CARE_FAMILY_MEMBER
PURPOSE_PERSONAL_ADVISER = ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER]
PURPOSE_EARLY_HELP = "Lead professional (early help)"
PURPOSE_EARLY_HELP_FAMILY = "Lead professional (early help family member)"
# The allocations that make a child a child in need, as the children in need census counts them.
CHILD_IN_NEED_PURPOSES = (PURPOSE_CHILD_IN_NEED, PURPOSE_CHILD_PROTECTION, PURPOSE_CHILD_IN_CARE)

STRUCTURE_NEED = {
    "two_parent": 0.7,
    "lone_mother": 1.8,
    "lone_father": 1.6,
    "step_family": 1.6,
    "multi_generational": 0.8,
    "kinship": 2.5,
}
CONSENT_PURPOSES = ["Early help assessment", "Team around the family"]
RESTRICTION_REASONS = (
    "A member of the family works in children's services.",
    "The child's address must not be disclosed: risk from a known adult.",
    "Adoptive placement: the record is seen only by the people named on it.",
    "The family is widely known in the town.",
)


@dataclass
class Casework:
    allocations: list
    consents: list
    consent_agencies: list
    restrictions: list
    grants: list
    counts: dict


def _died(household: HouseholdInfo, person_id) -> bool:
    """A child who has died is nobody's case today (nor referred after their death)."""
    brief = household.people.get(person_id)
    return brief is not None and brief.date_of_death is not None


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


class _Caseloads:
    """Gives each family to the practitioner in the team with the fewest children so far."""

    def __init__(self, workforce: Workforce):
        self.workforce = workforce
        self.load = {}

    def next_worker(self, team_key: str, children: int):
        workers = self.workforce.practitioners[team_key] or [self.workforce.managers[team_key]]
        worker = min(workers, key=lambda w: (self.load.get(w.pk, 0), w.username))
        self.load[worker.pk] = self.load.get(worker.pk, 0) + children
        return worker


def allocate(
    *, households: list[HouseholdInfo], workforce: Workforce, seed: int, scale: float
) -> Casework:
    rng = random.Random(f"casework-{seed}")
    wards = {w.code: w for w in ward_specs()}
    caseloads = _Caseloads(workforce)
    allocations, consents, consent_agencies, restrictions, grants = [], [], [], [], []
    counts = {
        "children_in_need": 0,
        "children_in_care": 0,
        "child_protection": 0,
        "early_help_children": 0,
        "leaving_care": 0,
    }
    in_need: list[tuple] = []  # (child id, worker)
    agencies = workforce.agencies

    def allocation(person_id, worker, team, purpose, starts: date):
        allocations.append(
            Allocation(
                id=new_uuid(rng),
                person_id=person_id,
                worker=worker,
                team=team,
                purpose=purpose,
                starts_at=_at(starts),
                allocated_by=workforce.managers.get(team_key_of(team)),
            )
        )

    team_keys = {team.pk: key for key, team in workforce.teams.items()}

    def team_key_of(team):
        return team_keys[team.pk]

    def started(dob: date | None, longest_days: int) -> date:
        if dob is None:  # unborn: a pre-birth assessment in the last three months
            return REFERENCE_DATE - timedelta(days=rng.randint(7, 90))
        room = max(7, min(longest_days, (REFERENCE_DATE - dob).days))
        return REFERENCE_DATE - timedelta(days=rng.randint(min(7, room), room))

    # How long ago each kind of case began: as long ago as one open on a day of a steady state
    # (episodes.py), so that the history's stock on earlier days is about today's.
    ages = {
        PURPOSE_CHILD_IN_NEED: open_child_in_need(),
        PURPOSE_CHILD_PROTECTION: plan_durations(),
        PURPOSE_CHILD_IN_CARE: care_durations(),
    }

    # Weighted order without replacement (Efraimidis and Spirakis): key = u ** (1 / weight).
    def need(h: HouseholdInfo) -> float:
        return wards[h.ward].need_weight * STRUCTURE_NEED.get(h.structure, 1.0)

    families = [h for h in households if h.children and not h.uasc]
    keyed = sorted(
        ((rng.random() ** (1.0 / need(h)), i) for i, h in enumerate(families)), reverse=True
    )
    queue = [families[i] for _, i in keyed]

    in_need_total = round(CHILDREN_IN_NEED_AT_SCALE_1 * scale)
    in_care_total = min(in_need_total, round(CHILDREN_IN_CARE_AT_SCALE_1 * scale))
    protection_total = min(
        in_need_total - in_care_total, round(CHILD_PROTECTION_AT_SCALE_1 * scale)
    )
    uasc = [h for h in households if h.uasc]
    buckets = [
        [PURPOSE_CHILD_IN_CARE, "cla", in_care_total],
        [PURPOSE_CHILD_PROTECTION, None, protection_total],
        [PURPOSE_CHILD_IN_NEED, None, in_need_total - in_care_total - protection_total],
    ]

    def take(
        h: HouseholdInfo,
        purpose: str,
        team_key: str,
        wanted: int,
        longest: int | None,
        age: int | None = None,
    ) -> int:
        """The household's children (up to `wanted`) become cases: from up to `longest` days
        ago, or together `age` days ago: those born by then, and an unborn baby (a pre-birth
        assessment). 0 if none fit."""
        children = [
            c
            for c in h.children
            if (purpose != PURPOSE_CHILD_IN_CARE or not c[3]) and not _died(h, c[0])
        ]
        if age is not None:
            children = [c for c in children if c[1] is None or (REFERENCE_DATE - c[1]).days > age]
        children = children[:wanted]
        if not children:
            return 0
        worker = caseloads.next_worker(team_key, len(children))
        team = workforce.teams[team_key]
        first = None
        for child_id, dob, _, _ in children:
            if age is None or dob is None:
                starts = started(dob, longest or 0)
            else:
                starts = REFERENCE_DATE - timedelta(days=age)
            first = min(first or starts, starts)
            allocation(child_id, worker, team, purpose, starts)
            in_need.append((child_id, worker, team_key))
            if purpose == PURPOSE_CHILD_IN_CARE and dob and age_in_years(dob, REFERENCE_DATE) >= 16:
                adviser = caseloads.next_worker("leaving-care", 1)
                allocation(
                    child_id,
                    adviser,
                    workforce.teams["leaving-care"],
                    PURPOSE_PERSONAL_ADVISER,
                    max(starts, dob + timedelta(days=16 * YEAR)),
                )
                counts["leaving_care"] += 1
        if not h.uasc:
            for carer_id in h.carers:
                allocation(carer_id, worker, team, PURPOSE_FAMILY_MEMBER, first)
        return len(children)

    # Young people who came alone are in care from the start.
    for h in uasc:
        if buckets[0][2] <= 0:
            break
        got = take(h, PURPOSE_CHILD_IN_CARE, "cla", buckets[0][2], 2 * YEAR)
        buckets[0][2] -= got
        counts["children_in_care"] += got
    # Each case began as long ago as one open today in a steady state (episodes.py): the age is
    # drawn first, then given to the next family with a child born by then, so that long ago
    # is as likely as it should be.
    position = 0
    passed: list[HouseholdInfo] = []  # households whose children were too young for a case
    for purpose, team_key, wanted in buckets:
        waiting, passed = passed, []
        age = None
        spread = ages[purpose].open_ages(rng, max(1, wanted))
        while wanted > 0 and (waiting or position < len(queue)):
            if waiting:
                h = waiting.pop(0)
            else:
                h = queue[position]
                position += 1
            key = team_key or f"sw-{wards[h.ward].area.lower()}"
            while age is None or age >= 17 * YEAR:  # a child's case began in childhood
                age = max(7, spread.pop() if spread else ages[purpose].draw_open(rng)[0])
            got = take(h, purpose, key, wanted, None, age)
            if not got:
                passed.append(h)
                continue
            age = None
            wanted -= got
            counts[
                {
                    PURPOSE_CHILD_IN_CARE: "children_in_care",
                    PURPOSE_CHILD_PROTECTION: "child_protection",
                }.get(purpose, "children_in_need")
            ] += got
        passed += waiting
    counts["children_in_need"] += counts["children_in_care"] + counts["child_protection"]

    # Early help: the next families in the queue, to a lead professional in their half of town.
    early_help_left = round(EARLY_HELP_AT_SCALE_1 * scale)
    queue = passed + queue[position:]
    position = 0
    while early_help_left > 0 and position < len(queue):
        h = queue[position]
        position += 1
        side = "north" if wards[h.ward].area in ("North", "West") else "south"
        key = f"hub-{side}" if rng.random() < 0.3 else f"eh-{side}"
        children = h.children[:early_help_left]
        worker = caseloads.next_worker(key, len(children))
        team = workforce.teams[key]
        starts = REFERENCE_DATE - timedelta(days=rng.randint(7, YEAR))
        decision = rng.random()
        for child_id, dob, school, _ in children:
            child_starts = max(starts, dob) if dob else starts
            allocation(child_id, worker, team, PURPOSE_EARLY_HELP, child_starts)
            if decision < 0.85:
                consent = Consent(
                    id=new_uuid(rng),
                    person_id=child_id,
                    status=Consent.Status.GIVEN,
                    given_by="Young person"
                    if dob and age_in_years(dob, REFERENCE_DATE) >= 13 and rng.random() < 0.3
                    else h.carer_label,
                    purposes=CONSENT_PURPOSES,
                    valid_from=_at(child_starts),
                    recorded_by=worker,
                )
                consents.append(consent)
                agency = agencies[school] if school else agencies["Luton Health Visiting Service"]
                consent_agencies.append(
                    Consent.agencies.through(consent_id=consent.id, agency_id=agency.id)
                )
            elif decision < 0.90:
                consents.append(
                    Consent(
                        id=new_uuid(rng),
                        person_id=child_id,
                        status=Consent.Status.REFUSED,
                        given_by=h.carer_label,
                        purposes=CONSENT_PURPOSES,
                        valid_from=_at(child_starts),
                        recorded_by=worker,
                        notes="The family did not want information shared with school.",
                    )
                )
        for carer_id in h.carers:
            allocation(carer_id, worker, team, PURPOSE_EARLY_HELP_FAMILY, starts)
        early_help_left -= len(children)
        counts["early_help_children"] += len(children)

    # A few records restricted to the people named on them: the allocated worker and their manager.
    restricted = rng.sample(in_need, min(len(in_need), max(1, round(6 * scale))))
    for child_id, worker, team_key in restricted:
        starts = REFERENCE_DATE - timedelta(days=rng.randint(7, 200))
        restrictions.append(
            RecordRestriction(
                id=new_uuid(rng),
                person_id=child_id,
                reason=rng.choice(RESTRICTION_REASONS),
                restricted_by=workforce.dpo,
            )
        )
        named = {worker.pk: worker}
        manager = workforce.managers.get(team_key)
        if manager is not None:
            named.setdefault(manager.pk, manager)
        for person in named.values():
            grants.append(
                AccessGrant(
                    id=new_uuid(rng),
                    person_id=child_id,
                    worker=person,
                    kind=AccessGrant.Kind.RESTRICTED,
                    reason="Named on a restricted record",
                    granted_by=workforce.dpo,
                    starts_at=_at(starts),
                )
            )
    counts["restricted_records"] = len(restrictions)
    return Casework(allocations, consents, consent_agencies, restrictions, grants, counts)


def write(casework: Casework, *, batch_size: int) -> None:
    Allocation.objects.bulk_create(casework.allocations, batch_size=batch_size)
    Consent.objects.bulk_create(casework.consents, batch_size=batch_size)
    Consent.agencies.through.objects.bulk_create(casework.consent_agencies, batch_size=batch_size)
    RecordRestriction.objects.bulk_create(casework.restrictions, batch_size=batch_size)
    AccessGrant.objects.bulk_create(casework.grants, batch_size=batch_size)
