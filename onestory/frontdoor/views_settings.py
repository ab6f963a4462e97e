"""The council's front-door settings: levels of need and which decisions a manager signs off.

For the system administrator and front-door managers; anyone else gets the 404 of a missing
page, whatever their role.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.workforce.rules import Role

from . import configuration, forms

# The role guard answers first; the page then narrows managers to those of a front-door team.
SETTINGS_ROLES = [Role.ADMIN, Role.TEAM_MANAGER]


def _require_configurer(request) -> None:
    if not configuration.may_configure(request.user):
        raise Http404("No page found")


@access_rule("signed_in", roles=SETTINGS_ROLES)
def settings_page(request):
    """The levels of need as named today, with their history, and sign-off by decision."""
    _require_configurer(request)
    at = now()
    today = today_in_london(at)
    form = forms.SignOffChangeForm(
        request.POST if request.method == "POST" else None, initial={"valid_from": today}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            setting = configuration.sign_off_change(
                outcome=data["outcome"],
                needs_sign_off=data["needs_sign_off"],
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
                f"From {setting.valid_from:%-d %B %Y}, "
                f"{setting.get_outcome_display().split(':')[0].lower()} decisions "
                + (
                    "wait for a manager's sign-off."
                    if setting.needs_sign_off
                    else "need no sign-off."
                ),
            )
            return redirect("frontdoor:settings")
    return render(
        request,
        "frontdoor/settings.html",
        {
            "levels": configuration.levels_with_history(today),
            "sign_off": configuration.sign_off_settings(today),
            "form": form,
            "today": today,
        },
    )


def _first_day_for_a_new_name(latest, today):
    return today if latest.valid_from < today else latest.valid_from + timedelta(days=1)


@access_rule("signed_in", roles=SETTINGS_ROLES)
def level_edit(request, level):
    """Rename a level of need from a date. Earlier decisions keep the name they were made under."""
    _require_configurer(request)
    at = now()
    latest = configuration.latest_level(level)
    if latest is None:
        raise Http404("No page found")
    form = forms.LevelRenameForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": latest.version,
            "name": latest.name,
            "description": latest.description,
            "valid_from": _first_day_for_a_new_name(latest, today_in_london(at)),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            renamed = configuration.level_rename(
                level=level,
                name=data["name"],
                description=data["description"],
                valid_from=data["valid_from"],
                version=data["version"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            # Show the level as it is now, and let a second save go ahead on top of it.
            latest = configuration.latest_level(level)
            form = form.with_version(latest.version)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"Level {level} is called “{renamed.name}” from {renamed.valid_from:%-d %B %Y}.",
            )
            return redirect("frontdoor:settings")
    return render(
        request,
        "frontdoor/level_edit.html",
        {"level": level, "latest": latest, "form": form},
    )
