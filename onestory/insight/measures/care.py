"""Children in care: how many on the last day and their rate, children who started to be looked
after, placement stability (DfE measure A1) and placements more than 20 miles from home.

As the DfE counts children looked after (SSDA903), children looked after only under an agreed
series of short breaks (legal status V3 or V4 on the day that matters) are left out, and so are
records merged into another child's.
"""

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from onestory.socialcare import reference
from onestory.socialcare import rules as socialcare_rules
from onestory.socialcare.models import CarePeriod, LegalStatus, Placement, UnaccompaniedChild

from .base import Context, Figure, Measure, Unit, open_on
from .need import NUMERATOR, distinct_ids, people_ids, rate_figure

GROUP = "Children in care"
# DfE measure A1: three or more placements in the year (Children looked after in England,
# including adoptions), as socialcare.rules keeps it.
UNSTABLE_PLACEMENTS = socialcare_rules.UNSTABLE_PLACEMENTS_IN_YEAR
# The DfE's distance measure: placed more than 20 miles from home (Children looked after in
# England, including adoptions: "placed more than 20 miles from home").
FAR_FROM_HOME_MILES = 20


def _status_on(day) -> Subquery:
    """The period's legal status in force on `day` (a date or an OuterRef): the latest to start
    on or before it, as SSDA903's episodes take it."""
    return Subquery(
        LegalStatus.objects.filter(period=OuterRef("pk"), starts_on__lte=day)
        .order_by("-starts_on", "-created_at")
        .values("status")[:1]
    )


def _not_short_breaks() -> Q:
    """The annotated status is not a short break (a period with no status yet stays in)."""
    return Q(status__isnull=True) | ~Q(status__in=reference.SHORT_BREAK_STATUSES)


def periods_open(context: Context):
    """Periods of care open on the period's last day (an end on the day closes it), other than
    short breaks only."""
    day = context.period.end
    return (
        CarePeriod.objects.filter(
            open_on(day, starts="starts_on", ends="ends_on"), person__merged_into__isnull=True
        )
        .annotate(status=_status_on(day))
        .filter(_not_short_breaks())
    )


def in_care_ids(context: Context, part: str | None = None):
    return distinct_ids(periods_open(context))


def _in_care_count(context: Context) -> int:
    return context.cached("children_in_care", lambda: in_care_ids(context).count())


def _children_in_care(context: Context) -> Figure:
    return Figure(numerator=_in_care_count(context))


def _cla_rate(context: Context) -> Figure:
    return rate_figure(context, _in_care_count(context))


# Starts ----------------------------------------------------------------------------------------


def periods_started(context: Context):
    period = context.period
    return (
        CarePeriod.objects.filter(
            starts_on__gte=period.start,
            starts_on__lte=period.end,
            person__merged_into__isnull=True,
        )
        .annotate(status=_status_on(OuterRef("starts_on")))
        .filter(_not_short_breaks())
    )


def started_ids(context: Context, part: str | None = None):
    return distinct_ids(periods_started(context))


def _cla_started(context: Context) -> Figure:
    return Figure(numerator=started_ids(context).count())


# Placement stability ---------------------------------------------------------------------------


