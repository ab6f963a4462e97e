"""Children in care, care leavers and homeless 16-17s on the child's statutory page."""

from django import forms, template

from onestory.access.selectors import visible_to
from onestory.core.clock import now

from .. import reference, rules
from .. import selectors_care as selectors
from ..actions.common import WORKING_ROLES

register = template.Library()

RAG_TAGS = {
    rules.Rag.RED: ("govuk-tag--red", "Overdue"),
    rules.Rag.AMBER: ("govuk-tag--yellow", "Due soon"),
    rules.Rag.GREEN: ("govuk-tag--green", "On track"),
}


@register.simple_tag
def care_record_for(person, user, today):
    """The child's care record for a worker who may open the child and record statutory work;
    None for anyone else."""
    if getattr(user, "role", None) not in WORKING_ROLES:
        return None
    if not visible_to(user, now=now()).filter(pk=person.pk).exists():
        return None
    return selectors.care_record(person, today=today)


@register.filter
def is_radios(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.RadioSelect)


@register.simple_tag
def care_rag(rag) -> dict:
    css, words = RAG_TAGS[rules.Rag(rag)]
    return {"css": css, "words": words}


@register.filter
def legal_status(code: str) -> str:
    return reference.LEGAL_STATUSES.get(code, code)


@register.filter
def placement_type(code: str) -> str:
    return reference.PLACEMENT_TYPES.get(code, code)


@register.filter
def change_reason(code: str) -> str:
    return reference.PLACEMENT_CHANGE_REASONS.get(code, "")


@register.filter
def end_reason(code: str) -> str:
    return reference.CARE_END_REASONS.get(code, code)


@register.filter
def participation(code: str) -> str:
    return reference.REVIEW_PARTICIPATION.get(code, code)


@register.filter
def in_touch(code: str) -> str:
    return reference.IN_TOUCH.get(code, code)


@register.filter
def activity(code: str) -> str:
    return reference.ACTIVITIES.get(code, "")


@register.filter
def accommodation(code: str) -> str:
    return reference.ACCOMMODATION_KINDS.get(code, "")


@register.filter
def category(code: str) -> str:
    return reference.LEAVING_CARE_CATEGORIES.get(code, code)


@register.filter
def where(placement) -> str:
    """Inside or outside the council's area, or outside England."""
    if placement.outside_england:
        return "Outside England"
    if placement.inside_area is None:
        return "Not known"
    return "Inside the council's area" if placement.inside_area else "Outside the council's area"
