"""What the "About the data" page shows: where each source's records begin, the day the
council says its records are complete from, and the child population estimates loaded."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from .measures import sources
from .models import PopulationEstimate, RecordsCoverage

# Each source of the measures, in words (keys of measures.sources.SOURCES).
SOURCE_NAMES = {
    "contacts": "Contacts to the front door",
    "referrals": "Referrals to children's social care",
    "assessments": "Children and families assessments",
    "cin_plans": "Child in need plans",
    "cp_plans": "Child protection plans",
    "section47": "Section 47 enquiries",
    "care": "Periods of care",
    "care_leavers": "Contacts with care leavers",
    "early_help": "Early help assessments",
    "allocations": "Allocations of workers to children",
    "case_audits": "Case audits",
    "family_hubs": "Family hub attendance",
}


@dataclass(frozen=True)
class SourceRow:
    name: str
    first_day: date | None
    # The later of its first record and the day the records are complete from.
    complete_from: date | None


@dataclass(frozen=True)
class About:
    coverage: RecordsCoverage | None
    sources: list[SourceRow]
    # (year, areas estimated, single years of age estimated, source)
    population: list[tuple[int, int, int, str]]


def about() -> About:
    coverage = RecordsCoverage.objects.select_related("set_by").first()
    council = coverage.complete_from if coverage else None
    rows = []
    for key, name in SOURCE_NAMES.items():
        first = sources.first_day(key)
        rows.append(SourceRow(name, first, max(first, council) if first and council else first))
    ages = Counter(
        PopulationEstimate.objects.filter(age__isnull=False).values_list("year", flat=True)
    )
    population = [
        (row["year"], row["areas"], ages[row["year"]], row["source"])
        for row in PopulationEstimate.objects.filter(ethnicity="", age__isnull=True)
        .values("year", "source")
        .annotate(areas=Count("id"))
        .order_by("-year", "source")
    ]
    return About(coverage, rows, population)
