"""What the performance pages read: the measures for a period shown as people read them, their
trends, comparators and breakdowns, each table also as rows to download, and the children behind
a figure, limited to those the worker may open.

Measures are aggregates, which analysts and team managers may see. The children behind a figure
are case data: they are listed only from `access.selectors.visible_to`, and every child listed is
recorded in the audit trail (by the view, for the page it shows).
"""

import re
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import QuerySet

from onestory.access.selectors import visible_to

from . import charts, comparators, measures, trends
from .measures.base import Part, Result, Unit
from .measures.sources import complete_from
from .presentation import (
    chart_value,
    result_shown,
    short_label,
    shown,
    trend_point,
    value_heading,
    year_label,
)
from .rules import Period

# The trends a manager looks at first (the returns' headline counts), in this order.
TREND_IDS = ("children_in_need", "referrals", "cp_plans", "children_in_care")
TREND_YEARS = 5


# --- Numbers as people read them ------------------------------------------------------------------


def count_shown(number: int | None) -> str:
    return "" if number is None else f"{number:,}"


def as_number(value: float | None, unit: str) -> float | None:
    """A value for a spreadsheet: shares as per cent (36.8), so a column reads like the page."""
    if value is None:
        return None
    if unit == Unit.SHARE:
        return round(value * 100, 2)
    if unit == Unit.RATE:
        return round(value, 2)
    return value


# --- Tables to download ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table as it is downloaded: plain values, with a name to choose it by (?table=key)."""

    key: str
    title: str
    header: list[str]
    rows: list[list]


def tables_by_key(tables: Iterable[Table]) -> dict[str, Table]:
    return {t.key: t for t in tables}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- Charts ---------------------------------------------------------------------------------------


def responsive(svg: str) -> str:
    """The chart as a page shows it: its fixed width and height are dropped from the outer <svg>
    (the viewBox keeps its shape), so it scales to the column it sits in and never spills off a
    phone's screen."""
    head, sep, rest = svg.partition(">")
    return re.sub(r'\s(width|height)="[^"]*"', "", head) + sep + rest


@lru_cache(maxsize=256)
def _line(points: tuple, title: str, y_title: str) -> str:
    return responsive(charts.line(list(points), title=title, y_title=y_title))


@lru_cache(maxsize=256)
def _bars(rows: tuple, title: str, x_title: str, highlight: frozenset, highlight_label: str) -> str:
    return responsive(
        charts.bars(
            list(rows),
            title=title,
            x_title=x_title,
            highlight=highlight,
            highlight_label=highlight_label,
        )
    )


def line_chart(points: list[tuple[str, float | None]], *, title: str, y_title: str) -> str:
    """charts.line, drawn once for the same numbers (drawing takes a tenth of a second)."""
    return _line(tuple(points), title, y_title)


def bar_chart(
    rows: list[tuple[str, float | None]],
    *,
    title: str,
    x_title: str,
    highlight: frozenset = frozenset(),
    highlight_label: str = "",
) -> str:
    return _bars(tuple(rows), title, x_title, frozenset(highlight), highlight_label)


# --- Comparators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparatorShown:
    area: str
    year_ending: date
    value: float | None
    unit: str
    shown: str
    source: str
    note: str = ""
    # "england", "neighbours" (the statistical neighbours' summary) or "neighbour" (one of them).
    kind: str = "england"


SUMMARY_SOURCE = (
    "Worked out by onestory from the neighbours' figures for that year listed with it, each with "
    "its own source"
)


def neighbours_shown(summary: comparators.NeighbourSummary) -> ComparatorShown:
    """The statistical neighbours' summary as read beside a figure: the average only when all ten
    are found, else the median of those found (or the one neighbour's figure), saying how many."""
    value = shown(summary.value, summary.unit)
    if summary.complete:
        words = f"average of all {summary.of}, {value}"
    elif summary.found == 1:
        words = f"1 of {summary.of} found ({summary.areas[0]}), {value}"
    else:
        words = f"{summary.found} of {summary.of} found, median {value}"
    return ComparatorShown(
        area="Statistical neighbours",
        year_ending=summary.year_ending,
        value=summary.value,
        unit=summary.unit,
        shown=words,
        source=SUMMARY_SOURCE,
        note=(
            f"{summary.areas[0]}'s figure only: the other {summary.of - 1} were not found."
            if summary.found == 1
            else f"{summary.method.capitalize()} of: {', '.join(summary.areas)}."
        ),
        kind="neighbours",
    )


