"""Family hub pages: the practitioner's start page (today's sessions and the week ahead), the
sites (with opening times and satellites) and the activities. For family hub practitioners and
team managers; anyone else is answered as if the pages did not exist. Thin views over
selectors_sites and actions.sites."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
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


def _form_page(request, *, what, template, form_class, choices, create, update, new, record, done):
    """A site's or an activity's add or change page (`record` None: adding, through `create`;
    else changing it, through `update`). GET shows the form: `new` as its start when adding,
    else the record's details; `choices` are the form's lists. A save answers `done(saved,
    added)`: the message and where to go next. A stale change keeps what was typed, carrying the
    record's latest version so a second save goes through."""
    editing = record is not None
    context = {what: record} if editing else {}

    def make(data=None, initial=None):
        may_deactivate = request.user.role in site_actions.MAY_DEACTIVATE
        return form_class(
            data, initial=initial, may_deactivate=may_deactivate, editing=editing, **choices
        )

    def save(form):
        said = {"values": form.values(), "acting_user": request.user, "now": now()}
        if not editing:
            return create(form_token=form.cleaned_data["form_token"], request=request, **said)
        return update(
            **{what: record},
            active=form.cleaned_data.get("active", record.active),
            version=form.cleaned_data["version"],
            request=request,
            **said,
        )

    if request.method != "POST":
        form = make(initial=form_class.initial_of(record) if editing else new)
        return render(request, template, context | {"form": form})
    form = make(request.POST)
    if form.is_valid():
        try:
            saved = save(form)
        except StaleEdit as error:
            record.refresh_from_db()
            form = _stale(form, record.version, make)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            message, to = done(saved, added=not editing)
            messages.success(request, message)
            return redirect(to)
    return render(request, template, context | {"form": form})


def _stale(form, version: int, make):
    """The same input, carrying the record's latest version (after a stale save)."""
    data = form.data.copy()
    data["version"] = str(version)
    fresh = make(data)
    fresh.is_valid()
    return fresh


def _site_page(request, site=None):
    return _form_page(
        request,
        what="site",
        template="familyhubs/sites/site_form.html",
        form_class=SiteForm,
        choices={"hubs": selectors_sites.hubs_for(request.user)},
        create=site_actions.site_create,
        update=site_actions.site_update,
        new={"form_token": new_form_token()},
        record=site,
        done=lambda site, added: (
            f"{site.name} {'added' if added else 'saved'}.",
            reverse("familyhubs:site", args=[site.pk]),
        ),
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def site_create(request):
    return _site_page(request)


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def site_edit(request, pk):
    return _site_page(request, selectors_sites.site_by_id(request.user, pk))


# Activities ----------------------------------------------------------------------------------


@access_rule(RULE)
def activity_list(request):
    activities = list(selectors_sites.activities_for(request.user))
    for activity in activities:
        activity.ages = rules_sites.age_range_label(
            activity.youngest_months, activity.oldest_months
        )
    return render(request, "familyhubs/sites/activity_list.html", {"activities": activities})


def _activity_page(request, activity=None):
    return _form_page(
        request,
        what="activity",
        template="familyhubs/sites/activity_form.html",
        form_class=ActivityForm,
        choices={"agencies": selectors_sites.partner_agencies()},
        create=site_actions.activity_create,
        update=site_actions.activity_update,
        new={"form_token": new_form_token(), "audience": "universal"},
        record=activity,
        done=lambda activity, added: (
            f"{activity.name} added. Arrange its sessions from the timetable."
            if added
            else f"{activity.name} saved.",
            reverse("familyhubs:activities"),
        ),
    )


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def activity_create(request):
    return _activity_page(request)


@require_http_methods(["GET", "POST"])
@access_rule(RULE)
def activity_edit(request, pk):
    return _activity_page(request, selectors_sites.activity_by_id(request.user, pk))
