"""Page helpers shared by the statutory social care views (assessments, child in need, child
protection, children in care and leaving care): who may use the pages, opening the child, the
way back to the child's statutory page, binding a form, and the standard form page.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from onestory.access.selectors import access_person_by_id
from onestory.core.errors import DomainError
from onestory.core.rules import day_words
from onestory.frontdoor.census_warnings import show as show_warnings
from onestory.workforce.rules import Role

ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)

# Each area keeps its own form page: the protection one has its own button words, a warning
# list and grouped fields; the care one has a summary of the record above the form.
PROTECTION_FORM = "socialcare/protection/form.html"
CARE_FORM = "socialcare/care/form.html"


def open_child(request, person_id, *, at, page):
    """The child, if this user may open their record (404 otherwise); the view is audited."""
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


def child_url(person) -> str:
    """The child's statutory page."""
    return reverse("socialcare:child", kwargs={"person_id": person.pk})


def bound_form(request, form_class, initial, **kwargs):
    """The form bound to what was posted, or showing `initial` before anything is posted."""
    if request.method == "POST":
        return form_class(request.POST, **kwargs)
    return form_class(initial=initial, **kwargs)


def form_page(
    request, person, form, *, template, title, back_url="", save=None, success="", **context
):
    """Show `template` with the form. Given `save`, a valid post runs `save(cleaned_data)`: a
    refusal is shown beside the fields with the input kept; otherwise the `success` message is
    shown on the child's statutory page, followed by any warnings `save` returns (what a
    statutory return will say about the record). Any other keywords go to the template as
    they are.
    """
    if save is not None and request.method == "POST" and form.is_valid():
        try:
            warnings = save(form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, success)
            show_warnings(request, warnings or ())
            return redirect(child_url(person))
    back_url = back_url or child_url(person)
    return render(
        request,
        template,
        {
            "person": person,
            "form": form,
            "title": title,
            "caption": person.full_name,
            "back_url": back_url,
            **context,
        },
    )


def day_text(value) -> str:
    return day_words(value) if value else "Not recorded"
