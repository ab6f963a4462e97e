"""Early help on other apps' pages (the person page)."""

from django import template

from onestory.core.clock import page_moment

from ..actions.episodes import OPENING_ROLES
from ..models import Episode
from ..selectors import episodes_of_person

register = template.Library()


@register.simple_tag(takes_context=True)
def early_help_for(context, person, user) -> dict:
    """The person's episodes this worker may see, and whether they may start one (nobody starts
    a second while one is open)."""
    episodes = episodes_of_person(user, person, now=page_moment(context))
    return {
        "episodes": episodes,
        "may_start": getattr(user, "role", None) in OPENING_ROLES
        and not any(e.status == Episode.Status.OPEN for e in episodes),
    }
