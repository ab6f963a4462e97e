"""Forms for letter templates, producing letters, approving, releasing, withdrawing and
recalling them."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukFormMixin, GovukRadios

from . import actions_letters as actions
from . import rules
from .models import Letter, LetterTemplate

KIND_CHOICES = [(k.value, k.label) for k in rules.RecipientKind]


class TemplateForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": actions.NO_NAME}
    )
    kind = forms.ChoiceField(
        label="What kind of letter or report is it?",
        choices=LetterTemplate.Kind.choices,
        widget=GovukRadios,
    )
    recipient_kinds = forms.MultipleChoiceField(
        label="Who may it be produced for?",
        choices=KIND_CHOICES,
        widget=GovukCheckboxes,
        error_messages={"required": actions.NO_KINDS, "invalid_choice": actions.UNKNOWN_KIND},
    )
    body = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
        help_text=(
            "Plain text. Leave a blank line between paragraphs. Write a field from the list "
            "below as {{ child.name }}: it is filled in from the record for each recipient."
        ),
        error_messages={"required": actions.NO_BODY},
    )
    active = forms.BooleanField(
        label="In use (practitioners can produce letters from it)", required=False
    )


class ProduceForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    template = forms.ChoiceField(
        label="Template", widget=GovukRadios, error_messages={"required": actions.NO_TEMPLATE}
    )
    about = forms.ChoiceField(
        label="What is it about?",
        widget=GovukRadios,
        required=False,
        help_text="Invitations need the conference, outcome letters the contact, and so on",
    )
    recipients = forms.MultipleChoiceField(
        label="Who is it for?",
        widget=GovukCheckboxes,
        help_text="Each person gets their own copy, with only what they may be told",
        error_messages={"required": actions.NO_RECIPIENTS, "invalid_choice": actions.NOT_ON_RECORD},
    )

    def __init__(self, *args, templates=(), abouts=(), recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(str(t.pk), t.name) for t in templates]
        self.fields["about"].choices = list(abouts)
        self.fields["recipients"].choices = [
            (r.key, f"{r.name} ({r.kind.label.lower()})") for r in recipients
        ]


class ReleaseForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label="How is it being sent?",
        choices=Letter.ReleaseMethod.choices,
        widget=GovukRadios,
        error_messages={"required": actions.NO_METHOD},
    )


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the letter being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "true"}),
        help_text="For example ‘Produced for the wrong parent’ or ‘The conference has moved’",
        max_length=actions.REASON_LIMIT,
        error_messages={
            "required": actions.NO_WITHDRAW_REASON,
            "max_length": actions.REASON_TOO_LONG.format(limit=actions.REASON_LIMIT),
        },
    )


class RecallForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the letter being recalled?",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "true"}),
        help_text=(
            "For example ‘Sent to an old address’. Say what has been done to get it back. Do not "
            "write an address here"
        ),
        max_length=actions.REASON_LIMIT,
        error_messages={
            "required": actions.NO_RECALL_REASON,
            "max_length": actions.REASON_TOO_LONG.format(limit=actions.REASON_LIMIT),
        },
    )
