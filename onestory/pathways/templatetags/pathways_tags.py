"""The pathways section of the person page, loaded for the worker looking at it."""

from django import template

from onestory.core.clock import now

from .. import selectors

register = template.Library()


@register.inclusion_tag("pathways/includes/person_pathways.html")
def pathways_for(person, user) -> dict:
    """A child's flags, panel referrals and contexts, as far as this worker may see them."""
    if person is None or not getattr(user, "is_authenticated", False):
        return {"shown": False}
    return selectors.person_section(user, person, now=now())
