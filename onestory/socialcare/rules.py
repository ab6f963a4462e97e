"""Statutory clocks, placement measures and caseload arithmetic for children's social care.

Pure Python: no Django import. Dates in, dates out; bank holidays are passed in. Every statutory
constant names its source; a "local standard" is a council's own practice, set here as a default
the council can change (`models.LocalStandard`).
"""

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from onestory.core.rules import (
    ASSESSMENT_WORKING_DAYS,
    INITIAL_CONFERENCE_WORKING_DAYS,
    add_months,
    add_working_days,
    working_days_between,
)

# Child protection: first review conference within 3 months of the initial conference, then at
# intervals of no more than 6 months (Working Together to Safeguard Children 2023, chapter 4).
CP_FIRST_REVIEW_MONTHS = 3
CP_LATER_REVIEW_MONTHS = 6
# Children in care: first review within 20 working days of coming into care, the second within
# 3 months of the first, then every 6 months (Care Planning, Placement and Case Review (England)
# Regulations 2010, reg. 33).
CLA_FIRST_REVIEW_WORKING_DAYS = 20
CLA_SECOND_REVIEW_MONTHS = 3
CLA_LATER_REVIEW_MONTHS = 6
# Visits to a child in care: within 1 week of any placement starting, then at intervals of no
# more than 6 weeks in the placement's first year; after that no more than 3 months where the
# placement is meant to last until the child is 18, otherwise 6 weeks (Care Planning, Placement
# and Case Review (England) Regulations 2010, reg. 28(2)-(3)).
CLA_FIRST_VISIT_DAYS = 7
CLA_VISIT_WEEKS = 6
CLA_LONG_TERM_VISIT_MONTHS = 3
# Pathway plans are reviewed at least every 6 months (Care Leavers (England) Regulations 2010,
# reg. 7(4)).
PATHWAY_REVIEW_MONTHS = 6
# Care leavers' in-touch information is taken from three months before to one month after each
# birthday from the 17th to the 21st (DfE, SSDA903 guidance, OC3).
IN_TOUCH_MONTHS_BEFORE = 3
IN_TOUCH_MONTHS_AFTER = 1
LEAVING_CARE_AGES = (17, 18, 19, 20, 21)
# Leaving-care support runs to 21, and to 25 for a care leaver who asks for it (Children and
# Social Work Act 2017, section 3).
LEAVING_CARE_EXTENDED_AGES = (22, 23, 24, 25)
# Eligible child: looked after for 13 weeks in total since the age of 14, ending after 16
# (Care Leavers (England) Regulations 2010, reg. 3).
ELIGIBLE_WEEKS_SINCE_14 = 13
# Placement stability (DfE, Children looked after in England, measures A1 and A2): three or more
# placements in the year; under 16s looked after for 2.5 years or more, in the same placement
# for 2 years or placed for adoption.
UNSTABLE_PLACEMENTS_IN_YEAR = 3
LONG_TERM_CARE_MONTHS = 30
LONG_TERM_SAME_PLACEMENT_MONTHS = 24
LONG_TERM_STABILITY_AGE_UNDER = 16
# Working Together 2023 sets no interval for visits to a child on a child protection or child in
# need plan: these are local standards, kept as defaults the council changes in its settings.
LOCAL_CP_VISIT_WORKING_DAYS = 10
LOCAL_CIN_VISIT_WORKING_DAYS = 20
LOCAL_CIN_REVIEW_MONTHS = 3
METRES_PER_MILE = 1609.344


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def due_rag(*, started_on: date, due_on: date, today: date) -> Rag:
    """Red once the due date has passed; amber in the last quarter of the time allowed (and on
    the due date itself); green before that."""
    if today > due_on:
        return Rag.RED
    allowed = (due_on - started_on).days
    left = (due_on - today).days
    return Rag.AMBER if left == 0 or (allowed > 0 and left * 4 <= allowed) else Rag.GREEN


def assessment_due_on(referral_date: date, holidays: Collection[date]) -> date:
    return add_working_days(referral_date, ASSESSMENT_WORKING_DAYS, holidays)


def assessment_working_days(referral_date: date, completed_on: date, holidays) -> int:
    """Working days from referral to completion, as the census's timeliness measure counts them."""
    return working_days_between(referral_date, completed_on, holidays)


def initial_conference_due_on(strategy_discussion_on: date, holidays: Collection[date]) -> date:
    return add_working_days(strategy_discussion_on, INITIAL_CONFERENCE_WORKING_DAYS, holidays)


def cp_review_due_on(*, initial_conference_on: date, reviews_held: Iterable[date]) -> date:
    """The next child protection review conference: 3 months after the initial conference, then
    6 months after the latest review."""
    held = sorted(d for d in reviews_held if d >= initial_conference_on)
    if not held:
        return add_months(initial_conference_on, CP_FIRST_REVIEW_MONTHS)
    return add_months(held[-1], CP_LATER_REVIEW_MONTHS)


