# ruff: noqa: E501 (a template's paragraphs are one line each, as the council types them)
"""The four letters and reports every council starts with, written from the field catalogue.
The council edits them afterwards (documents:template-edit); loading again adds only those
missing, so a council's own wording is never overwritten."""

from datetime import datetime

from django.db import transaction

from onestory.access import audit

from .models import LetterTemplate
from .rules import RecipientKind as K

OUTCOME_LETTER = """{{ today }}

{{ recipient.name }}
{{ recipient.address }}

Our reference: {{ record.reference }}

Dear {{ recipient.name }},

Thank you for contacting children's services on {{ contact.date }} about {{ child.name }} (born {{ child.date_of_birth }}).

You told us: {{ contact.what_happened }}

We have looked at what you told us alongside what we already know. Our decision: {{ contact.outcome }}.

Referrer: {{ referrer.name }}, {{ referrer.agency }}.

If you are still worried about {{ child.first_name }}, or things change, contact us again straight away.

Yours sincerely,

{{ worker.name }}
{{ worker.job_title }}, {{ team.name }}
{{ council.name }}"""

CONFERENCE_INVITATION = """{{ recipient.name }}
{{ recipient.address }}

{{ today }}

Our reference: {{ record.reference }}

Dear {{ recipient.name }},

Invitation to a child protection conference about {{ child.name }}

You are invited to a conference about {{ child.name }} (born {{ child.date_of_birth }}) on {{ conference.date }} ({{ conference.kind }}). The conference is chaired by {{ conference.chair }}, who is independent of the social workers working with your family.

At the conference, everyone who knows {{ child.first_name }} shares what is going well and what worries them, and together we decide whether {{ child.first_name }} needs a child protection plan.

We are also inviting {{ other_parent.name }}, whom we will write to at:
{{ other_parent.address }}

You may bring a friend, relative or advocate with you. If you need an interpreter or help to take part, tell your social worker before the conference.

Yours sincerely,

{{ worker.name }}
{{ worker.job_title }}, {{ team.name }}
{{ council.name }}"""

CHILD_PROTECTION_PLAN = """Child protection plan for {{ child.name }}

Date of birth: {{ child.date_of_birth }}
Address: {{ child.address }}
Record reference: {{ record.reference }}

The plan started on {{ plan.start_date }} under the category {{ plan.category }}. It will next be reviewed on {{ plan.next_review }}.

Parents and carers: {{ parent.name }}
Foster carers: {{ carer.name }}
Foster carers' address: {{ carer.address }}

What other agencies have told us

Police: {{ police.information }}

Social worker: {{ worker.name }}, {{ team.name }}, {{ council.name }}
Prepared on {{ today }} for {{ recipient.name }}."""

ASSESSMENT_REPORT = """Assessment report about {{ child.name }}

Prepared on {{ today }} for {{ recipient.name }}
Record reference: {{ record.reference }}

{{ child.name }}, born {{ child.date_of_birth }}, lives at:
{{ child.address }}

What the family told us

{{ assessment.family_views }}

What we think is happening and why

{{ assessment.summary }}

What happens next: {{ assessment.outcome }}

Other people in {{ child.first_name }}'s life: {{ other_parent.name }}, living at {{ other_parent.address }}. Adopters: {{ adopters.name }}, {{ adopters.address }}.

Information from the police: {{ police.information }}

Written by {{ worker.name }}, {{ worker.job_title }}, {{ team.name }}, {{ council.name }}."""

DEFAULTS = [
    (
        "Outcome letter to a referrer",
        LetterTemplate.Kind.OUTCOME_LETTER,
        OUTCOME_LETTER,
        [K.REFERRER, K.COUNCIL_STAFF],
    ),
    (
        "Invitation to a child protection conference",
        LetterTemplate.Kind.CONFERENCE_INVITATION,
        CONFERENCE_INVITATION,
        [K.PARENT, K.PARENT_ALLEGED_HARM, K.CHILD, K.PROFESSIONAL, K.COUNCIL_STAFF],
    ),
    (
        "Child protection plan",
        LetterTemplate.Kind.CHILD_PROTECTION_PLAN,
        CHILD_PROTECTION_PLAN,
        [K.PARENT, K.PARENT_ALLEGED_HARM, K.CHILD, K.PROFESSIONAL, K.COUNCIL_STAFF],
    ),
    (
        "Assessment report for the family",
        LetterTemplate.Kind.ASSESSMENT_REPORT,
        ASSESSMENT_REPORT,
        [K.PARENT, K.PARENT_ALLEGED_HARM, K.CHILD, K.COUNCIL_STAFF],
    ),
]


def load_default_templates(*, acting_user=None, now: datetime) -> list[LetterTemplate]:
    """Add each default template the council does not have yet (by name); return those added."""
    added = []
    with transaction.atomic():
        for name, kind, body, kinds in DEFAULTS:
            if LetterTemplate.objects.filter(name=name).exists():
                continue
            template = LetterTemplate(
                name=name,
                kind=kind,
                body=body,
                recipient_kinds=[str(k) for k in kinds],
                updated_by=acting_user,
            )
            template.full_clean()
            template.save()
            audit.record(
                actor=acting_user,
                action="create",
                at=now,
                obj=template,
                detail={"page": "letter template", "default": True},
            )
            added.append(template)
    return added
