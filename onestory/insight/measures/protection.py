"""Child protection: section 47 enquiries, initial conferences on time, children on a plan and
their category of abuse, plans started and plans that were a child's second or later.

As in the children in need census, every row counted sits under a children in need episode open
at some time in the period, on a child whose record is not merged into another's.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from onestory.core import rules as core_rules
from onestory.socialcare import reference
from onestory.socialcare.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
)

from .base import Context, Figure, Measure, Part, Unit, open_on
from .need import (
    NUMERATOR,
    census_episode,
    distinct_ids,
    people_ids,
    rate_figure,
    within_working_days,
)

GROUP = "Child protection"


def _in(context: Context, model, day_field: str):
    """Rows of `model` whose `day_field` falls in the period, under a reported episode."""
    period = context.period
    return model.objects.filter(
        census_episode(period),
        **{f"{day_field}__gte": period.start, f"{day_field}__lte": period.end},
    )


# Section 47 enquiries and initial conferences ----------------------------------------------------


def enquiries_started(context: Context):
    return _in(context, Section47Enquiry, "starts_on")


def _enquiries(context: Context) -> Figure:
    return Figure(numerator=enquiries_started(context).count())


def enquiry_children(context: Context, part: str | None = None):
    return distinct_ids(enquiries_started(context), "referral__person_id")


def conference_in_time(strategy_discussion_on: date, held_on: date) -> bool:
    """Held within 15 working days of the strategy discussion (Working Together to Safeguard
    Children 2023: core.rules.INITIAL_CONFERENCE_WORKING_DAYS)."""
    return within_working_days(
        strategy_discussion_on, held_on, core_rules.INITIAL_CONFERENCE_WORKING_DAYS
    )


def initial_conferences(context: Context) -> list[tuple]:
    """(child, in time) for each section 47 enquiry whose first initial conference was held in
    the period. Conferences recorded without their enquiry (some imported from another system's
    census) have no strategy discussion to time them from and are left out."""

    def compute():
        earlier = ChildProtectionConference.objects.filter(
            kind=ChildProtectionConference.Kind.INITIAL,
            enquiry=OuterRef("enquiry"),
            held_on__lt=OuterRef("held_on"),
        )
        rows = (
            _in(context, ChildProtectionConference, "held_on")
            .filter(kind=ChildProtectionConference.Kind.INITIAL, enquiry__isnull=False)
            .exclude(Exists(earlier))
            .values_list(
                "enquiry_id",
                "referral__person_id",
                "enquiry__strategy_discussion__held_on",
                "held_on",
            )
        )
        first = {}
        for enquiry, child, discussed, held in rows:
            first.setdefault(enquiry, (child, conference_in_time(discussed, held)))
        return list(first.values())

    return context.cached("initial_conferences", compute)


def _icpc_in_time(context: Context) -> Figure:
    held = initial_conferences(context)
    return Figure(numerator=sum(1 for _, in_time in held if in_time), denominator=len(held))


def icpc_children(context: Context, part: str | None = None):
    held = initial_conferences(context)
    return people_ids(child for child, in_time in held if part != NUMERATOR or in_time)


# Children on a plan ------------------------------------------------------------------------------


def plans_open(context: Context):
    """Child protection plans open on the period's last day (an end on the day closes it)."""
    return ChildProtectionPlan.objects.filter(
        census_episode(context.period),
        open_on(context.period.end, starts="starts_on", ends="ends_on"),
    )


def category_on(day: date, plan: tuple, reviews: list[tuple[date, str]]) -> str:
    """A plan's category of abuse on `day`: the one the last review conference held by then
    recorded, else the one it began with. A plan none of whose review conferences recorded a
    category (one imported from another system's census) keeps the category on the plan."""
    _, initial, latest = plan
    if not reviews:
        return latest
    by_then = [review for review in reviews if review[0] <= day]
    return max(by_then, key=lambda review: review[0])[1] if by_then else initial


def children_on_plans(context: Context) -> dict:
    """{child: category of abuse on the last day} for every child on a plan then (a child with
    two plans open: the later one's)."""

    def compute():
        day = context.period.end
        plans = {
            pk: (child, started, initial, latest)
            for pk, child, started, initial, latest in plans_open(context).values_list(
                "pk", "referral__person_id", "starts_on", "initial_category", "latest_category"
            )
        }
        reviews: dict = {pk: [] for pk in plans}
        for plan_id, held, category in (
            ChildProtectionConference.objects.filter(
                kind=ChildProtectionConference.Kind.REVIEW, plan_id__in=list(plans)
            )
            .exclude(category="")
            .values_list("plan_id", "held_on", "category")
        ):
            reviews[plan_id].append((held, category))
        found: dict = {}
        for pk, (child, started, initial, latest) in sorted(
            plans.items(), key=lambda item: item[1][1]
        ):
            found[child] = category_on(day, (started, initial, latest), reviews[pk])
        return found

    return context.cached("children_on_plans", compute)


