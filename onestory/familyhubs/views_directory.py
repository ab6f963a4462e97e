"""The service directory's pages: search, one service, entering and editing a service, marking
it checked, and (for team managers) loading an Open Referral UK feed.

Every case role reads the directory; family hub and early help practitioners and team managers
keep it. A directory entry describes a service, not a family, so these pages open no child's
record.
"""

import os

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import openreferral, rules
from . import selectors_directory as selectors
from .actions import directory as actions
from .forms_directory import DirectorySearchForm, FeedUploadForm, ServiceForm
from .models import Service

READ = "roles:" + ",".join(sorted(selectors.READERS))
EDIT = "roles:" + ",".join(sorted(actions.EDITORS))
IMPORT = "roles:" + ",".join(sorted(actions.IMPORTERS))
PER_PAGE = 50


def _service_or_404(user, pk) -> Service:
    service = selectors.service_or_none(user, pk)
    if service is None:
        raise Http404("No page found")
    return service


@require_http_methods(["GET"])
@access_rule(READ)
def directory(request):
    """Search the directory: words, category, a child's age, ward, near a postcode."""
    today = today_in_london(now())
    form = DirectorySearchForm(request.GET or None, categories=selectors.categories(request.user))
    searched = bool(request.GET) and form.is_valid()
    criteria = form.cleaned_data if searched else {}
    found = selectors.search(
        request.user,
        today=today,
        query=criteria.get("q", ""),
        category=criteria.get("category", ""),
        age=criteria.get("age"),
        ward=criteria.get("ward", ""),
        near=criteria.get("near", ""),
    )
    if request.GET and not searched:
        found = selectors.Search(results=[])
    page = Paginator(found.results, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "familyhubs/directory/search.html",
        {
            "form": form,
            "searched": searched,
            "found": found,
            "page": page,
            "query": query.urlencode(),
            "may_edit": actions.may_edit(request.user),
            "may_import": actions.may_import(request.user),
            "unowned": selectors.stale_without_owner(request.user, today=today),
        },
    )


@require_http_methods(["GET"])
@access_rule(READ)
def service(request, pk):
    """One service: what it offers, who runs it, how to contact it, where, cost, who it is for,
    when it was last checked and by whom, and its owner."""
    item = _service_or_404(request.user, pk)
    today = today_in_london(now())
    return render(
        request,
        "familyhubs/directory/service.html",
        {
            "service": item,
            "stale": rules.is_stale(item.last_checked_on, today),
            "last_check": selectors.last_check(item),
            "may_edit": actions.may_edit(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@access_rule(EDIT)
def service_create(request):
    """Enter a service. Submitting twice makes one entry."""
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            try:
                made = actions.service_create(
                    details=form.details(),
                    form_token=form.cleaned_data["form_token"] or "",
                    acting_user=request.user,
                    now=now(),
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"{made.name} is in the directory, checked today.")
                return redirect("familyhubs:service", pk=made.pk)
    else:
        form = ServiceForm(
            initial={"accepts_referrals": True, "active": True, "form_token": new_form_token()}
        )
    return render(request, "familyhubs/directory/form.html", {"form": form, "service": None})


@require_http_methods(["GET", "POST"])
@access_rule(EDIT)
def service_edit(request, pk):
    """Change a service's details. Saving marks it checked today. If someone else saved it
    after the form was opened, nothing is saved and the form keeps what was typed."""
    item = _service_or_404(request.user, pk)
    if request.method == "POST":
        form = ServiceForm(request.POST)
        if form.is_valid():
            if form.cleaned_data.get("version") is None:
                form.add_error(None, StaleEdit("service").message)
            else:
                try:
                    saved = actions.service_update(
                        service=item,
                        details=form.details(),
                        version=form.cleaned_data["version"],
                        acting_user=request.user,
                        now=now(),
                        request=request,
                    )
                except StaleEdit as error:
                    item = _service_or_404(request.user, pk)
                    data = request.POST.copy()
                    data["version"] = item.version  # a second save, having looked, wins
                    form = ServiceForm(data)
                    form.is_valid()
                    form.add_error(None, error.message)
                except DomainError as error:
                    form.add_domain_error(error)
                else:
                    messages.success(request, f"{saved.name} is saved and marked checked today.")
                    return redirect("familyhubs:service", pk=saved.pk)
    else:
        form = ServiceForm(initial=ServiceForm.initial_of(item))
    return render(request, "familyhubs/directory/form.html", {"form": form, "service": item})


@require_POST
@access_rule(EDIT)
def service_checked(request, pk):
    """ "Checked today": the entry is still right."""
    item = _service_or_404(request.user, pk)
    try:
        actions.service_checked(service=item, acting_user=request.user, now=now(), request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{item.name} is marked as checked today.")
    return redirect("familyhubs:service", pk=item.pk)


@require_http_methods(["GET", "POST"])
@access_rule(IMPORT)
def directory_import(request):
    """Upload an Open Referral UK feed saved as a .json file: every good service is loaded, and
    each rejected one is listed with why."""
    report = None
    if request.method == "POST":
        form = FeedUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["feed"]
            at = now()
            name = os.path.basename(upload.name or "feed.json")
            try:
                read = openreferral.read_text(upload.read(), today=today_in_london(at))
            except openreferral.FeedUnreadable as error:
                form.add_error("feed", error.message)
            else:
                try:
                    report = actions.directory_import(
                        read=read,
                        source=f"the file {name}",
                        acting_user=request.user,
                        now=at,
                        dry_run=form.cleaned_data["dry_run"],
                        request=request,
                    )
                except DomainError as error:
                    form.add_domain_error(error)
    else:
        form = FeedUploadForm()
    return render(
        request,
        "familyhubs/directory/import.html",
        {"form": form, "report": report},
    )
