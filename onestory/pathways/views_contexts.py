"""Contexts: the list, a context's page (notes, plan, the linked children the worker may open),
and the council's pages that create and keep them. A context the worker may not see is answered
with the same 404 as a missing one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from onestory.access.decorators import access_rule
from onestory.core.clock import now
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token

from . import actions, forms, rules, selectors

READERS = sorted(rules.READING_ROLES)
COUNCIL = sorted(rules.COUNCIL_CASE_ROLES)


def _bound(request):
    return request.POST if request.method == "POST" else None


def _context_url(context) -> str:
    return reverse("pathways:context", args=[context.pk])


def _form_page(request, form, *, title, button, back, caption="Contexts", **extra):
    return render(
        request,
        "pathways/form.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "button": button,
            "back_url": back,
            "back_label": "Back",
            **extra,
        },
    )


@access_rule("signed_in", roles=READERS)
def context_list(request):
    context = selectors.context_list(request.user, now=now())
    return render(request, "pathways/context_list.html", context)


@access_rule("signed_in", roles=COUNCIL)
def context_create(request):
    at = now()
    initial = None
    if request.method != "POST":
        initial = {"form_token": new_form_token(), "team": str(request.user.team_id or "")}
    form = forms.ContextForm(_bound(request), initial=initial, teams=selectors.teams_for_contexts())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            context = actions.context_create(
                form_token=data["form_token"],
                kind=data["kind"],
                name=data["name"],
                description=data["description"],
                team=form.chosen_team(),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Context created: {context.name}.")
            return redirect(_context_url(context))
    return _form_page(
        request,
        form,
        title="Create a context",
        button="Create the context",
        back=reverse("pathways:contexts"),
        intro="A context is a place, peer group, school or online space where several children "
        "meet a risk outside the home. Describe the context, not the children: link each child "
        "from their own record.",
    )


@access_rule("signed_in", roles=READERS)
def context_detail(request, context_id):
    at = now()
    context = selectors.access_context_by_id(request.user, context_id, now=at, request=request)
    page = selectors.context_page(request.user, context, now=at, request=request)
    return render(request, "pathways/context_detail.html", page)


@access_rule("signed_in", roles=COUNCIL)
def context_change(request, context_id):
    at = now()
    context = selectors.access_context_by_id(
        request.user, context_id, now=at, request=request, page="change a context"
    )
    initial = None
    if request.method != "POST":
        initial = {
            "version": context.version,
            "kind": context.kind,
            "name": context.name,
            "description": context.description,
            "team": str(context.team_id),
            "status": context.status,
        }
    form = forms.ContextChangeForm(
        _bound(request), initial=initial, teams=selectors.teams_for_contexts()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            context = actions.context_update(
                context_id=context.pk,
                version=data["version"],
                kind=data["kind"],
                name=data["name"],
                description=data["description"],
                team=form.chosen_team(),
                status=data["status"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Context saved: {context.name}.")
            return redirect(_context_url(context))
    return _form_page(
        request,
        form,
        title="Change the context",
        caption=context.name,
        button="Save",
        back=_context_url(context),
    )


@access_rule("signed_in", roles=COUNCIL)
def context_note_add(request, context_id):
    at = now()
    context = selectors.access_context_by_id(
        request.user, context_id, now=at, request=request, page="add a note"
    )
    initial = {"form_token": new_form_token()} if request.method != "POST" else None
    form = forms.ContextNoteForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.context_note_add(
                form_token=data["form_token"],
                context_id=context.pk,
                text=data["text"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Note added.")
            return redirect(_context_url(context))
    return _form_page(
        request,
        form,
        title="Add a note",
        caption=context.name,
        button="Save the note",
        back=_context_url(context),
    )


@access_rule("signed_in", roles=COUNCIL)
def context_action_add(request, context_id):
    at = now()
    context = selectors.access_context_by_id(
        request.user, context_id, now=at, request=request, page="add to the plan"
    )
    if not context.is_open:
        messages.info(request, "This context is closed: reopen it before adding to its plan.")
        return redirect(_context_url(context))
    initial = {"form_token": new_form_token()} if request.method != "POST" else None
    form = forms.ContextActionForm(
        _bound(request),
        initial=initial,
        workers=selectors.owners_for(context, request.user),
        agencies=selectors.agencies(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.context_action_add(
                form_token=data["form_token"],
                context_id=context.pk,
                action=data["action"],
                due_on=data["due_on"],
                acting_user=request.user,
                now=at,
                request=request,
                **form.owners(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect(_context_url(context))
    return _form_page(
        request,
        form,
        title="Add to the plan",
        caption=context.name,
        button="Add the action",
        back=_context_url(context),
        intro="Give one owner: a worker, an agency, or someone else by name.",
    )


@access_rule("signed_in", roles=COUNCIL)
def context_action_change(request, context_id, action_id):
    at = now()
    context = selectors.access_context_by_id(
        request.user, context_id, now=at, request=request, page="change the plan"
    )
    row = selectors.context_action_of(context, action_id)
    initial = None
    if request.method != "POST":
        initial = {"version": row.version, "status": row.status, "due_on": row.due_on}
    form = forms.ContextActionChangeForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.context_action_update(
                action_id=row.pk,
                version=data["version"],
                status=data["status"],
                due_on=data["due_on"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Action saved.")
            return redirect(_context_url(context))
    return _form_page(
        request,
        form,
        title="Change an action",
        caption=context.name,
        button="Save",
        back=_context_url(context),
        quote=row.action,
    )
