"""Early help for the synthetic local authority: episodes with their family members, consent,
lead professionals, assessments on the needs framework, Team Around the Family meetings, action
plans, reviews with distance travelled, and closures.

Which families have an episode, consistently with what the generator has already made:
- every family the casework gives an early help lead professional today has an open episode led
  by that worker, in that worker's team, answering the family's front-door contact when the
  family came that way (the casework's allocations and consents stay as they are);
- every front-door contact decided as early help has an episode, opened a few days after the
  decision, except the decisions of the history's last two days (waiting for early help to open
  them) and a contact about a family already open to early help (within three weeks of the last
  opening, or after its current episode began). Those opened in the last six weeks are still
  open; the rest are closed;
- a family's episodes never overlap: one closes before the next opens;
- every step-up contact from early help (channel "step up") closes an episode: the family's own,
  or one the family hub opened itself (source "agency") in the month its handover names.

Episodes other than the casework's allocate their family to the lead professional in the
episode's team (one allocation row each, ended at closure or handover; the chronology's
allocation lines are written from them with the casework's), and each member's consent for
the episode's agencies ends at closure. The casework's own allocations and consents are used
as they are for its families.

Closures (rules.Closure), hand-set: stepped up to children's social care about 12.5% of closures
(10-15% asked for). An episode is stepped up when the front door's history has a statutory
contact (a step-up, a referral or a strategy discussion) for the family while it is open, and it
closes on that contact's day, with the contact linked; more are stepped up, in random order,
where such a contact came soon after the planned closure, until the share is reached. The other
closures are mostly "needs met", then declined, stepped down and moved away.

Needs (rules.FRAMEWORK): each assessment has needs under one to five Supporting Families
headlines. Luton's Troubled Families programme worked with 525 households over three years
(seed 004; DOMAIN.md, "Published figures"): that many households (scaled) with an episode opened
in the last three years have needs under at least three headlines (rules.headlines_of); other
assessments have needs under one or two. Domestic abuse and a parent's mental health are each
recorded in about 12% of assessments (seed 000: factors at assessment in Luton); housing, low
income and debt, and education are the commonest (hand-set weights). The contact's worry names
the first need.

Everything draws on its own random generator, seeded from the run's seed, after the front door's
history: the same seed gives the same early help. Audit rows are not written for history.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from onestory.access.models import Allocation, Consent
from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import LONDON, is_working_day
from onestory.earlyhelp import rules
from onestory.earlyhelp.actions.common import (
    CHRONOLOGY_CATEGORY,
    PURPOSE_LEAD,
    REFERENCE_ALPHABET,
)
from onestory.earlyhelp.actions.episodes import CONSENT_PURPOSES
from onestory.earlyhelp.models import (
    Assessment,
    AssessmentFactor,
    Episode,
    EpisodeMember,
    LeadProfessional,
    Meeting,
    MeetingInvitee,
    PlanAction,
    Review,
    Score,
)
from onestory.frontdoor.models import Contact, ContactPerson, Decision
from onestory.frontdoor.rules import STATUTORY_OUTCOMES, Outcome
from onestory.people.models import ChronologyEntry
from onestory.workforce.models import Agency

from . import earlyhelp_texts as texts
from .bulk import Buffers, FastInserter
from .casework import PURPOSE_EARLY_HELP
from .chronology import allocation_summary
from .contacts import Weights
from .drafts import REFERENCE_DATE, HouseholdInfo
from .identifiers import new_uuid
from .reference import ward_specs

# ----- calibration (see the module's docstring) ------------------------------------------------

TROUBLED_FAMILIES_AT_SCALE_1 = 525  # households, three-year programme: seed 004_77df210b40dffe3f
PROGRAMME_START = REFERENCE_DATE - timedelta(days=3 * 365)  # seed 004: a three-year programme
STEPPED_UP_SHARE = 0.125  # of closures, hand-set (10-15%)
# The other closures, hand-set.
CLOSURE_WEIGHTS = Weights(
    {
        rules.Closure.NEEDS_MET: 60,
        rules.Closure.DECLINED: 18,
        rules.Closure.STEPPED_DOWN: 15,
        rules.Closure.MOVED_AWAY: 7,
    }
)
# How long an episode runs before each kind of closure, in days: (shortest, longest, commonest).
DURATION_DAYS = {
    rules.Closure.NEEDS_MET: (84, 330, 170),
    rules.Closure.STEPPED_DOWN: (56, 250, 120),
    rules.Closure.DECLINED: (10, 60, 21),
    rules.Closure.MOVED_AWAY: (21, 270, 90),
}
OPENED_AFTER_DECISION_DAYS = (1, 7)  # hand-set: "opened a few days after the decision"
SAME_EPISODE_DAYS = 21  # hand-set: a second contact this soon is answered by the open episode
WAITING_DAYS = 1  # hand-set: decisions of the history's last two days wait for early help
RECENT_OPEN_DAYS = 42  # hand-set: front-door episodes opened this recently are still open
CASEWORK_CONTACT_DAYS = 45  # a casework family's contact is decided at most this long before
STEP_UP_LOOKAHEAD_DAYS = 120  # hand-set: how soon after a planned closure a step-up may move it
DRAFT_DAYS = 28  # hand-set: an episode opened this recently may not have finished its assessment
DRAFT_SHARE = 0.6  # hand-set: of those
DECLINED_WITH_CONSENT = 0.3  # hand-set: families who agreed at first, then declined
LEAD_CHANGE_SHARE = 0.08  # hand-set: episodes of four months or more whose lead changed
REVIEW_OVERDUE_SHARE = 0.12  # hand-set: open episodes whose last review is overdue
PLATEAU_SHARE = 0.25  # hand-set: open families whose scores have not moved
TAF_AT_REVIEW_SHARE = 0.5  # hand-set: reviews held at a Team Around the Family meeting

# Headline weights for the needs of an assessment (hand-set, tuned so that domestic abuse and a
# parent's mental health are each in about 12% of assessments: seed 000_e04a2efb12b37ca7).
H = rules.Headline
HEADLINE_WEIGHTS = {
    H.EDUCATION: 20,
    H.EARLY_YEARS: 7,
    H.HEALTH: 24,
    H.SUBSTANCE_USE: 5,
    H.FAMILY_RELATIONSHIPS: 14,
    H.SAFE_FROM_EXPLOITATION: 2,
    H.CRIME: 3,
    H.DOMESTIC_ABUSE: 2.5,  # most come from the front door's worry (one in nine)
    H.HOUSING: 24,
    H.FINANCIAL_STABILITY: 18,
}
# Needs under each headline (hand-set); youth risks only for families with a child of 11 or more.
NEED_WEIGHTS = {
    H.EDUCATION: {"education": 1},
    H.EARLY_YEARS: {"child_disability": 1},
    H.HEALTH: {
        "parent_mental_health": 42,
        "child_mental_health": 15,
        "child_isolation": 20,
        "bullying": 10,
        "consanguinity": 3,
    },
    H.SUBSTANCE_USE: {"parent_substance_misuse": 60, "young_substance_use": 40},
    H.FAMILY_RELATIONSHIPS: {"boundaries": 50, "guidance": 30, "warmth": 20},
    H.SAFE_FROM_EXPLOITATION: {"exploitation": 80, "extremism": 20},
    H.CRIME: {"youth_violence": 60, "gangs": 40},
    H.DOMESTIC_ABUSE: {"domestic_abuse": 1},
    H.HOUSING: {"housing": 1},
    H.FINANCIAL_STABILITY: {"income_debt": 1},
}
TEENAGE_NEEDS = {"young_substance_use", "youth_violence", "gangs", "exploitation", "extremism"}
SCHOOL_NEEDS = {"education", "bullying"}
SECOND_NEED_SHARE = 0.2  # hand-set: a second need under the same headline
HEADLINE_COUNTS = Weights({1: 45, 2: 55})  # hand-set: most families
MULTIPLE_HEADLINE_COUNTS = Weights({3: 60, 4: 28, 5: 12})  # hand-set: families with multiple needs
SEVERITY_WEIGHTS = Weights(
    {rules.Severity.LOW: 30, rules.Severity.MODERATE: 50, rules.Severity.HIGH: 20}
)
VIEW_WEIGHTS = Weights(
    {
        rules.View.SHARED: 40,
        rules.View.PRACTITIONER: 25,
        rules.View.PARENT: 20,
        rules.View.CHILD: 8,
        rules.View.OTHER_AGENCY: 7,
    }
)
START_SCORES = {  # hand-set: the practitioner's 1-10 at the start, by severity
    rules.Severity.LOW: (4, 6),
    rules.Severity.MODERATE: (3, 5),
    rules.Severity.HIGH: (1, 3),
}
TREND_WORDS = {"improve": "better", "plateau": "same", "worse": "worse"}
NOISE = (-1, 0, 0, 1)  # a review's score wobbles by a point either way
# Who came to Team Around the Family meetings, and where unfinished actions stand (hand-set).
ADULT_ATTENDANCE = Weights({"attended": 85, "apologies": 5, "absent": 10})
YOUNG_PERSON_ATTENDANCE = Weights({"attended": 45, "absent": 55})
AGENCY_ATTENDANCE = Weights({"attended": 75, "apologies": 20, "absent": 5})
UNFINISHED_LATE = Weights({"in_progress": 60, "not_started": 40})
UNFINISHED_NOT_DUE = Weights({"in_progress": 55, "not_started": 45})
# The first need, from the words of the front door's early help worries (texts.py).
NEED_OF_WORRY = (
    ("attendance", "education"),
    ("Rent arrears", "income_debt"),
    ("behaviour at home", "boundaries"),
    ("young carer", "education"),
    ("verbal arguments", "domestic_abuse"),
    ("anxiety", "child_mental_health"),
    ("isolated after moving", "guidance"),
    ("vaping", "young_substance_use"),
    ("separated", "child_mental_health"),
)
PRE_BIRTH_NEEDS = ("parent_mental_health", "housing", "income_debt", "guidance")
CHILD_NEEDS = {
    "child_mental_health",
    "child_disability",
    "child_isolation",
    "education",
    "bullying",
    "youth_violence",
    "young_substance_use",
    "gangs",
    "exploitation",
    "extremism",
    "consanguinity",
}
# Who owns the actions for each need when an agency does (by agency kind), hand-set.
OWNER_KIND = {"education": Agency.Kind.SCHOOL, "bullying": Agency.Kind.SCHOOL}
PARENT_WORDS = {"Mother": "Mum", "Father": "Dad", "Stepmother": "Mum", "Stepfather": "Dad"}
PARENT_WORDS |= {"Grandmother": "Nan", "Grandfather": "Grandad"}

EPISODE_SOURCE = "earlyhelp.episode"
ONE_DAY = timedelta(days=1)
RECORD_CREATED_BY = time(9, 30, tzinfo=UTC)  # the latest of chronology.CREATED_TIMES
LAST_DAY = REFERENCE_DATE - ONE_DAY
REVIEW_WEEKS = rules.DEFAULT_REVIEW_WEEKS

# The early help tables, in the order they are written.
TABLES = (
    Episode,
    Episode.agencies.through,
    EpisodeMember,
    LeadProfessional,
    Assessment,
    AssessmentFactor,
    Meeting,
    MeetingInvitee,
    PlanAction,
    Review,
    Score,
)
# Deleted in this order (children before parents) when the town is replaced.
DELETION_ORDER = (
    Score,
    Review,
    PlanAction,
    MeetingInvitee,
    Meeting,
    AssessmentFactor,
    Assessment,
    LeadProfessional,
    EpisodeMember,
    Episode.agencies.through,
    Episode,
)


def new_reference(rng: random.Random) -> str:
    """An episode reference in the product's format: "EH-" and eight characters of its alphabet."""
    bits = rng.getrandbits(40)
    return "EH-" + "".join(REFERENCE_ALPHABET[(bits >> s) & 31] for s in range(35, -1, -5))


