"""Documents shown on the person page, which may not import documents: the latest documents
on the record this worker may see, and the links to all of them and to add one.
`{% load documents %}` in the template, then `{% person_documents person user %}`."""

from django import template

from onestory.core.clock import now
from onestory.workforce.rules import CASE_ROLES

from ..selectors_documents import documents_on

register = template.Library()
LATEST_SHOWN = 3


@register.inclusion_tag("documents/document_person_section.html")
def person_documents(person, user):
    """The person page has already opened (and audited) the record."""
    if getattr(user, "role", None) not in CASE_ROLES:
        return {"shown": False}
    documents = documents_on(user, person, now=now())
    return {
        "shown": True,
        "person": person,
        "latest": list(documents[:LATEST_SHOWN]),
        "count": documents.count(),
    }
