"""Early help on other apps' pages (the person page)."""

from django import template

from onestory.core.clock import now

from ..actions.episodes import OPENING_ROLES
from ..models import Episode
from ..selectors import episodes_of_person

register = template.Library()


@register.simple_tag
def early_help_for(person, user) -> dict:
    """The person's episodes this worker may see, and whether they may start one (nobody starts
    a second while one is open)."""
    episodes = episodes_of_person(user, person, now=now())
    return {
        "episodes": episodes,
        "may_start": getattr(user, "role", None) in OPENING_ROLES
        and not any(e.status == Episode.Status.OPEN for e in episodes),
    }
