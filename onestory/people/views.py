"""The record pages: thin views over selectors and actions."""

from django.contrib import messages
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import MAY_CREATE_PEOPLE, MAY_EDIT_PEOPLE

from . import actions, forms, merging, selectors


def _data(request):
    return request.POST if request.method == "POST" else None


def _once() -> dict:
    """The initial value of a create form's one-time token."""
    return {"form_token": new_form_token()}


def _open_for_change(request, person_id, *, at, page):
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


# --- Reading --------------------------------------------------------------------------------


@access_rule("person")
def person_detail(request, person_id):
    at = now()
    # A record merged into another is found at the record it now lives in.
    kept = merging.kept_record_for(request.user, person_id, now=at)
    if kept:
        messages.info(request, "That record was merged into this one.")
        return redirect("people:person", person_id=kept)
    context = selectors.person_page(request.user, person_id, now=at, request=request)
    return render(request, "people/person_detail.html", context)


@access_rule("person")
def person_chronology(request, person_id):
    """Everything recorded about a person. The filters hold no personal data, so GET is fine."""
    at = now()
    person = access_person_by_id(
        request.user, person_id, now=at, request=request, page="chronology"
    )
    context = _chronology(request, [person.pk])
    return render(request, "people/person_chronology.html", {"person": person, **context})


@access_rule("household")
def household_chronology(request, household_id):
    """The family's chronology: every event on the records of its current members this worker
    may open, each shown once with whom it concerns."""
    at = now()
    household, _, visible = selectors.access_household_by_id(
        request.user, household_id, now=at, request=request, page="family chronology"
    )
    context = _chronology(request, sorted(visible))
    return render(request, "people/household_chronology.html", {"household": household, **context})


def _chronology(request, person_ids) -> dict:
    form = forms.ChronologyFilterForm(
        request.GET or None, categories=selectors.chronology_categories(person_ids)
    )
    # "Summary (significant events)" or "Everything": a choice of view, not personal data.
    summary = request.GET.get("view") == "summary"
    context = {"form": form, "entries": [], "page": None, "summary": summary}
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        context.update(
            selectors.chronology_entries(
                person_ids,
                category=filters.get("category", ""),
                date_from=filters.get("date_from"),
                date_to=filters.get("date_to"),
                significant_only=summary,
                page_number=request.GET.get("page", 1),
            )
        )
    query = request.GET.copy()
    query.pop("page", None)
    context["filter_query"] = query.urlencode()
    return context


@access_rule("household")
def household_detail(request, household_id):
    context = selectors.family_page(request.user, household_id, now=now(), request=request)
    return render(request, "people/household_detail.html", context)


# --- A person's details ---------------------------------------------------------------------


