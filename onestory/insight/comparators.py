"""England's and statistical neighbours' figures shown beside the council's own.

They come from a small dated data file, data/comparators.csv, in which every row names the
publication it was read from; its header says who published the figures, when the file was
compiled, and which figures were looked for and not found. Nothing here is estimated: a measure
with no published figure shows none.
"""

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "comparators.csv"
COLUMNS = ("measure_id", "area", "year_ending", "value", "unit", "source", "note")


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
    return tuple(found)


@cache
def _all() -> tuple[Comparator, ...]:
    return read()


def measure_ids() -> set[str]:
    """The measures the file has a figure for."""
    return {c.measure_id for c in _all()}


def comparators_for(measure_id: str, period_end: date) -> list[Comparator]:
    """Each area's latest figure for the measure on or before the period's end (England
    first); an empty list when there is none."""
    latest: dict[str, Comparator] = {}
    for c in _all():
        if c.measure_id != measure_id or c.year_ending > period_end:
            continue
        if c.area not in latest or c.year_ending > latest[c.area].year_ending:
            latest[c.area] = c
    return sorted(latest.values(), key=lambda c: (c.area != "England", c.area))


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
