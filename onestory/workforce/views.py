"""Workforce administration: thin views over selectors and actions, for system administrators."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import actions, forms, selectors
from .models import Team

ADMIN_ONLY = "roles:admin"


def _data(request):
    return request.POST if request.method == "POST" else None


# --- Workers --------------------------------------------------------------------------------


@access_rule(ADMIN_ONLY)
def workers(request):
    """Every worker; `?team=<id>` shows one team's. The filter holds no personal data."""
    teams = selectors.teams_list()
    team = None
    if request.GET.get("team"):
        team = teams.filter(pk=_uuid_or_none(request.GET["team"])).first()
    rows = selectors.workers_list(team_id=team.pk if team else None)
    return render(
        request,
        "workforce/workers.html",
        {"workers": rows, "teams": teams, "team": team,
         "unknown_team": bool(request.GET.get("team")) and team is None},
    )


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@access_rule(ADMIN_ONLY)
def worker_create(request):
    at = now()
    form = forms.WorkerCreateForm(_data(request), initial={"form_token": new_form_token()})
    if request.method == "POST" and form.is_valid():
        try:
            worker = actions.worker_create(
                **form.worker_values(),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{worker.get_full_name()} has been added as {worker.username}. They cannot sign "
                f"in until you set a password for them with: onestory changepassword "
                f"{worker.username}",
            )
            return redirect(f"{reverse('workforce:workers')}?team={worker.team_id or ''}")
    return render(request, "workforce/worker_create.html", {"form": form})


@access_rule(ADMIN_ONLY)
def worker_edit(request, worker_id):
    at = now()
    worker = selectors.worker_by_id(worker_id)
    form = forms.WorkerChangeForm(
        _data(request), initial=forms.WorkerChangeForm.initial_for(worker)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.worker_update(
                worker=worker,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            worker = selectors.worker_by_id(worker_id)
            form = form.with_version(worker.version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{worker.get_full_name()}'s details have been saved.")
            return redirect("workforce:workers")
    return render(
        request,
        "workforce/worker_edit.html",
        {"form": form, "worker": worker,
         "failed_attempts": selectors.failed_sign_in_attempts(worker),
         "has_second_factor": selectors.has_second_factor(worker)},
    )


@access_rule(ADMIN_ONLY)
def worker_unlock(request, worker_id):
    """Confirm, then clear the failed sign-ins that lock a worker out."""
    at = now()
    worker = selectors.worker_by_id(worker_id)
    if request.method == "POST":
        actions.worker_unlock(worker=worker, acting_user=request.user, now=at, request=request)
        messages.success(request, f"{worker.get_full_name()} can sign in again.")
        return redirect("workforce:worker-edit", worker_id=worker.pk)
    return render(
        request,
        "workforce/worker_unlock.html",
        {"worker": worker, "failed_attempts": selectors.failed_sign_in_attempts(worker)},
    )


@access_rule(ADMIN_ONLY)
def worker_reset_second_factor(request, worker_id):
    """Confirm, then remove a worker's second factor so they can set up a new one."""
    worker = selectors.worker_by_id(worker_id)
    if request.method == "POST":
        actions.worker_reset_second_factor(
            worker=worker, acting_user=request.user, now=now(), request=request
        )
        messages.success(
            request,
            f"{worker.get_full_name()}'s second factor has been removed. They will set up a new "
            "one when they next sign in.",
        )
        return redirect("workforce:worker-edit", worker_id=worker.pk)
    return render(
        request,
        "workforce/worker_reset_second_factor.html",
        {"worker": worker, "has_second_factor": selectors.has_second_factor(worker)},
    )


# --- Teams ----------------------------------------------------------------------------------


@access_rule(ADMIN_ONLY)
def teams(request):
    rows = selectors.teams_list()
    return render(request, "workforce/teams.html", {"teams": rows})


@access_rule(ADMIN_ONLY)
def team_edit(request, team_id):
    at = now()
    team: Team = selectors.team_by_id(team_id)
    members = selectors.team_members(team)
    form = forms.TeamChangeForm(
        _data(request), members=members, initial=forms.TeamChangeForm.initial_for(team)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.team_update(
                team=team,
                version=form.cleaned_data["version"],
                changes=form.changes(),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            team = selectors.team_by_id(team_id)
            form = form.with_version(team.version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} has been saved.")
            return redirect("workforce:teams")
    return render(request, "workforce/team_edit.html", {"form": form, "team": team})
