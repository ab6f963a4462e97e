"""What the breakdown pages read: a measure by ward (needs analysis), by ethnic group
(disproportionality), the workforce and the strategy's measures, each table also as rows to
download. Aggregates only: no child is named here."""

from collections.abc import Iterable
from dataclasses import dataclass

from . import disproportionality, measures, strategy, wards, workforce
from .measures.base import Unit
from .presentation import chart_value, shown, value_heading
from .rules import Period
from .selectors import (
    Group,
    Headline,
    Table,
    as_number,
    bar_chart,
    headline,
    headlines,
    headlines_table,
)

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
