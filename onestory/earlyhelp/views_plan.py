"""Pages for the Team Around the Family, the action plan, reviews and the council's review
cadence. Thin views over selectors and actions.

Every page opens the episode through access_episode_by_id (404 for anyone who may not see it);
pages that change something also need the worker to be one who may work on the episode.
"""

from datetime import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.core.clock import LONDON, now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

from . import forms_plan as forms
from . import selectors, selectors_plan
from .actions import plan as actions
from .models import Episode


def _access(request, episode_id, *, at, page, working=False):
    """The episode, if this worker may see it; for a change, also if they may work on it."""
    access = selectors.access_episode_by_id(
        request.user, episode_id, now=at, request=request, page=page
    )
    if working and not access.may_work_on:
        raise Http404("No page found")
    return access


def _closed(request, access):
    """A closed episode changes no more: say so on the episode page."""
    if access.episode.status != Episode.Status.OPEN:
        messages.info(request, "This episode is closed: nothing in it can change.")
        return redirect("earlyhelp:episode", episode_id=access.episode.pk)
    return None


def _working_access(request, episode_id, *, at, page):
    access = _access(request, episode_id, at=at, page=page)
    if access.episode.status == Episode.Status.OPEN and not access.may_work_on:
        raise Http404("No page found")
    return access


def _visible_ids(request, episode, *, at) -> set:
    return {p.pk for p in selectors.visible_members(request.user, episode, now=at)}


# --- Team Around the Family meetings ---------------------------------------------------------