def _placements_in_period(context: Context):
    """Placements of the children in care on the last day that were open at some time in the
    period, other than temporary moves (T0 to T4, as measure A1 leaves them out)."""
    period = context.period
    return (
        Placement.objects.filter(person__in=in_care_ids(context), starts_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .exclude(place__in=reference.TEMPORARY_PLACEMENTS)
    )


def unstable_ids(context: Context):
    return (
        _placements_in_period(context)
        .order_by()
        .values("person_id")
        .annotate(placements=Count("pk"))
        .filter(placements__gte=UNSTABLE_PLACEMENTS)
        .values_list("person_id", flat=True)
    )


def _stability(context: Context) -> Figure:
    unstable = context.cached("unstable", lambda: unstable_ids(context).count())
    return Figure(numerator=unstable, denominator=_in_care_count(context))


def stability_children(context: Context, part: str | None = None):
    return unstable_ids(context) if part == NUMERATOR else in_care_ids(context)


# Distance from home ----------------------------------------------------------------------------


def placement_distances(context: Context) -> dict:
    """{child in care on the last day: miles from home of the placement they were in that day,
    or None when not known or not comparable}. Unaccompanied asylum-seeking children's homes are
    abroad (SSDA903 leaves their home postcode, so their distance, blank): None."""

    def compute():
        rows = (
            Placement.objects.filter(
                open_on(context.period.end, starts="starts_on", ends="ends_on"),
                person__in=in_care_ids(context),
            )
            .annotate(
                unaccompanied=Exists(UnaccompaniedChild.objects.filter(person=OuterRef("person")))
            )
            .order_by("person_id", "starts_on", "created_at")
            .values_list(
                "person_id",
                "distance_miles",
                "unaccompanied",
                "person__unaccompanied_asylum_seeking",
            )
        )
        found = {}
        for child, miles, unaccompanied, flagged in rows:
            found[child] = None if unaccompanied or flagged or miles is None else float(miles)
        return found

    return context.cached("placement_distances", compute)


def _far(context: Context) -> list:
    return [
        child
        for child, miles in placement_distances(context).items()
        if miles is not None and miles > FAR_FROM_HOME_MILES
    ]


def _over_20_miles(context: Context) -> Figure:
    known = [m for m in placement_distances(context).values() if m is not None]
    left_out = _in_care_count(context) - len(known)
    note = ""
    if left_out:
        note = (
            f"{left_out:,} {'child' if left_out == 1 else 'children'} in care on the last day "
            "left out: no distance from home is known."
        )
    return Figure(numerator=len(_far(context)), denominator=len(known), note=note)


def distance_children(context: Context, part: str | None = None):
    if part == NUMERATOR:
        return people_ids(_far(context))
    return people_ids(
        child for child, miles in placement_distances(context).items() if miles is not None
    )


MEASURES = (
    Measure(
        id="children_in_care",
        name="Children in care",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children looked after on the last day of the period: a period of care begun on or "
            "before it and not ended by it (care that ended that day is not counted). Each child "
            "counts once. Children looked after only under an agreed series of short breaks "
            "(legal status V3 or V4 that day) are left out, as in the DfE's count of children "
            "looked after at 31 March from the SSDA903 return."
        ),
        compute=_children_in_care,
        source="care",
        children=in_care_ids,
    ),
    Measure(
        id="cla_rate_per_10000",
        name="Children in care per 10,000 children",
        group=GROUP,
        unit=Unit.RATE,
        definition=(
            "Children in care on the last day of the period for every 10,000 children (aged 0 "
            "to 17) living in the authority, from the latest mid-year population estimate."
        ),
        compute=_cla_rate,
        source="care",
        children=in_care_ids,
    ),
    Measure(
        id="cla_started",
        name="Children who started to be looked after",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children for whom a period of care began in the period. As the DfE counts starts, "
            "a child who started to be looked after twice in the period counts once, and care "
            "that began as short breaks only (legal status V3 or V4) is left out."
        ),
        compute=_cla_started,
        source="care",
        children=started_ids,
    ),
    Measure(
        id="placement_stability_3_plus",
        name="Children in care with 3 or more placements",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the children in care on the last day of the period, the share who had 3 or more "
            "placements during the period: placements open at any time in it, in this or an "
            "earlier period of care, temporary moves (T0 to T4) not counted. For a year ending "
            "31 March this is the DfE's placement stability measure A1."
        ),
        compute=_stability,
        source="care",
        children=stability_children,
    ),
    Measure(
        id="placements_over_20_miles",
        name="Children in care placed more than 20 miles from home",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "Of the children in care on the last day of the period whose distance from home is "
            "known, the share whose placement that day was more than 20 miles from home: the "
            "straight-line distance between the home and placement postcodes, as SSDA903 "
            "records it. A placement outside England counts by its distance when both postcodes "
            "are in the postcode directory (so one in Scotland or Wales counts). Left out, and "
            "said in the note: children with no home or placement postcode (or one the "
            "directory cannot place, as outside the UK), and unaccompanied asylum-seeking "
            "children, whose home is abroad."
        ),
        compute=_over_20_miles,
        source="care",
        children=distance_children,
    ),
)
