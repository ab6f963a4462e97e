"""Casework on other pages (the person page) and the words and tags of tasks and caseloads."""

from django import template

from onestory.core.clock import now, today_in_london

from .. import rules, selectors

register = template.Library()

RAG_TAGS = {
    rules.Rag.RED: ("govuk-tag--red", "Overdue"),
    rules.Rag.AMBER: ("govuk-tag--yellow", "Due soon"),
    rules.Rag.GREEN: ("govuk-tag--green", "On track"),
}
STATUS_TAGS = {
    rules.CaseloadStatus.OVER: ("govuk-tag--red", "Over the limit"),
    rules.CaseloadStatus.NEAR: ("govuk-tag--yellow", "Near the limit"),
    rules.CaseloadStatus.WITHIN: ("govuk-tag--green", "Within the limit"),
}


@register.simple_tag
def social_care_for(person, user) -> dict:
    """Whether to show the social care aside on the person page, and the child's count of
    social workers in the last 12 months (only for social workers and their managers)."""
    if getattr(user, "role", None) not in selectors.CASEWORK_ROLES:
        return {"show": False}
    today = today_in_london(now())
    return {
        "show": True,
        "social_workers": selectors.social_workers_in_last_year([person.pk], today=today)[
            person.pk
        ],
    }


@register.inclusion_tag("socialcare/includes/rag_tag.html")
def rag_tag(rag):
    css, words = RAG_TAGS[rules.Rag(rag)]
    return {"css": css, "words": words}


@register.inclusion_tag("socialcare/includes/rag_tag.html")
def caseload_tag(status):
    css, words = STATUS_TAGS[rules.CaseloadStatus(status)]
    return {"css": css, "words": words}


@register.filter
def kind_label(kind) -> str:
    return rules.CaseKind(kind).label


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)
