"""The performance hub's dashboards, for performance analysts and team managers: the headline
measures and their trends, one measure in full, the children behind a figure (only those the
worker may open), needs by ward, disproportionality, the workforce and the strategy's measures.

Every page takes its period from the query string (?start=YYYY-MM-DD&end=YYYY-MM-DD; with no
start, the year ending on `end`; with neither, the year ending today). Every table downloads as
CSV or XLSX (?table=<key>&format=csv|xlsx), which the audit trail records as an export.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode

from onestory.access import audit
from onestory.access import exports as export_purpose
from onestory.access.decorators import access_rule
from onestory.access.models import AuditEvent
from onestory.access.selectors import audit_views
from onestory.core.clock import now, today_in_london
from onestory.workforce.rules import Role

from . import exports, measures, selectors
from . import selectors_breakdowns as breakdowns
from .forms import MeasureChoiceForm, period_form
from .rules import Period

ROLES = (Role.ANALYST, Role.TEAM_MANAGER)
RULE = "roles:" + ",".join(r.value for r in ROLES)
CHILDREN_PER_PAGE = 50
TOGETHER_ID, TOGETHER = "together", "Children in need, on a child protection plan and in care"
# (key, label, url name) of the pages linked from each performance page.
PAGES = (
    ("dashboard", "Headline measures", "insight:dashboard"),
    ("wards", "Needs by ward", "insight:wards"),
    ("disproportionality", "Ethnic groups (disproportionality)", "insight:disproportionality"),
    ("workforce", "Workforce", "insight:workforce"),
    ("strategy", "The strategy's measures", "insight:strategy"),
    ("reach", "Family hubs' reach", "insight:reach"),
    ("board-reports", "Board reports", "insight:board-reports"),
    ("case-audits", "Case audits", "insight:case-audits"),
    ("data", "About the data", "insight:data"),
)


def period_query(period: Period, **extra) -> str:
    """The query string naming the period exactly (and anything else given)."""
    return urlencode({"start": period.start.isoformat(), "end": period.end.isoformat(), **extra})


def _period(request, at):
    """(form, period): the period asked for, or None when the dates typed are wrong."""
    return period_form(request.GET, today=today_in_london(at))


def _download(request, tables: list, *, at, period: Period, page: str):
    """The table asked for (?table=&format=) as a file, recorded as an export; None when the
    page itself was asked for."""
    request_format = request.GET.get("format")
    if not request_format:
        return None
    table = selectors.tables_by_key(tables).get(request.GET.get("table", ""))
    if table is None or request_format not in exports.FORMATS:
        raise Http404("No page found")
    purpose = export_purpose.purpose_of(request)
    if purpose is None:
        return export_purpose.ask_purpose(request, what=f"the table “{table.title}”")
    audit.record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        at=at,
        detail={
            "page": page,
            "table": table.key,
            "format": request_format,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "purpose": purpose,
        },
        request=request,
    )
    return exports.download(
        request_format,
        f"{table.key}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}",
        table.header,
        table.rows,
    )


def _page(request, template: str, form, period: Period | None, **context):
    return render(
        request,
        template,
        {
            "form": form,
            "period": period,
            "query": period_query(period) if period else "",
            "may_open_records": request.user.role != Role.ANALYST,
            "pages": PAGES,
            **context,
        },
    )


def _measure_or_404(measure_id: str):
    measure = measures.BY_ID.get(measure_id)
    if measure is None:
        raise Http404("No page found")
    return measure


@access_rule(RULE)
def dashboard(request):
    """The headline measures for a period, grouped, with comparators beside them, and the trend
    of the returns' headline counts over five years."""
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/dashboard.html", form, None)
    figures = selectors.dashboard_figures(period, now=at)
    measures_table = selectors.headlines_table(figures.groups, period)
    tables = [measures_table, *(t.table for t in figures.trends)]
    download = _download(request, tables, at=at, period=period, page="performance dashboard")
    if download is not None:
        return download
    return _page(
        request,
        "insight/dashboard.html",
        form,
        period,
        groups=figures.groups,
        measures_table=measures_table,
        trends=figures.trends,
        figures=figures,
        comparator_source=selectors.comparator_source(),
    )


@access_rule(RULE)
def measure(request, id):
    """One measure for the period: definition, value, parts, five-year trend and comparators."""
    chosen = _measure_or_404(id)
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/measure.html", form, None, measure=chosen)
    if request.GET.get("format") and export_purpose.purpose_of(request) is None:
        # Asked before the measure is worked out, which takes seconds at a council's scale.
        return export_purpose.ask_purpose(request, what=f"a table of “{chosen.name}”")
    page = selectors.measure_page(chosen.id, period)
    (trend,) = selectors.trend_list([chosen.id], period.end)
    tables = [*page.tables, trend.table]
    download = _download(request, tables, at=at, period=period, page=f"measure {chosen.id}")
    if download is not None:
        return download
    return _page(
        request,
        "insight/measure.html",
        form,
        period,
        measure=chosen,
        page=selectors.draw_parts(page),
        trend=trend.draw(),
        comparator_source=selectors.comparator_source(),
    )


