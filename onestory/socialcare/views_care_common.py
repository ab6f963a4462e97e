"""Page helpers shared by the children in care and leaving care views: open the child, the way
back to their record, a bound form, and the standard form page that runs the action.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from onestory.access.selectors import access_person_by_id
from onestory.core.errors import DomainError
from onestory.workforce.rules import Role

ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def open_child(request, person_id, *, at, page):
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


def child_url(person) -> str:
    """The child's statutory page where it exists, else their care page."""
    try:
        return reverse("socialcare:child", kwargs={"person_id": person.pk})
    except NoReverseMatch:
        return reverse("socialcare:care", kwargs={"person_id": person.pk})


def form_page(request, *, person, form, save, success, title, rows=(), intro=""):
    """Show the form; on a valid post run `save(cleaned_data)`, mapping refusals to the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, success)
            return redirect(child_url(person))
    return render(
        request,
        "socialcare/care/form.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "rows": rows,
            "intro": intro,
            "back": child_url(person),
        },
    )


def bound_form(request, form_class, initial, **kwargs):
    posted = request.method == "POST"
    return form_class(
        request.POST if posted else None, initial=None if posted else initial, **kwargs
    )


def day_text(value) -> str:
    return f"{value:%-d %B %Y}" if value else "Not recorded"
