"""How the hub writes figures, for pages, downloads, charts and the board report alike."""

from onestory.core.rules import day_words

from .measures.base import Result, Unit
from .rules import Period

UNIT_WORDS = {
    Unit.COUNT: "Number",
    Unit.SHARE: "Per cent",
    Unit.RATE: "Per 10,000 children",
    Unit.AVERAGE: "Average",
}


def shown(value: float | None, unit: str, note: str = "") -> str:
    """A value in words: shares as per cent, rates to one decimal place, counts with commas; no
    value shows its note ("no data", "the denominator is zero"), never 0."""
    if value is None:
        return note or "no value"
    if unit == Unit.SHARE:
        return f"{value:.1%}"
    if unit == Unit.RATE:
        return f"{value:,.1f}"
    if unit == Unit.COUNT or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def result_shown(result: Result) -> str:
    """A measure's value in words, saying when its records are complete only from a day part way
    through the period (their first record, or the day the council's records are complete from)."""
    words = shown(result.value, result.unit, result.note)
    if result.partial_from and result.value is not None:
        return f"{words} (records complete only from {day_words(result.partial_from)})"
    return words


def chart_value(value: float | None, unit: str) -> float | None:
    """What a chart plots: shares as per cent, like the table beside it."""
    return None if value is None else (value * 100 if unit == Unit.SHARE else value)


def trend_point(result: Result) -> float | None:
    """A year on a trend line: none for a year whose records are complete only from part way
    through it (its figure counts only part of the year, so the line would dip for no reason)."""
    return None if result.partial_from else chart_value(result.value, result.unit)


def value_heading(unit: str) -> str:
    return UNIT_WORDS.get(unit, "Value")


def year_label(period: Period) -> str:
    return f"Year ending {day_words(period.end)}"


def short_label(period: Period) -> str:
    return f"{period.end:%-d %b %Y}"
