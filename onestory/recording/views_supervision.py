"""Supervision pages: the sessions a worker may read, recording one (a team manager with a
worker in their team, and the children of the worker's caseload discussed), and one session."""

from django.contrib import messages
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.access.selectors import audit_views
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import CASE_ROLES, Role

from . import selectors
from .actions import supervision as actions
from .forms import ChooseSuperviseeForm, SupervisionForm


@access_rule("signed_in", roles=CASE_ROLES)
def supervisions(request):
    """The worker's own supervision sessions and, for a manager, those they gave and those of
    their teams' workers."""
    rows = selectors.supervisions_visible_to(request.user).order_by("-held_on", "-created_at")
    return render(
        request,
        "recording/supervisions.html",
        {
            "mine": [s for s in rows if s.supervisee_id == request.user.pk],
            "others": [s for s in rows if s.supervisee_id != request.user.pk],
            "may_record": request.user.role == Role.TEAM_MANAGER,
        },
    )


@access_rule("signed_in", roles=[Role.TEAM_MANAGER])
def supervision_add(request):
    """Record a supervision session: first whom with (?worker=, a worker's number, no personal
    data), then the session and the children discussed."""
    at = now()
    supervisees = selectors.supervisees_of(request.user)
    chooser = ChooseSuperviseeForm(
        request.GET if "worker" in request.GET else None, supervisees=supervisees
    )
    if not chooser.is_valid():
        return render(request, "recording/supervision_choose.html", {"form": chooser})
    supervisee = supervisees.get(pk=chooser.cleaned_data["worker"])
    caseload = selectors.caseload_of(supervisee, viewer=request.user, now=at)
    posted = request.method == "POST"
    form = SupervisionForm(
        request.POST if posted else None,
        initial=None
        if posted
        else {"form_token": new_form_token(), "held_on": today_in_london(at)},
        caseload=caseload,
    )
    if posted and form.is_valid():
        try:
            supervision = actions.supervision_record(
                supervisee_id=supervisee.pk,
                held_on=form.cleaned_data["held_on"],
                discussion=form.cleaned_data["discussion"],
                cases=form.cases(),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Supervision recorded.")
            return redirect("recording:supervision-detail", supervision_id=supervision.pk)
    audit_views(
        request.user, form.caseload, now=at, page="supervision", request=request, action="list"
    )
    return render(
        request,
        "recording/supervision_form.html",
        {"form": form, "supervisee": supervisee},
    )


@access_rule("signed_in", roles=CASE_ROLES)
def supervision_detail(request, supervision_id):
    """One session: its own notes and the cases discussed the reader may open."""
    view = selectors.access_supervision_by_id(
        request.user, supervision_id, now=now(), request=request
    )
    return render(request, "recording/supervision_detail.html", {"view": view})
