"""Casework pages: the child's statutory page and story so far, allocation, moving a case,
caseloads and their settings, and "My work". Thin views over selectors and actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.access.selectors import audit_views
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.people.models import ChronologyEntry
from onestory.people.rules import age_in_years
from onestory.workforce.rules import Role

from . import forms_casework as forms
from . import rules, selectors, selectors_tasks
from .actions import casework
from .models import Handover, LocalStandard, StorySoFar
from .views_common import ROLES, open_child

MANAGERS = {Role.TEAM_MANAGER}
LATEST_CHRONOLOGY = 8


@access_rule("person", roles=ROLES)
def child(request, person_id):
    at = now()
    today = today_in_london(at)
    person = open_child(request, person_id, at=at, page="social care")
    holder = selectors.current_case_holder(person, now=at)
    return render(
        request,
        "socialcare/child.html",
        {
            "person": person,
            "today": today,
            "age": age_in_years(person.date_of_birth, today) if person.date_of_birth else None,
            "holder": holder,
            "kind": selectors.case_kinds([person.pk], today=today)[person.pk],
            "social_workers": selectors.social_workers_in_last_year([person.pk], today=today)[
                person.pk
            ],
            "many_social_workers": rules.MANY_SOCIAL_WORKERS,
            "story": StorySoFar.objects.filter(person=person).select_related("updated_by").first(),
            "tasks": selectors_tasks.tasks_for_children([person.pk], now=at),
            "chronology": ChronologyEntry.objects.filter(person=person)
            .select_related("recorded_by")
            .order_by("-occurred_at")[:LATEST_CHRONOLOGY],
            "handover": Handover.objects.filter(person=person)
            .select_related("from_worker", "to_worker")
            .first(),
            "is_manager": request.user.role == Role.TEAM_MANAGER,
        },
    )


@access_rule("person", roles=ROLES)
def story_edit(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="social care story so far")
    story = StorySoFar.objects.filter(person=person).first()
    form = forms.StoryForm(
        request.POST or None,
        initial={"version": story.version if story else 0, "text": story.text if story else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            casework.story_save(
                person=person,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The story so far is saved.")
            return redirect("socialcare:child", person_id=person.pk)
    return render(
        request, "socialcare/story_edit.html", {"person": person, "form": form, "story": story}
    )


@access_rule("roles:manager")
def allocations(request):
    at = now()
    referrals = selectors.waiting_for_social_worker(request.user, now=at)
    audit_views(
        request.user,
        [r.person for r in referrals],
        now=at,
        page="social care waiting for a social worker",
        request=request,
    )
    return render(
        request,
        "socialcare/allocations.html",
        {"referrals": referrals, "today": today_in_london(at)},
    )


def _team_choice(request, at):
    workers = selectors.team_workers(request.user).order_by("last_name", "first_name")
    loads = {c.worker.pk: c for c in selectors.caseloads(list(workers), now=at)}
    return workers, loads


@access_rule("person", roles=MANAGERS)
def allocate(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="social care allocation")
    workers, loads = _team_choice(request, at)
    form = forms.AllocateForm(
        request.POST or None,
        initial={"form_token": new_form_token()},
        workers=workers,
        caseloads=loads,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = _preview(data["worker"], person, loads, at)
        try:
            allocation = casework.allocate(
                form_token=data["form_token"],
                person=person,
                worker=data["worker"],
                allocate_anyway=data["allocate_anyway"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{person.full_name} is allocated to {allocation.worker.get_full_name()}.",
            )
            return redirect("socialcare:allocations")
    return render(
        request,
        "socialcare/allocate.html",
        {
            "person": person,
            "form": form,
            "choices": _choices_with(person, loads, at),
            "preview": preview,
            "kind": selectors.case_kinds([person.pk], today=today_in_london(at))[person.pk],
        },
    )


def _choices_with(person, loads, at) -> list[dict]:
    """Each worker's weighted caseload now and with this child, so the manager sees before
    choosing who would pass their limit."""
    today = today_in_london(at)
    kind = selectors.case_kinds([person.pk], today=today)[person.pk]
    weight = selectors.weights_on(today).get(kind.value, 1.0)
    return [
        {
            "worker": load.worker,
            "before": load.weighted,
            "after": round(load.weighted + weight, 1),
            "limit": load.limit,
            "status": rules.caseload_status(round(load.weighted + weight, 1), load.limit),
        }
        for load in loads.values()
    ]


def _preview(worker, person, loads, at):
    """The worker's weighted caseload before and after taking this child."""
    load = loads.get(worker.pk)
    if load is None:
        return None
    today = today_in_london(at)
    kind = selectors.case_kinds([person.pk], today=today)[person.pk]
    after = round(load.weighted + selectors.weights_on(today).get(kind.value, 1.0), 1)
    return {
        "worker": worker,
        "before": load.weighted,
        "after": after,
        "limit": load.limit,
        "status": rules.caseload_status(after, load.limit),
    }


