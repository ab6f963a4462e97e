"""Documents shown on the person page, which may not import documents: the latest documents
on the record this worker may see, the links to all of them and to add one, and to the
record's letters and reports for those who produce them.
`{% load documents %}` in the template, then `{% person_documents person user %}`."""

from django import template

from onestory.core.clock import page_moment
from onestory.workforce.rules import CASE_ROLES

from ..selectors_documents import documents_on
from ..selectors_letters import MAY_PRODUCE

register = template.Library()
LATEST_SHOWN = 3


@register.inclusion_tag("documents/document_person_section.html", takes_context=True)
def person_documents(context, person, user):
    """The person page has already opened (and audited) the record."""
    if getattr(user, "role", None) not in CASE_ROLES:
        return {"shown": False}
    documents = documents_on(user, person, now=page_moment(context))
    latest = list(documents[:LATEST_SHOWN])
    return {
        "shown": True,
        "person": person,
        "latest": latest,
        # Counted only when there may be more than the page shows.
        "count": documents.count() if len(latest) == LATEST_SHOWN else len(latest),
        "letters": user.role in MAY_PRODUCE,
    }
