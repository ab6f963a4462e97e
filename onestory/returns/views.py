"""The return readiness pages: for each statutory return, what the validators said when they
last checked it, what onestory's own checks say now, and a button to check it again.

For performance analysts and team managers. Children appear by their code in the return; a link
to the record to fix is shown only to those who may open that child's record (see selectors).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import readiness, selectors
from .forms import CheckNowForm, YearForm, year_label

ROLES = (Role.ANALYST, Role.TEAM_MANAGER)
RULE = "roles:" + ",".join(r.value for r in ROLES)
RUN, CHECKS = "run", "checks"
ISSUES_PER_PAGE = 100


def _source_or_404(source: str) -> str:
    if source not in selectors.SOURCES:
        raise Http404("No page found")
    return source


def _readiness_url(source: str, year: int) -> str:
    return reverse("returns:readiness", kwargs={"source": source}) + "?" + urlencode({"year": year})


def _chosen_year(request, source: str, today):
    """The year asked for (?year=), if it is one with data; else the current collection year."""
    years = selectors.years_with_data(source, today=today)
    current = selectors.current_year(today)
    asked = YearForm(request.GET, years=years) if "year" in request.GET else None
    year = asked.cleaned_data["year"] if asked is not None and asked.is_valid() else current
    return year, YearForm(initial={"year": year}, years=years)


@access_rule(RULE)
def index(request):
    """The statutory returns, and when each was last checked."""
    today = today_in_london(now())
    current = selectors.current_year(today)
    rows = []
    for source, label in selectors.SOURCES.items():
        run = selectors.latest_run(source, current)
        rows.append({"source": source, "label": label, "run": run})
    return render(
        request,
        "returns/index.html",
        {"rows": rows, "year": current, "year_label": year_label(current)},
    )


@access_rule(RULE)
def readiness_page(request, source):
    """One return's readiness for a collection year."""
    source = _source_or_404(source)
    at = now()
    today = today_in_london(at)
    year, year_form = _chosen_year(request, source, today)
    run = selectors.latest_run(source, year)
    run_groups = selectors.run_groups(run, user=request.user, now=at) if run else []
    check_groups = selectors.in_product_groups(source, year, user=request.user, now=at, today=today)
    selectors.audit_listed(
        request.user,
        selectors.shown_issues(run_groups + check_groups),
        now=at,
        page=f"return readiness: {source} {year}",
        request=request,
    )
    not_run = selectors.rules_not_run(run) if run else []
    totals = selectors.run_totals(run) if run else {"errors": 0, "queries": 0}
    return render(
        request,
        "returns/readiness.html",
        {
            "source": source,
            "title": selectors.SOURCES[source],
            "year": year,
            "year_label": year_label(year),
            "year_form": year_form,
            "run": run,
            "run_groups": run_groups,
            "totals": totals,
            "not_run": not_run,
            "crashed": [r for r in not_run if r["what"] == "crashed"],
            "skipped": [r for r in not_run if r["what"] != "crashed"],
            "no_errors": run is not None and not not_run and totals["errors"] == 0,
            "check_groups": check_groups,
            "check_totals": selectors.totals(check_groups),
            "check_form": CheckNowForm(initial={"year": year, "form_token": new_form_token()}),
            "may_open_records": request.user.role != Role.ANALYST,
        },
    )


@require_POST
@access_rule(RULE)
def check_now(request, source):
    """Run the sector's validators on the return now (10 to 60 seconds), once per form."""
    source = _source_or_404(source)
    at = now()
    form = CheckNowForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The check could not start: open the page again and try again.")
        return redirect("returns:readiness", source=source)
    year = form.cleaned_data["year"]
    try:
        result = readiness.check_now(
            source=source,
            year=year,
            form_token=form.cleaned_data["form_token"],
            acting_user=request.user,
            now=at,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_readiness_url(source, year))
    if result.still_running:
        messages.info(
            request,
            "This check is still running from when you first pressed the button. Refresh this "
            "page in a minute to see what it found.",
        )
    elif result.repeat:
        messages.info(request, "This check has already run: its results are below.")
    else:
        messages.success(request, _outcome_words(result.run))
    return redirect(_readiness_url(source, year))


def _outcome_words(run) -> str:
    totals = selectors.run_totals(run)
    not_run = selectors.rules_not_run(run)
    words = (
        f"Checked: {totals['errors']} error{'s' if totals['errors'] != 1 else ''} and "
        f"{totals['queries']} quer{'ies' if totals['queries'] != 1 else 'y'}."
    )
    if not_run:
        words += f" {len(not_run)} rule{'s' if len(not_run) != 1 else ''} did not run: see below."
    return words


@access_rule(RULE)
def rule_page(request, source, rule):
    """Every issue one rule found: from the validators' last check (?list=run) or onestory's
    own checks (?list=checks), a page at a time."""
    source = _source_or_404(source)
    at = now()
    today = today_in_london(at)
    year, _ = _chosen_year(request, source, today)
    listing = request.GET.get("list", RUN)
    if listing == CHECKS:
        groups = selectors.in_product_groups(source, year, user=request.user, now=at, today=today)
    else:
        run = selectors.latest_run(source, year)
        groups = selectors.run_groups(run, user=request.user, now=at) if run else []
    group = next((g for g in groups if g.rule == rule), None)
    if group is None:
        raise Http404("No page found")
    page = Paginator(group.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    selectors.audit_listed(
        request.user,
        page.object_list,
        now=at,
        page=f"return readiness: {source} {year} rule {rule}",
        request=request,
    )
    query = {"year": year, "list": listing}
    return render(
        request,
        "returns/rule.html",
        {
            "source": source,
            "title": selectors.SOURCES[source],
            "year": year,
            "year_label": year_label(year),
            "group": group,
            "page": page,
            "query": urlencode(query),
            "back_url": _readiness_url(source, year),
            "from_run": listing != CHECKS,
            "may_open_records": request.user.role != Role.ANALYST,
        },
    )
