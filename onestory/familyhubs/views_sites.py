"""Family hub pages: the practitioner's start page (today's sessions and the week ahead), the
sites (with opening times and satellites) and the activities. For family hub practitioners and
team managers; anyone else is answered as if the pages did not exist. Thin views over
selectors_sites and actions.sites."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import rules_sites, selectors_sites
from .actions import sites as site_actions
from .forms_sites import ActivityForm, SiteForm

RULE = "roles:familyhub,manager"


def chosen(queryset, value):
    """The record a filter's ?x=<uuid> names, among those the worker may see (None otherwise)."""
    try:
        pk = uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
    return queryset.filter(pk=pk).first()


@access_rule(RULE)
def home(request):
    """Today's sessions and the week ahead at every site (or one), with places left and a link to
    each session's register."""
    at = now()
    site = chosen(selectors_sites.sites_for(request.user), request.GET.get("site"))
    context = selectors_sites.start_page(request.user, now=at, site=site)
    context |= {"sites": selectors_sites.sites_for(request.user), "site": site}
    return render(request, "familyhubs/sites/home.html", context)


# Sites ---------------------------------------------------------------------------------------


@access_rule(RULE)
def site_list(request):
    sites = list(selectors_sites.sites_for(request.user))
    hubs = [s for s in sites if s.kind == s.Kind.HUB]
    others = [s for s in sites if s.kind != s.Kind.HUB]
    for hub in hubs:
        hub.satellites_listed = [s for s in others if s.hub_id == hub.pk]
    unattached = [s for s in others if s.hub_id is None]
    return render(
        request, "familyhubs/sites/site_list.html", {"hubs": hubs, "unattached": unattached}
    )


@access_rule(RULE)
def site_detail(request, pk):
    site = selectors_sites.site_by_id(request.user, pk)
    return render(
        request,
        "familyhubs/sites/site.html",
        {
            "site": site,
            "week": rules_sites.opening_week(site.opening_times),
            "satellites": site.satellites.order_by("name"),
        },
    )


def _site_form(request, *, data=None, initial=None, editing=False):
    return SiteForm(
        data,
        initial=initial,
        hubs=selectors_sites.hubs_for(request.user),
        may_deactivate=request.user.role in site_actions.MAY_DEACTIVATE,
        editing=editing,
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def site_create(request):
    if request.method != "POST":
        form = _site_form(request, initial={"form_token": new_form_token()})
        return render(request, "familyhubs/sites/site_form.html", {"form": form})
    form = _site_form(request, data=request.POST)
    if form.is_valid():
        try:
            site = site_actions.site_create(
                values=form.values(),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{site.name} added.")
            return redirect("familyhubs:site", pk=site.pk)
    return render(request, "familyhubs/sites/site_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def site_edit(request, pk):
    site = selectors_sites.site_by_id(request.user, pk)
    context = {"site": site}
    if request.method != "POST":
        form = _site_form(request, initial=SiteForm.initial_of(site), editing=True)
        return render(request, "familyhubs/sites/site_form.html", context | {"form": form})
    form = _site_form(request, data=request.POST, editing=True)
    if form.is_valid():
        try:
            site = site_actions.site_update(
                site=site,
                values=form.values(),
                active=form.cleaned_data.get("active", site.active),
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except StaleEdit as error:
            # Keep what was typed; carry the latest version so a second save goes through.
            site = selectors_sites.site_by_id(request.user, pk)
            form = _stale(
                form, site.version, lambda data: _site_form(request, data=data, editing=True)
            )
            form.add_error(None, error.message)
            context = {"site": site, "saved_since": True}
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{site.name} saved.")
            return redirect("familyhubs:site", pk=site.pk)
    return render(request, "familyhubs/sites/site_form.html", context | {"form": form})


def _stale(form, version: int, make):
    """The same input, carrying the record's latest version (after a stale save)."""
    data = form.data.copy()
    data["version"] = str(version)
    fresh = make(data)
    fresh.is_valid()
    return fresh


# Activities ----------------------------------------------------------------------------------


@access_rule(RULE)
def activity_list(request):
    activities = list(selectors_sites.activities_for(request.user))
    for activity in activities:
        activity.ages = rules_sites.age_range_label(
            activity.youngest_months, activity.oldest_months
        )
    return render(request, "familyhubs/sites/activity_list.html", {"activities": activities})


def _activity_form(request, *, data=None, initial=None, editing=False):
    return ActivityForm(
        data,
        initial=initial,
        agencies=selectors_sites.partner_agencies(),
        may_deactivate=request.user.role in site_actions.MAY_DEACTIVATE,
        editing=editing,
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def activity_create(request):
    if request.method != "POST":
        form = _activity_form(
            request,
            initial={"form_token": new_form_token(), "audience": "universal"},
        )
        return render(request, "familyhubs/sites/activity_form.html", {"form": form})
    form = _activity_form(request, data=request.POST)
    if form.is_valid():
        try:
            activity = site_actions.activity_create(
                values=form.values(),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{activity.name} added. Arrange its sessions from the timetable."
            )
            return redirect("familyhubs:activities")
    return render(request, "familyhubs/sites/activity_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def activity_edit(request, pk):
    activity = selectors_sites.activity_by_id(request.user, pk)
    context = {"activity": activity}
    if request.method != "POST":
        form = _activity_form(request, initial=ActivityForm.initial_of(activity), editing=True)
        return render(request, "familyhubs/sites/activity_form.html", context | {"form": form})
    form = _activity_form(request, data=request.POST, editing=True)
    if form.is_valid():
        try:
            activity = site_actions.activity_update(
                activity=activity,
                values=form.values(),
                active=form.cleaned_data.get("active", activity.active),
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=now(),
                request=request,
            )
        except StaleEdit as error:
            activity = selectors_sites.activity_by_id(request.user, pk)
            form = _stale(
                form,
                activity.version,
                lambda data: _activity_form(request, data=data, editing=True),
            )
            form.add_error(None, error.message)
            context = {"activity": activity}
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{activity.name} saved.")
            return redirect("familyhubs:activities")
    return render(request, "familyhubs/sites/activity_form.html", context | {"form": form})
