"""What the performance pages read: the measures for a period shown as people read them, their
trends, comparators and breakdowns, each table also as rows to download, and the children behind
a figure, limited to those the worker may open.

Measures are aggregates, which analysts and team managers may see. The children behind a figure
are case data: they are listed only from `access.selectors.visible_to`, and every child listed is
recorded in the audit trail (by the view, for the page it shows).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.db.models import QuerySet

from onestory.access.selectors import visible_to

from . import charts, comparators, disproportionality, measures, strategy, trends, wards, workforce
from .measures.base import Part, Result, Unit
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


def comparators_of(measure_id: str, end: date) -> list[ComparatorShown]:
    """England's and the statistical neighbours' figures for the measure, for the latest year
    on or before the period's end (as comparators.comparators_for chooses)."""
    return [
        ComparatorShown(
            area=c.area,
            year_ending=c.year_ending,
            value=c.value,
            unit=c.unit,
            shown=shown(c.value, c.unit, "not published"),
            source=c.source,
        )
        for c in comparators.comparators_for(measure_id, end)
    ]


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
        whose records begin part way through it is in the table, not on the line."""
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
    found = top.comparators
    compared = comparators_table(measure_id, result.name, found) if found else None
    return MeasurePage(top, parts, figure, parts_table, compared)


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
        ["Area", "Year ending", "Value", "Unit", "Source"],
        [
            [c.area, c.year_ending, as_number(c.value, c.unit), value_heading(c.unit), c.source]
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


# --- Needs by ward --------------------------------------------------------------------------------


def measures_listing_children() -> list[tuple[str, str]]:
    """(id, name) of every measure that counts children: those a ward or ethnic group can
    break down."""
    return [(m.id, m.name) for m in measures.MEASURES if m.children is not None]


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


@dataclass
class WardPage:
    found: object  # wards.WardTable
    table: Table
    chart: str = ""

    @property
    def has_rates(self) -> bool:
        return any(r.rate is not None for r in self.found.rows)

    def draw(self) -> "WardPage":
        """Rates per 10,000 children by ward; children by ward when no population is loaded."""
        rows = self.found.rows
        if self.has_rates:
            bars = [(r.name, _rounded(r.rate)) for r in rows]
            title, x_title = f"{self.found.name}: per 10,000 children, by ward", "Per 10,000"
        else:
            bars = [(r.name, r.children) for r in rows]
            title, x_title = f"{self.found.name}: children, by ward", "Children"
        self.chart = bar_chart(
            bars,
            title=title,
            x_title=x_title,
            highlight=frozenset(r.name for r in rows if r.is_target),
            highlight_label="Target ward",
        )
        return self


def ward_page(measure_id: str, period: Period) -> WardPage:
    """The measure's children by the ward they live in, with each ward's rate per 10,000."""
    found = wards.ward_table(measure_id, period)
    header = ["Ward code", "Ward", "Target ward", "Children", "Child population", "Per 10,000"]
    rows = [
        [r.code, r.name, _yes(r.is_target), r.children, r.population, _rounded(r.rate, 2)]
        for r in [*found.rows, found.total]
    ]
    if found.unknown:
        rows.append(["", "No ward recorded", "", found.unknown, None, None])
    return WardPage(found, Table(f"wards-{measure_id}", f"{found.name} by ward", header, rows))


@dataclass(frozen=True)
class FactorRow:
    """One ward's children with any factor and in each focus area (`areas`, in the table's
    order)."""

    ward: object  # wards.WardRow
    areas: list[int]


@dataclass(frozen=True)
class FactorPage:
    found: object  # wards.FactorTable
    table: Table
    # [(label)] of the focus areas, in the order of FactorRow.areas
    area_labels: list[str]
    rows: list[FactorRow]
    total: FactorRow | None
    unknown: FactorRow | None
    # [(label, children, children in target wards)], most often identified first
    factors: list[tuple[str, int, int]]

    # The page lists this many factors; the download has them all.
    SHOWN = 10

    @property
    def top_factors(self) -> list:
        return self.factors[: self.SHOWN]


def factor_page(period: Period) -> FactorPage:
    """The needs framework's factors identified at assessment, by ward: each ward's children
    in each focus area, the factors most often identified, and every factor to download."""
    found = wards.factors_by_ward(period)
    areas = [(code, label) for code, label, _ in found.areas]
    codes = [code for code, _ in found.factors]
    header = [
        "Ward code",
        "Ward",
        "Target ward",
        "Children with any factor",
        *[label for _, label in areas],
        *[label for _, label in found.factors],
    ]
    everyone = [found.total] if found.total else []
    rows = [
        [
            ward.code,
            ward.name,
            _yes(ward.is_target) if ward.code else "",
            ward.children,
            *[counts.get(c, 0) for c, _ in areas],
            *[counts.get(c, 0) for c in codes],
        ]
        for ward, counts in [*found.rows, *everyone]
    ]
    if found.unknown:
        rows.append(
            [
                "",
                "No ward recorded",
                "",
                None,
                *[found.unknown.get(c, 0) for c, _ in areas],
                *[found.unknown.get(c, 0) for c in codes],
            ]
        )
    in_target = {
        c: sum(counts.get(c, 0) for ward, counts in found.rows if ward.is_target) for c in codes
    }
    totals = found.total[1] if found.total else {}
    factors = sorted(
        ((label, totals.get(code, 0), in_target[code]) for code, label in found.factors),
        key=lambda f: -f[1],
    )

    def row(ward, counts) -> FactorRow:
        return FactorRow(ward, [counts.get(c, 0) for c, _ in areas])

    return FactorPage(
        found=found,
        table=Table("factors-by-ward", "Factors identified at assessment by ward", header, rows),
        area_labels=[label for _, label in areas],
        rows=[row(w, counts) for w, counts in found.rows],
        total=row(*found.total) if found.total else None,
        unknown=FactorRow(None, [found.unknown.get(c, 0) for c, _ in areas])
        if found.unknown
        else None,
        factors=[f for f in factors if f[1]],
    )


# --- Disproportionality ---------------------------------------------------------------------------


@dataclass
class GroupPage:
    found: object  # disproportionality.GroupTable
    table: Table
    chart: str = ""

    @property
    def shown_rows(self) -> list:
        """[(row, its share shown, its share of the population shown)]"""
        return [
            (r, shown(r.share, Unit.SHARE), shown(r.population_share, Unit.SHARE))
            for r in self.found.rows
        ]

    @property
    def has_ratios(self) -> bool:
        return any(r.ratio is not None for r in self.found.rows)

    def draw(self) -> "GroupPage":
        """Each group's ratio; each group's share when no population estimate is loaded."""
        if self.has_ratios:
            bars = [(r.label, _rounded(r.ratio, 2)) for r in self.found.rows]
            title = f"{self.found.name}: share against share of all children"
            x_title = "Ratio (1 = the same share as of all children)"
        else:
            bars = [(r.label, chart_value(r.share, Unit.SHARE)) for r in self.found.rows]
            title, x_title = f"{self.found.name}: share by ethnic group", "Per cent"
        self.chart = bar_chart(bars, title=title, x_title=x_title)
        return self


def group_pages(measure_ids: Iterable[str], period: Period) -> list[GroupPage]:
    """Each measure's children by ethnic group: their share of the measure against their share
    of the child population."""
    made = []
    for measure_id in measure_ids:
        if measure_id not in measures.BY_ID:
            continue
        found = disproportionality.group_table(measure_id, period)
        header = [
            "Group code",
            "Ethnic group",
            "Children",
            "Share of the measure (%)",
            "Child population",
            "Share of the population (%)",
            "Ratio",
        ]
        rows = [
            [
                r.code,
                r.label,
                r.children,
                as_number(r.share, Unit.SHARE),
                r.population,
                as_number(r.population_share, Unit.SHARE),
                _rounded(r.ratio, 2),
            ]
            for r in [*found.rows, found.total]
        ]
        if found.unknown:
            rows.append(["", "Ethnicity not recorded", found.unknown, None, None, None, None])
        made.append(
            GroupPage(
                found, Table(f"groups-{measure_id}", f"{found.name} by ethnic group", header, rows)
            )
        )
    return made


def default_group_measures() -> tuple[str, ...]:
    return disproportionality.DEFAULT_MEASURES


# --- Workforce ------------------------------------------------------------------------------------

WORKFORCE_IDS = (
    "caseload_per_social_worker",
    "social_worker_changes_3_plus",
    "agency_social_workers",
)


@dataclass
class WorkforcePage:
    headlines: list[Group]
    teams: list  # workforce.TeamCaseload
    measures_table: Table | None
    team_table: Table
    worker_table: Table
    chart: str = ""

    @property
    def tables(self) -> list[Table]:
        return [t for t in (self.measures_table, self.team_table, self.worker_table) if t]

    def draw(self) -> "WorkforcePage":
        if self.teams:
            self.chart = bar_chart(
                [(t.team, _rounded(t.average)) for t in self.teams],
                title="Average children per worker, by team",
                x_title="Children per worker",
            )
        return self


def workforce_page(period: Period) -> WorkforcePage:
    """The workforce measures for the period, and caseloads by team and worker on its last day."""
    ids = [i for i in WORKFORCE_IDS if i in measures.BY_ID]
    groups = headlines(period, ids) if ids else []
    teams = workforce.caseloads(period.end)
    team_table = Table(
        "caseloads-by-team",
        "Caseloads by team",
        ["Team", "Workers", "Agency workers", "Children", "Average children per worker"],
        [
            [t.team, len(t.workers), t.agency_workers, t.children, _rounded(t.average, 2)]
            for t in teams
        ],
    )
    worker_table = Table(
        "caseloads-by-worker",
        "Caseloads by worker",
        ["Team", "Worker", "Agency staff", "Children"],
        [[t.team, w.name, _yes(w.is_agency_staff), w.children] for t in teams for w in t.workers],
    )
    measures_table = headlines_table(groups, period) if groups else None
    return WorkforcePage(groups, teams, measures_table, team_table, worker_table)


# --- The strategy's measures ----------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyRow:
    measure: object  # strategy.StrategyMeasure
    headlines: list[Headline]


def strategy_rows(period: Period) -> tuple[list[StrategyRow], Table]:
    """The strategy's section-12 measures, each with the hub's figures that answer it (or, for
    those the record cannot measure, shed light on it) and, where the record falls short, why."""
    wanted = [i for m in strategy.SECTION_12 for i in m.measure_ids if i in measures.BY_ID]
    results = {r.id: r for r in measures.compute(period, list(dict.fromkeys(wanted)))}
    rows = [
        StrategyRow(m, [headline(results[i], period.end) for i in m.measure_ids if i in results])
        for m in strategy.SECTION_12
    ]
    table = Table(
        "strategy-measures",
        "The strategy's measures",
        [
            "Strategy measure",
            "Measured from the record",
            "Measure id",
            "Measure",
            "Value",
            "Unit",
            "What the record cannot show",
        ],
        [
            [
                r.measure.text,
                _yes(r.measure.measurable),
                h.result.id if h else "",
                h.result.name if h else "",
                as_number(h.result.value, h.result.unit) if h else None,
                value_heading(h.result.unit) if h else "",
                r.measure.why_not,
            ]
            for r in rows
            for h in (r.headlines or [None])
        ],
    )
    return rows, table