def _pick(rng: random.Random, weights: dict):
    if isinstance(weights, Weights):
        return weights.pick(rng)
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def choose_needs(rng: random.Random, ages: list[int], first: str | None, multiple: bool):
    """The needs an assessment records: the first one (from the worry) if it fits the children's
    ages, then one need under each of one or two more headlines (three to five for a family
    with multiple needs), sometimes a second need under the same headline."""
    teen = any(a >= 11 for a in ages)
    school = any(4 <= a <= 16 for a in ages)

    def fits(code: str) -> bool:
        return (code not in TEENAGE_NEEDS or teen) and (code not in SCHOOL_NEEDS or school)

    wanted = _pick(rng, MULTIPLE_HEADLINE_COUNTS if multiple else HEADLINE_COUNTS)
    needs: list[str] = []
    headlines: list = []
    if first and fits(first):
        needs.append(first)
        headlines.append(rules.FACTORS[first].headline)
    available = {
        h: w
        for h, w in HEADLINE_WEIGHTS.items()
        if h not in headlines and any(fits(c) for c in NEED_WEIGHTS[h])
    }
    while len(headlines) < wanted and available:
        headline = _pick(rng, available)
        del available[headline]
        options = {c: w for c, w in NEED_WEIGHTS[headline].items() if fits(c)}
        needs.append(_pick(rng, options))
        headlines.append(headline)
    for headline in headlines:
        options = {c: w for c, w in NEED_WEIGHTS[headline].items() if fits(c) and c not in needs}
        if options and rng.random() < SECOND_NEED_SHARE:
            needs.append(_pick(rng, options))
    return needs


def _moment(day: date, minute: int) -> datetime:
    """A London wall-clock time on a day, in UTC."""
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=LONDON)
    return local.astimezone(UTC)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _age(born: date | None, day: date) -> int:
    return int((day - born).days / 365.2425) if born and born <= day else -1


@dataclass(eq=False)
class Plan:
    """One episode as it is planned: who, when, who leads it and how it ends."""

    household: HouseholdInfo
    children: list
    adults: list
    opened_at: datetime
    team: object
    lead: object
    source: str
    contact: dict | None = None
    casework: bool = False
    closed_at: datetime | None = None
    closure: str = ""
    step_up: dict | None = None
    limit: date = LAST_DAY  # the day the next episode of the family opens, less one
    multiple_needs: bool = False
    first_need: str | None = None
    child_consents: dict = field(default_factory=dict)  # casework consent id by child id

    @property
    def opened_on(self) -> date:
        return _local_day(self.opened_at)

    @property
    def end_day(self) -> date:
        return _local_day(self.closed_at) if self.closed_at else REFERENCE_DATE


@dataclass
class EarlyHelpRows:
    rows: dict  # model -> list of {attname: value}
    allocations: list  # _Allocation rows, for the chronology's allocation lines too
    chronology: list
    counts: dict


