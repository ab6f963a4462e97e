"""The Early Help Strategy's measures that social care records answer (seed 004, section 12):
children on a child protection plan where a parent's mental health, domestic abuse or substance
misuse was found at assessment, disabled children in need, and disabled children on short
breaks. Records merged into another person's are left out of every count and list.
"""

from django.db.models import Q

from onestory.people.models import Person
from onestory.socialcare import reference
from onestory.socialcare.models import Assessment, LegalStatus

from .base import Context, Figure, Measure, Part, Unit
from .need import children_in_need_ids, people_ids
from .protection import plans_open

GROUP = "Early Help Strategy"

# The "toxic trio" the strategy names (seed 004, section 12: plans "as a result of poor mental
# health, DV and substance misuse"), as the children in need census's factors identified at
# assessment code them (DfE, children in need census guide, factors at assessment): a parent's
# or another adult's mental health (4B, 4C); domestic abuse of anyone in the family, the child
# included (3A, 3B, 3C); a parent's or another adult's alcohol (1B, 1C) or drug (2B, 2C) misuse.
# The child's own mental health or substance use (4A, 1A, 2A) is not a parent's and is left out.
TOXIC_TRIO = {
    "mental_health": ("A parent's or another adult's mental health", ("4B", "4C")),
    "domestic_abuse": ("Domestic abuse", ("3A", "3B", "3C")),
    "substance_misuse": (
        "A parent's or another adult's alcohol or drug misuse",
        ("1B", "1C", "2B", "2C"),
    ),
}
NO_DISABILITY = "NONE"  # people.rules.DISABILITY: the census's "no disability" code


# --- The strategy: plans linked to the toxic trio ---------------------------------------------


def _toxic_trio(context: Context) -> dict:
    """{"all": children on a plan on the last day, group: those whose episode's assessments
    found the group's factors}."""

    def compute():
        day = context.period.end
        # The plans cp_plans counts, so the two figures share a denominator.
        plans = dict(plans_open(context).values_list("person_id", "referral_id"))
        by_referral: dict = {}
        for referral, factors in Assessment.objects.filter(
            referral_id__in=set(plans.values()), authorised_on__lte=day
        ).values_list("referral_id", "factors"):
            by_referral.setdefault(referral, set()).update(factors or ())
        found = {"all": set(plans)}
        for key, (_, codes) in TOXIC_TRIO.items():
            found[key] = {
                person
                for person, referral in plans.items()
                if by_referral.get(referral, set()) & set(codes)
            }
        return found

    return context.cached("cp_plans_toxic_trio", compute)


def _toxic_trio_figure(context: Context) -> Figure:
    found = _toxic_trio(context)
    children = len(found["all"])
    linked = set().union(*(found[key] for key in TOXIC_TRIO))
    return Figure(
        numerator=len(linked),
        denominator=children,
        parts=tuple(
            Part(key, label, len(found[key]), children) for key, (label, _) in TOXIC_TRIO.items()
        ),
    )


def _toxic_trio_children(context: Context, part: str | None = None):
    found = _toxic_trio(context)
    return people_ids(set().union(*(found[k] for k in TOXIC_TRIO)) if part is None else found[part])


# --- The strategy: disabled children --------------------------------------------------------


def has_disability(codes) -> bool:
    """A disability is recorded: any census disability code but "no disability"."""
    return any(code != NO_DISABILITY for code in codes or ())


def _disabled_in_need(context: Context) -> set:
    def compute():
        rows = Person.objects.filter(pk__in=children_in_need_ids(context)).values_list(
            "pk", "disabilities"
        )
        return {
            "all": {pk for pk, _ in rows},
            "disabled": {pk for pk, d in rows if has_disability(d)},
        }

    return context.cached("disabled_children_in_need", compute)


def _disabled_figure(context: Context) -> Figure:
    found = _disabled_in_need(context)
    return Figure(numerator=len(found["disabled"]), denominator=len(found["all"]))


def _disabled_children(context: Context, part: str | None = None):
    return people_ids(_disabled_in_need(context)["disabled"])


SHORT_BREAK_PARTS = {
    "short_breaks_only": "Short breaks only: not otherwise looked after in the period",
    "also_in_care": "Also looked after in another way in the period",
}


def _short_breaks(context: Context) -> dict:
    def compute():
        period = context.period
        overlapping = LegalStatus.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=period.start),
            starts_on__lte=period.end,
            period__person__merged_into__isnull=True,
        )
        breaks = set(
            overlapping.filter(status__in=reference.SHORT_BREAK_STATUSES).values_list(
                "period__person_id", flat=True
            )
        )
        other = set(
            overlapping.filter(period__person_id__in=breaks)
            .exclude(status__in=reference.SHORT_BREAK_STATUSES)
            .values_list("period__person_id", flat=True)
        )
        disabled = {
            pk
            for pk, codes in Person.objects.filter(pk__in=breaks).values_list("pk", "disabilities")
            if has_disability(codes)
        }
        return {
            "all": breaks,
            "disabled": disabled,
            "also_in_care": disabled & other,
            "short_breaks_only": disabled - other,
        }

    return context.cached("short_breaks", compute)


def _short_breaks_figure(context: Context) -> Figure:
    found = _short_breaks(context)
    disabled = len(found["disabled"])
    unrecorded = len(found["all"]) - disabled
    return Figure(
        numerator=disabled,
        parts=tuple(
            Part(key, label, len(found[key]), disabled) for key, label in SHORT_BREAK_PARTS.items()
        ),
        note=(
            f"{unrecorded:,} more {'child' if unrecorded == 1 else 'children'} had short "
            "breaks with no disability recorded."
            if unrecorded
            else ""
        ),
    )


def _short_breaks_children(context: Context, part: str | None = None):
    return people_ids(_short_breaks(context)["disabled" if part is None else part])


MEASURES = (
    Measure(
        id="cp_plans_toxic_trio",
        name="Children on a plan where a parent's mental health, domestic abuse or substance "
        "misuse was found",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children on a child protection plan on the last day of the period (those the "
            "measure cp_plans counts) whose children in need episode had an assessment "
            "authorised by then (the census takes factors at authorisation) that identified a "
            "parent's or another adult's mental health (census factors 4B, 4C), domestic "
            "abuse (3A, 3B, 3C) or a parent's or another adult's alcohol or drug misuse (1B, "
            "1C, 2B, 2C); beside it, all children on a plan. The record holds the factors "
            "found at assessment, not the reason the conference gave for the plan. The parts "
            "count each factor; a child can be in several."
        ),
        compute=_toxic_trio_figure,
        source="cp_plans",
        children=_toxic_trio_children,
    ),
    Measure(
        id="disabled_children_in_need",
        name="Children in need with a disability",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of children in need on the last day of the period (as the measure "
            "children in need counts them) with a disability recorded: any of the children in "
            "need census's disability codes other than \u201cno disability\u201d. A child whose "
            "disability is not recorded counts as not disabled, as in the census."
        ),
        compute=_disabled_figure,
        source="referrals",
        children=_disabled_children,
    ),
    Measure(
        id="disabled_children_short_breaks",
        name="Disabled children on short breaks",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Disabled children (a census disability code recorded) looked after under an "
            "agreed series of short breaks (SSDA903 legal status V3 or V4) at any time in the "
            "period, broken down by whether they were also looked after in any other way in "
            "the period (another legal status): the strategy's disabled children supported "
            "through short breaks who do not come into care. Short breaks given without the "
            "child being accommodated (under section 17) are not in the record."
        ),
        compute=_short_breaks_figure,
        source="care",
        children=_short_breaks_children,
    ),
)