@access_rule("signed_in", roles=MAY_CREATE_PEOPLE)
def person_create(request):
    at = now()
    form = forms.PersonCreateForm(_data(request), today=today_in_london(at), initial=_once())
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.person_create(
                **form.person_values(),
                address=form.address_values(),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/person_create.html", {"form": form})


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def person_edit(request, person_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="change details")
    form = forms.PersonEditForm(
        _data(request), today=today_in_london(at), initial=forms.PersonEditForm.initial_for(person)
    )
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            actions.person_update(
                person=person,
                version=form.cleaned_data["version"],
                changes=form.person_values(),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            version, conflicts = selectors.edit_conflicts(person, form.person_values())
            form = form.with_version(version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The details have been saved.")
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/person_edit.html",
        {"form": form, "person": person, "conflicts": conflicts},
    )


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def name_add(request, person_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="add a name")
    form = forms.NameForm(_data(request), initial=_once())
    if request.method == "POST" and form.is_valid():
        try:
            actions.name_add(
                person=person,
                **form.cleaned_data,
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The name has been added.")
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/name_add.html", {"form": form, "person": person})


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def address_add(request, person_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="add an address")
    form = forms.AddressForm(_data(request), today=today_in_london(at), initial=_once())
    if request.method == "POST" and form.is_valid():
        try:
            actions.address_add(
                person=person,
                **form.cleaned_data,
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The address has been added.")
            return redirect("people:person", person_id=person.pk)
    return render(request, "people/address_add.html", {"form": form, "person": person})


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def address_end(request, person_id, address_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="end an address")
    address = selectors.address_of(person, address_id)
    form = forms.AddressEndForm(
        _data(request), initial={"version": address.version, "valid_to": today_in_london(at)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.address_end(
                address=address,
                **form.cleaned_data,
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The address has been ended.")
            return redirect("people:person", person_id=person.pk)
    return render(
        request, "people/address_end.html", {"form": form, "person": person, "address": address}
    )


# --- Relationships and households -----------------------------------------------------------


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def relationship_add(request, person_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="add a relationship")
    people, shown = selectors.people_to_choose_from(
        request.user, now=at, exclude=[person.pk], request=request
    )
    form = forms.RelationshipForm(
        _data(request), people=people, shown=shown, subject=person, initial=_once()
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.relationship_add(
                **form.relationship_values(person),
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The relationship has been added.")
            return redirect("people:person", person_id=person.pk)
    return render(
        request,
        "people/relationship_add.html",
        {"form": form, "person": person},
    )


@access_rule("person", roles=MAY_EDIT_PEOPLE)
def household_join(request, person_id):
    at = now()
    person = _open_for_change(request, person_id, at=at, page="add to a household")
    households = selectors.households_to_choose_from(request.user, person, now=at)
    form = forms.JoinHouseholdForm(_data(request), households=households, initial=_once())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["household"]:
                household = data["household"]
                actions.household_add_member(
                    household=household,
                    person=person,
                    valid_from=data["valid_from"],
                    form_token=data["form_token"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            else:
                household = actions.household_create(
                    name=data["new_household_name"],
                    members=[person],
                    valid_from=data["valid_from"],
                    form_token=data["form_token"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{person.full_name} has been added to {household.name}.")
            return redirect("people:household", household_id=household.pk)
    return render(request, "people/household_join.html", {"form": form, "person": person})


@access_rule("household", roles=MAY_EDIT_PEOPLE)
def household_member_add(request, household_id):
    at = now()
    household, members, _visible = selectors.access_household_by_id(
        request.user, household_id, now=at, request=request, page="add a household member"
    )
    people, shown = selectors.people_to_choose_from(
        request.user, now=at, exclude=[m.person_id for m in members], request=request
    )
    form = forms.HouseholdMemberForm(_data(request), people=people, shown=shown, initial=_once())
    if request.method == "POST" and form.is_valid():
        try:
            actions.household_add_member(
                household=household,
                person=form.cleaned_data["person"],
                valid_from=form.cleaned_data["valid_from"],
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{form.cleaned_data['person'].full_name} has been added.")
            return redirect("people:household", household_id=household.pk)
    return render(
        request, "people/household_member_add.html", {"form": form, "household": household}
    )


@access_rule("household", roles=MAY_EDIT_PEOPLE)
def household_member_remove(request, household_id, member_id):
    """Confirm, then record that a member has left. Only members the worker can open."""
    at = now()
    household, members, visible = selectors.access_household_by_id(
        request.user, household_id, now=at, request=request, page="remove a household member"
    )
    member = selectors.household_member_for_change(household, members, visible, member_id)
    error = None
    if request.method == "POST":
        try:
            actions.household_remove_member(
                member=member, acting_user=request.user, now=at, request=request
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, f"{member.person.full_name} has left {household.name}.")
            if len(visible) > 1:
                return redirect("people:household", household_id=household.pk)
            return redirect("people:person", person_id=member.person_id)
    return render(
        request,
        "people/household_member_remove.html",
        {"household": household, "member": member, "error": error},
    )
