"""Measures over the years: each year ending on the same day as the chosen period, so a trend
compares like with like (five years to 31 March for the returns' measures)."""

from datetime import date

from onestory.people.rules import years_before

from . import measures
from .measures.base import Result
from .rules import Period


def year_ends(end: date, years: int) -> list[date]:
    """`years` days a year apart, the last one `end`, oldest first."""
    return [years_before(end, i) for i in reversed(range(years))]


def trends(ids: list[str], end: date, *, years: int = 5) -> dict[str, list[tuple[Period, Result]]]:
    """{measure id: [(year, result)]} for the `years` years ending on `end`'s day of the year."""
    found: dict[str, list[tuple[Period, Result]]] = {i: [] for i in ids}
    for day in year_ends(end, years):
        period = Period.year_ending(day)
        for result in measures.compute(period, ids):
            found[result.id].append((period, result))
    return found
