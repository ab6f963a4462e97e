"""Children in need: how many there are on the last day of the period, and their rate.

A child in need, as the DfE's children in need census counts them at 31 March, is a child with
a children in need episode (in onestory, a front-door referral to children's social care) open
on that day: begun on or before it, not closed by it. Each child counts once, however many
episodes they have open. Records merged into another person's are left out, as in the census.

Assessments are the census's: child and family assessments under an episode open at some time in
the period, completed on the day a manager authorised them (AssessmentAuthorisationDate).
"""

from collections import Counter
from datetime import date
from functools import cache

from django.db.models import Q

from onestory.core import rules as core_rules
from onestory.core.calendar import bank_holidays_between
from onestory.frontdoor.models import Referral
from onestory.people.models import Person
from onestory.socialcare import reference
from onestory.socialcare.models import Assessment

from ..population import estimates
from .base import Context, Figure, Measure, Part, Unit, open_on

GROUP = "Children in need"
NUMERATOR = "numerator"  # the part key that lists the children in a share's numerator


def distinct_ids(rows, field: str = "person_id"):
    """Each child once: the rows' `field` without the model's default ordering, which DISTINCT
    would otherwise select too (listing a child once per date)."""
    return rows.order_by().values_list(field, flat=True).distinct()


def open_episodes(day):
    return Referral.objects.filter(
        open_on(day, starts="referral_date", ends="closed_on"),
        person__merged_into__isnull=True,
    )


def children_in_need_ids(context: Context, part: str | None = None):
    return distinct_ids(open_episodes(context.period.end))


def population(context: Context) -> tuple[int, str]:
    """All children in the authority (0 if no estimate is loaded) and where the figure came
    from."""
    found, source = context.cached("population", lambda: estimates(context.period.end))
    return found.get(None, 0), source


def _count(context: Context) -> int:
    return context.cached("children_in_need", lambda: children_in_need_ids(context).count())


def _children_in_need(context: Context) -> Figure:
    return Figure(numerator=_count(context))


def rate_figure(context: Context, count: int) -> Figure:
    """`count` for every 10,000 children in the authority, saying where the population came
    from."""
    children, source = population(context)
    note = f"Child population: {source}." if source else "No child population estimate is loaded."
    return Figure(numerator=count, denominator=children, note=note)


def _rate(context: Context) -> Figure:
    return rate_figure(context, _count(context))


def census_episode(period, prefix: str = "referral__") -> Q:
    """Rows under a children in need episode the census reports for the period: open at some
    time in it (referred by its last day, not closed before its first), on a child whose record
    is not merged into another's."""
    return (
        Q(**{f"{prefix}referral_date__lte": period.end})
        & (
            Q(**{f"{prefix}closed_on__isnull": True})
            | Q(**{f"{prefix}closed_on__gte": period.start})
        )
        & Q(**{f"{prefix}person__merged_into__isnull": True})
    )


# Assessments ------------------------------------------------------------------------------------


def assessments_completed(context: Context):
    """Child and family assessments authorised (completed) in the period, under an episode the
    census reports."""
    period = context.period
    return Assessment.objects.filter(
        census_episode(period),
        authorised_on__gte=period.start,
        authorised_on__lte=period.end,
    )


def _assessment_rows(context: Context) -> list[tuple]:
    """(assessment id, child, referral date, authorised on, factors) of the period's completed
    assessments: one query shared by the assessment measures."""
    return context.cached(
        "assessments_completed",
        lambda: list(
            assessments_completed(context).values_list(
                "pk", "referral__person_id", "referral__referral_date", "authorised_on", "factors"
            )
        ),
    )


@cache
def _first_late_day(start: date, working_days: int) -> date:
    holidays = bank_holidays_between(date(start.year, 1, 1), date(start.year + 1, 12, 31))
    return core_rules.add_working_days(start, working_days + 1, holidays)


def within_working_days(start: date, end: date, working_days: int) -> bool:
    """Whether no more than `working_days` working days (Monday to Friday, not a bank holiday
    in England) fall after `start` up to `end`: core.rules.working_days_between(start, end) <=
    working_days, as the DfE counts a duration in working days. So a weekend after the last
    working day allowed is still in time. Worked out once per start day."""
    return end < _first_late_day(start, working_days)


def within_45_working_days(referral_date: date, completed_on: date) -> bool:
    """An assessment completed within 45 working days of the referral (Working Together to
    Safeguard Children 2023: core.rules.ASSESSMENT_WORKING_DAYS)."""
    return within_working_days(referral_date, completed_on, core_rules.ASSESSMENT_WORKING_DAYS)