def cla_review_due_on(
    *, care_started_on: date, reviews_held: Iterable[date], holidays: Collection[date]
) -> date:
    """The next review of a child in care: 20 working days after care began, then 3 months after
    the first review, then 6 months after each later one."""
    held = sorted(d for d in reviews_held if d >= care_started_on)
    if not held:
        return add_working_days(care_started_on, CLA_FIRST_REVIEW_WORKING_DAYS, holidays)
    if len(held) == 1:
        return add_months(held[0], CLA_SECOND_REVIEW_MONTHS)
    return add_months(held[-1], CLA_LATER_REVIEW_MONTHS)


def cla_visit_due_on(
    *, placement_started_on: date, last_visit_on: date | None, long_term: bool
) -> date:
    """The next statutory visit to a child in care (reg. 28): within a week of the placement
    starting; then within 6 weeks of the last visit during the placement's first year; after the
    first year, within 3 months for a placement meant to last until 18, otherwise 6 weeks."""
    if last_visit_on is None or last_visit_on < placement_started_on:
        return placement_started_on + timedelta(days=CLA_FIRST_VISIT_DAYS)
    if long_term and last_visit_on >= add_months(placement_started_on, 12):
        return add_months(last_visit_on, CLA_LONG_TERM_VISIT_MONTHS)
    return last_visit_on + timedelta(weeks=CLA_VISIT_WEEKS)


def visit_due_on(*, started_on: date, last_visit_on: date | None, working_days: int, holidays):
    """The next visit under a working-day standard, counted from the last visit (or the start)."""
    return add_working_days(max(started_on, last_visit_on or started_on), working_days, holidays)


def cin_review_due_on(*, plan_started_on: date, reviews_held: Iterable[date], months: int) -> date:
    held = sorted(d for d in reviews_held if d >= plan_started_on)
    return add_months(held[-1] if held else plan_started_on, months)


def pathway_review_due_on(*, plan_started_on: date, reviews_held: Iterable[date]) -> date:
    held = sorted(d for d in reviews_held if d >= plan_started_on)
    return add_months(held[-1] if held else plan_started_on, PATHWAY_REVIEW_MONTHS)


def in_touch_window(born: date, age: int) -> tuple[date, date]:
    """The days in which a care leaver's contact counts for the birthday at `age`."""
    birthday = add_months(born, 12 * age)
    return (
        add_months(birthday, -IN_TOUCH_MONTHS_BEFORE),
        add_months(birthday, IN_TOUCH_MONTHS_AFTER),
    )


def leaving_care_category(
    *, born: date, today: date, in_care_now: bool, weeks_in_care_since_14: int, left_care_on
) -> str | None:
    """Which leaving-care duty a young person is owed today, or None (reg. 3-4 of the Care
    Leavers (England) Regulations 2010; Children Act 1989, s. 23A-24)."""
    age = _age(born, today)
    if age < 16 or age > LEAVING_CARE_EXTENDED_AGES[-1]:
        return None
    eligible = weeks_in_care_since_14 >= ELIGIBLE_WEEKS_SINCE_14
    if age < 18:
        if in_care_now:
            return "eligible" if eligible else None
        sixteenth = add_months(born, 16 * 12)
        if left_care_on is not None and left_care_on >= sixteenth:
            return "relevant" if eligible else "qualifying"
        return None
    if eligible:
        return "former_relevant"
    return "qualifying" if left_care_on is not None else None


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def placement_distance_miles(home: tuple[int, int], placement: tuple[int, int]) -> float:
    """Straight-line miles between two postcodes' eastings and northings, to 0.1 (SSDA903)."""
    metres = math.hypot(home[0] - placement[0], home[1] - placement[1])
    return round(metres / METRES_PER_MILE, 1)


@dataclass(frozen=True)
class PlacementSpan:
    starts_on: date
    ends_on: date | None
    place: str  # placement type code


def placements_in_year(placements: Iterable[PlacementSpan], *, year_end: date) -> int:
    """Placements a child had during the year to `year_end` (DfE measure A1 counts three or more
    as unstable). Temporary moves (T codes) do not count as placements."""
    year_start = add_months(year_end, -12) + timedelta(days=1)
    return sum(
        1
        for p in placements
        if p.place not in {"T0", "T1", "T2", "T3", "T4"}
        and p.starts_on <= year_end
        and (p.ends_on is None or p.ends_on >= year_start)
    )


def long_term_stable(
    *, born: date, care_started_on: date, placement: PlacementSpan, on: date
) -> bool | None:
    """DfE measure A2 for one child on a day: None when it does not apply (16 or over, or in care
    under 2.5 years); otherwise whether they have been in the same placement for 2 years or are
    placed for adoption."""
    if _age(born, on) >= LONG_TERM_STABILITY_AGE_UNDER:
        return None
    if add_months(care_started_on, LONG_TERM_CARE_MONTHS) > on:
        return None
    if placement.place in {"A3", "A4", "A5", "A6"}:
        return True
    return add_months(placement.starts_on, LONG_TERM_SAME_PLACEMENT_MONTHS) <= on


