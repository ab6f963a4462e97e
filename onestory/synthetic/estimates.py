"""The synthetic local authority's child population estimates (insight.PopulationEstimate), and
the day its records are complete from (insight.RecordsCoverage).

A council loads the ONS mid-year estimates; the synthetic authority counts its own children
instead: for each mid-year (30 June) from 2021, the year the front door's history begins, to
the reference date's year, the generated people aged 0 to 17 that day (born by then, not yet
18, alive), by the ward of their current address and by their ethnic group. The town holds the
young adults who were its children in the earlier years (families.GROWN_CHANCE), so each year's
count is about the children of that year.
"""

from datetime import date

from onestory.core.rules import add_months
from onestory.insight.models import PopulationEstimate, RecordsCoverage
from onestory.people.models import Address, Person, Ward
from onestory.people.rules import age_in_years

from .drafts import REFERENCE_DATE
from .models import PlantedDuplicate

FIRST_YEAR = 2021  # contacts.HISTORY_START's year
SOURCE_PREFIX = "Synthetic:"
SOURCE = (
    f"{SOURCE_PREFIX} onestory's synthetic local authority's own children (from their dates of "
    "birth and current addresses), standing in for the ONS mid-year estimates"
)


COVERAGE_NOTE = (
    f"{SOURCE_PREFIX} the synthetic local authority's history begins on 1 April 2021; the "
    "episodes open that day were brought across with the days they began."
)


def write_records_coverage(history_start: date) -> None:
    """Say the records are complete from the day the history begins (contacts.HISTORY_START):
    before it, only the episodes still open then are in the record. A day a council set itself
    is left alone."""
    current = RecordsCoverage.objects.first()
    if current is None:
        RecordsCoverage.objects.create(complete_from=history_start, note=COVERAGE_NOTE)
    elif current.note.startswith(SOURCE_PREFIX):
        current.complete_from, current.note = history_start, COVERAGE_NOTE
        current.save(update_fields=["complete_from", "note", "updated_at"])


def estimate_years() -> range:
    """Every mid-year from FIRST_YEAR to the last before the reference date."""
    after = (REFERENCE_DATE.month, REFERENCE_DATE.day) >= (6, 30)
    return range(FIRST_YEAR, REFERENCE_DATE.year + (1 if after else 0))


def write_estimates() -> int:
    """Replace the synthetic estimates of every year (a council's own estimates for a year are
    left alone, and that year gets none); returns how many rows were written."""
    years = [
        y
        for y in estimate_years()
        if not PopulationEstimate.objects.filter(year=y).exclude(source=SOURCE).exists()
    ]
    PopulationEstimate.objects.filter(year__in=years, source=SOURCE).delete()
    ward_of = dict(
        Address.objects.filter(valid_to__isnull=True)
        .order_by("valid_from")
        .values_list("person_id", "ward_id")
    )
    earliest = date(min(years, default=FIRST_YEAR) - 18, 6, 30)
    people = (
        Person.objects.filter(date_of_birth__gt=earliest, merged_into__isnull=True)
        .exclude(pk__in=PlantedDuplicate.objects.values("duplicate_id"))
        .values_list("id", "date_of_birth", "date_of_death", "ethnicity")
    )
    counts: dict[tuple, int] = {}
    for person_id, born, died, ethnicity in people.iterator(chunk_size=5000):
        adult = add_months(born, 18 * 12)
        ward = ward_of.get(person_id)
        for year in years:
            mid = date(year, 6, 30)
            if born <= mid < adult and (died is None or died > mid):
                keys = {(year, None, "", None), (year, None, "", age_in_years(born, mid))}
                if ward:
                    keys.add((year, ward, "", None))
                if ethnicity:
                    keys.add((year, None, ethnicity, None))
                for key in keys:
                    counts[key] = counts.get(key, 0) + 1
    wards = list(Ward.objects.values_list("code", flat=True))
    for year in years:
        for ward in wards:
            counts.setdefault((year, ward, "", None), 0)
        for age in range(18):
            counts.setdefault((year, None, "", age), 0)
    rows = [
        PopulationEstimate(year=y, ward_id=w, ethnicity=e, age=a, children=n, source=SOURCE)
        for (y, w, e, a), n in counts.items()
    ]
    PopulationEstimate.objects.bulk_create(rows, batch_size=500)
    return len(rows)
