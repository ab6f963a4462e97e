"""Subject access requests: the data protection officer's pages. Thin: selectors read (and
audit), actions write; anyone else gets the 404 of a page that does not exist."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestory.access import audit
from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import actions, rules, selectors
from .forms import ExtendForm, FindPersonForm, LogRequestForm, VersionForm

DPO_ONLY = [Role.DATA_PROTECTION_OFFICER]


@access_rule("signed_in", roles=DPO_ONLY)
def request_list(request):
    """Open requests, overdue first, with their due dates and the days left."""
    at = now()
    return render(request, "sar/request_list.html", {
        "open": selectors.open_requests(request.user, now=at, request=request),
    })  # fmt: skip


@access_rule("signed_in", roles=DPO_ONLY)
def request_new(request):
    """Find the person (the search is posted: no names in addresses), then log the request."""
    at = now()
    people, find, form = [], FindPersonForm(), None
    if request.method == "POST":
        find = FindPersonForm(request.POST)
        if find.is_valid():
            people = selectors.search_people(
                request.user, name=find.cleaned_data["name"],
                date_of_birth=find.cleaned_data["date_of_birth"], now=at, request=request,
            )  # fmt: skip
        if "log" in request.POST:
            form = LogRequestForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    row = actions.request_log(
                        form_token=data["form_token"], person_id=data["person_id"],
                        requester=data["requester"], requester_name=data["requester_name"],
                        received_on=data["received_on"],
                        identity_verified=data["identity_verified"] == "yes",
                        identity_evidence=data["identity_evidence"],
                        acting_user=request.user, now=at, request=request,
                    )  # fmt: skip
                except DomainError as error:
                    form.add_domain_error(error)
                else:
                    messages.success(request, f"The request is logged. It is due on "
                                              f"{row.due_on:%-d %B %Y}.")  # fmt: skip
                    return redirect("sar:detail", sar_id=row.pk)
    if form is None:
        # A new search keeps what was already typed about the request.
        kept = {name: request.POST[name] for name in LogRequestForm.base_fields
                if request.POST.get(name)}  # fmt: skip
        form = LogRequestForm(
            initial={
                "received_on": today_in_london(at),
                **kept,
                "form_token": kept.get("form_token") or new_form_token(),
            }
        )
    chosen = form["person_id"].value()
    return render(request, "sar/request_new.html", {
        "find": find, "form": form, "people": people, "chosen": str(chosen or ""),
        "searched": request.method == "POST",
    })  # fmt: skip


def _detail_context(row, *, extend=None):
    return {
        "sar": row,
        "days_left": rules.days_left(row.due_on, today_in_london(now())),
        "withholdings": list(row.withholdings.all()),
        "extend": extend or ExtendForm(initial={"version": row.version}),
        "may_extend": row.status == "open" and row.extension_months < rules.MAX_EXTENSION_MONTHS,
    }


@access_rule("signed_in", roles=DPO_ONLY)
def request_detail(request, sar_id):
    row = selectors.access_request_by_id(request.user, sar_id, now=now(), request=request,
                                         page="subject access request")  # fmt: skip
    return render(request, "sar/request_detail.html", _detail_context(row))


@access_rule("signed_in", roles=DPO_ONLY)
@require_POST
def request_extend(request, sar_id):
    at = now()
    row = selectors.access_request_by_id(request.user, sar_id, now=at, request=request,
                                         page="subject access request: extend")  # fmt: skip
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            row = actions.request_extend(
                request_id=row.pk, version=form.cleaned_data["version"],
                months=form.cleaned_data["months"], reason=form.cleaned_data["reason"],
                acting_user=request.user, now=at, request=request,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The request is extended. It is now due on "
                                      f"{row.due_on:%-d %B %Y}.")  # fmt: skip
            return redirect("sar:detail", sar_id=row.pk)
    return render(request, "sar/request_detail.html", {**_detail_context(row, extend=form),
                                                        "form": form})  # fmt: skip


@access_rule("signed_in", roles=DPO_ONLY)
@require_POST
def bundle_build(request, sar_id):
    at = now()
    row = selectors.access_request_by_id(request.user, sar_id, now=at, request=request,
                                         page="subject access bundle: build")  # fmt: skip
    try:
        actions.request_build_bundle(request_id=row.pk, acting_user=request.user, now=at,
                                     request=request)  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sar:detail", sar_id=row.pk)
    messages.success(request, "The bundle is built. Review it, and what was withheld, before "
                              "releasing it.")  # fmt: skip
    return redirect("sar:bundle", sar_id=row.pk)


@access_rule("signed_in", roles=DPO_ONLY)
def bundle_review(request, sar_id):
    row = selectors.access_request_by_id(request.user, sar_id, now=now(), request=request,
                                         page="subject access bundle")  # fmt: skip
    if row.built_at is None:
        return redirect("sar:detail", sar_id=row.pk)
    return render(request, "sar/bundle_review.html", {
        **_detail_context(row), "release": VersionForm(initial={"version": row.version}),
    })  # fmt: skip


def _download(request, sar_id, *, kind: str):
    at = now()
    row = selectors.access_request_by_id(request.user, sar_id, now=at, request=request,
                                         page=f"subject access bundle: {kind}")  # fmt: skip
    if row.built_at is None:
        return redirect("sar:detail", sar_id=row.pk)
    html = actions.bundle_document(row)
    audit.record(
        actor=request.user,
        action="download",
        at=at,
        person_id=row.person_id,
        obj=row,
        detail={"page": "subject access bundle", "format": kind},
        request=request,
    )
    name = f"subject-access-{row.received_on:%Y%m%d}-{str(row.pk)[:8]}"
    if kind == "pdf":
        from onestory.documents.rendering import letter_pdf

        response = HttpResponse(letter_pdf(html), content_type="application/pdf")
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@access_rule("signed_in", roles=DPO_ONLY)
def bundle_download_html(request, sar_id):
    return _download(request, sar_id, kind="html")


@access_rule("signed_in", roles=DPO_ONLY)
def bundle_download_pdf(request, sar_id):
    return _download(request, sar_id, kind="pdf")


@access_rule("signed_in", roles=DPO_ONLY)
@require_POST
def request_release(request, sar_id):
    at = now()
    row = selectors.access_request_by_id(request.user, sar_id, now=at, request=request,
                                         page="subject access bundle: release")  # fmt: skip
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Reload the page and try again.")
        actions.request_release(request_id=row.pk, version=form.cleaned_data["version"],
                                acting_user=request.user, now=at, request=request)  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("sar:bundle", sar_id=row.pk)
    messages.success(request, "The bundle is marked released.")
    return redirect("sar:detail", sar_id=row.pk)
