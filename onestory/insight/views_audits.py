"""Case audit pages: the audits to do and every sample drawn, drawing a sample, grading a case,
and the results rolled up by team (with a chart and the numbers as CSV or XLSX).

Team managers draw samples and audit other teams' cases; performance analysts and team managers
read the results. The child's name appears only for someone who may open the child's record.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from onestory.access import audit
from onestory.access import exports as export_purpose
from onestory.access.decorators import access_rule
from onestory.access.models import AuditEvent
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import actions_audits as actions
from . import charts, exports
from . import selectors_audits as selectors
from .forms import period_form
from .forms_audits import GradeForm, SampleForm
from .rules import GRADES, THEMES
from .rules_audits import GRANT_DAYS_AFTER_DUE, KINDS

MANAGERS = "roles:" + Role.TEAM_MANAGER.value
READERS = "roles:" + ",".join(r.value for r in (Role.ANALYST, Role.TEAM_MANAGER))
DEFAULT_DAYS_TO_DUE = 28
ROLLUP_TABLE = "case-audits-by-team"


@access_rule(READERS)
def case_audits(request):
    """The audits this manager has to do, and the latest samples drawn, by batch. Analysts,
    who read results and open no case, are sent to the results by team."""
    if request.user.role != Role.TEAM_MANAGER:
        return redirect("insight:case-audit-results")
    at = now()
    return render(
        request,
        "insight/audits/list.html",
        {
            "to_do": selectors.to_do(request.user, now=at, request=request),
            "batches": selectors.batches(request.user, now=at, request=request),
        },
    )


def _choices(at):
    teams = selectors.teams_with_open_cases(now=at)
    team_choices = [
        (
            str(t.team.pk),
            f"{t.team.name} ({t.total} open: "
            + ", ".join(f"{n} {KINDS[k].lower()}" for k, n in t.by_kind.items())
            + ")",
        )
        for t in teams
    ]
    auditor_choices = [
        (
            str(w.pk),
            f"{w.get_full_name() or w.username}"
            + (
                f", manager of {', '.join(t.name for t in w.managed_teams.all())}"
                if w.managed_teams.all()
                else (f", {w.team.name}" if w.team else "")
            ),
        )
        for w in selectors.auditors()
    ]
    templates = [(str(t.pk), t.name) for t in selectors.active_templates()]
    return {"teams": team_choices, "auditors": auditor_choices, "templates": templates}


@access_rule(MANAGERS)
def sample(request):
    """Draw a sample of open cases and give each to an auditor from another team."""
    at = now()
    today = today_in_london(at)
    choices = _choices(at)
    if request.method == "POST":
        form = SampleForm(request.POST, **choices)
    else:
        form = SampleForm(
            initial={
                "form_token": new_form_token(),
                "due_on": today + timedelta(days=DEFAULT_DAYS_TO_DUE),
                "template": choices["templates"][0][0] if choices["templates"] else "",
            },
            **choices,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drawn = actions.case_audit_sample(
                method=data["method"],
                size=data["size"],
                kind=data["kind"],
                team_ids=data["teams"],
                auditor_ids=[int(a) for a in data["auditors"]],
                due_on=data["due_on"],
                template_id=data["template"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            n = len(drawn.audits)
            messages.success(
                request,
                f"{n} case{'s' if n != 1 else ''} drawn for audit"
                + (" (this sample had already been drawn)" if drawn.repeat else "")
                + ". Each auditor has been told, and can open their children's records until "
                f"{GRANT_DAYS_AFTER_DUE} days after the audits are due.",
            )
            return redirect(reverse("insight:case-audits") + f"#batch-{drawn.batch}")
    return render(
        request,
        "insight/audits/sample.html",
        {"form": form, "no_templates": not choices["templates"]},
    )


@access_rule(MANAGERS)
def case_audit(request, audit_id):
    """One audit: its auditor grades it (save to finish later, or complete); any other team
    manager reads its grades. The child's name, a link to their record and the written
    findings are shown only to someone who may open the record."""
    at = now()
    seen = selectors.audit_for(request.user, audit_id, now=at, request=request)
    item = seen.row.audit
    form = None
    if seen.may_grade:
        if request.method == "POST":
            form = GradeForm(request.POST, questions=seen.questions)
        else:
            form = GradeForm(
                initial={
                    **{f"grade_{k}": g for k, g in item.grades.items()},
                    "overall_grade": item.overall_grade,
                    "themes": item.themes,
                    "strengths": item.strengths,
                    "improvements": item.improvements,
                    "version": item.version,
                },
                questions=seen.questions,
            )
        if request.method == "POST" and form.is_valid():
            complete = "complete" in request.POST
            data = form.cleaned_data
            action = actions.case_audit_complete if complete else actions.case_audit_save
            try:
                action(
                    audit_id=item.pk,
                    version=data["version"],
                    grades=form.grades(),
                    overall_grade=data["overall_grade"],
                    themes=data["themes"],
                    strengths=data["strengths"],
                    improvements=data["improvements"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                if complete:
                    messages.success(request, "Audit completed. Thank you.")
                    return redirect("insight:case-audits")
                messages.success(request, "Audit saved. You can finish it later.")
                return redirect("insight:case-audit", audit_id=item.pk)
    elif request.method == "POST":
        raise Http404("No page found")
    return render(
        request,
        "insight/audits/audit.html",
        {
            "seen": seen,
            "item": item,
            "form": form,
            "grade_label": GRADES.get(item.overall_grade, ""),
            "theme_labels": [THEMES.get(t, t) for t in item.themes],
        },
    )


def _rollup_table(rows, total):
    header = [
        "Team",
        "Audits completed",
        *GRADES.values(),
        "Share good or better",
        "Most common themes",
        "Overdue on the last day",
    ]
    body = [
        [
            r.team,
            r.completed,
            *r.grades.values(),
            round(r.good_or_better, 4) if r.good_or_better is not None else None,
            "; ".join(r.top_themes),
            r.overdue,
        ]
        for r in [*rows, total]
    ]
    return header, body


@access_rule(READERS)
def rollup(request):
    """Case audit results by team for a period: grades, share good or better, themes, overdue;
    a chart of the share good or better, and the table as CSV or XLSX."""
    at = now()
    form, period = period_form(request.GET, today=today_in_london(at))
    rows, total, chart = [], None, ""
    if period is not None:
        rows = selectors.rollup(period)
        total = selectors.rollup_total(period)
        request_format = request.GET.get("format")
        if request_format:
            if request.GET.get("table") != ROLLUP_TABLE or request_format not in exports.FORMATS:
                raise Http404("No page found")
            purpose = export_purpose.purpose_of(request)
            if purpose is None:
                return export_purpose.ask_purpose(request, what="the case audit results")
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.EXPORT,
                at=at,
                detail={
                    "page": "case audit results",
                    "table": ROLLUP_TABLE,
                    "format": request_format,
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "purpose": purpose,
                },
                request=request,
            )
            header, body = _rollup_table(rows, total)
            return exports.download(
                request_format,
                f"{ROLLUP_TABLE}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}",
                header,
                body,
            )
        graded = [(r.team, r.good_or_better * 100) for r in rows if r.good_or_better is not None]
        if graded:
            chart = mark_safe(  # noqa: S308 - charts.bars draws the SVG itself, labels escaped
                charts.bars(
                    graded,
                    title="Audits graded good or better, by team (%)",
                    x_title="Share of completed audits graded good or outstanding (%)",
                )
            )
    query = urlencode({"start": period.start, "end": period.end}) if period else ""
    return render(
        request,
        "insight/audits/rollup.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "total": total,
            "chart": chart,
            "grades": list(GRADES.values()),
            "query": query,
            "table": {"key": ROLLUP_TABLE, "title": "case audits by team"},
        },
    )
