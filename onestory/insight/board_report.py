"""The board report: the headline measures for a chosen period, read by the Early Help Strategy
Group and the Children's Trust, as pages to write commentary on and as a PDF.

A report has one section per group of headline measures (children in need, referrals, child
protection...), then the strategy's section-12 measures and the case audits by team, with a
summary first. Each section shows the period's figures with the England and
statistical-neighbour comparators beside them, a five-year trend (a line chart with its numbers)
and each breakdown as a bar chart with its numbers, then the analyst's commentary.

Everything here is an aggregate: the report never names a child.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from onestory.core.clock import today_in_london
from onestory.core.rules import day_words
from onestory.people.rules import years_before

from . import charts, comparators, measures, selectors, selectors_audits, strategy, trends
from .measures import familyhubs
from .measures.base import NO_DATA, Result, Unit
from .presentation import chart_value, shown, trend_point, value_heading
from .rules import Period

# A board paper's commentary is a paragraph or two a section, not an essay.
COMMENTARY_MAX = 2_000
TREND_YEARS = 5
# A breakdown with more parts than this shows its largest parts (factors at assessment has ~40).
MOST_PARTS = 12

SUMMARY = "summary"
STRATEGY = "strategy"
AUDITS = "audits"
SUMMARY_TITLE = "Summary"
STRATEGY_TITLE = "The strategy's measures (section 12)"
AUDITS_TITLE = "Case audits by team"


@dataclass(frozen=True)
class Heading:
    key: str
    title: str


def group_key(group: str) -> str:
    return slugify(group).replace("-", "_")


def _groups() -> list[str]:
    seen: list[str] = []
    for measure in measures.MEASURES:
        if measure.group not in seen:
            seen.append(measure.group)
    return seen


def headings() -> list[Heading]:
    """The report's sections, in order: the summary, each group of measures, the strategy's
    measures and the case audits by team."""
    return [
        Heading(SUMMARY, SUMMARY_TITLE),
        *(Heading(group_key(g), g) for g in _groups()),
        Heading(STRATEGY, STRATEGY_TITLE),
        Heading(AUDITS, AUDITS_TITLE),
    ]


def section_keys() -> list[str]:
    return [h.key for h in headings()]


# --- How figures are written -------------------------------------------------------------


def value_text(result: Result) -> str:
    """The result's value, or in words why there is none ("no data", a zero denominator)."""
    if result.value is None:
        note = result.note or NO_DATA
        return note if note == NO_DATA else note[:1].upper() + note[1:]
    return shown(result.value, result.unit)


def short_text(result: Result) -> str:
    """The value for a table cell: the reason for a missing value is said once, in the
    period's figures, so a trend's cell says only "no data" or "–"."""
    if result.value is None:
        return "no data" if result.note == NO_DATA else "–"
    return shown(result.value, result.unit)


def counted_text(result: Result) -> str:
    """What the value was worked out from: "1,647 of 58,600" for a share or rate, "1,426 ÷ 72"
    for an average, nothing for a count (the value is the count)."""
    if result.value is None or result.numerator is None:
        return ""
    if result.denominator is None or result.unit == Unit.COUNT:
        return f"{result.numerator:,}" if result.unit != Unit.COUNT else ""
    if result.unit == Unit.AVERAGE:
        # A total shared out (children over social workers), not a part of a whole.
        return f"{result.numerator:,} ÷ {result.denominator:,}"
    return f"{result.numerator:,} of {result.denominator:,}"


def _part_unit(result: Result) -> str:
    """The unit a breakdown's parts are in: a count's parts that have a denominator are shares
    of it (e.g. each category's share of the plans)."""
    if any(p.value is None for p in result.parts):
        return Unit.COUNT
    return Unit.SHARE if result.unit == Unit.COUNT else result.unit


def _part_written(part, unit: str) -> str:
    if unit == Unit.COUNT:
        return f"{part.numerator:,}"
    return f"{shown(part.value, unit)} ({part.numerator:,})"


