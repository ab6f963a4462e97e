"""Registering families at the door, finding them, their hub page, and the session register:
thin views over selectors_register and the registration and attendance actions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people.models import Person

from . import forms_register as forms
from . import selectors_register as selectors
from .actions import attendance as attendance_actions
from .actions import registration as registration_actions

HUB_RULE = "roles:" + ",".join(sorted(selectors.HUB_ROLES))
MOST_ADULTS = 4
MOST_CHILDREN = 8


def _quiet(form):
    """A bound form shown again as typed, without its errors (the person added a row)."""
    form._errors = ErrorDict()
    return form


def _count(value, *, default: int, most: int) -> int:
    try:
        return max(1, min(int(value), most))
    except (TypeError, ValueError):
        return default


def _session_from(request):
    """The session a walk-in is being registered for (?session=<id>), or None."""
    session_id = _uuid_or_none(request.GET.get("session"))
    if session_id is None:
        return None
    try:
        return selectors.session_for_register(session_id)
    except Http404:
        return None


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# --- Registering a family -------------------------------------------------------------------


def _person_forms(data, *, adults, children, today, described=None):
    made = []
    for i in range(adults):
        made.append(("adult", f"carer-{i}", i))
    for i in range(children):
        made.append(("child", f"child-{i}", i))
    made_forms = []
    for n, (kind, prefix, i) in enumerate(made):
        form = forms.PersonDetailsForm(
            data,
            kind=kind,
            prefix=prefix,
            today=today,
            described=described[n] if described else None,
        )
        what, how_many = ("Parent or carer", adults) if kind == "adult" else ("Child", children)
        form.legend = f"{what} {i + 1}" if how_many > 1 else what
        made_forms.append(form)
    return made_forms


def _apply_refusal(error, family_form, person_forms) -> None:
    problems = getattr(error, "problems", None) or {error.field: error.message}
    for name, message in problems.items():
        if name and name.startswith("person-"):
            _, index, field = name.split("-", 2)
            form = person_forms[int(index)]
            form.add_error(field if field in form.fields else None, message)
        else:
            family_form.add_error(family_form.field_for_problem(name), message)


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def family_register(request):
    """Register a family at the door: one page, a carer and a child to start with (more can be
    added), each checked against the record; possible matches are confirmed on the same page."""
    at = now()
    today = today_in_london(at)
    session = _session_from(request)
    data = request.POST if request.method == "POST" else None
    adults = _count(request.POST.get("adults"), default=1, most=MOST_ADULTS)
    children = _count(request.POST.get("children"), default=1, most=MOST_CHILDREN)
    action = request.POST.get("action", "")
    if action == "add-adult":
        adults = min(adults + 1, MOST_ADULTS)
    elif action == "add-child":
        children = min(children + 1, MOST_CHILDREN)
    initial = {"form_token": new_form_token(), "contact_by": "text"}
    if session is not None:
        initial["site"] = session.site_id
    family_form = forms.FamilyForm(data, initial=initial)
    person_forms = _person_forms(data, adults=adults, children=children, today=today)
    context = {
        "family_form": family_form,
        "person_forms": person_forms,
        "adults": adults,
        "children": children,
        "session": session,
        "matching_shown": False,
        "already": None,
    }
    if request.method == "GET" or action.startswith("add-"):
        if request.method == "POST":
            _quiet(family_form)
            for form in person_forms:
                _quiet(form)
        return _render_register_family(request, context)

    valid = family_form.is_valid()
    # Every form is checked (not only up to the first problem) so every problem shows at once.
    checked = [form.is_valid() for form in person_forms]
    valid = all(checked) and valid
    if valid:
        described = selectors.possible_matches(
            request.user,
            [form.cleaned_data for form in person_forms],
            postcode=family_form.cleaned_data["postcode"],
            now=at,
            request=request,
        )
        person_forms = _person_forms(
            data, adults=adults, children=children, today=today, described=described
        )
        context["person_forms"] = person_forms
        has_matches = any(d.matches for d in described)
        context["matching_shown"] = has_matches
        if has_matches and request.POST.get("matching_shown") != "1":
            for form in person_forms:
                form.is_valid()
                form.errors.pop("match", None)
            return _render_register_family(request, context)
        checked = [form.is_valid() for form in person_forms]
        if all(checked):
            people = []
            for form in person_forms:
                chosen = form.chosen_match()
                matched = Person.objects.get(pk=chosen) if chosen else None
                people.append(form.details(matched))
            try:
                registration = registration_actions.registration_create(
                    site=family_form.cleaned_data["site"],
                    people=people,
                    address=family_form.address(),
                    phone=family_form.cleaned_data["phone"],
                    email=family_form.cleaned_data["email"],
                    contact_by=family_form.cleaned_data["contact_by"],
                    consent_to_register=family_form.cleaned_data["consent_to_register"],
                    consent_to_news=family_form.cleaned_data["consent_to_news"],
                    form_token=family_form.cleaned_data["form_token"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except registration_actions.AlreadyRegistered as refusal:
                context["already"] = refusal.registration
                _apply_refusal(refusal, family_form, person_forms)
            except DomainError as refusal:
                _apply_refusal(refusal, family_form, person_forms)
            else:
                messages.success(request, f"Family {registration.reference} is registered.")
                if session is not None:
                    url = reverse("familyhubs:register", kwargs={"pk": session.pk})
                    return redirect(f"{url}?family={registration.pk}")
                return redirect("familyhubs:family", pk=registration.pk)
    return _render_register_family(request, context)


def _render_register_family(request, context):
    all_forms = [context["family_form"], *context["person_forms"]]
    context["all_forms"] = all_forms
    context["has_errors"] = any(f.is_bound and f.errors for f in all_forms)
    return render(request, "familyhubs/register/family_register.html", context)


# --- Finding a family -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def family_find(request):
    """Find a registered family by reference, name, date of birth or postcode. The details are
    posted, so they never appear in a URL or a log."""
    form = forms.FindForm(request.POST if request.method == "POST" else None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.find_families(
            request.user, **form.cleaned_data, now=now(), request=request
        )
    return render(
        request, "familyhubs/register/family_find.html", {"form": form, "results": results}
    )


# --- A family's page --------------------------------------------------------------------------


@access_rule(HUB_RULE)
def family_detail(request, pk):
    context = selectors.family_page(request.user, pk, now=now(), request=request)
    return render(request, "familyhubs/register/family.html", context)


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def family_edit(request, pk):
    at = now()
    registration = selectors.access_registration_by_id(request.user, pk, now=at)
    if registration.ended_at is not None:
        raise Http404("No family found")
    form = forms.FamilyEditForm(
        request.POST if request.method == "POST" else None,
        initial=forms.FamilyEditForm.initial_for(registration),
    )
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in ("phone", "email", "contact_by")}
        try:
            registration_actions.registration_update(
                registration=registration,
                version=form.cleaned_data["version"],
                consent_to_news=form.cleaned_data["consent_to_news"],
                **values,
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            registration.refresh_from_db()
            form = form.with_version(registration.version)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The family's contact details have been saved.")
            return redirect("familyhubs:family", pk=registration.pk)
    return render(
        request,
        "familyhubs/register/family_edit.html",
        {"form": form, "registration": registration},
    )


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def family_member_add(request, pk):
    """Add someone to a registered family (a new baby!), checked against the record first."""
    at = now()
    today = today_in_london(at)
    registration = selectors.access_registration_by_id(request.user, pk, now=at)
    if registration.ended_at is not None:
        raise Http404("No family found")
    data = request.POST if request.method == "POST" else None
    form_token = (data or {}).get("form_token") or new_form_token()
    form = forms.PersonDetailsForm(
        data, kind="any", prefix="person-0", today=today, initial={"role": "child"}
    )
    context = {
        "form": form,
        "registration": registration,
        "form_token": form_token,
        "matching_shown": False,
        "already": None,
    }
    if request.method == "POST" and form.is_valid():
        address = selectors.family_address(registration)
        described = selectors.possible_matches(
            request.user,
            [form.cleaned_data],
            postcode=address.postcode if address else "",
            now=at,
            request=request,
        )
        form = forms.PersonDetailsForm(
            data, kind="any", prefix="person-0", today=today, described=described[0]
        )
        context["form"] = form
        context["matching_shown"] = bool(described[0].matches)
        if described[0].matches and request.POST.get("matching_shown") != "1":
            form.is_valid()
            form.errors.pop("match", None)
        elif form.is_valid():
            chosen = form.chosen_match()
            try:
                registration_actions.registered_person_add(
                    registration=registration,
                    details=form.details(Person.objects.get(pk=chosen) if chosen else None),
                    form_token=form_token,
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            except registration_actions.AlreadyRegistered as refusal:
                context["already"] = refusal.registration
                form.add_error("match" if "match" in form.fields else None, refusal.message)
            except DomainError as refusal:
                problems = getattr(refusal, "problems", None) or {refusal.field: refusal.message}
                for name, message in problems.items():
                    field = (name or "").removeprefix("person-0-")
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "They have been added to the family.")
                return redirect("familyhubs:family", pk=registration.pk)
    return render(request, "familyhubs/register/family_member_add.html", context)


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def family_end(request, pk):
    """End a family's registration (they moved away or asked to be taken off)."""
    at = now()
    registration = selectors.access_registration_by_id(request.user, pk, now=at)
    if registration.ended_at is not None:
        raise Http404("No family found")
    form = forms.EndForm(
        request.POST if request.method == "POST" else None,
        initial={"version": registration.version},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            registration_actions.registration_end(
                registration=registration,
                version=form.cleaned_data["version"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as refusal:
            error = refusal.message
            registration.refresh_from_db()
            form = forms.EndForm(initial={"version": registration.version})
        else:
            messages.success(request, f"Family {registration.reference}'s registration has ended.")
            return redirect("familyhubs:family", pk=registration.pk)
    return render(
        request,
        "familyhubs/register/family_end.html",
        {"form": form, "registration": registration, "error": error},
    )


# --- The session register ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access_rule(HUB_RULE)
def session_register(request, pk):
    """The register of a session, for a tablet: tick who came and save. Searching for someone
    not booked posts the ticks made so far, so nothing is lost; the names searched for never
    appear in the URL."""
    at = now()
    session = selectors.session_for_register(pk)
    added_family = _uuid_or_none(request.GET.get("family"))
    posted = forms.register_input(request.POST) if request.method == "POST" else None
    error = None
    if posted and posted["action"] == "save":
        shown = posted["shown"]
        try:
            saved = attendance_actions.register_save(
                session=session,
                present_ids=posted["present"] & shown,
                absent_ids=(posted["was_marked"] & shown) - posted["present"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            parts = [f"{saved.marked + saved.already} marked as here"]
            if saved.removed:
                parts.append(f"{saved.removed} mark{'s' if saved.removed != 1 else ''} taken off")
            messages.success(request, "The register is saved: " + ", ".join(parts) + ".")
            return redirect("familyhubs:register", pk=session.pk)
    context = selectors.register_page(
        request.user,
        session,
        now=at,
        ticked=posted["present"] if posted else None,
        shown_before=posted["shown"] if posted else None,
        search=posted["search"] if posted and posted["action"] == "search" else "",
        added_family=added_family,
        request=request,
    )
    context["error"] = error
    context["search_text"] = posted["search"] if posted else ""
    if posted:
        # A mark is "was marked" from when the page first listed it, across searches.
        context["was_marked"] = posted["was_marked"] | {
            r.person_id
            for r in context["rows"] + context["results"]
            if r.marked and r.person_id not in posted["shown"]
        }
    else:
        context["was_marked"] = {r.person_id for r in context["rows"] if r.marked}
    return render(request, "familyhubs/register/register.html", context)
