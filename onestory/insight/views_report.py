"""The board report pages: the list of board reports, starting one for a period, writing its
commentary beside the figures it comments on, and downloading it as a PDF.

For performance analysts and team managers. A board report holds aggregates only, so these pages
open no child's record; the PDF download is recorded in the audit trail all the same.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestory.access import audit
from onestory.access import exports as export_purpose
from onestory.access.decorators import access_rule
from onestory.access.models import AuditEvent
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import actions, board_report
from .forms_report import (
    SECTION_PREFIX,
    BoardReportCreateForm,
    BoardReportEditForm,
    last_year_to_march,
)
from .models import BoardReport
from .views_dashboard import RULE


def _report_or_404(pk) -> BoardReport:
    report = BoardReport.objects.select_related("created_by").filter(pk=pk).first()
    if report is None:
        raise Http404("No page found")
    return report


@access_rule(RULE)
def report_list(request):
    """Every board report, the latest period first."""
    reports = BoardReport.objects.select_related("created_by").order_by(
        "-period_end", "-created_at"
    )
    return render(request, "insight/report/list.html", {"reports": reports})


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def report_create(request):
    """Start a board report: its title and period. Submitting twice makes one report."""
    at = now()
    if request.method == "POST":
        form = BoardReportCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = actions.board_report_create(
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    form_token=data["form_token"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    "Board report started. Write a commentary on each section, then download "
                    "the PDF.",
                )
                return redirect("insight:board-report", pk=report.pk)
    else:
        start, end = last_year_to_march(today_in_london(at))
        form = BoardReportCreateForm(
            initial={"period_start": start, "period_end": end, "form_token": new_form_token()}
        )
    return render(request, "insight/report/create.html", {"form": form})


def _edit_page(request, report, form, *, saved_since=None):
    content = board_report.content_of(report, with_charts=False)
    sections = [
        {
            "section": section,
            "field": form.section_field(section.key),
            "saved_since": (saved_since or {}).get(section.key),
        }
        for section in content.sections
    ]
    return render(
        request,
        "insight/report/edit.html",
        {"report": report, "content": content, "form": form, "sections": sections},
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def report_edit(request, pk):
    """The report's figures section by section, each with a box for its commentary."""
    report = _report_or_404(pk)
    headings = board_report.headings()
    if request.method != "POST":
        initial = {"title": report.title, "version": report.version}
        for heading in headings:
            initial[SECTION_PREFIX + heading.key] = (report.commentary or {}).get(heading.key, "")
        form = BoardReportEditForm(initial=initial, sections=headings)
        return _edit_page(request, report, form)
    form = BoardReportEditForm(request.POST, sections=headings)
    if form.is_valid():
        try:
            report = actions.board_report_update(
                report=report,
                title=form.cleaned_data["title"],
                commentary=form.commentary(),
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except StaleEdit as error:
            # Keep what was typed; show what the other person saved, and let a second save win.
            report = _report_or_404(pk)
            typed = form.commentary()
            saved_since = {
                key: text
                for key, text in (report.commentary or {}).items()
                if text != (typed.get(key) or "").strip()
            }
            form = form.with_version(report.version)
            form.add_error(None, error.message)
            return _edit_page(request, report, form, saved_since=saved_since)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Board report saved.")
            return redirect("insight:board-report", pk=report.pk)
    return _edit_page(request, report, form)


@access_rule(RULE)
def report_pdf(request, pk):
    """The report as an A4 PDF, downloaded. The download is recorded in the audit trail."""
    report = _report_or_404(pk)
    purpose = export_purpose.purpose_of(request)
    if purpose is None:
        return export_purpose.ask_purpose(request, what="the board report")
    at = now()
    document = board_report.pdf(report, now=at, base_url=request.build_absolute_uri("/"))
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            at=at,
            obj=report,
            detail={
                "page": "board report",
                "format": "pdf",
                "period": [str(report.period_start), str(report.period_end)],
                "purpose": purpose,
            },
            request=request,
        )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{board_report.filename(report)}"'
    return response