class EarlyHelpHistory:
    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        households: list[HouseholdInfo],
        casework,
        front_door,
        workforce,
        known_from: dict,
    ):
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(f"earlyhelp-{seed}")
        self.workforce = workforce
        self.known_from = known_from
        self.holidays = bank_holidays_between(date(2019, 1, 1), REFERENCE_DATE + timedelta(400))
        self.references: set[str] = set()
        self.rows: dict = {m: [] for m in (*TABLES, Consent, Consent.agencies.through)}
        self.allocations: list[_Allocation] = []
        self.chronology: list[dict] = []
        self.counts: dict = {}
        self.plans: list[Plan] = []

        # Who is who
        self.household_of: dict = {}
        for info in households:
            for child_id, *_ in info.children:
                self.household_of[child_id] = info
            for carer_id in info.carers:
                self.household_of.setdefault(carer_id, info)
        self.children_of = {
            info.id: {c[0]: c for c in info.children} for info in households if info.children
        }
        self.council = workforce.council
        self.agency_by_pk = {a.pk: a for a in workforce.agencies.values()}
        self.team_key = {t.pk: k for k, t in workforce.teams.items()}
        self.workers = {}
        for team_workers in workforce.practitioners.values():
            for worker in team_workers:
                self.workers[worker.pk] = worker
        for worker in workforce.managers.values():
            self.workers.setdefault(worker.pk, worker)
        for staff in workforce.partners.values():
            for worker in staff:
                self.workers[worker.pk] = worker
        self.casework = casework
        self.front_door = front_door
        self.areas = {w.code: w.area for w in ward_specs()}

    # ----- the plan ------------------------------------------------------------------------------

    def generate(self) -> None:
        fd = self.front_door.rows
        self.contacts = {c["id"]: c for c in fd[Contact]}
        self.people_of: dict = {}
        for row in fd[ContactPerson]:
            if row.get("person_id") is not None:
                self.people_of.setdefault(row["contact_id"], []).append(
                    (row["role"], row["person_id"])
                )
        early_help: list[tuple] = []  # (decided, contact, decision)
        self.statutory: dict = {}  # household id -> [(received, contact)], oldest first
        for decision in fd[Decision]:
            contact = self.contacts[decision["contact_id"]]
            info = self._household_of_contact(contact)
            if info is None:
                continue
            if decision["outcome"] == Outcome.EARLY_HELP.value:
                early_help.append((decision["final_at"], contact, decision, info))
            elif decision["outcome"] in STATUTORY_OUTCOMES:
                self.statutory.setdefault(info.id, []).append((contact["received_at"], contact))
        for found in self.statutory.values():
            found.sort(key=lambda item: item[0])
        early_help.sort(key=lambda item: item[0])

        by_family: dict = {}  # household id -> [Plan], in the order they open
        self.counts["early_help_contacts_answered_by_an_open_episode"] = 0
        casework = self._casework_plans()
        for info_id in casework:
            by_family[info_id] = []
        attached = set()
        for decided, contact, _, info in reversed(early_help):
            plan = casework.get(info.id)
            if plan is None or plan.contact is not None:
                continue
            day = _local_day(decided)
            if plan.opened_on - timedelta(CASEWORK_CONTACT_DAYS) <= day <= plan.opened_on:
                plan.contact = contact
                plan.source = self._source_of(contact)
                attached.add(contact["id"])
        self.counts["early_help_decisions_waiting_to_open"] = 0
        for decided, contact, decision, info in early_help:
            if contact["id"] in attached:
                continue
            if _local_day(decided) >= LAST_DAY - timedelta(WAITING_DAYS):
                self.counts["early_help_decisions_waiting_to_open"] += 1
                continue
            plans = by_family.setdefault(info.id, [])
            opened = self._opened_after(decided)
            earlier = [p for p in plans if not p.casework]
            work = casework.get(info.id)
            if (earlier and opened - earlier[-1].opened_at < timedelta(SAME_EPISODE_DAYS)) or (
                work is not None and opened >= work.opened_at - timedelta(SAME_EPISODE_DAYS)
            ):
                self.counts["early_help_contacts_answered_by_an_open_episode"] += 1
                continue
            plans.append(self._contact_plan(contact, decision, info, opened))
        for info_id, plan in casework.items():
            by_family[info_id].append(plan)
        for plans in by_family.values():
            for plan, following in zip(plans, plans[1:], strict=False):
                plan.limit = _local_day(following.opened_at) - ONE_DAY
        self.by_family = by_family
        self._plan_closures()
        self._steps_up_from_early_help()
        self._calibrate_steps_up()
        self.plans = sorted(
            (p for plans in self.by_family.values() for p in plans),
            key=lambda p: (p.opened_at, str(p.household.id)),
        )
        self._choose_multiple_needs()
        for plan in self.plans:
            self._build(plan)
        self._count()

    def _household_of_contact(self, contact) -> HouseholdInfo | None:
        for role, person_id in self.people_of.get(contact["id"], ()):
            if role == ContactPerson.Role.CHILD.value and person_id in self.household_of:
                return self.household_of[person_id]
        return None

    @staticmethod
    def _source_of(contact) -> str:
        if contact["channel"] == Contact.Channel.STEP_DOWN.value:
            return Episode.Source.STEP_DOWN.value
        return Episode.Source.FRONT_DOOR.value

    def _working_moment(self, day: date) -> datetime:
        """A time in the working day on this day, or on the next working day before the
        reference date."""
        working = day
        while not is_working_day(working, self.holidays) and working < LAST_DAY:
            working += ONE_DAY
        if is_working_day(working, self.holidays):
            day = working
        return _moment(day, self.rng.randint(9 * 60 + 15, 16 * 60 + 30))

    def _opened_after(self, decided: datetime) -> datetime:
        days = self.rng.randint(*OPENED_AFTER_DECISION_DAYS)
        opened = self._working_moment(min(_local_day(decided) + timedelta(days), LAST_DAY))
        if opened <= decided:  # decided near the end of the history
            opened = decided + timedelta(minutes=self.rng.randint(20, 90))
        return opened

    def _side(self, info: HouseholdInfo) -> str:
        return "north" if self.areas[info.ward] in ("North", "West") else "south"

    def _team_worker(self, key: str):
        workforce = self.workforce
        return self.rng.choice(workforce.practitioners.get(key) or [workforce.managers[key]])

    def _casework_plans(self) -> dict:
        """The open episodes of the families the casework gives an early help lead today."""
        families: dict = {}
        for allocation in self.casework.allocations:
            if allocation.purpose != PURPOSE_EARLY_HELP:
                continue
            info = self.household_of.get(allocation.person_id)
            if info is None:
                continue
            found = families.setdefault(info.id, [info, allocation, []])
            found[2].append(allocation.person_id)
            if allocation.starts_at < found[1].starts_at:
                found[1] = allocation
        consents = {}
        for consent in self.casework.consents:
            if consent.status == Consent.Status.GIVEN:
                consents[consent.person_id] = consent.id
        plans = {}
        for info, allocation, children in families.values():
            starts = allocation.starts_at
            adults = [c for c in info.carers if self._known(c, _local_day(starts))]
            plans[info.id] = Plan(
                household=info,
                children=children,
                adults=adults,
                opened_at=starts,
                team=allocation.team,
                lead=allocation.worker,
                source=Episode.Source.AGENCY.value,
                casework=True,
                child_consents={c: consents[c] for c in children if c in consents},
            )
        return plans

    def _created_by(self, person_id) -> datetime:
        """The latest moment the person's "Record created" line can have (chronology.py)."""
        day = self.known_from.get(person_id)
        if day is None:
            return datetime.min.replace(tzinfo=UTC)
        return datetime.combine(day, RECORD_CREATED_BY)

    def _known(self, person_id, day: date) -> bool:
        known = self.known_from.get(person_id)
        return known is None or known <= day

    def _members_of_contact(self, contact, info: HouseholdInfo, day: date):
        children, adults = [], []
        for role, person_id in self.people_of.get(contact["id"], ()):
            (children if role == ContactPerson.Role.CHILD.value else adults).append(person_id)
        if not adults:
            # Whole-family working: the parent who gave consent, when the contact named none.
            for carer_id in info.carers:
                brief = info.people.get(carer_id)
                if brief and _age(brief.date_of_birth, day) >= 18 and self._known(carer_id, day):
                    adults.append(carer_id)
                    break
        return children, adults

    def _contact_plan(self, contact, decision, info: HouseholdInfo, opened: datetime) -> Plan:
        children, adults = self._members_of_contact(contact, info, _local_day(opened))
        side = self._side(info)
        lead = self.workers.get(decision.get("lead_professional_id"))
        team_id = decision.get("early_help_team_id")
        if lead is not None:
            team = self.workforce.teams[f"eh-{side}"]
        else:
            key = self.team_key.get(team_id, f"eh-{side}")
            team = self.workforce.teams[key]
            lead = self._team_worker(key)
        return Plan(
            household=info,
            children=children,
            adults=adults,
            opened_at=opened,
            team=team,
            lead=lead,
            source=self._source_of(contact),
            contact=contact,
        )

    # ----- closures ------------------------------------------------------------------------------

    def _statutory_between(self, info: HouseholdInfo, after: datetime, until: date):
        for received, contact in self.statutory.get(info.id, ()):
            if received > after and _local_day(received) <= until:
                return contact
        return None

    def _close_at(self, plan: Plan, reason: str, when: datetime, step_up=None) -> None:
        if _local_day(when) > plan.limit:
            when = _moment(plan.limit, 16 * 60 + 30)
        plan.closure, plan.step_up = reason, step_up
        plan.closed_at = max(when, plan.opened_at + timedelta(minutes=10))

    def _plan_closures(self) -> None:
        rng = self.rng
        recent = REFERENCE_DATE - timedelta(RECENT_OPEN_DAYS)
        for plans in self.by_family.values():
            for plan in plans:
                if plan.casework:
                    continue
                reason = _pick(rng, CLOSURE_WEIGHTS)
                low, high, mode = DURATION_DAYS[reason]
                planned = plan.opened_on + timedelta(int(rng.triangular(low, high, mode)))
                # A statutory contact while the episode is open steps the family up.
                step_up = self._statutory_between(
                    plan.household, plan.opened_at + timedelta(7), min(planned, plan.limit)
                )
                if step_up is not None and self._step_up(plan, step_up):
                    continue
                if planned > plan.limit:
                    if plan.limit >= LAST_DAY and plan.opened_on >= recent:
                        continue  # still open
                    earliest = plan.opened_on + timedelta(low)
                    latest = plan.limit - timedelta(rng.randint(1, 10))
                    if latest < earliest:
                        reason = rules.Closure.DECLINED
                        earliest = plan.opened_on + timedelta(7)
                    planned = max(plan.opened_on + ONE_DAY, _later(earliest, latest, rng))
                self._close_at(plan, reason, self._working_moment(planned))

    def _step_up(self, plan: Plan, contact) -> bool:
        """Close the episode as stepped up by this contact, on its day; False if it cannot be."""
        received = contact["received_at"]
        if contact["channel"] == Contact.Channel.STEP_UP.value:
            closed = received  # the lead professional asked the front door from the episode
        else:
            # Someone else asked for statutory help: early help closes that day (or next).
            closed = received + timedelta(minutes=self.rng.randint(60, 240))
            local = closed.astimezone(LONDON)
            day = local.date()
            if not (is_working_day(day, self.holidays) and 9 <= local.hour < 17):
                if local.hour >= 9:
                    day += ONE_DAY
                while not is_working_day(day, self.holidays):
                    day += ONE_DAY
                closed = max(closed, _moment(day, self.rng.randint(9 * 60 + 15, 16 * 60 + 30)))
        if _local_day(closed) > plan.limit or _local_day(closed) > LAST_DAY:
            return False
        if contact["channel"] == Contact.Channel.STEP_UP.value:
            # The lead professional who asked the front door for help.
            worker = self.workers.get(contact.get("recorded_by_id"))
            if worker is not None and worker.team_id in self.team_key:
                plan.lead, plan.team = worker, self.workforce.teams[self.team_key[worker.team_id]]
        self._close_at(plan, rules.Closure.STEPPED_UP, closed, contact)
        return True

    def _steps_up_from_early_help(self) -> None:
        """Every step-up contact closes an episode: the family's, or one the hub opened itself."""
        rng = self.rng
        linked = {id(p.step_up) for plans in self.by_family.values() for p in plans if p.step_up}
        made = 0
        for contact in self.front_door.rows[Contact]:
            if contact["channel"] != Contact.Channel.STEP_UP.value or id(contact) in linked:
                continue
            info = self._household_of_contact(contact)
            if info is None or contact.get("status") != "decided":
                continue
            received = contact["received_at"]
            day = _local_day(received)
            plans = self.by_family.setdefault(info.id, [])
            # The family's episode closed a little earlier: it ran on until the step-up.
            before = [p for p in plans if p.opened_at < received]
            last = before[-1] if before else None
            if (
                last is not None
                and not last.casework
                and last.closure != rules.Closure.STEPPED_UP
                and last.closed_at is not None
                and day <= last.limit
                and received - last.closed_at <= timedelta(STEP_UP_LOOKAHEAD_DAYS)
                and self._step_up(last, contact)
            ):
                continue
            since = _since(contact.get("handover_summary", "")) or day - timedelta(180)
            opened_on = since + timedelta(rng.randint(0, 27))
            if last is not None:
                if last.closed_at is None or last.casework:
                    continue
                opened_on = max(opened_on, last.end_day + timedelta(7))
            after = [p for p in plans if p.opened_at >= received]
            if day - opened_on < timedelta(21) or (after and after[0].opened_at <= received):
                continue
            children, adults = self._members_of_contact(contact, info, opened_on)
            # Only those whose records existed when the hub opened the episode.
            children = [c for c in children if self._known(c, opened_on)]
            adults = [a for a in adults if self._known(a, opened_on)]
            if not children:
                continue
            worker = self.workers.get(contact.get("recorded_by_id"))
            key = self.team_key.get(getattr(worker, "team_id", None), f"eh-{self._side(info)}")
            plan = Plan(
                household=info,
                children=children,
                adults=adults,
                opened_at=self._working_moment(opened_on),
                team=self.workforce.teams[key],
                lead=worker or self._team_worker(key),
                source=Episode.Source.AGENCY.value,
            )
            plan.limit = _local_day(after[0].opened_at) - ONE_DAY if after else LAST_DAY
            if not self._step_up(plan, contact):
                continue
            if last is not None:
                last.limit = min(last.limit, plan.opened_on - ONE_DAY)
            plans.insert(len(before), plan)
            made += 1
        self.counts["early_help_episodes_opened_by_a_hub"] = made

    def _calibrate_steps_up(self) -> None:
        """More step-ups where a statutory contact came soon after the planned closure."""
        closed = [
            p
            for plans in self.by_family.values()
            for p in plans
            if p.closed_at is not None and not p.casework
        ]
        wanted = round(STEPPED_UP_SHARE * len(closed))
        have = sum(p.closure == rules.Closure.STEPPED_UP for p in closed)
        used = {id(p.step_up) for p in closed if p.step_up}
        candidates = [p for p in closed if p.closure != rules.Closure.STEPPED_UP]
        self.rng.shuffle(candidates)
        for plan in candidates:
            if have >= wanted:
                break
            until = min(plan.limit, plan.end_day + timedelta(STEP_UP_LOOKAHEAD_DAYS))
            contact = self._statutory_between(plan.household, plan.closed_at, until)
            if contact is None or id(contact) in used:
                continue
            if self._step_up(plan, contact):
                used.add(id(contact))
                have += 1

    # ----- needs ---------------------------------------------------------------------------------

    def _choose_multiple_needs(self) -> None:
        """Luton's 525 households (scaled) of the programme's three years have multiple needs."""
        rng = self.rng
        in_programme = {}
        for plan in self.plans:
            if plan.opened_on >= PROGRAMME_START:
                in_programme.setdefault(plan.household.id, []).append(plan)
        wanted = min(len(in_programme), round(TROUBLED_FAMILIES_AT_SCALE_1 * self.scale))
        chosen = rng.sample(list(in_programme), wanted)
        for household_id in chosen:
            for plan in in_programme[household_id]:
                plan.multiple_needs = True
        share = wanted / len(in_programme) if in_programme else 0
        for plan in self.plans:
            if plan.opened_on < PROGRAMME_START and rng.random() < share:
                plan.multiple_needs = True

    def _first_need(self, plan: Plan, ages: list[int]) -> str | None:
        contact = plan.contact or plan.step_up
        if contact is None:
            return None
        worry = contact.get("what_happened", "")
        for words, code in NEED_OF_WORRY:
            if words in worry:
                return code
        if ages and max(ages) < 0:
            return self.rng.choice(PRE_BIRTH_NEEDS)
        return None

    # ----- one episode ---------------------------------------------------------------------------

    def _reference(self) -> str:
        while True:
            reference = new_reference(self.rng)
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _name(self, info: HouseholdInfo, person_id) -> str:
        brief = info.people.get(person_id)
        return f"{brief.given_name} {brief.family_name}" if brief else "A family member"

    def _words(self, plan: Plan, first_child, adult) -> dict:
        info = plan.household
        child = info.people.get(first_child)
        relation = (info.people[adult].relation if adult in info.people else "") or "Parent"
        school = self.children_of.get(info.id, {}).get(first_child, (None, None, None))[2]
        born = child.date_of_birth if child else None
        return {
            "child": child.given_name if child and born and born <= plan.opened_on else "the baby",
            "adult": relation.lower(),
            "Adult": relation,
            "parent": PARENT_WORDS.get(relation, relation.lower()),
            "school": school or "school",
            "team": plan.team.name,
        }

    def _build(self, plan: Plan) -> None:
        """The rows of one episode, from opening to where it stands at the reference date."""
        b = self._open(plan)
        self._members(b)
        self._leads(b)
        complete, needs, starts, assessed_at = self._assessment(b)
        if not complete:
            if b.closing:
                self._closure(b)
            else:
                b.episode["next_review_on"] = rules.next_review_on(plan.opened_on, REVIEW_WEEKS)
            return
        # The first Team Around the Family meeting agrees the plan; reviews every six weeks.
        taf_at = self._first_meeting(b, assessed_at)
        taf_day = _local_day(taf_at)
        self._actions(b, needs, taf_day, b.lead_on(taf_day))
        last_review = self._reviews(b, taf_day, starts)
        if b.closing:
            self._closure(b)
        else:
            b.episode["next_review_on"] = rules.next_review_on(last_review, REVIEW_WEEKS)

    def _open(self, plan: Plan) -> "_Building":
        rng = self.rng
        info = plan.household
        b = _Building(plan=plan, id=new_uuid(rng), reference=self._reference())
        children = self.children_of.get(info.id, {})
        b.ages = [_age(children.get(c, (None, None))[1], plan.opened_on) for c in plan.children]
        b.first_child = plan.children[0] if plan.children else None
        b.adult = plan.adults[0] if plan.adults else (info.carers[0] if info.carers else None)
        b.fill = _Filler(self._words(plan, b.first_child, b.adult))
        lead = plan.lead
        b.leads = [(lead, plan.opened_at, None)]
        b.closing = plan.closed_at is not None
        if lead.team_id == plan.team.pk:
            b.opened_by = lead
        else:
            b.opened_by = self._team_worker(self.team_key[plan.team.pk])
        declined = plan.closure == rules.Closure.DECLINED
        b.consent = not declined or rng.random() < DECLINED_WITH_CONSENT
        if b.consent:
            brief = info.people.get(b.adult)
            relation = (brief.relation if brief else "") or info.carer_label
            b.given_by = f"{relation}, {self._name(info, b.adult)}"
        b.agencies = [plan.team.agency_id]
        if lead.agency_id not in b.agencies:
            b.agencies.append(lead.agency_id)
        if plan.casework:
            # The schools the casework's consents already share with.
            for child_id in plan.children:
                school = children[child_id][2]
                agency = self.workforce.agencies.get(school) if school else None
                if child_id in plan.child_consents and agency and agency.pk not in b.agencies:
                    b.agencies.append(agency.pk)
        b.episode = {
            "id": b.id,
            "reference": b.reference,
            "source": plan.source,
            "contact_id": plan.contact["id"] if plan.contact else None,
            "household_id": info.id,
            "team_id": plan.team.pk,
            "lead_professional_id": lead.pk,
            "consent_given_by": b.given_by,
            "consent_given_on": plan.opened_on if b.consent else None,
            "status": Episode.Status.CLOSED.value if b.closing else Episode.Status.OPEN.value,
            "opened_at": plan.opened_at,
            "opened_by_id": b.opened_by.pk,
            "what_the_family_wants": b.fill(rng.choice(texts.WHAT_THE_FAMILY_WANTS)),
            "review_every_weeks": REVIEW_WEEKS,
            "closed_at": plan.closed_at,
            "closure_reason": plan.closure,
            "step_up_contact_id": plan.step_up["id"] if plan.step_up else None,
        }
        self.rows[Episode].append(b.episode)
        through = self.rows[Episode.agencies.through]
        for agency_id in b.agencies:
            through.append({"episode_id": b.id, "agency_id": agency_id})
        return b

    def _members(self, b: "_Building") -> None:
        """The family's members, each with consent for the episode's agencies (ending with it)."""
        rng, plan = self.rng, b.plan
        members = [(c, EpisodeMember.Role.CHILD.value) for c in plan.children]
        members += [(a, EpisodeMember.Role.ADULT.value) for a in plan.adults]
        b.member_ids = [m for m, _ in members]
        # A person's chronology starts with their record being created (chronology.py): a baby
        # born while the episode is open has its lines from then on.
        b.known = {p: self._created_by(p) for p in b.member_ids}
        consent_through = self.rows[Consent.agencies.through]
        for person_id, role in members:
            consent_id = None
            if b.consent:
                # The casework's consent to early help and sharing with the child's school (the
                # council's practitioners see the family through their allocation).
                consent_id = plan.child_consents.get(person_id)
                if consent_id is None:
                    consent_id = new_uuid(rng)
                    self.rows[Consent].append(
                        {
                            "id": consent_id,
                            "person_id": person_id,
                            "status": Consent.Status.GIVEN.value,
                            "given_by": b.given_by,
                            "purposes": CONSENT_PURPOSES,
                            "valid_from": plan.opened_at,
                            "valid_to": plan.closed_at,
                            "recorded_by_id": b.opened_by.pk,
                            "notes": f"Early help episode {b.reference}",
                        }
                    )
                    for agency_id in b.agencies:
                        consent_through.append({"consent_id": consent_id, "agency_id": agency_id})
            self.rows[EpisodeMember].append(
                {
                    "id": new_uuid(rng),
                    "episode_id": b.id,
                    "person_id": person_id,
                    "role": role,
                    "consent_id": consent_id,
                }
            )
        how = {
            Episode.Source.FRONT_DOOR.value: "from the front door",
            Episode.Source.STEP_DOWN.value: "on a step down from children's social care",
            Episode.Source.AGENCY.value: f"by {plan.team.name}",
        }[plan.source]
        if plan.contact:
            how += f" ({plan.contact['reference']})"
        lead = plan.lead
        self._chronicle(
            b,
            plan.opened_at,
            f"Early help episode {b.reference} opened {how}; lead professional "
            f"{lead.get_full_name()} ({self.agency_by_pk[lead.agency_id].name})",
            b.opened_by,
        )

    def _chronicle(self, b: "_Building", moment: datetime, summary: str, by) -> None:
        """A line in the chronology of every member of the family whose record exists by then."""
        rng, source_id = self.rng, str(b.id)
        for person_id in b.member_ids:
            if moment < b.known[person_id]:
                continue
            self.chronology.append(
                {
                    "id": new_uuid(rng),
                    "person_id": person_id,
                    "occurred_at": moment,
                    "category": CHRONOLOGY_CATEGORY,
                    "summary": summary[:500],
                    "recorded_by_id": by.pk,
                    "source_type": EPISODE_SOURCE,
                    "source_id": source_id,
                }
            )

    def _leads(self, b: "_Building") -> None:
        """Lead professionals (sometimes a change of lead halfway, with a handover note), and
        the family's allocation to each in the episode's team."""
        rng, plan = self.rng, b.plan
        lead = plan.lead
        days = (plan.end_day - plan.opened_on).days
        if (
            not plan.casework
            and days >= 120
            and rng.random() < LEAD_CHANGE_SHARE
            and lead.team_id in self.team_key
        ):
            new_lead = self._team_worker(self.team_key[lead.team_id])
            if new_lead.pk != lead.pk:
                handover = self._working_moment(plan.opened_on + timedelta(days // 2))
                b.leads = [(lead, plan.opened_at, handover), (new_lead, handover, None)]
                b.episode["lead_professional_id"] = new_lead.pk
                self._chronicle(
                    b,
                    handover,
                    f"Lead professional is now {new_lead.get_full_name()} "
                    f"({self.agency_by_pk[new_lead.agency_id].name})",
                    new_lead,
                )
        for i, (worker, started, ended) in enumerate(b.leads):
            self.rows[LeadProfessional].append(
                {
                    "id": new_uuid(rng),
                    "episode_id": b.id,
                    "worker_id": worker.pk,
                    "agency_id": worker.agency_id,
                    "started_at": started,
                    "ended_at": ended or plan.closed_at,
                    "handover_note": b.fill(rng.choice(texts.HANDOVER_NOTES)) if i else "",
                    "changed_by_id": b.opened_by.pk if i == 0 else worker.pk,
                }
            )
        if plan.casework:
            return  # the casework's allocations stand
        # One row for the team and the lead; the chronology's allocation lines come from them.
        for person_id in b.member_ids:
            for worker, started, ended in b.leads:
                self.allocations.append(
                    _Allocation(
                        new_uuid(rng),
                        person_id,
                        worker,
                        plan.team,
                        f"{PURPOSE_LEAD} {b.reference}",
                        started,
                        ended or plan.closed_at,
                        b.opened_by.pk,
                    )
                )

    def _assessment(self, b: "_Building"):
        """The assessment, its needs and strengths, and the start scores once it is complete.
        Returns (complete, needs, start scores, completed at)."""
        rng, plan = self.rng, b.plan
        opened_on, end_day, closing = plan.opened_on, plan.end_day, b.closing
        needs = choose_needs(rng, b.ages, self._first_need(plan, b.ages), plan.multiple_needs)
        started = plan.opened_at + timedelta(days=rng.randint(0, 5), minutes=rng.randint(5, 90))
        completed_on = opened_on + timedelta(rng.randint(7, 21))
        complete = b.consent and completed_on < (end_day if closing else REFERENCE_DATE)
        if not closing and opened_on >= REFERENCE_DATE - timedelta(DRAFT_DAYS):
            complete = complete and rng.random() >= DRAFT_SHARE
        if plan.closure == rules.Closure.DECLINED:
            complete = False
        completed_at = self._working_moment(completed_on) if complete else None
        if completed_at is not None:
            completed_on = _local_day(completed_at)
            latest = plan.closed_at - timedelta(hours=1) if closing else None
            if completed_at <= started or (latest is not None and completed_at > latest):
                complete, completed_at = False, None
        assessor = b.lead_on(completed_on)
        last_day = min(end_day, LAST_DAY) if closing else LAST_DAY
        saved_at = completed_at or min(
            started + timedelta(days=rng.randint(0, 6), minutes=rng.randint(10, 300)),
            plan.closed_at or _moment(last_day, 16 * 60),
        )
        assessment_id = new_uuid(rng)
        strengths = rng.sample([f.code for f in rules.STRENGTHS], rng.randint(1, 3))
        fill, lead = b.fill, plan.lead
        words = texts.CHILD_WORDS if b.ages and max(b.ages) >= 4 else texts.CHILD_WORDS_BABY
        self.rows[Assessment].append(
            {
                "id": assessment_id,
                "episode_id": b.id,
                "status": (
                    Assessment.Status.COMPLETE if complete else Assessment.Status.DRAFT
                ).value,
                "started_at": started,
                "started_by_id": lead.pk,
                "last_saved_at": max(saved_at, started),
                "last_saved_by_id": assessor.pk if complete else lead.pk,
                "family_story": " ".join(fill(texts.FAMILY_STORY[c]) for c in needs[:2]),
                "child_words": fill(rng.choice(words)),
                "parent_views": fill(rng.choice(texts.PARENT_VIEWS)),
                "strengths": fill(rng.choice(texts.STRENGTHS_SUMMARY)) if complete else "",
                "analysis": fill(rng.choice(texts.ANALYSIS)) if complete else "",
                "family_agreed": complete,
                "agreed_by": b.given_by if complete else "",
                "completed_at": completed_at,
                "completed_by_id": assessor.pk if complete else None,
            }
        )
        severities = {}
        children_ids = plan.children or [None]
        factors = self.rows[AssessmentFactor]
        for code in needs:
            severity = _pick(rng, SEVERITY_WEIGHTS)
            if plan.multiple_needs and severity == rules.Severity.LOW and rng.random() < 0.5:
                severity = rules.Severity.MODERATE
            severities[code] = severity
            draft_blank = not complete and rng.random() < 0.3  # not written up yet
            person = rng.choice(children_ids) if code in CHILD_NEEDS else b.adult
            factors.append(
                {
                    "id": new_uuid(rng),
                    "assessment_id": assessment_id,
                    "code": code,
                    "presence": rules.Presence.YES.value,
                    "severity": "" if draft_blank else severity.value,
                    "evidence": "" if draft_blank else fill(rng.choice(texts.EVIDENCE[code])),
                    "view": _pick(rng, VIEW_WEIGHTS).value,
                    "person_id": person,
                }
            )
        for code in strengths:
            factors.append(
                {
                    "id": new_uuid(rng),
                    "assessment_id": assessment_id,
                    "code": code,
                    "presence": rules.Presence.YES.value,
                    "evidence": fill(rng.choice(texts.STRENGTH_EVIDENCE[code])),
                    "view": _pick(rng, VIEW_WEIGHTS).value,
                    "person_id": b.first_child,
                }
            )
        if not complete:
            return False, needs, {}, None
        plural = "s" if len(needs) != 1 else ""
        self._chronicle(
            b,
            completed_at,
            f"Early help assessment completed: {len(needs)} need{plural} identified",
            assessor,
        )
        starts = {}
        for code in needs:
            low, high = START_SCORES[severities[code]]
            starts[code] = rng.randint(low, high)
            self._score(b.id, None, code, starts[code], completed_on, assessor)
        return True, needs, starts, completed_at

    def _first_meeting(self, b: "_Building", assessed_at: datetime) -> datetime:
        plan = b.plan
        completed_on = _local_day(assessed_at)
        taf_day = completed_on + timedelta(self.rng.randint(0, 7))
        if taf_day >= plan.end_day or taf_day > LAST_DAY:
            taf_day = completed_on
        latest = plan.closed_at - timedelta(minutes=10) if b.closing else _moment(LAST_DAY, 17 * 60)
        taf_at = self._meeting_moment(taf_day, plan)
        taf_at = max(assessed_at + timedelta(minutes=10), min(taf_at, latest))
        chair = b.lead_on(_local_day(taf_at))
        self._meeting(b, taf_at, True, chair)
        self._chronicle(b, taf_at, "Team around the family meeting held: plan agreed", chair)
        return taf_at

    def _reviews(self, b: "_Building", taf_day: date, starts: dict) -> date:
        """Reviews every six weeks with a score for each need; returns the last review's day
        (the first meeting's, if none)."""
        rng, plan, fill = self.rng, b.plan, b.fill
        closing, end_day = b.closing, plan.end_day
        review_days = []
        day = taf_day + timedelta(weeks=REVIEW_WEEKS, days=rng.randint(-5, 7))
        final_review = plan.closure in (rules.Closure.NEEDS_MET, rules.Closure.STEPPED_DOWN)
        stop = end_day - timedelta(10) if final_review else end_day
        while day < stop and day <= LAST_DAY:
            review_days.append(day)
            day += timedelta(weeks=REVIEW_WEEKS, days=rng.randint(-4, 7))
        if final_review and end_day > taf_day:
            review_days.append(end_day)  # the closing review
        if not closing and review_days and rng.random() < REVIEW_OVERDUE_SHARE:
            review_days.pop()  # the latest review is overdue
        trend = self._trend(plan)
        targets = {code: self._target(plan, s) for code, s in starts.items()}
        total = max(1, len(review_days))
        for k, held_on in enumerate(review_days, start=1):
            review_id = new_uuid(rng)
            last = final_review and k == len(review_days)
            recorder = b.lead_on(held_on)
            direction = "better" if last else TREND_WORDS[trend]
            if direction == "better" and not last and rng.random() < 0.2:
                direction = "same"
            self.rows[Review].append(
                {
                    "id": review_id,
                    "episode_id": b.id,
                    "held_on": held_on,
                    "what_has_changed": fill(rng.choice(texts.WHAT_HAS_CHANGED[direction])),
                    "family_views": fill(rng.choice(texts.FAMILY_VIEWS)),
                    "next_review_on": None if last else rules.next_review_on(held_on, REVIEW_WEEKS),
                    "recorded_by_id": recorder.pk,
                }
            )
            for code, start in starts.items():
                if trend == "plateau" and not closing:
                    value = start + rng.choice(NOISE)
                elif last:
                    value = targets[code]
                else:
                    progress = k / (total if closing else max(total, 4))
                    value = round(start + (targets[code] - start) * progress) + rng.choice(NOISE)
                self._score(b.id, review_id, code, value, held_on, recorder)
            moment = self._meeting_moment(held_on, plan)
            if last:
                moment = min(moment, plan.closed_at - timedelta(minutes=30))
            if rng.random() < TAF_AT_REVIEW_SHARE:
                self._meeting(b, moment, False, recorder)
                summary = "Team around the family meeting held: plan reviewed"
            else:
                summary = "Early help plan reviewed"
            self._chronicle(b, moment, summary, recorder)
        return review_days[-1] if review_days else taf_day

    def _trend(self, plan: Plan) -> str:
        if plan.closure == rules.Closure.STEPPED_UP:
            return "worse"
        if plan.closed_at is None:
            return "plateau" if self.rng.random() < PLATEAU_SHARE else "improve"
        if plan.closure == rules.Closure.MOVED_AWAY and self.rng.random() < 0.5:
            return "plateau"
        return "improve"

    def _target(self, plan: Plan, start: int) -> int:
        rng = self.rng
        closure = plan.closure
        if closure == rules.Closure.NEEDS_MET:
            target = rng.randint(7, 9) if rng.random() < 0.88 else rng.randint(5, 6)
        elif closure == rules.Closure.STEPPED_DOWN:
            target = min(8, start + rng.randint(2, 4))
        elif closure == rules.Closure.STEPPED_UP:
            target = start + rng.choice((-2, -1, -1, 0, 1))
        elif closure == rules.Closure.MOVED_AWAY:
            target = start + rng.randint(0, 2)
        else:  # still open: where the family are heading
            target = min(9, start + rng.randint(2, 5))
        return max(1, min(10, target))

    def _score(self, episode_id, review_id, code, value, day, recorder) -> None:
        rng = self.rng
        value = max(1, min(10, value))
        family = None if rng.random() < 0.1 else max(1, min(10, value + rng.choice((-1, 0, 0, 1))))
        self.rows[Score].append(
            {
                "id": new_uuid(rng),
                "episode_id": episode_id,
                "review_id": review_id,
                "need": code,
                "family_score": family,
                "practitioner_score": value,
                "scored_on": day,
                "recorded_by_id": recorder.pk,
            }
        )

    def _meeting_moment(self, day: date, plan: Plan) -> datetime:
        return _moment(day, self.rng.randint(9 * 60 + 30, 15 * 60))

    def _meeting(self, b: "_Building", held_at: datetime, first: bool, recorder) -> None:
        """A Team Around the Family meeting: the family, the lead, and the agencies invited."""
        rng, plan, fill = self.rng, b.plan, b.fill
        episode_id, ages, agencies = b.id, b.ages, b.agencies
        info = plan.household
        meeting_id = new_uuid(rng)
        pool = texts.FIRST_MEETING_DECISIONS if first else texts.REVIEW_MEETING_DECISIONS
        self.rows[Meeting].append(
            {
                "id": meeting_id,
                "episode_id": episode_id,
                "held_at": held_at,
                "place": fill(rng.choice(texts.PLACES)),
                "decisions": fill(rng.choice(pool)),
                "minutes": fill(rng.choice(texts.MINUTES)),
                "recorded_by_id": recorder.pk,
            }
        )
        invitees = self.rows[MeetingInvitee]

        def invite(**fields) -> None:
            invitees.append({"id": new_uuid(rng), "meeting_id": meeting_id, **fields})

        for adult in plan.adults:
            brief = info.people.get(adult)
            invite(
                name=self._name(info, adult),
                family_member_id=adult,
                role=(brief.relation if brief else "") or "Parent or carer",
                attendance=ADULT_ATTENDANCE.pick(rng),
            )
        for child, age in zip(plan.children, ages, strict=True):
            if age >= 10:
                invite(
                    name=self._name(info, child),
                    family_member_id=child,
                    role="Young person",
                    attendance=YOUNG_PERSON_ATTENDANCE.pick(rng),
                )
        invite(
            name=recorder.get_full_name(),
            worker_id=recorder.pk,
            agency_id=recorder.agency_id,
            role="Lead professional",
            attendance="attended",
        )
        partners = set(agencies) - {recorder.agency_id, self.council.pk}
        schools = self.children_of.get(info.id, {})
        for child, age in zip(plan.children, ages, strict=True):
            school = schools.get(child, (None, None, None))[2]
            agency = self.workforce.agencies.get(school) if school else None
            if agency is not None and 4 <= age <= 16 and rng.random() < 0.7:
                partners.add(agency.pk)
        for agency_id in sorted(partners, key=str):
            agency = self.agency_by_pk[agency_id]
            staff = self.workforce.partners.get(agency.name)
            if not staff:
                continue
            worker = staff[rng.randrange(len(staff))]
            invite(
                name=worker.get_full_name(),
                worker_id=worker.pk,
                agency_id=agency_id,
                role=worker.job_title,
                attendance=AGENCY_ATTENDANCE.pick(rng),
            )

    def _actions(self, b: "_Building", needs: list, taf_day: date, lead) -> None:
        """The action plan agreed at the first meeting: two to five actions, owned by the lead,
        a family member or another agency of the episode, with statuses that fit the dates."""
        rng, plan, fill = self.rng, b.plan, b.fill
        episode_id, agencies = b.id, b.agencies
        wanted = max(2, min(5, len(needs) + rng.randint(0, 1)))
        items = [(code, *texts.ACTIONS[code]) for code in needs[:wanted]]
        while len(items) < wanted:
            action, success = texts.GENERIC_ACTIONS[len(items) % len(texts.GENERIC_ACTIONS)]
            items.append(("", action, success))
        closing = plan.closed_at is not None
        end_day = plan.end_day if closing else REFERENCE_DATE
        partner_agencies = [a for a in agencies if a != self.council.pk]
        for code, action, success in items:
            owner = {"owner_worker_id": lead.pk, "owner_agency_id": lead.agency_id}
            kind = OWNER_KIND.get(code)
            roll = rng.random()
            agency_owner = [a for a in partner_agencies if self.agency_by_pk[a].kind == kind]
            if agency_owner and roll < 0.7:
                owner = {"owner_agency_id": agency_owner[0]}
            elif plan.adults and code not in CHILD_NEEDS and roll < 0.35:
                owner = {"owner_family_member_id": plan.adults[0]}
            elif partner_agencies and roll < 0.5:
                owner = {"owner_agency_id": rng.choice(partner_agencies)}
            due = taf_day + timedelta(rng.randint(14, 84))
            status, done_on = self._action_status(plan, taf_day, due, end_day, closing)
            self.rows[PlanAction].append(
                {
                    "id": new_uuid(rng),
                    "episode_id": episode_id,
                    "need": code,
                    "action": fill(action),
                    "success_looks_like": fill(success),
                    "due_on": due,
                    "status": status,
                    "done_on": done_on,
                    "created_by_id": lead.pk,
                    **owner,
                }
            )

    def _action_status(self, plan, taf_day, due, end_day, closing):
        rng = self.rng
        S = PlanAction.Status
        roll = rng.random()
        if closing:
            good = plan.closure in (rules.Closure.NEEDS_MET, rules.Closure.STEPPED_DOWN)
            done_share = 0.85 if good else 0.45
            if roll < done_share and taf_day < end_day:
                latest = min(due + timedelta(14), end_day)
                done = taf_day + timedelta(rng.randint(1, max(1, (latest - taf_day).days)))
                return S.DONE.value, min(done, end_day)
            if good or roll < done_share + 0.25:
                return S.STOPPED.value, None
            return UNFINISHED_LATE.pick(rng), None
        today = REFERENCE_DATE
        if due < today:
            if roll < 0.6:
                latest = min(due + timedelta(10), LAST_DAY)
                done = taf_day + timedelta(rng.randint(1, max(1, (latest - taf_day).days)))
                return S.DONE.value, min(done, LAST_DAY)
            if roll < 0.65:
                return S.STOPPED.value, None
            return UNFINISHED_LATE.pick(rng), None
        if roll < 0.15 and taf_day < LAST_DAY:
            return S.DONE.value, taf_day + timedelta(
                rng.randint(1, max(1, (LAST_DAY - taf_day).days))
            )
        return UNFINISHED_NOT_DUE.pick(rng), None

    def _closure(self, b: "_Building") -> None:
        rng, plan, episode, fill = self.rng, b.plan, b.episode, b.fill
        closer = b.lead_on(plan.end_day)
        reason = plan.closure
        episode["closed_by_id"] = closer.pk
        if reason == rules.Closure.STEPPED_UP:
            contact = plan.step_up
            summary = (
                contact.get("handover_summary")
                or "The worries have grown despite support: the family were referred to "
                "children's social care."
            )
            episode["closure_summary"] = summary
            line = (
                f"Early help episode {episode['reference']} closed: stepped up to the front door "
                f"({contact['reference']})"
            )
        else:
            episode["closure_summary"] = fill(rng.choice(texts.CLOSURE_SUMMARIES[reason]))
            line = (
                f"Early help episode {episode['reference']} closed: "
                f"{rules.CLOSURE_LABELS[rules.Closure(reason)]}"
            )
        self._chronicle(b, plan.closed_at, line, closer)

    def _count(self) -> None:
        episodes = self.rows[Episode]
        closed = [e for e in episodes if e["status"] == Episode.Status.CLOSED.value]
        counts = self.counts
        counts["early_help_episodes"] = len(episodes)
        counts["early_help_episodes_open"] = len(episodes) - len(closed)
        for reason in rules.Closure:
            counts[f"early_help_closed_{reason.value}"] = sum(
                e["closure_reason"] == reason.value for e in closed
            )
        counts["early_help_assessments_complete"] = sum(
            a["status"] == Assessment.Status.COMPLETE.value for a in self.rows[Assessment]
        )
        counts["early_help_multiple_needs_households"] = len(
            {
                p.household.id
                for p in self.plans
                if p.multiple_needs and p.opened_on >= PROGRAMME_START
            }
        )
        for model, key in (
            (Meeting, "early_help_meetings"),
            (PlanAction, "early_help_plan_actions"),
            (Review, "early_help_reviews"),
            (Score, "early_help_scores"),
        ):
            counts[key] = len(self.rows[model])


@dataclass(eq=False)
class _Building:
    """One episode while its rows are made."""

    plan: Plan
    id: object
    reference: str
    episode: dict = field(default_factory=dict)
    fill: object = None
    ages: list = field(default_factory=list)
    first_child: object = None
    adult: object = None
    opened_by: object = None
    closing: bool = False
    consent: bool = True
    given_by: str = ""
    agencies: list = field(default_factory=list)
    member_ids: list = field(default_factory=list)
    known: dict = field(default_factory=dict)
    leads: list = field(default_factory=list)  # (worker, started, ended or None)

    def lead_on(self, day: date):
        """The lead professional on a day."""
        for worker, started, _ in reversed(self.leads):
            if _local_day(started) <= day:
                return worker
        return self.plan.lead


class _Allocation:
    """An allocation row, with its worker and team at hand for the chronology's line
    (chronology.Chronicler.finish reads allocations as it reads the casework's)."""

    __slots__ = (
        "allocated_by_id",
        "ends_at",
        "id",
        "person_id",
        "purpose",
        "starts_at",
        "team",
        "worker",
    )

    def __init__(self, id, person_id, worker, team, purpose, starts_at, ends_at, allocated_by_id):
        self.id, self.person_id, self.worker, self.team = id, person_id, worker, team
        self.purpose, self.starts_at, self.ends_at = purpose, starts_at, ends_at
        self.allocated_by_id = allocated_by_id

    def row(self) -> dict:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "worker_id": self.worker.pk,
            "team_id": self.team.pk,
            "purpose": self.purpose,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "allocated_by_id": self.allocated_by_id,
        }


class _Filler:
    """Fills a template's placeholders with one family's words."""

    __slots__ = ("words",)

    def __init__(self, words: dict):
        self.words = words

    def __call__(self, template: str) -> str:
        return template.format(**self.words)


_SINCE = re.compile(r"since ([A-Z][a-z]+ \d{4})")


def _since(handover: str) -> date | None:
    """The month a step-up's handover says early help began ("since March 2024")."""
    found = _SINCE.search(handover or "")
    if not found:
        return None
    try:
        return datetime.strptime(found.group(1), "%B %Y").date()
    except ValueError:
        return None


def _later(earliest: date, latest: date, rng: random.Random) -> date:
    if latest <= earliest:
        return latest
    return earliest + timedelta(rng.randint(0, (latest - earliest).days))


def generate(
    *, seed: int, scale: float, households, casework, front_door, workforce, known_from
) -> EarlyHelpRows:
    history = EarlyHelpHistory(
        seed=seed,
        scale=scale,
        households=households,
        casework=casework,
        front_door=front_door,
        workforce=workforce,
        known_from=known_from,
    )
    history.generate()
    return EarlyHelpRows(history.rows, history.allocations, history.chronology, history.counts)


def write(result: EarlyHelpRows, *, inserter: FastInserter, buffers: Buffers) -> None:
    for model in (Consent, Consent.agencies.through, *TABLES):
        inserter.insert(model, result.rows[model])
    inserter.insert(Allocation, [a.row() for a in result.allocations])
    rows = buffers.rows[ChronologyEntry]
    for start in range(0, len(result.chronology), 20_000):
        rows.extend(result.chronology[start : start + 20_000])
        buffers.flush()
        rows = buffers.rows[ChronologyEntry]


# ----- the demo sign-ins' episodes (demo.py) ----------------------------------------------------


def _relation(person) -> str:
    return {"F": "Mother", "M": "Father"}.get(person.sex, "Parent")


def demo_episode(
    *,
    children: list,
    adults: list,
    team,
    lead,
    agencies: list,
    opened_at: datetime,
    now: datetime,
    source: str = Episode.Source.AGENCY.value,
    household_id=None,
    child_consents: dict | None = None,
    allocate: bool = False,
) -> Episode:
    """An open episode for a demo sign-in, made as the generator makes them: the family's
    consent for the episode's agencies (widening a consent a child already has), a completed
    assessment with start scores, the first Team Around the Family meeting and its plan (one
    action overdue), and the reviews due since. `children` and `adults` are Person records."""
    rng = random.Random(f"earlyhelp-demo-{children[0].pk}")
    today = _local_day(now)
    reference = new_reference(rng)
    while Episode.objects.filter(reference=reference).exists():
        reference = new_reference(rng)
    parent = adults[0] if adults else None
    relation = _relation(parent) if parent else "Parent"
    given_by = f"{relation}, {parent.given_name} {parent.family_name}" if parent else relation
    child = children[0]
    words = {
        "child": child.given_name or "the baby",
        "adult": relation.lower(),
        "Adult": relation,
        "parent": PARENT_WORDS.get(relation, relation.lower()),
        "school": "school",
        "team": team.name,
    }
    fill = _Filler(words)
    opened_on = _local_day(opened_at)
    episode = Episode.objects.create(
        reference=reference,
        source=source,
        household_id=household_id,
        team=team,
        lead_professional=lead,
        consent_given_by=given_by,
        consent_given_on=opened_on,
        opened_at=opened_at,
        opened_by=lead,
        what_the_family_wants=fill(rng.choice(texts.WHAT_THE_FAMILY_WANTS)),
        review_every_weeks=REVIEW_WEEKS,
    )
    episode.agencies.set(agencies)
    child_consents = child_consents or {}
    members = [(p, EpisodeMember.Role.CHILD) for p in children]
    members += [(p, EpisodeMember.Role.ADULT) for p in adults]
    for person, role in members:
        consent = child_consents.get(person.pk)
        if consent is None:
            consent = Consent.objects.create(
                person=person,
                status=Consent.Status.GIVEN,
                given_by=given_by,
                purposes=CONSENT_PURPOSES,
                valid_from=opened_at,
                recorded_by=lead,
                notes=f"Early help episode {reference}",
            )
        consent.agencies.add(*agencies)
        EpisodeMember.objects.create(episode=episode, person=person, role=role, consent=consent)
    LeadProfessional.objects.create(
        episode=episode,
        worker=lead,
        agency_id=lead.agency_id,
        started_at=opened_at,
        changed_by=lead,
    )
    people = [p for p, _ in members]
    entries = []
    if allocate:
        made = Allocation.objects.bulk_create(
            Allocation(
                person=p,
                worker=lead,
                team=team,
                purpose=f"{PURPOSE_LEAD} {reference}",
                starts_at=opened_at,
                allocated_by=lead,
            )
            for p in people
        )
        entries += [
            ChronologyEntry(
                person_id=a.person_id,
                occurred_at=opened_at,
                category="allocation",
                summary=allocation_summary(a, worker_name=lead.get_full_name()),
                recorded_by=lead,
                source_type="access.allocation",
                source_id=str(a.pk),
            )
            for a in made
        ]

    def chronicle(moment: datetime, summary: str) -> None:
        entries.extend(
            ChronologyEntry(
                person=p,
                occurred_at=moment,
                category=CHRONOLOGY_CATEGORY,
                summary=summary,
                recorded_by=lead,
                source_type=EPISODE_SOURCE,
                source_id=str(episode.pk),
            )
            for p in people
        )

    agency_name = lead.agency.name if lead.agency_id else team.name
    chronicle(
        opened_at,
        f"Early help episode {reference} opened by {team.name}; lead professional "
        f"{lead.get_full_name()} ({agency_name})",
    )
    # The assessment, completed within a fortnight (or yesterday, for a family just opened).
    ages = [_age(c.date_of_birth, opened_on) for c in children]
    needs = choose_needs(rng, ages, None, False)
    completed_at = min(opened_at + timedelta(days=10), now - timedelta(days=1))
    completed_at = max(completed_at, opened_at + timedelta(hours=2))
    assessment = Assessment.objects.create(
        episode=episode,
        status=Assessment.Status.COMPLETE,
        started_at=opened_at + timedelta(hours=1),
        started_by=lead,
        last_saved_at=completed_at,
        last_saved_by=lead,
        family_story=" ".join(fill(texts.FAMILY_STORY[c]) for c in needs[:2]),
        child_words=fill(rng.choice(texts.CHILD_WORDS)),
        parent_views=fill(rng.choice(texts.PARENT_VIEWS)),
        strengths=fill(rng.choice(texts.STRENGTHS_SUMMARY)),
        analysis=fill(rng.choice(texts.ANALYSIS)),
        family_agreed=True,
        agreed_by=given_by,
        completed_at=completed_at,
        completed_by=lead,
    )
    AssessmentFactor.objects.bulk_create(
        [
            AssessmentFactor(
                assessment=assessment,
                code=code,
                presence=rules.Presence.YES,
                severity=rules.Severity.MODERATE,
                evidence=fill(rng.choice(texts.EVIDENCE[code])),
                view=rules.View.SHARED,
                person=child if code in CHILD_NEEDS else parent,
            )
            for code in needs
        ]
        + [
            AssessmentFactor(
                assessment=assessment,
                code="relationships",
                presence=rules.Presence.YES,
                evidence=fill(texts.STRENGTH_EVIDENCE["relationships"][1]),
                view=rules.View.SHARED,
                person=child,
            )
        ]
    )
    completed_on = _local_day(completed_at)
    chronicle(completed_at, f"Early help assessment completed: {len(needs)} needs identified")
    starts = {code: rng.randint(2, 5) for code in needs}
    scores = [
        Score(
            episode=episode,
            need=code,
            family_score=value,
            practitioner_score=value,
            scored_on=completed_on,
            recorded_by=lead,
        )
        for code, value in starts.items()
    ]
    # The first Team Around the Family meeting agrees the plan.
    held_at = min(completed_at + timedelta(days=3), now - timedelta(hours=2))
    held_at = max(held_at, completed_at + timedelta(minutes=30))
    meeting = Meeting.objects.create(
        episode=episode,
        held_at=held_at,
        place=fill(texts.PLACES[0]),
        decisions=fill(texts.FIRST_MEETING_DECISIONS[0]),
        minutes=fill(texts.MINUTES[0]),
        recorded_by=lead,
    )
    MeetingInvitee.objects.bulk_create(
        [
            MeetingInvitee(
                meeting=meeting,
                name=f"{p.given_name} {p.family_name}",
                family_member=p,
                role=_relation(p),
                attendance=MeetingInvitee.Attendance.ATTENDED,
            )
            for p in adults
        ]
        + [
            MeetingInvitee(
                meeting=meeting,
                name=lead.get_full_name(),
                worker=lead,
                agency_id=lead.agency_id,
                role="Lead professional",
                attendance=MeetingInvitee.Attendance.ATTENDED,
            )
        ]
    )
    chronicle(held_at, "Team around the family meeting held: plan agreed")
    taf_day = _local_day(held_at)
    items = [(code, *texts.ACTIONS[code]) for code in needs[:3]]
    items.append(("", *texts.GENERIC_ACTIONS[0]))
    actions = []
    for i, (code, action, success) in enumerate(items):
        due = taf_day + timedelta(days=(14, 28, 42, 56)[i])
        owner = {"owner_worker": lead, "owner_agency_id": lead.agency_id}
        if i == 1 and parent is not None:
            owner = {"owner_family_member": parent}
        actions.append(
            PlanAction(
                episode=episode,
                need=code,
                action=fill(action),
                success_looks_like=fill(success),
                due_on=due,
                status=PlanAction.Status.IN_PROGRESS if due >= today else PlanAction.Status.DONE,
                done_on=None if due >= today else due - timedelta(days=2),
                created_by=lead,
                **owner,
            )
        )
    # One action is late, so that the plan has something overdue to show.
    if actions[0].due_on < today:
        actions[0].status, actions[0].done_on = PlanAction.Status.NOT_STARTED, None
    PlanAction.objects.bulk_create(actions)
    last = taf_day
    held_on = taf_day + timedelta(weeks=REVIEW_WEEKS)
    k = 0
    while held_on < today:
        k += 1
        review = Review.objects.create(
            episode=episode,
            held_on=held_on,
            what_has_changed=fill(texts.WHAT_HAS_CHANGED["better"][0]),
            family_views=fill(texts.FAMILY_VIEWS[0]),
            next_review_on=rules.next_review_on(held_on, REVIEW_WEEKS),
            recorded_by=lead,
        )
        scores += [
            Score(
                episode=episode,
                review=review,
                need=code,
                family_score=min(10, value + k),
                practitioner_score=min(10, value + k),
                scored_on=held_on,
                recorded_by=lead,
            )
            for code, value in starts.items()
        ]
        chronicle(_moment(held_on, 11 * 60), "Early help plan reviewed")
        last, held_on = held_on, held_on + timedelta(weeks=REVIEW_WEEKS)
    Score.objects.bulk_create(scores)
    ChronologyEntry.objects.bulk_create(entries)
    episode.next_review_on = rules.next_review_on(last, REVIEW_WEEKS)
    episode.save(update_fields=["next_review_on", "updated_at"])
    return episode


def hand_over_for_demo(episode: Episode, worker, *, now: datetime, changed_by) -> None:
    """Make a demo sign-in the lead professional of an open episode, as a handover would."""
    LeadProfessional.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=now)
    LeadProfessional.objects.create(
        episode=episode,
        worker=worker,
        agency_id=worker.agency_id,
        started_at=now,
        handover_note=texts.HANDOVER_NOTES[0].format(Adult="The family"),
        changed_by=changed_by,
    )
    episode.lead_professional, episode.team = worker, worker.team
    episode.version += 1
    episode.save(update_fields=["lead_professional", "team", "version", "updated_at"])
    if worker.agency_id and not episode.agencies.filter(pk=worker.agency_id).exists():
        episode.agencies.add(worker.agency_id)
        for member in episode.members.exclude(consent=None).select_related("consent"):
            member.consent.agencies.add(worker.agency_id)
    agency = worker.agency.name if worker.agency_id else worker.team.name
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person_id=person_id,
            occurred_at=now,
            category=CHRONOLOGY_CATEGORY,
            summary=f"Lead professional is now {worker.get_full_name()} ({agency})",
            recorded_by=changed_by,
            source_type=EPISODE_SOURCE,
            source_id=str(episode.pk),
        )
        for person_id in episode.members.values_list("person_id", flat=True)
    )
