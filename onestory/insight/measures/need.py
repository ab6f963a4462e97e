"""Children in need: how many there are on the last day of the period, and their rate.

A child in need, as the DfE's children in need census counts them at 31 March, is a child with
a children in need episode (in onestory, a front-door referral to children's social care) open
on that day: begun on or before it, not closed by it. Each child counts once, however many
episodes they have open. Records merged into another person's are left out, as in the census.
"""

from onestory.frontdoor.models import Referral

from ..population import estimates
from .base import Context, Figure, Measure, Unit, open_on

GROUP = "Children in need"


def open_episodes(day):
    return Referral.objects.filter(
        open_on(day, starts="referral_date", ends="closed_on"),
        person__merged_into__isnull=True,
    )


def children_in_need_ids(context: Context, part: str | None = None):
    return open_episodes(context.period.end).values_list("person_id", flat=True).distinct()


def population(context: Context) -> tuple[int, str]:
    """All children in the authority (0 if no estimate is loaded) and where the figure came
    from."""
    found, source = context.cached("population", lambda: estimates(context.period.end))
    return found.get(None, 0), source


def _count(context: Context) -> int:
    return context.cached("children_in_need", lambda: children_in_need_ids(context).count())


def _children_in_need(context: Context) -> Figure:
    return Figure(numerator=_count(context))


def _rate(context: Context) -> Figure:
    children, source = population(context)
    count = _count(context)
    note = f"Child population: {source}." if source else "No child population estimate is loaded."
    return Figure(numerator=count, denominator=children, note=note)


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
)
