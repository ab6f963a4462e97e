"""Case notes on the pages of other apps, which may link to recording only from templates:

{% load recording %}
{% case_notes person %}                              the person page
{% case_notes_about "earlyhelp.episode" episode.id %} an episode, referral or context page
{% your_drafts %}                                    the home page
"""

from django import template

from onestory.core.clock import now, page_moment
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import CASE_ROLES, Role

from .. import selectors

register = template.Library()


def _buttons(context, **extra) -> dict:
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "form_token": new_form_token(),
        "oversight_token": new_form_token(),
        "may_write": user.role in CASE_ROLES,
        "may_oversee": user.role == Role.TEAM_MANAGER,
        **extra,
    }


@register.inclusion_tag("recording/tags/case_notes.html", takes_context=True)
def case_notes(context, person):
    """The latest case notes about a person the reader may see, a link to all of them, and the
    buttons that start a note (and management oversight, for a manager). The page has opened
    the person's record."""
    user, at = context["request"].user, page_moment(context)
    notes = selectors.person_notes(user, person, now=at)[: selectors.LATEST_SHOWN]
    return _buttons(
        context,
        notes=selectors.note_views(user, notes, now=at),
        all_url_person=person.pk,
        subject_field="person",
        subject_id=person.pk,
    )


@register.inclusion_tag("recording/tags/case_notes.html", takes_context=True)
def case_notes_about(context, about_type: str, about_id):
    """The latest case notes belonging to an episode, referral or context, and the button that
    starts one (about the people of that record the reader may open)."""
    user, at = context["request"].user, page_moment(context)
    notes = selectors.about_notes(user, about_type, about_id, now=at)[: selectors.LATEST_SHOWN]
    return _buttons(
        context,
        notes=selectors.note_views(user, notes, now=at),
        subject_field="about_type",
        about_type=about_type,
        subject_id=about_id,
    )


@register.inclusion_tag("recording/tags/drafts.html", takes_context=True)
def your_drafts(context):
    """The signed-in worker's unfinished notes, if they have any."""
    user = context["request"].user
    return {"drafts": selectors.drafts_of(user, now=now()) if user.role in CASE_ROLES else []}