@access_rule("signed_in")
def meeting_add(request, episode_id):
    """Record a Team Around the Family meeting: attendance, decisions and minutes."""
    at = now()
    access = _working_access(request, episode_id, at=at, page="record a TAF meeting")
    if closed := _closed(request, access):
        return closed
    episode = access.episode
    members = selectors.visible_members(request.user, episode, now=at)
    offered = forms.offered_invitees(
        members,
        dict(episode.members.values_list("person_id", "role")),
        selectors_plan.practitioners_for(episode, request.user),
    )
    posted = request.method == "POST"
    adding = posted and "add_invitee" in request.POST
    form = forms.MeetingForm(
        request.POST if posted else None,
        initial=None
        if posted
        else {"form_token": new_form_token(), "held_on": today_in_london(at)},
        offered=offered,
    )
    others = forms.other_invitees_formset(request.POST if posted else None, add_one=adding)
    if posted and not adding:
        form_ok, others_ok = form.is_valid(), others.is_valid()
        if form_ok and others_ok:
            data = form.cleaned_data
            invitees = form.invitees() + [
                row.invitee() for row in others.forms if row.has_content()
            ]
            try:
                meeting = actions.meeting_record(
                    episode_id=episode.pk,
                    held_at=datetime.combine(data["held_on"], data["held_time"], tzinfo=LONDON),
                    place=data["place"],
                    decisions=data["decisions"],
                    minutes=data["minutes"],
                    invitees=invitees,
                    form_token=data["form_token"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, "Team Around the Family meeting recorded.")
                return redirect("earlyhelp:meeting", episode_id=episode.pk, meeting_id=meeting.pk)
    return render(
        request,
        "earlyhelp/plan/meeting_add.html",
        {
            "episode": episode,
            "form": form,
            "others": others,
            "error_forms": [form, *others.forms],
        },
    )


@access_rule("signed_in")
def meeting(request, episode_id, meeting_id):
    """A Team Around the Family meeting: who came, by agency, what it decided, the minutes."""
    at = now()
    access = _access(request, episode_id, at=at, page="TAF meeting")
    item = selectors_plan.meeting_in(access.episode, meeting_id)
    invitees, by_agency = selectors_plan.meeting_attendance(
        item, visible_people=_visible_ids(request, access.episode, at=at)
    )
    return render(
        request,
        "earlyhelp/plan/meeting.html",
        {
            "episode": access.episode,
            "meeting": item,
            "invitees": invitees,
            "by_agency": by_agency,
        },
    )


# --- The action plan -------------------------------------------------------------------------


@access_rule("signed_in")
def action_add(request, episode_id):
    """Add a SMART action to the plan."""
    at = now()
    access = _working_access(request, episode_id, at=at, page="add a plan action")
    if closed := _closed(request, access):
        return closed
    episode = access.episode
    workers = Worker.objects.filter(
        pk__in=[w.pk for w in selectors_plan.practitioners_for(episode, request.user)]
    ).select_related("agency")
    form = forms.ActionAddForm(
        request.POST if request.method == "POST" else None,
        initial=None if request.method == "POST" else {"form_token": new_form_token()},
        workers=workers,
        members=selectors.visible_members(request.user, episode, now=at),
        assessed=selectors_plan.needs_to_score(episode),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.action_add(
                episode_id=episode.pk,
                need=data["need"],
                action=data["action"],
                success_looks_like=data["success_looks_like"],
                owner_worker=data["owner_worker"],
                owner_agency=data["owner_agency"],
                owner_family_member=form.family_member(),
                due_on=data["due_on"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect("earlyhelp:episode", episode_id=episode.pk)
    return render(request, "earlyhelp/plan/action_add.html", {"episode": episode, "form": form})


@access_rule("signed_in")
def action_edit(request, episode_id, action_id):
    """Update an action's status or due date. A save on top of someone else's is refused with
    the input kept."""
    at = now()
    access = _working_access(request, episode_id, at=at, page="update a plan action")
    episode = access.episode
    item = selectors_plan.action_in(episode, action_id)
    if closed := _closed(request, access):
        return closed
    form = forms.ActionEditForm(
        request.POST if request.method == "POST" else None,
        initial={"version": item.version, "status": item.status, "due_on": item.due_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.action_update(
                action_id=item.pk,
                version=data["version"],
                status=data["status"],
                due_on=data["due_on"],
                note=data["note"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            # Show the action as it is now, and let a second save go ahead on top of it.
            item = selectors_plan.action_in(episode, action_id)
            form = form.with_version(item.version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Action updated.")
            return redirect("earlyhelp:episode", episode_id=episode.pk)
    visible = _visible_ids(request, episode, at=at)
    return render(
        request,
        "earlyhelp/plan/action_edit.html",
        {
            "episode": episode,
            "item": item,
            "need": selectors_plan.need_label(item.need),
            "owner": actions.owner_label(item, visible_people=visible),
            "overdue": selectors_plan.is_overdue(item, today_in_london(at)),
            "form": form,
        },
    )


# --- Reviews ---------------------------------------------------------------------------------


def _review_form(request, episode, *, at, data=None):
    rows = selectors_plan.plan_rows(
        episode,
        today_in_london(at),
        visible_people=_visible_ids(request, episode, at=at),
        open_only=True,
    )
    kwargs = {
        "needs": selectors_plan.needs_to_score(episode),
        "history": {d.code: d for d in selectors_plan.distance_travelled(episode)},
        "actions": rows,
        "weeks": episode.review_every_weeks,
    }
    initial = None
    if data is None:
        initial = {
            "version": episode.version,
            "form_token": new_form_token(),
            "held_on": today_in_london(at),
        }
        for row in rows:
            initial[f"status_{row.action.pk}"] = row.action.status
            initial[f"due_on_{row.action.pk}"] = row.action.due_on
            initial[f"version_{row.action.pk}"] = row.action.version
    return forms.ReviewForm(data, initial=initial, **kwargs), kwargs


@access_rule("signed_in")
def review_add(request, episode_id):
    """Review the plan: score each need again, update the actions in place, and set the next
    review."""
    at = now()
    access = _working_access(request, episode_id, at=at, page="review the plan")
    if closed := _closed(request, access):
        return closed
    episode = access.episode
    form, kwargs = _review_form(
        request, episode, at=at, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.review_record(
                episode_id=episode.pk,
                version=data["version"],
                held_on=data["held_on"],
                what_has_changed=data["what_has_changed"],
                family_views=data["family_views"],
                scores=form.scores(),
                action_updates=form.action_updates(),
                next_review_on=data["next_review_on"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            episode.refresh_from_db()
            form = form.with_version(episode.version, **kwargs)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Review recorded. The next review is due on {review.next_review_on:%-d %B %Y}.",
            )
            return redirect("earlyhelp:episode", episode_id=episode.pk)
    return render(
        request,
        "earlyhelp/plan/review_add.html",
        {
            "episode": episode,
            "form": form,
            "needs": form.bound_need_rows(),
            "action_rows": form.bound_action_rows(),
        },
    )


# --- The council's review cadence ------------------------------------------------------------


@access_rule("signed_in", roles=[Role.TEAM_MANAGER])
def settings_page(request):
    """How often early help plans are reviewed, from a date: for managers of early help."""
    if not actions.may_configure(request.user):
        raise Http404("No page found")
    at = now()
    today = today_in_london(at)
    cadence = selectors_plan.cadence_settings(today)
    form = forms.CadenceForm(
        request.POST if request.method == "POST" else None,
        initial={"weeks": cadence.weeks, "valid_from": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = actions.cadence_change(
                weeks=data["weeks"],
                valid_from=data["valid_from"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"From {row.valid_from:%-d %B %Y}, new early help episodes are reviewed every "
                f"{row.weeks} weeks.",
            )
            return redirect("earlyhelp:settings")
    return render(
        request,
        "earlyhelp/plan/settings.html",
        {"cadence": cadence, "form": form, "today": today},
    )