def _timely_rows(context: Context) -> list[tuple]:
    return [row for row in _assessment_rows(context) if within_45_working_days(row[2], row[3])]


_FACTOR_ORDER = list(reference.ASSESSMENT_FACTORS)


def factor_codes(codes) -> list[str]:
    """The factors the census reports for an assessment: known codes once each, and "no factors
    identified" (21) only when it stands alone."""
    known = {c for c in codes or [] if c in reference.ASSESSMENT_FACTORS}
    if len(known) > 1:
        known.discard(reference.NO_FACTORS)
    return sorted(known, key=_FACTOR_ORDER.index)


def _with_factors(context: Context) -> list[tuple]:
    """(row, its factors) of the period's completed assessments that recorded factors."""
    coded = ((row, factor_codes(row[4])) for row in _assessment_rows(context))
    return [(row, codes) for row, codes in coded if codes]


def _assessments_completed(context: Context) -> Figure:
    return Figure(numerator=len(_assessment_rows(context)))


def _assessments_within_45_days(context: Context) -> Figure:
    return Figure(numerator=len(_timely_rows(context)), denominator=len(_assessment_rows(context)))


def _factors(context: Context) -> Figure:
    assessed = _with_factors(context)
    counts = Counter(code for _, codes in assessed for code in codes)
    parts = tuple(
        Part(code, reference.ASSESSMENT_FACTORS[code], counts[code], len(assessed))
        for code in _FACTOR_ORDER
        if counts[code]
    )
    return Figure(numerator=len(assessed), parts=parts)


def people_ids(ids):
    """The ids given (a list worked out in Python), less records merged into another person's,
    as a queryset."""
    return (
        Person.objects.filter(pk__in=list(set(ids)), merged_into__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def assessment_children(context: Context, part: str | None = None):
    """The children whose assessments were completed in the period; with part "numerator",
    those completed within 45 working days."""
    if part == NUMERATOR:
        return people_ids(row[1] for row in _timely_rows(context))
    return distinct_ids(assessments_completed(context), "referral__person_id")


def factor_children(context: Context, part: str | None = None):
    """The children whose completed assessments recorded factors (with a part: that factor)."""
    every = part in (None, NUMERATOR)
    return people_ids(row[1] for row, codes in _with_factors(context) if every or part in codes)


MEASURES = (
    Measure(
        id="children_in_need",
        name="Children in need",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children with a children in need episode (a referral to children's social care) "
            "open on the last day of the period: begun on or before it and not closed by it. "
            "Each child counts once. The children in need census's count at 31 March."
        ),
        compute=_children_in_need,
        source="referrals",
        children=children_in_need_ids,
    ),
    Measure(
        id="cin_rate_per_10000",
        name="Children in need per 10,000 children",
        group=GROUP,
        unit=Unit.RATE,
        definition=(
            "Children in need on the last day of the period for every 10,000 children (aged 0 "
            "to 17) living in the authority, from the latest mid-year population estimate."
        ),
        compute=_rate,
        source="referrals",
        children=children_in_need_ids,
    ),
    Measure(
        id="assessments_completed",
        name="Assessments completed",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Child and family assessments completed in the period: authorised by a manager on a "
            "day in it (the census's AssessmentAuthorisationDate), under a children in need "
            "episode open at some time in the period. Each assessment counts, so a child "
            "assessed twice counts twice. Assessments still in progress or waiting for "
            "authorisation are left out."
        ),
        compute=_assessments_completed,
        source="assessments",
        children=assessment_children,
    ),
    Measure(
        id="assessments_within_45_days",
        name="Assessments completed within 45 working days",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the assessments completed in the period, the share authorised within 45 working "
            "days of the referral (Working Together to Safeguard Children 2023: no longer than "
            "45 working days from the point of referral). Working days are Monday to Friday "
            "except England's bank holidays, counted after the referral's day up to the day of "
            "authorisation: one authorised on the 45th working day after the referral, or on "
            "the weekend or bank holiday after it, is in time. The DfE's published "
            "duration counts from the assessment's start, which is later when an assessment "
            "does not start on the day of referral."
        ),
        compute=_assessments_within_45_days,
        source="assessments",
        children=assessment_children,
    ),
    Measure(
        id="factors_at_assessment",
        name="Factors identified at assessment",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Assessments completed in the period that recorded the factors identified at the "
            "end of assessment (census codes, as the DfE's table of factors). Each part is one "
            "factor: the assessments that identified it, and their share of the assessments "
            "with factors recorded. An assessment with several factors counts in each, so the "
            'shares add up to more than 1. "No factors identified" counts only when it is '
            "the only code, as the census reports it."
        ),
        compute=_factors,
        source="assessments",
        children=factor_children,
    ),
)
