"""Template helpers for the early help assessment: where it stands, for the episode page."""

from django import template

from onestory.core.idempotency import new_form_token

from .. import selectors_assessment

register = template.Library()


@register.simple_tag
def assessment_overview(episode):
    """The open draft, the latest completed assessment, and its needs and strengths."""
    return selectors_assessment.overview(episode)


@register.simple_tag
def assessment_form_token() -> str:
    """A one-time token for the "Start the assessment" form."""
    return new_form_token()
