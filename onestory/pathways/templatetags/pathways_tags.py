"""The pathways section of the person page, loaded for the worker looking at it."""

from django import template

from onestory.core.clock import page_moment

from .. import selectors

register = template.Library()


@register.inclusion_tag("pathways/includes/person_pathways.html", takes_context=True)
def pathways_for(context, person, user) -> dict:
    """A child's flags, panel referrals and contexts, as far as this worker may see them."""
    if person is None or not getattr(user, "is_authenticated", False):
        return {"shown": False}
    return selectors.person_section(user, person, now=page_moment(context))
