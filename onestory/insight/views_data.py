"""The "About the data" page: where each source's records begin, the day the council's records
are complete from (set by an analyst), and the child population estimates behind the rates.
Aggregates only: it opens no child's record."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.core.errors import DomainError, StaleEdit
from onestory.workforce.rules import Role

from . import actions_data, selectors_data
from .forms_data import RecordsCoverageForm
from .views_dashboard import PAGES, RULE


def _page(request, about, form):
    return render(
        request,
        "insight/data.html",
        {
            "about": about,
            "form": form,
            "may_set": request.user.role == Role.ANALYST,
            "pages": PAGES,
        },
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def about_data(request):
    about = selectors_data.about()
    coverage = about.coverage
    if request.method != "POST":
        initial = {"version": coverage.version if coverage else 0}
        if coverage:
            initial |= {"complete_from": coverage.complete_from, "note": coverage.note}
        return _page(request, about, RecordsCoverageForm(initial=initial))
    form = RecordsCoverageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions_data.records_coverage_set(
                complete_from=data["complete_from"],
                note=data["note"],
                version=data["version"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except StaleEdit as error:
            # Keep what was typed; the next save replaces what the other person saved.
            form = RecordsCoverageForm(
                {**request.POST.dict(), "version": coverage.version if coverage else 0}
            )
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Saved. Every figure now counts from the day you gave.")
            return redirect("insight:data")
    return _page(request, about, form)
