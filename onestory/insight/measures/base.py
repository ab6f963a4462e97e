"""What a measure is, and how the hub computes them.

A `Measure` is a documented query over the live record: its id (stable snake_case, used by
analysts' scripts and by `onestory measures --json`), its name, the words that define it, the
unit its value is in and the function that computes its `Figure` for a period. A measure that
counts children also says which children (`children`), so each figure links to its list and can
be broken down by ward and ethnic group.

Measures read, never write, and are computed for a `Period` (rules.Period): flows count what
happened in the period, snapshots count what was open on its last day.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum

from django.db.models import Q, QuerySet

from ..rules import Period, rate_per_10000, share


class Unit(StrEnum):
    COUNT = "count"
    SHARE = "share"  # 0 to 1
    RATE = "rate_per_10000"  # per 10,000 children
    AVERAGE = "average"


NO_DATA = "no data"
ZERO_DENOMINATOR = "the denominator is zero"


@dataclass(frozen=True)
class Part:
    """One row of a measure's breakdown (a category of abuse, an agency...)."""

    key: str
    label: str
    numerator: int
    denominator: int | None = None
    value: float | None = None


@dataclass(frozen=True)
class Figure:
    """What a measure's query found. `value` is worked out from the unit unless given."""

    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    parts: tuple[Part, ...] = ()
    # Said beside the value: where a denominator came from, or why there is no value.
    note: str = ""


@dataclass(frozen=True)
class Result:
    id: str
    name: str
    group: str
    unit: str
    value: float | None
    numerator: int | None
    denominator: int | None
    definition: str
    note: str = ""
    parts: tuple[Part, ...] = ()
    # Whether `children` can list the children behind the figure.
    lists_children: bool = False
    # The day the measure's records are complete from (their first record, or the day the
    # council's records are complete from), when that is after the period began: the figure
    # covers only part of the period (a trend shows it, marked, but does not draw it).
    partial_from: date | None = None

    def as_dict(self) -> dict:
        found = asdict(self)
        found["partial_from"] = self.partial_from.isoformat() if self.partial_from else None
        return found


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    group: str
    unit: Unit
    definition: str
    compute: Callable[["Context"], Figure]
    # The data the measure reads (a key of Context.SOURCES): before its first record, "no data".
    source: str
    # The children behind the figure (a queryset of Person ids), optionally of one part.
    children: Callable[["Context", str | None], QuerySet] | None = None

    def result(self, context: "Context") -> Result:
        if not context.has_data(self.source):
            return self._result(Figure(note=NO_DATA), None)
        figure = self.compute(context)
        result = self._result(figure, self._value(figure))
        complete = context.complete_from(self.source)
        if complete > context.period.start:
            return replace(result, partial_from=complete)
        return result

    def _value(self, figure: Figure) -> float | None:
        if figure.value is not None or figure.numerator is None:
            return figure.value
        if self.unit in (Unit.SHARE, Unit.AVERAGE):
            return share(figure.numerator, figure.denominator or 0)
        if self.unit == Unit.RATE:
            return rate_per_10000(figure.numerator, figure.denominator or 0)
        return figure.numerator

    def _result(self, figure: Figure, value) -> Result:
        note = figure.note
        if value is None and not note and figure.numerator is not None:
            note = ZERO_DENOMINATOR
        parts = tuple(
            p
            if p.value is not None or p.denominator is None
            else Part(p.key, p.label, p.numerator, p.denominator, _part_value(self.unit, p))
            for p in figure.parts
        )
        return Result(
            id=self.id,
            name=self.name,
            group=self.group,
            unit=str(self.unit),
            value=value,
            numerator=figure.numerator,
            denominator=figure.denominator,
            definition=self.definition,
            note=note,
            parts=parts,
            lists_children=self.children is not None,
        )


def _part_value(unit: Unit, part: Part) -> float | None:
    if unit == Unit.RATE:
        return rate_per_10000(part.numerator, part.denominator or 0)
    return share(part.numerator, part.denominator or 0)


def open_on(day, *, starts: str, ends: str) -> Q:
    """Open on `day`: begun on or before it and not ended by it (an end on the day closes it,
    as the DfE's returns count what is open at the end of 31 March)."""
    return Q(**{f"{starts}__lte": day}) & (
        Q(**{f"{ends}__isnull": True}) | Q(**{f"{ends}__gt": day})
    )


@dataclass
class Context:
    """One period's computation: what the measures share (the population, the data's extent)."""

    period: Period
    _first_days: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)

    def first_day(self, source: str) -> date | None:
        """The first day the source has a record for (None: no records at all)."""
        from .sources import first_day

        if source not in self._first_days:
            self._first_days[source] = first_day(source)
        return self._first_days[source]

    def complete_from(self, source: str) -> date | None:
        """The first day the source's records are complete: its first record, or the day the
        council says its records are complete from, whichever is later."""
        from .sources import complete_from

        first = self.first_day(source)
        if "complete_from" not in self._cache:
            self._cache["complete_from"] = complete_from()
        council = self._cache["complete_from"]
        return max(first, council) if first and council else first

    def has_data(self, source: str) -> bool:
        first = self.first_day(source)
        return first is not None and first <= self.period.end

    def cached(self, key, compute: Callable):
        """A value several measures share (e.g. the child population), computed once."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