# --- What a section holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Cells from this column on are numbers (right-aligned).
    numbers_from: int = 1


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    table: Table


@dataclass(frozen=True)
class FigureRow:
    id: str
    name: str
    value: str
    counted: str
    comparators: str
    note: str
    has_value: bool
    # The same measure for the year before (a year's report with its trends only).
    year_before: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    commentary: str = ""
    figures: tuple[FigureRow, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    # Said when the section has nothing to show.
    note: str = ""

    @property
    def paragraphs(self) -> list[str]:
        """The commentary split into paragraphs at blank lines."""
        return [p.strip() for p in re.split(r"\n\s*\n", self.commentary) if p.strip()]


@dataclass(frozen=True)
class Content:
    title: str
    council: str
    period: Period
    sections: tuple[Section, ...]
    definitions: tuple[tuple[str, str], ...]
    comparators_source: str = ""
    trend_caption: str = ""
    # The heading of the figures' "year before" column, when they have one.
    year_before_label: str = ""


def _comparator_text(measure_id: str, period_end: date) -> str:
    """England's figure and the statistical neighbours' summary (never each neighbour: the
    measure's page lists them), each with the month it is for."""
    written = [
        f"{c.area}: {c.shown} ({c.year_ending:%b %Y})"
        for c in selectors.comparators_of(measure_id, period_end)
    ]
    return "; ".join(written)


def _figure_rows(
    results: list[Result], period: Period, year_before: dict[str, Result] | None = None
) -> tuple[FigureRow, ...]:
    return tuple(
        FigureRow(
            id=r.id,
            name=r.name,
            value=value_text(r),
            counted=counted_text(r),
            comparators=_comparator_text(r.id, period.end),
            # A note that is not already the value (e.g. where a population came from).
            note=r.note if r.value is not None else "",
            has_value=r.value is not None,
            year_before=short_text(year_before[r.id]) if year_before else "",
        )
        for r in results
    )


def _year_label(period: Period) -> str:
    return f"{period.end:%b %Y}"


def chart_title(text: str, limit: int = 72) -> str:
    """A chart's title short enough to leave the chart its width (the table beside it has the
    measure's whole name)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _trend_charts(group: str, found: dict, ids: list[str]) -> tuple[list[Chart], list[Table]]:
    """The group's first measure with a value in any year as a line over the years, with its
    numbers; every measure of the group over the years as one table when it has more than one
    (or when none has a value, so there is nothing to draw)."""
    drawn = [i for i in ids if any(r.value is not None for _, r in found[i])]
    labels = tuple(_year_label(p) for p, _ in found[ids[0]])
    found_charts = []
    if drawn:
        lead = found[drawn[0]]
        first = lead[-1][1]
        svg = charts.line(
            [(_year_label(p), trend_point(r)) for p, r in lead],
            title=chart_title(f"{first.name}, years to {lead[-1][0].end:%-d %B}"),
            y_title=value_heading(first.unit),
        )
        numbers = Table(
            caption=f"{first.name}: the numbers in the chart",
            header=("Year to", *labels),
            rows=(("Value", *(short_text(r) for _, r in lead)),),
        )
        found_charts.append(Chart(svg=mark_safe(svg), table=numbers))  # noqa: S308 (our own SVG)
    tables = []
    if len(ids) > 1 or not drawn:
        rows = tuple((found[i][-1][1].name, *(short_text(r) for _, r in found[i])) for i in ids)
        tables.append(
            Table(
                caption=f"{group}: the {len(labels)} years to {found[ids[0]][-1][0].end:%-d %B}",
                header=("Measure", *labels),
                rows=rows,
            )
        )
    return found_charts, tables


def _parts_chart(result: Result, by: str = "by part") -> Chart | None:
    """A breakdown as bars (its largest parts when it has many), with its numbers."""
    if not result.parts or result.value is None or not any(p.numerator for p in result.parts):
        return None
    parts = list(result.parts)
    title = f"{result.name}, {by}"
    if len(parts) > MOST_PARTS:
        parts = sorted(parts, key=lambda p: p.numerator, reverse=True)[:MOST_PARTS]
        largest = f"the {MOST_PARTS} largest parts of {len(result.parts)}"
        title = (
            f"{result.name}: {largest}" if by == "by part" else f"{result.name}, {by}: {largest}"
        )
    unit = _part_unit(result)
    svg = charts.bars(
        [
            (p.label, p.numerator if unit == Unit.COUNT else chart_value(p.value, unit))
            for p in parts
        ],
        title=chart_title(title),
        x_title=value_heading(unit),
    )
    table = Table(
        caption=f"{title}: the numbers in the chart",
        header=("Part", "Value" if unit == Unit.COUNT else "Value (count)"),
        rows=tuple((p.label, _part_written(p, unit)) for p in parts),
    )
    return Chart(svg=mark_safe(svg), table=table)  # noqa: S308 (our own SVG)


def _breakdown_charts(result: Result) -> list[Chart]:
    """The result's breakdown as a chart; a family hubs' reach figure's two breakdowns (by site
    and by ward, told apart by their parts' keys) as a chart each."""
    kinds = familyhubs.BREAKDOWNS if result.group == familyhubs.GROUP else {}
    split = {kind: [] for kind in kinds}
    for part in result.parts:
        kind, _ = familyhubs.split_key(part.key)
        if kind in split:
            label = part.label.split(": ", 1)[-1]
            split[kind].append(replace(part, label=label))
    if not any(split.values()):
        return [c for c in (_parts_chart(result),) if c]
    drawn = (
        _parts_chart(replace(result, parts=tuple(parts)), kinds[kind])
        for kind, parts in split.items()
        if parts
    )
    return [c for c in drawn if c]


def _strategy_section(results: dict[str, Result], commentary: str) -> Section:
    """Each of the strategy's section-12 measures with what the record shows for the period,
    or why case records cannot show it."""

    def values(ids) -> str:
        return "; ".join(
            f"{results[i].name}: {value_text(results[i])}" for i in ids if i in results
        )

    rows = []
    for item in strategy.SECTION_12:
        shown = values(item.measure_ids)
        if item.measurable:
            words = f"{shown}." if shown else "Measured on the dashboard."
            if item.why_not:
                words += f" Not shown by the record: {item.why_not}"
        else:
            words = f"Not measured from case records: {item.why_not}"
            if shown:
                words += f" Related figures: {shown}."
        rows.append((item.text, words))
    table = Table(
        caption="The strategy's measures and what the record shows for the period",
        header=("The strategy's measure", "What the record shows"),
        rows=tuple(rows),
        numbers_from=2,
    )
    return Section(STRATEGY, STRATEGY_TITLE, commentary=commentary, tables=(table,))


def _audits_section(period: Period, commentary: str) -> Section:
    """Case audits completed in the period by team, with the share good or better."""
    rollups = selectors_audits.rollup(period)
    if not rollups:
        return Section(
            AUDITS,
            AUDITS_TITLE,
            commentary=commentary,
            note="No case audit was completed in the period, and none was overdue at its end.",
        )
    rollups = [*rollups, selectors_audits.rollup_total(period)]

    def good(r) -> str:
        return "–" if r.good_or_better is None else shown(r.good_or_better, Unit.SHARE)

    table = Table(
        caption="Case audits completed in the period, by the team holding the case when it "
        "was chosen",
        header=("Team", "Completed", "Good or better", "Themes found most", "Overdue"),
        rows=tuple(
            (
                r.team,
                f"{r.completed:,}",
                good(r),
                ", ".join(str(t) for t in r.top_themes[:3]) or "–",
                f"{r.overdue:,}",
            )
            for r in rollups
        ),
    )
    graded = [r for r in rollups[:-1] if r.good_or_better is not None]
    found_charts = ()
    if graded:
        svg = charts.bars(
            [(r.team, chart_value(r.good_or_better, Unit.SHARE)) for r in graded],
            title="Audited cases good or better, by team",
            x_title="Per cent",
        )
        numbers = Table(
            caption="Good or better by team: the numbers in the chart",
            header=("Team", "Good or better", "Completed"),
            rows=tuple((r.team, good(r), f"{r.completed:,}") for r in graded),
        )
        found_charts = (Chart(svg=mark_safe(svg), table=numbers),)  # noqa: S308 (our own SVG)
    return Section(
        AUDITS, AUDITS_TITLE, commentary=commentary, charts=found_charts, tables=(table,)
    )


def build(*, title: str, period: Period, commentary: dict, with_charts: bool = True) -> Content:
    """The report's sections for the period. `with_charts=False` leaves out the five-year trends
    and the charts (the commentary page shows the period's figures only, and opens quicker)."""
    commentary = commentary or {}
    found: dict = {}
    if with_charts:
        found = trends.trends([m.id for m in measures.MEASURES], period.end, years=TREND_YEARS)
    year_before: dict[str, Result] = {}
    if found and Period.year_ending(period.end) == period:
        # A year's report: the trend's last year is the period itself, computed already, and
        # the year before it is the one to compare with.
        results = [years[-1][1] for years in found.values()]
        year_before = {i: years[-2][1] for i, years in found.items() if len(years) > 1}
    else:
        results = measures.compute(period)
    by_id = {r.id: r for r in results}
    groups = _groups()
    # At a glance: each group's first measure.
    leads = [next(r for r in results if r.group == g) for g in groups]
    sections = [
        Section(
            SUMMARY,
            SUMMARY_TITLE,
            commentary=commentary.get(SUMMARY, ""),
            figures=_figure_rows(leads, period, year_before),
        )
    ]
    for group in groups:
        in_group = [r for r in results if r.group == group]
        key = group_key(group)
        section_charts: list[Chart] = []
        tables: list[Table] = []
        if with_charts:
            ids = [r.id for r in in_group]
            section_charts, tables = _trend_charts(group, found, ids)
            for result in in_group:
                section_charts.extend(_breakdown_charts(result))
        sections.append(
            Section(
                key,
                group,
                commentary=commentary.get(key, ""),
                figures=_figure_rows(in_group, period, year_before),
                charts=tuple(section_charts),
                tables=tuple(tables),
            )
        )
    sections.append(_strategy_section(by_id, commentary.get(STRATEGY, "")))
    sections.append(_audits_section(period, commentary.get(AUDITS, "")))
    return Content(
        title=title,
        council=settings.ONESTORY_COUNCIL_NAME,
        period=period,
        sections=tuple(sections),
        definitions=tuple((r.name, r.definition) for r in results),
        comparators_source=comparators.source_note(),
        trend_caption=f"Each trend is the {TREND_YEARS} years to {period.end:%-d %B}, "
        f"{period.end.year - TREND_YEARS + 1} to {period.end.year}.",
        year_before_label=(f"Year to {years_before(period.end, 1):%b %Y}" if year_before else ""),
    )


def content_of(report, *, with_charts: bool = True) -> Content:
    return build(
        title=report.title,
        period=Period(report.period_start, report.period_end),
        commentary=report.commentary,
        with_charts=with_charts,
    )


def filename(report) -> str:
    """The PDF's file name: the words "board report" and the period, never a person's name."""
    return f"board-report-{report.period_start:%Y-%m-%d}-to-{report.period_end:%Y-%m-%d}.pdf"


def html(report, *, now: datetime) -> str:
    return render_to_string(
        "insight/report/pdf.html",
        {
            "content": content_of(report, with_charts=True),
            "printed_on": day_words(today_in_london(now)),
        },
    )


def pdf(report, *, now: datetime, base_url: str = "") -> bytes:
    """The report as an A4 PDF (WeasyPrint), tagged so a screen reader can read its headings and
    tables in order."""
    import weasyprint  # Pango is loaded only when a PDF is made.

    document = weasyprint.HTML(string=html(report, now=now), base_url=base_url or None)
    return document.write_pdf(pdf_tags=True)