def _cp_plans(context: Context) -> Figure:
    children = children_on_plans(context)
    counts = Counter(children.values())
    parts = tuple(
        Part(code, label, counts[code], len(children))
        for code, label in reference.ABUSE_CATEGORIES.items()
        if counts[code]
    )
    return Figure(numerator=len(children), parts=parts)


def _cp_rate(context: Context) -> Figure:
    return rate_figure(context, len(children_on_plans(context)))


def plan_children(context: Context, part: str | None = None):
    """The children on a plan on the last day (with a part: under that category of abuse)."""
    every = part in (None, NUMERATOR)
    return people_ids(
        child for child, category in children_on_plans(context).items() if every or category == part
    )


# Plans started -----------------------------------------------------------------------------------


def plans_started(context: Context):
    return _in(context, ChildProtectionPlan, "starts_on")


def _second_or_later() -> Q:
    """A second or later plan: the census's NumberOfPreviousCPP says the child had one before,
    or the record holds an earlier plan of the child."""
    earlier = ChildProtectionPlan.objects.filter(
        person=OuterRef("person"), starts_on__lt=OuterRef("starts_on")
    )
    return Q(previous_plans__gt=0) | Q(Exists(earlier))


def _started_counts(context: Context) -> dict:
    return context.cached(
        "plans_started",
        lambda: plans_started(context).aggregate(
            total=Count("pk"), later=Count("pk", filter=_second_or_later())
        ),
    )


def _plans_started(context: Context) -> Figure:
    return Figure(numerator=_started_counts(context)["total"])


def _second_or_later_share(context: Context) -> Figure:
    counts = _started_counts(context)
    return Figure(numerator=counts["later"], denominator=counts["total"])


def started_children(context: Context, part: str | None = None):
    plans = plans_started(context)
    if part == NUMERATOR:
        plans = plans.filter(_second_or_later())
    return distinct_ids(plans, "referral__person_id")


MEASURES = (
    Measure(
        id="section47_enquiries",
        name="Section 47 enquiries started",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Section 47 enquiries (Children Act 1989: is the child suffering, or likely to "
            "suffer, significant harm?) that started in the period, as the children in need "
            "census reports them (S47ActualStartDate). Each enquiry counts, so a child with two "
            "enquiries counts twice."
        ),
        compute=_enquiries,
        source="section47",
        children=enquiry_children,
    ),
    Measure(
        id="icpc_within_15_days",
        name="Initial child protection conferences within 15 working days",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the initial child protection conferences held in the period (each section 47 "
            "enquiry's first), the share held within 15 working days of the strategy discussion "
            "that started the enquiry (Working Together to Safeguard Children 2023). Working "
            "days are Monday to Friday except England's bank holidays, counted after the "
            "discussion's day up to the conference's, as the DfE counts durations. Conferences "
            "recorded without their enquiry (some imported from another system) cannot be "
            "timed and are left out. The DfE times conferences from the enquiry's start, which "
            "onestory records as the day of the strategy discussion."
        ),
        compute=_icpc_in_time,
        source="section47",
        children=icpc_children,
    ),
    Measure(
        id="cp_plans",
        name="Children on a child protection plan",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children on a child protection plan on the last day of the period: begun on or "
            "before it and not ended by it (a plan that ended that day is not counted). Each "
            "child counts once. Parts: the latest category of abuse on that day (the one the "
            "last review conference by then recorded, else the plan's first), as the census's "
            "LatestCategoryOfAbuse at 31 March, with each category's share of the children."
        ),
        compute=_cp_plans,
        source="cp_plans",
        children=plan_children,
    ),
    Measure(
        id="cp_rate_per_10000",
        name="Children on a child protection plan per 10,000 children",
        group=GROUP,
        unit=Unit.RATE,
        definition=(
            "Children on a child protection plan on the last day of the period for every 10,000 "
            "children (aged 0 to 17) living in the authority, from the latest mid-year "
            "population estimate."
        ),
        compute=_cp_rate,
        source="cp_plans",
        children=plan_children,
    ),
    Measure(
        id="cp_plans_started",
        name="Child protection plans started",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Child protection plans that began in the period (the census's CPPstartDate). Each "
            "plan counts, so a child with two plans started counts twice."
        ),
        compute=_plans_started,
        source="cp_plans",
        children=started_children,
    ),
    Measure(
        id="cp_second_or_later",
        name="Plans that were a second or later plan",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the child protection plans that began in the period, the share that were the "
            "child's second or later plan ever: the child had an earlier plan in the record, or "
            "the plan says how many the child had before (the census's NumberOfPreviousCPP, "
            "which counts plans elsewhere and before the record began)."
        ),
        compute=_second_or_later_share,
        source="cp_plans",
        children=started_children,
    ),
)
