"""Care leavers aged 19 to 21: in touch, in suitable accommodation, and in education, employment
or training, as SSDA903's OC3 table records them around each birthday.

The care leavers counted are those whose 19th, 20th or 21st birthday fell in the period and who
have a contact recorded for that birthday (an OC3 row); records merged into another person's are
left out. As the DfE counts them, young people who died or who went home to their family for six
months or more (in touch DIED or RHOM) are left out of all three measures.
"""

from onestory.core.rules import add_months
from onestory.socialcare.models import CareLeaverContact

from .base import Context, Figure, Measure, Unit
from .need import NUMERATOR, people_ids

GROUP = "Care leavers"
# SSDA903 OC3: care leavers aged 19 to 21 (DfE, Children looked after in England including
# adoptions: "care leavers now aged 19, 20 and 21").
AGES = (19, 20, 21)
# OC3 IN_TOUCH codes left out of the DfE's care leaver figures: died, and returned home for six
# months or more (ibid.).
NOT_COUNTED = frozenset({"DIED", "RHOM"})
IN_TOUCH = "YES"
# OC3 activities that are education, employment or training (socialcare.reference.ACTIVITIES:
# F1 to F5 full-time, P1 to P5 part-time); G4 to G6 are not, 0 is not known.
IN_EDUCATION_EMPLOYMENT_OR_TRAINING = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"})
# OC3 accommodation kinds that are never suitable: no fixed abode (S) and custody (X) (SSDA903
# validator csc-validator-be-903 0.1.17, rule 133: only S2 and X2 are valid).
NEVER_SUITABLE = frozenset({"S", "X"})


def contacts(context: Context) -> list[tuple]:
    """(young person, in touch, activity, accommodation, suitable) for each contact recorded for
    a 19th to 21st birthday in the period, other than those who died or went home."""

    def compute():
        period = context.period
        rows = CareLeaverContact.objects.filter(
            birthday_age__in=AGES,
            person__merged_into__isnull=True,
            person__date_of_birth__gt=add_months(period.start, -12 * (max(AGES) + 1)),
            person__date_of_birth__lte=add_months(period.end, -12 * min(AGES)),
        ).values_list(
            "person_id",
            "person__date_of_birth",
            "birthday_age",
            "in_touch",
            "activity",
            "accommodation",
            "accommodation_suitable",
        )
        return [
            (child, in_touch, activity, accommodation, suitable)
            for child, born, age, in_touch, activity, accommodation, suitable in rows
            if period.contains(add_months(born, 12 * age)) and in_touch not in NOT_COUNTED
        ]

    return context.cached("care_leavers", compute)


def in_touch(row) -> bool:
    return row[1] == IN_TOUCH


def suitably_housed(row) -> bool:
    """In accommodation recorded as suitable. Not in touch, accommodation not known, or its
    suitability not recorded: not counted as suitable."""
    _, _, _, accommodation, suitable = row
    return bool(accommodation) and accommodation not in NEVER_SUITABLE and suitable is True


def in_eet(row) -> bool:
    return row[2] in IN_EDUCATION_EMPLOYMENT_OR_TRAINING


def _share(test):
    def compute(context: Context) -> Figure:
        rows = contacts(context)
        return Figure(numerator=sum(1 for row in rows if test(row)), denominator=len(rows))

    return compute


def _children(test):
    def children(context: Context, part: str | None = None):
        rows = contacts(context)
        return people_ids(row[0] for row in rows if part != NUMERATOR or test(row))

    return children


COUNTED = (
    "Care leavers whose 19th, 20th or 21st birthday fell in the period, from what was recorded "
    "about them around that birthday (SSDA903 OC3: from 3 months before to 1 month after). "
    "Young people who died, or went home to their family for six months or more, are left "
    "out, as the DfE leaves them out. A care leaver with no contact recorded for the birthday "
    "is not counted (the return has no row for them either)."
)

MEASURES = (
    Measure(
        id="care_leavers_in_touch",
        name="Care leavers aged 19 to 21 in touch",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of care leavers aged 19 to 21 the council was in touch with (OC3 "
            "IN_TOUCH YES). Not in touch, refusing contact, and no longer needing services all "
            "count as not in touch. " + COUNTED
        ),
        compute=_share(in_touch),
        source="care_leavers",
        children=_children(in_touch),
    ),
    Measure(
        id="care_leavers_suitable_accommodation",
        name="Care leavers aged 19 to 21 in suitable accommodation",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of care leavers aged 19 to 21 living in accommodation recorded as "
            "suitable (OC3 ACCOM ending in 1). Accommodation or its suitability not recorded, "
            "or not known because the council was not in touch, counts as not suitable; no "
            "fixed abode and custody are never suitable. " + COUNTED
        ),
        compute=_share(suitably_housed),
        source="care_leavers",
        children=_children(suitably_housed),
    ),
    Measure(
        id="care_leavers_eet",
        name="Care leavers aged 19 to 21 in education, employment or training",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of care leavers aged 19 to 21 in education, employment or training, full "
            "or part time, higher education and apprenticeships included (OC3 ACTIV F1, P1, F2, "
            "P2, F4, P4, F5 or P5). Not in education, employment or training for any reason, "
            "activity not known or not recorded, or not in touch, counts as not. " + COUNTED
        ),
        compute=_share(in_eet),
        source="care_leavers",
        children=_children(in_eet),
    ),
)
