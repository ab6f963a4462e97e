"""England's and statistical neighbours' figures shown beside the council's own.

They come from a small dated data file, data/comparators.csv, in which every row names the
publication it was read from; its header says who published the figures, when the file was
compiled, and which figures were looked for and not found. Nothing here is estimated: a measure
with no published figure shows none.

How the neighbours are shown. Ten neighbours beside every headline figure would bury it, so the
dashboard and the board report show England and one "Statistical neighbours" summary, and a
measure's own page lists each neighbour's figure with its source. The summary is worked out only
from the neighbours' figures for one year (the latest on or before the period's end that any
neighbour has), never from figures of different years:

- when all ten neighbours' figures for that year are in the file, it is their average (the
  arithmetic mean, as the DfE's local authority interactive tool works out a statistical
  neighbour average), labelled "average of all 10";
- when only some are, it is the median of those found, labelled with how many of the ten it
  covers ("3 of 10 found: median ..."), and one neighbour's figure is shown as that neighbour's.
  A median of a few councils is less swayed by one unusual council than their mean, and its
  label keeps it from being read as the DfE's published average;
- counts are not summarised (councils differ in size, so only rates and shares compare): a
  count's neighbours are listed on the measure's page only.
"""

import csv
import statistics
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "comparators.csv"
COLUMNS = ("measure_id", "area", "year_ending", "value", "unit", "source", "note")

ENGLAND = "England"
# Luton's ten statistical neighbours, in the order the DfE's children's services statistical
# neighbour benchmarking tool lists them (reproduced in the data-to-insight send-benchmarking
# repository, static/SEND_data/stat neighbours.csv).
NEIGHBOURS = (
    "Slough",
    "Peterborough",
    "Coventry",
    "Hounslow",
    "Hillingdon",
    "Leicester",
    "Ealing",
    "Sandwell",
    "Southampton",
    "Barking and Dagenham",
)
# Units a summary of the neighbours is worked out for (a count of children is not).
SUMMARISED_UNITS = ("rate_per_10000", "share")


@dataclass(frozen=True)
class Comparator:
    measure_id: str
    area: str
    # The day the figure is for: 31 March for a year ending then, 30 September for the
    # workforce census.
    year_ending: date
    # In the measure's unit: a share is 0 to 1, a rate per 10,000 children.
    value: float
    unit: str
    source: str
    note: str = ""

    @property
    def is_neighbour(self) -> bool:
        return self.area in NEIGHBOURS


@dataclass(frozen=True)
class NeighbourSummary:
    """The statistical neighbours' figures for one measure and one year, summed up: the average
    when all ten are found, else the median of those found (see the module's docstring)."""

    measure_id: str
    year_ending: date
    unit: str
    # The neighbours' figures for that year, in the order NEIGHBOURS names them.
    figures: tuple[Comparator, ...]

    @property
    def found(self) -> int:
        return len(self.figures)

    @property
    def of(self) -> int:
        return len(NEIGHBOURS)

    @property
    def complete(self) -> bool:
        return self.found == self.of

    @property
    def method(self) -> str:
        return "average" if self.complete else "median"

    @property
    def value(self) -> float:
        values = [c.value for c in self.figures]
        return statistics.fmean(values) if self.complete else statistics.median(values)

    @property
    def areas(self) -> list[str]:
        return [c.area for c in self.figures]


def _split(path: Path) -> tuple[dict[str, str], list[str]]:
    """({header key: text}, the data lines) of the file: "# key: text" lines first."""
    header, lines = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, sep, text = line.lstrip("# ").partition(":")
            if sep and key in {"title", "publisher", "compiled"}:
                header[key] = text.strip()
        elif line.strip():
            lines.append(line)
    return header, lines


def read(path: Path = DATA_FILE) -> tuple[Comparator, ...]:
    """Every figure in the file. A malformed row is an error naming its line, not a gap."""
    _, lines = _split(path)
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{path.name} must have the columns {', '.join(COLUMNS)}.")
    found = []
    for number, row in enumerate(reader, start=2):
        try:
            found.append(
                Comparator(
                    measure_id=row["measure_id"],
                    area=row["area"],
                    year_ending=date.fromisoformat(row["year_ending"]),
                    value=float(row["value"]),
                    unit=row["unit"],
                    source=row["source"],
                    note=row["note"] or "",
                )
            )
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path.name}, data row {number}: {error}") from None
        if found[-1].area not in (ENGLAND, *NEIGHBOURS):
            raise ValueError(
                f"{path.name}, data row {number}: {found[-1].area!r} is neither England nor "
                "one of the statistical neighbours."
            )
    return tuple(found)


@cache
def _all() -> tuple[Comparator, ...]:
    return read()


def measure_ids() -> set[str]:
    """The measures the file has a figure for."""
    return {c.measure_id for c in _all()}


def _order(c: Comparator) -> tuple[int, int]:
    return (0, 0) if c.area == ENGLAND else (1, NEIGHBOURS.index(c.area))


def comparators_for(
    measure_id: str, period_end: date, figures: tuple[Comparator, ...] | None = None
) -> list[Comparator]:
    """Each area's latest figure for the measure on or before the period's end: England first,
    then each neighbour found, in NEIGHBOURS' order; an empty list when there is none."""
    latest: dict[str, Comparator] = {}
    for c in _all() if figures is None else figures:
        if c.measure_id != measure_id or c.year_ending > period_end:
            continue
        if c.area not in latest or c.year_ending > latest[c.area].year_ending:
            latest[c.area] = c
    return sorted(latest.values(), key=_order)


def neighbour_summary(
    measure_id: str, period_end: date, figures: tuple[Comparator, ...] | None = None
) -> NeighbourSummary | None:
    """The neighbours' figures for the latest year on or before the period's end that any of
    them has, summed up; None for a count, or when no neighbour's figure is in the file."""
    mine = [
        c
        for c in (_all() if figures is None else figures)
        if c.measure_id == measure_id and c.is_neighbour and c.year_ending <= period_end
    ]
    if not mine or mine[0].unit not in SUMMARISED_UNITS:
        return None
    year = max(c.year_ending for c in mine)
    that_year = sorted((c for c in mine if c.year_ending == year), key=_order)
    return NeighbourSummary(measure_id, year, that_year[0].unit, tuple(that_year))


def source_note(path: Path = DATA_FILE) -> str:
    """The data file's title, publisher and the day it was compiled, in one sentence."""
    header, _ = _split(path)
    parts = [header.get("title", "Comparators")]
    if header.get("publisher"):
        parts.append(f"published by {header['publisher']}")
    if header.get("compiled"):
        day = date.fromisoformat(header["compiled"])
        parts.append(f"compiled on {day.day} {day:%B %Y}")
    return ", ".join(parts) + "."