@access_rule(RULE)
def measure_children(request, id):
    """The children a figure counts, limited to those this worker may open, a page at a time.
    Each child listed is recorded in the audit trail; the rest are counted, never named."""
    chosen = _measure_or_404(id)
    if chosen.children is None:
        raise Http404("No page found")
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/measure_children.html", form, None, measure=chosen)
    (result,) = measures.compute(period, [chosen.id])
    part_key = request.GET.get("part") or None
    part = None
    if part_key is not None:
        part = next((p for p in result.parts if p.key == part_key), None)
        if part is None:
            raise Http404("No page found")
    behind = selectors.children_behind(chosen.id, period, part_key, user=request.user, now=at)
    page = Paginator(behind.listed, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    children = list(page.object_list)
    audit_views(
        request.user,
        children,
        now=at,
        page=f"performance: children behind {chosen.id}"
        + (f" ({part_key})" if part_key else "")
        + f", {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}",
        request=request,
        action=AuditEvent.Action.LIST,
    )
    extra = {"part": part_key} if part_key else {}
    return _page(
        request,
        "insight/measure_children.html",
        form,
        period,
        measure=chosen,
        result=result,
        part=part,
        behind=behind,
        page=page,
        children=children,
        page_query=period_query(period, **extra),
        part_hidden=extra,
    )


def _chosen_measure(request, default: str, *, first: tuple[str, str] | None = None):
    """(form, measure id): the measure asked for (?measure=), if it counts children; else the
    default. `first` is an extra choice listed first. The form shows the measure chosen."""
    choices = [*([first] if first else []), *breakdowns.measures_listing_children()]
    asked = MeasureChoiceForm(request.GET, choices=choices)
    chosen = asked.cleaned_data["measure"] if asked.is_valid() else default
    return MeasureChoiceForm(initial={"measure": chosen}, choices=choices), chosen


@access_rule(RULE)
def wards(request):
    """Needs by ward: a measure's children per 10,000 children in each ward, target wards
    highlighted, and the needs framework's factors identified at assessment by ward."""
    at = now()
    form, period = _period(request, at)
    measure_form, measure_id = _chosen_measure(request, "children_in_need")
    if period is None:
        return _page(request, "insight/wards.html", form, None, measure_form=measure_form)
    ward_page = breakdowns.ward_page(measure_id, period)
    factors = breakdowns.factor_page(period)
    download = _download(
        request, [ward_page.table, factors.table], at=at, period=period, page="needs by ward"
    )
    if download is not None:
        return download
    return _page(
        request,
        "insight/wards.html",
        form,
        period,
        measure_form=measure_form,
        measure_id=measure_id,
        # The tables depend on the measure chosen, so their downloads name it too.
        download_query=period_query(period, measure=measure_id),
        ward_page=ward_page.draw(),
        factors=factors,
    )


@access_rule(RULE)
def disproportionality(request):
    """Each ethnic group's share of children in need, on plans and in care against its share of
    the child population (or of one measure's children, ?measure=)."""
    at = now()
    form, period = _period(request, at)
    measure_form, measure_id = _chosen_measure(request, TOGETHER_ID, first=(TOGETHER_ID, TOGETHER))
    if period is None:
        return _page(
            request, "insight/disproportionality.html", form, None, measure_form=measure_form
        )
    one = measure_id != TOGETHER_ID
    ids = (measure_id,) if one else breakdowns.default_group_measures()
    groups = breakdowns.group_pages(ids, period)
    download = _download(
        request, [g.table for g in groups], at=at, period=period, page="disproportionality"
    )
    if download is not None:
        return download
    return _page(
        request,
        "insight/disproportionality.html",
        form,
        period,
        measure_form=measure_form,
        download_query=period_query(period, measure=measure_id),
        groups=[g.draw() for g in groups],
        one_measure=one,
    )


@access_rule(RULE)
def workforce(request):
    """Caseloads per team and worker on the period's last day, agency staff, and changes of
    social worker."""
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/workforce.html", form, None)
    page = breakdowns.workforce_page(period)
    download = _download(request, page.tables, at=at, period=period, page="workforce")
    if download is not None:
        return download
    return _page(request, "insight/workforce.html", form, period, page=page.draw())


@access_rule(RULE)
def strategy(request):
    """The Early Help Strategy's section-12 measures: the value of each the record can measure,
    and why the others cannot be measured from case records."""
    at = now()
    form, period = _period(request, at)
    if period is None:
        return _page(request, "insight/strategy.html", form, None)
    rows, table = breakdowns.strategy_rows(period)
    download = _download(request, [table], at=at, period=period, page="strategy measures")
    if download is not None:
        return download
    return _page(request, "insight/strategy.html", form, period, rows=rows, table=table)