@access_rule("person", roles=MANAGERS)
def move_case(request, person_id):
    at = now()
    person = open_child(request, person_id, at=at, page="social care move case")
    holder = selectors.current_case_holder(person, now=at)
    workers, loads = _team_choice(request, at)
    if holder is not None:
        workers = workers.exclude(pk=holder.worker_id)
    form = forms.MoveCaseForm(
        request.POST or None,
        initial={
            "form_token": new_form_token(),
            "summary": casework.handover_summary(person=person, now=at),
        },
        workers=workers,
        caseloads=loads,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = _preview(data["worker"], person, loads, at)
        try:
            casework.move_case(
                form_token=data["form_token"],
                person=person,
                to_worker=data["worker"],
                reason=data["reason"],
                summary=data["summary"],
                allocate_anyway=data["allocate_anyway"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{person.full_name}'s case has moved to {data['worker'].get_full_name()}.",
            )
            return redirect("socialcare:child", person_id=person.pk)
    return render(
        request,
        "socialcare/move_case.html",
        {"person": person, "form": form, "holder": holder, "preview": preview},
    )


@access_rule("roles:manager")
def caseloads(request):
    at = now()
    workers = selectors.team_workers(request.user).order_by("team__name", "last_name")
    rows = selectors.caseloads(list(workers), now=at)
    return render(
        request,
        "socialcare/caseloads.html",
        {
            "rows": rows,
            "weights": selectors.weights_on(today_in_london(at)),
            "kinds": list(rules.CaseKind),
            "many": rules.MANY_SOCIAL_WORKERS,
        },
    )


@access_rule("roles:manager")
def caseload_settings(request):
    at = now()
    today = today_in_london(at)
    teams = request.user.managed_teams.all()
    team = teams.first()
    weights = selectors.weights_on(today)
    standards = selectors.standards_on(today)
    initial = {
        "valid_from": today,
        "limit": selectors.limit_on(team.pk if team else None, today),
        **{f"weight_{k}": v for k, v in weights.items()},
        **{str(k): v for k, v in standards.items()},
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = casework.change_settings(
                valid_from=data["valid_from"],
                weights={k: data[f"weight_{k}"] for k in weights},
                limit=data["limit"],
                team=team,
                standards={k: data[k.value] for k in LocalStandard.Key},
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{len(made)} setting{'s' if len(made) != 1 else ''} changed. Earlier values are "
                "kept in the history below."
                if made
                else "Nothing changed.",
            )
            return redirect("socialcare:caseload-settings")
    return render(
        request,
        "socialcare/caseload_settings.html",
        {"form": form, "team": team, "history": selectors.history_of_settings()},
    )


@access_rule("signed_in", roles=ROLES)
def my_work(request):
    at = now()
    user = request.user
    own = selectors_tasks.tasks_of_worker(user, now=at)
    team = []
    filter_form = None
    if user.role == Role.TEAM_MANAGER:
        workers = list(selectors.team_workers(user).order_by("last_name", "first_name"))
        filter_form = forms.TaskFilterForm(request.GET or None, workers=workers)
        chosen = None
        if filter_form.is_valid() and filter_form.cleaned_data["worker"]:
            chosen = filter_form.cleaned_data["worker"]
        elif request.GET.get("worker"):
            raise Http404("No page found")
        team = selectors_tasks.tasks_of_team(user, now=at, worker_id=chosen)
    shown = {t.person for t in own} | {t.person for g in team for t in g.tasks}
    audit_views(user, [p for p in shown if p], now=at, page="social care my work", request=request)
    return render(
        request,
        "socialcare/my_work.html",
        {
            "tasks": own,
            "overdue": sum(1 for t in own if t.overdue),
            "team": team,
            "filter_form": filter_form,
            "today": today_in_london(at),
        },
    )