def comparators_of(
    measure_id: str, end: date, *, each_neighbour: bool = False
) -> list[ComparatorShown]:
    """England's figure and the statistical neighbours' summary for the measure, each for the
    latest year on or before the period's end (as comparators.comparators_for and
    neighbour_summary choose); with each_neighbour, each neighbour's own figure after them."""
    found = comparators.comparators_for(measure_id, end)
    rows = [
        ComparatorShown(
            area=c.area,
            year_ending=c.year_ending,
            value=c.value,
            unit=c.unit,
            shown=shown(c.value, c.unit, "not published"),
            source=c.source,
            note=c.note,
            kind="neighbour" if c.is_neighbour else "england",
        )
        for c in found
    ]
    summary = comparators.neighbour_summary(measure_id, end)
    headline_rows = [r for r in rows if r.kind == "england"]
    if summary is not None:
        headline_rows.append(neighbours_shown(summary))
    if each_neighbour:
        return headline_rows + [r for r in rows if r.kind == "neighbour"]
    return headline_rows


# --- The dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    result: Result
    shown: str
    comparators: list[ComparatorShown]

    @property
    def has_value(self) -> bool:
        return self.result.value is not None

    @property
    def unit_words(self) -> str:
        return value_heading(self.result.unit)

    @property
    def numerator(self) -> str:
        return count_shown(self.result.numerator)

    @property
    def denominator(self) -> str:
        return count_shown(self.result.denominator)

    @property
    def links_children(self) -> bool:
        # A figure with no value ("no data") or of nobody has nobody behind it to list.
        return self.result.lists_children and bool(self.result.value or self.result.numerator)

    @property
    def shows_numerator(self) -> bool:
        # A count is its own numerator, unless it is out of something.
        r = self.result
        return r.numerator is not None and (r.unit != Unit.COUNT or r.denominator is not None)


@dataclass(frozen=True)
class Group:
    name: str
    headlines: list[Headline]


def headline(result: Result, end: date) -> Headline:
    return Headline(
        result=result,
        shown=shown(result.value, result.unit, result.note),
        comparators=comparators_of(result.id, end),
    )


def headlines(period: Period, ids: Iterable[str] | None = None) -> list[Group]:
    """Every measure (or those named) for the period, grouped as the hub orders them."""
    groups: dict[str, list[Headline]] = {}
    for result in measures.compute(period, list(ids) if ids is not None else None):
        groups.setdefault(result.group, []).append(headline(result, period.end))
    return [Group(name, rows) for name, rows in groups.items()]


def headlines_table(groups: list[Group], period: Period) -> Table:
    header = [
        "Group",
        "Measure id",
        "Measure",
        "Value",
        "Unit",
        "Numerator",
        "Denominator",
        "Note",
        "Period start",
        "Period end",
    ]
    rows = [
        [
            g.name,
            h.result.id,
            h.result.name,
            as_number(h.result.value, h.result.unit),
            value_heading(h.result.unit),
            h.result.numerator,
            h.result.denominator,
            h.result.note,
            period.start,
            period.end,
        ]
        for g in groups
        for h in g.headlines
    ]
    return Table("measures", "Headline measures", header, rows)


# --- Trends ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    period: Period
    result: Result
    shown: str

    @property
    def label(self) -> str:
        return year_label(self.period)


@dataclass
class Trend:
    id: str
    name: str
    unit: str
    rows: list[TrendRow]
    table: Table
    chart: str = field(default="", repr=False)

    def draw(self) -> "Trend":
        """The line chart; none when no year has a value (an empty chart says nothing). A year
        whose records are complete only from part way through it is in the table, not on the
        line."""
        points = [(short_label(r.period), trend_point(r.result)) for r in self.rows]
        if all(value is None for _, value in points):
            return self
        self.chart = line_chart(
            points, title=f"{self.name}, {len(self.rows)} years", y_title=value_heading(self.unit)
        )
        return self


def trend_list(ids: Iterable[str], end: date, *, years: int = TREND_YEARS) -> list[Trend]:
    """Each measure over the `years` years ending on `end`'s day of the year (measures not in
    the hub are left out). Charts are drawn by Trend.draw, only for pages that show them."""
    known = [i for i in ids if i in measures.BY_ID]
    found = trends.trends(known, end, years=years) if known else {}
    made = []
    for measure_id in known:
        measure = measures.BY_ID[measure_id]
        rows = [
            TrendRow(period, result, result_shown(result)) for period, result in found[measure_id]
        ]
        made.append(
            Trend(
                id=measure_id,
                name=measure.name,
                unit=str(measure.unit),
                rows=rows,
                table=Table(
                    f"trend-{measure_id}",
                    f"{measure.name}: {years} years",
                    [
                        "Year start",
                        "Year end",
                        value_heading(str(measure.unit)),
                        "Numerator",
                        "Denominator",
                        "Note",
                    ],
                    [
                        [
                            r.period.start,
                            r.period.end,
                            as_number(r.result.value, r.result.unit),
                            r.result.numerator,
                            r.result.denominator,
                            r.result.note,
                        ]
                        for r in rows
                    ],
                ),
            )
        )
    return made


