"""Page helpers shared by the assessment, child in need and child protection views: open the
child, the way back to the child's statutory page, and the standard form page.
"""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from onestory.access.selectors import access_person_by_id
from onestory.workforce.rules import Role

WORKERS = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
FORM_PAGE = "socialcare/protection/form.html"


def open_child(request, person_id, page: str, at):
    return access_person_by_id(request.user, person_id, now=at, request=request, page=page)


def overview_url(person) -> str:
    """The child's statutory page, or this area's own page until that exists."""
    try:
        return reverse("socialcare:child", args=[person.pk])
    except NoReverseMatch:
        return reverse("socialcare:protection", args=[person.pk])


def initial_on_get(request, initial: dict | None = None):
    return None if request.method == "POST" else initial


def posted(request):
    return request.POST if request.method == "POST" else None


def form_page(request, person, form, *, title, button, caption="", intro="", **extra):
    return render(
        request,
        extra.pop("template", FORM_PAGE),
        {
            "person": person,
            "form": form,
            "title": title,
            "button": button,
            "caption": caption or person.full_name,
            "intro": intro,
            "back_url": extra.pop("back_url", overview_url(person)),
            **extra,
        },
    )