def new_episode_reason(
    *, first: bool, legal_changed: bool, placement_changed: bool, same_carer: bool
) -> str:
    """SSDA903's reason for a new episode, worked out from what changed (never typed)."""
    if first:
        return "S"
    if legal_changed and placement_changed:
        return "U" if same_carer else "B"
    if placement_changed:
        return "T" if same_carer else "P"
    return "L"


def social_workers_in(
    spans: Iterable[tuple[object, date, date | None]], *, window_start: date, window_end: date
) -> int:
    """How many different social workers a child had whose allocation overlapped the window."""
    return len(
        {
            worker
            for worker, starts, ends in spans
            if starts <= window_end and (ends is None or ends >= window_start)
        }
    )


# Three or more social workers in a year is the instability the Children's Commissioner's
# Stability Index counts (Children's Commissioner for England, Stability Index 2019); a child
# with that many is flagged on their page and in managers' views.
MANY_SOCIAL_WORKERS = 3


class CaseloadStatus(StrEnum):
    WITHIN = "within"
    NEAR = "near"
    OVER = "over"


# Warn a manager before a worker passes the limit: at 90% of it (hand-set; a council changes it).
CASELOAD_WARNING_SHARE = 0.9


def weighted_caseload(case_kinds: Iterable[str], weights: dict[str, float]) -> float:
    """A worker's cases, each counted at its kind's weight (an unweighted kind counts 1)."""
    return round(sum(weights.get(kind, 1.0) for kind in case_kinds), 1)


def caseload_status(weighted: float, limit: float) -> CaseloadStatus:
    if weighted > limit:
        return CaseloadStatus.OVER
    if weighted >= limit * CASELOAD_WARNING_SHARE:
        return CaseloadStatus.NEAR
    return CaseloadStatus.WITHIN


def order_problems(checks: Iterable[tuple[str, date | None, date | None, str]]) -> dict:
    """Date-order rules broken, as {field: message}: each check is (field, earlier, later,
    message) and is broken when both dates are known and `later` comes before `earlier`."""
    return {
        field: message
        for field, earlier, later, message in checks
        if earlier is not None and later is not None and later < earlier
    }


# What an allocation of a child to a social worker or personal adviser is for (access.Allocation
# purposes): the kinds of case a council weights, and the words shown on the record.
class CaseKind(StrEnum):
    ASSESSMENT = "assessment"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    CHILD_IN_CARE = "child_in_care"
    CARE_LEAVER = "care_leaver"

    @property
    def label(self) -> str:
        return CASE_KIND_LABELS[self]


CASE_KIND_LABELS = {
    CaseKind.ASSESSMENT: "Assessment",
    CaseKind.CHILD_IN_NEED: "Child in need",
    CaseKind.CHILD_PROTECTION: "Child protection",
    CaseKind.CHILD_IN_CARE: "Child in care",
    CaseKind.CARE_LEAVER: "Care leaver",
}
ALLOCATION_PURPOSES = {
    CaseKind.ASSESSMENT: "Social worker (assessment)",
    CaseKind.CHILD_IN_NEED: "Social worker (child in need)",
    CaseKind.CHILD_PROTECTION: "Social worker (child protection)",
    CaseKind.CHILD_IN_CARE: "Social worker (child in care)",
    CaseKind.CARE_LEAVER: "Personal adviser (leaving care)",
}
PURPOSE_FAMILY_MEMBER = "Social worker (family member)"
# Allocations that make someone the child's social worker (counted in "social workers in the
# last 12 months" and in SSDA903's SWEpisodes); a personal adviser is not a social worker.
SOCIAL_WORKER_PURPOSES = frozenset(
    ALLOCATION_PURPOSES[k]
    for k in (
        CaseKind.ASSESSMENT,
        CaseKind.CHILD_IN_NEED,
        CaseKind.CHILD_PROTECTION,
        CaseKind.CHILD_IN_CARE,
    )
)
# Weights a council starts with (hand-set, in line with published caseload-weighting tools: a
# child in care or on a protection plan is more work than a child in need). Changed as data.
DEFAULT_CASE_WEIGHTS = {
    CaseKind.ASSESSMENT: 1.0,
    CaseKind.CHILD_IN_NEED: 1.0,
    CaseKind.CHILD_PROTECTION: 1.5,
    CaseKind.CHILD_IN_CARE: 1.5,
    CaseKind.CARE_LEAVER: 0.75,
}
# A full-time social worker's weighted limit (hand-set default: Luton's improvement plan aimed at
# caseloads in the high teens; a council sets its own).
DEFAULT_CASELOAD_LIMIT = 18.0


def case_kind(
    *, care_leaver: bool, in_care: bool, on_protection_plan: bool, on_child_in_need_plan: bool
) -> CaseKind:
    """The heaviest thing a child's case is today: in care, protected, in need, or assessed."""
    if in_care:
        return CaseKind.CHILD_IN_CARE
    if on_protection_plan:
        return CaseKind.CHILD_PROTECTION
    if on_child_in_need_plan:
        return CaseKind.CHILD_IN_NEED
    if care_leaver:
        return CaseKind.CARE_LEAVER
    return CaseKind.ASSESSMENT