# --- The dashboard's figures, computed once for many readers -----------------------------------

# How long the dashboard's figures are kept once computed (seconds). They are aggregates over the
# whole council, the same for every worker who may open the hub (the access rule is checked
# before, and the children behind a figure are never kept), so one computation serves them all;
# the page says when they were computed. 0 computes them on every request.
FIGURES_SECONDS = 300
# Working them out takes seconds at a council's scale (4 s alone at scale 1, mostly Python), so
# it is done once at a time: past their time, the figures kept (the page gives their time) are
# shown while a process of its own, at a lower priority, works them out again (`onestory
# dashboard_figures`; in a page's process those seconds of Python would hold up every page the
# process serves: under load the proof saw person pages wait 1 to 3 s behind them). When none
# are kept yet, or the cache is one process's own memory (the tests), one reader works them out
# and the others wait for theirs. Figures past their time are kept a day for this; work that
# died is waited for at most COMPUTING_SECONDS.
COMPUTING_SECONDS = 120
# How far below the pages' priority that process runs (pages go first on a busy server).
BACKGROUND_NICENESS = 10
STALE_KEPT_SECONDS = 24 * 60 * 60
WAIT_STEP_SECONDS = 0.25


@dataclass
class DashboardFigures:
    groups: list[Group]
    trends: list[Trend]
    computed_at: datetime
    kept_minutes: int = 0  # how long they are kept (whole minutes, at least 1 when kept)


def dashboard_figures(period: Period, *, now: datetime) -> DashboardFigures:
    """The headline measures and the trends (charts drawn) for the period, from the cache when
    they were computed less than FIGURES_SECONDS ago for the same period and the same day the
    council's records are complete from; past that, one reader works them out again while the
    others are shown the last ones."""
    seconds = _figures_seconds()
    if not seconds:
        return _work_out_figures(period, now=now, seconds=0)
    key = _figures_key(period)
    computing = f"{key}:computing"

    def fresh(figures) -> bool:
        return figures is not None and (now - figures.computed_at).total_seconds() < seconds

    kept = cache.get(key)
    if fresh(kept):
        return kept
    if kept is not None and not isinstance(caches["default"], LocMemCache):
        if cache.add(computing, True, COMPUTING_SECONDS) and not _work_out_elsewhere(period):
            return keep_dashboard_figures(period, now=now)
        return kept  # the last ones, while they are worked out again
    waited = 0.0
    while not cache.add(computing, True, COMPUTING_SECONDS):
        if kept is not None:
            return kept  # another reader is working them out: the last ones meanwhile
        if waited >= COMPUTING_SECONDS:
            break
        time.sleep(WAIT_STEP_SECONDS)
        waited += WAIT_STEP_SECONDS
        kept = cache.get(key)
    kept = cache.get(key)
    if fresh(kept):  # worked out by another reader since this one looked
        cache.delete(computing)
        return kept
    return keep_dashboard_figures(period, now=now)


def _figures_seconds() -> int:
    return getattr(settings, "ONESTORY_FIGURES_CACHE_SECONDS", FIGURES_SECONDS)


def _figures_key(period: Period) -> str:
    return f"insight:dashboard:{period.start}:{period.end}:{complete_from()}"


def keep_dashboard_figures(period: Period, *, now: datetime) -> DashboardFigures:
    """Work out the dashboard's figures for the period and keep them for every reader (and say
    that nobody is working them out any more)."""
    seconds = _figures_seconds()
    key = _figures_key(period)
    try:
        figures = _work_out_figures(period, now=now, seconds=seconds)
        cache.set(key, figures, STALE_KEPT_SECONDS)
    finally:
        cache.delete(f"{key}:computing")
    return figures


