"""Disproportionality: each ethnic group's share of the children a measure counts against its share
of the child population, as the Early Help Strategy's tables set them side by side.

The ratio of the two shares says how over- or under-represented a group is: 1.0 is
proportionate, 2.0 twice its share of the population, 0.5 half of it. Children whose ethnicity is
refused or not yet obtained are counted apart (`unknown`) and left out of both shares, as the
population estimates have no such group. One grouped query per table. Aggregates only.
"""

from dataclasses import dataclass

from django.db.models import Count

from onestory.people.models import Person
from onestory.people.rules import ETHNICITY

from .measures.base import NO_DATA, Context
from .population import estimates
from .rules import Period, share
from .wards import NO_POPULATION, counting_measure

# The measures the hub shows by ethnic group unless asked for another.
DEFAULT_MEASURES = ("children_in_need", "cp_plans", "children_in_care")

# The DfE's major ethnic groups and the order its statistical releases list them in (e.g.
# "Children in need" and "Children looked after in England" characteristics tables, which count
# Chinese children within "Other ethnic group"), each with the census codes it holds
# (people.rules.ETHNICITY).
MAJOR_GROUPS = (
    ("white", "White", ("WBRI", "WIRI", "WIRT", "WOTH", "WROM")),
    ("mixed", "Mixed", ("MWBC", "MWBA", "MWAS", "MOTH")),
    ("asian", "Asian or Asian British", ("AIND", "APKN", "ABAN", "AOTH")),
    ("black", "Black or Black British", ("BCRB", "BAFR", "BOTH")),
    ("other", "Other ethnic group", ("CHNE", "OOTH")),
)
# Refused and information not yet obtained: not an ethnic group; kept apart.
NOT_KNOWN = ("REFU", "NOBT")
LEVELS = ("major", "minor")


@dataclass(frozen=True)
class GroupRow:
    code: str
    label: str
    children: int
    # The group's share of the children counted whose ethnicity is known (0 to 1).
    share: float | None
    population: int
    population_share: float | None
    # share / population_share: 1.0 is proportionate; None when either share is missing.
    ratio: float | None


@dataclass(frozen=True)
class GroupTable:
    measure_id: str
    name: str
    period: Period
    rows: list[GroupRow]
    # The children whose ethnicity is known, and the population of known groups.
    total: GroupRow
    # Children whose ethnicity was refused, not yet obtained or not recorded.
    unknown: int
    source: str
    note: str = ""


def groups(level: str = "major") -> list[tuple[str, str, tuple[str, ...]]]:
    """(code, label, census codes) in the DfE's order, at the major or the minor (census code)
    level."""
    if level == "major":
        return list(MAJOR_GROUPS)
    if level == "minor":
        return [(c, label, (c,)) for c, label in ETHNICITY.items() if c not in NOT_KNOWN]
    raise ValueError(f"The level of ethnic groups must be one of {', '.join(LEVELS)}.")


def _ratio(part: float | None, whole: float | None) -> float | None:
    return part / whole if part is not None and whole else None


def group_table(measure_id: str, period: Period, *, level: str = "major") -> GroupTable:
    """The measure's children by ethnic group for the period against the child population."""
    chosen = groups(level)
    measure = counting_measure(measure_id)
    context = Context(period)
    counts = dict(
        Person.objects.filter(pk__in=measure.children(context, None))
        .values("ethnicity")
        .annotate(n=Count("pk"))
        .values_list("ethnicity", "n")
    )
    population, source = estimates(period.end, by="ethnicity")
    known = {code for _, _, codes in chosen for code in codes}
    counted = sum(n for code, n in counts.items() if code in known)
    people = sum(n for code, n in population.items() if code in known)
    rows = []
    for code, label, codes in chosen:
        children = sum(counts.get(c, 0) for c in codes)
        living = sum(population.get(c, 0) for c in codes)
        child_share, population_share = share(children, counted), share(living, people)
        rows.append(
            GroupRow(
                code=code,
                label=label,
                children=children,
                share=child_share,
                population=living,
                population_share=population_share,
                ratio=_ratio(child_share, population_share),
            )
        )
    whole = share(counted, counted)
    total = GroupRow(
        "",
        "All children whose ethnicity is recorded",
        counted,
        whole,
        people,
        share(people, people),
        _ratio(whole, share(people, people)),
    )
    return GroupTable(
        measure_id=measure.id,
        name=measure.name,
        period=period,
        rows=rows,
        total=total,
        unknown=sum(n for code, n in counts.items() if code not in known),
        source=source or NO_POPULATION,
        note="" if context.has_data(measure.source) else NO_DATA,
    )
