"""Template tags for the protection and children in need part of a child's statutory page."""

from django import template

from onestory.access.selectors import visible_to
from onestory.core.clock import now

from .. import reference, selectors_protection

register = template.Library()


@register.simple_tag
def protection_overview(person, user, today):
    """What the child's record shows about assessments, children in need and child protection,
    or None when this worker may not open the child (the page then shows nothing of it)."""
    if person is None or not visible_to(user, now=now()).filter(pk=person.pk).exists():
        return None
    return selectors_protection.overview(person, today=today)


@register.inclusion_tag("socialcare/protection/due_tag.html")
def due_tag(due):
    """A RAG tag for a due date (nothing when there is none)."""
    return {"due": due}


@register.filter
def yes_no(value) -> str:
    return "Yes" if value else "No"


@register.filter
def abuse_category(code: str) -> str:
    """The words for a category of abuse code (NEG, PHY, SAB, EMO, MUL)."""
    return reference.ABUSE_CATEGORIES.get(code, code)