def _work_out_elsewhere(period: Period) -> bool:
    """Start `onestory dashboard_figures` for the period in a process of its own, and return at
    once (False when it could not be started). Its errors go to the server's error output."""
    try:
        subprocess.Popen(  # noqa: S603 (our own command, with dates)
            [
                sys.executable,
                "-c",
                "from onestory.cli import main; main()",
                "dashboard_figures",
                "--from",
                period.start.isoformat(),
                "--to",
                period.end.isoformat(),
                "--nice",
                str(BACKGROUND_NICENESS),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True


def _work_out_figures(period: Period, *, now: datetime, seconds: int) -> DashboardFigures:
    return DashboardFigures(
        groups=headlines(period),
        trends=[t.draw() for t in trend_list(TREND_IDS, period.end)],
        computed_at=now,
        kept_minutes=max(1, round(seconds / 60)) if seconds else 0,
    )


# --- One measure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartShown:
    part: Part
    shown: str


@dataclass
class MeasurePage:
    headline: Headline
    parts: list[PartShown]
    figure_table: Table
    parts_table: Table | None
    comparators_table: Table | None
    parts_chart: str = ""
    # England's figure, the neighbours' summary and each neighbour's figure with its source.
    comparators: list[ComparatorShown] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [t for t in (self.figure_table, self.parts_table, self.comparators_table) if t]


def part_value(part: Part, unit: str) -> float | None:
    """A part's own value when it has one (a share of its denominator), else its count."""
    return part.value if part.value is not None else part.numerator


def part_unit(part: Part, unit: str) -> str:
    """The unit of a part's value: its count; or, out of its own denominator, a share (of a
    count or a share), a rate, or the measure's own unit (days, an average)."""
    if part.value is None:
        return Unit.COUNT
    if unit in (Unit.COUNT, Unit.SHARE):
        return Unit.SHARE
    return unit


def measure_page(measure_id: str, period: Period) -> MeasurePage:
    """One measure for the period: its figure, its parts and comparators, each as a table."""
    (result,) = measures.compute(period, [measure_id])
    top = headline(result, period.end)
    parts = [
        PartShown(p, shown(part_value(p, result.unit), part_unit(p, result.unit)))
        for p in result.parts
    ]
    figure = Table(
        f"{measure_id}-figure",
        result.name,
        [
            "Measure id",
            "Measure",
            value_heading(result.unit),
            "Numerator",
            "Denominator",
            "Note",
            "Period start",
            "Period end",
        ],
        [
            [
                result.id,
                result.name,
                as_number(result.value, result.unit),
                result.numerator,
                result.denominator,
                result.note,
                period.start,
                period.end,
            ]
        ],
    )
    parts_table = None
    if parts:
        parts_table = Table(
            f"{measure_id}-parts",
            f"{result.name}: parts",
            ["Part", "Label", "Number", "Denominator", "Value"],
            [
                [
                    p.part.key,
                    p.part.label,
                    p.part.numerator,
                    p.part.denominator,
                    as_number(p.part.value, part_unit(p.part, result.unit)),
                ]
                for p in parts
            ],
        )
    found = comparators_of(measure_id, period.end, each_neighbour=True)
    compared = comparators_table(measure_id, result.name, found) if found else None
    return MeasurePage(top, parts, figure, parts_table, compared, comparators=found)


def draw_parts(page: MeasurePage) -> MeasurePage:
    result = page.headline.result
    if page.parts:
        unit = part_unit(page.parts[0].part, result.unit)
        page.parts_chart = bar_chart(
            [
                (p.part.label, chart_value(part_value(p.part, result.unit), unit))
                for p in page.parts
            ],
            title=f"{result.name} by part",
            x_title=value_heading(unit),
        )
    return page


def comparators_table(measure_id: str, name: str, found: list[ComparatorShown]) -> Table:
    return Table(
        f"{measure_id}-comparators",
        f"{name}: comparators",
        ["Area", "Year ending", "Value", "Unit", "Summary", "Source", "Note"],
        [
            [
                c.area,
                c.year_ending,
                as_number(c.value, c.unit),
                value_heading(c.unit),
                c.shown if c.kind == "neighbours" else "",
                c.source,
                c.note,
            ]
            for c in found
        ],
    )


# --- The children behind a figure -----------------------------------------------------------------


@dataclass(frozen=True)
class ChildrenBehind:
    """The children a figure counts (`total`), those this worker may open (`listed`, ordered by
    name) and how many are left out because the worker may not open their records."""

    total: int
    listed: QuerySet
    hidden: int


def children_behind(
    measure_id: str, period: Period, part: str | None, *, user, now: datetime
) -> ChildrenBehind:
    measure = measures.BY_ID[measure_id]
    ids = measure.children(measures.Context(period), part)
    total = ids.count()
    listed = (
        visible_to(user, now=now).filter(pk__in=ids).order_by("family_name", "given_name", "pk")
    )
    shown_count = listed.count() if total else 0
    return ChildrenBehind(total=total, listed=listed, hidden=total - shown_count)


def comparator_source() -> str:
    """Where the comparators come from (the data file's title, publisher and date)."""
    return comparators.source_note()
