"""Input for subject access requests. What was typed stays in the form when it is refused."""

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from . import rules


class FindPersonForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the person the request is about",
        max_length=200,
        error_messages={"required": "Enter a name to search for."},
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False)


class LogRequestForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    person_id = forms.UUIDField(
        error_messages={
            "required": "Choose the person the request is about.",
            "invalid": "Choose the person the request is about.",
        }
    )
    requester = forms.ChoiceField(
        choices=[(r.value, r.label) for r in rules.Requester],
        error_messages={"required": "Choose who asked."},
    )
    requester_name = forms.CharField(
        label="The requester's name and how they are related",
        max_length=200,
        required=False,
        help_text="Only when someone asks for the person, for example “Jane Doe, mother”",
    )
    received_on = GovukDateField(
        label="Date received",
        error_messages={"required": "Enter the date the request was received."},
    )
    identity_verified = forms.ChoiceField(
        label="Has the requester's identity been verified?",
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Say whether the requester's identity has been verified."},
    )
    identity_evidence = forms.CharField(
        label="How was it verified?",
        max_length=300,
        required=False,
        help_text="For example: passport seen at the hub; a care leaver known to their adviser",
    )


class ExtendForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(1, "One further month"), (2, "Two further months")],
        error_messages={"required": "Choose an extension of one or two months."},
    )
    reason = forms.CharField(
        label="Why is the request complex or numerous?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the request is complex or numerous."},
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
