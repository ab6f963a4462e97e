from django import forms

from onestory.core.forms import GovukFormMixin

from . import rules
from .models import LegalHold


class HoldForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.ChoiceField(
        label="Why is the record held?",
        choices=[("", "Choose a reason"), *LegalHold.Reason.choices],
        error_messages={"required": "Choose why the record is held"},
    )
    details = forms.CharField(
        label="Details",
        help_text="For example, the claim's or inquiry's reference. Shown in the access log.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the hold is needed"},
    )


class LiftHoldForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the hold being lifted?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the hold is lifted"},
    )


class RuleForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    trigger = forms.ChoiceField(label="Kept from", choices=())
    years = forms.IntegerField(
        label="For how many years",
        min_value=1,
        max_value=rules.MOST_YEARS,
        error_messages={
            "required": "Enter a number of years",
            "invalid": "Enter a whole number of years",
            "min_value": f"Enter a number of years from 1 to {rules.MOST_YEARS}",
            "max_value": f"Enter a number of years from 1 to {rules.MOST_YEARS}",
        },
    )
    source = forms.CharField(
        label="Where the period comes from",
        help_text="The guidance or council decision it rests on.",
        max_length=300,
        error_messages={"required": "Enter where the period comes from"},
    )
    widths = {"years": 3}

    def __init__(self, *args, record_class: rules.RecordClass, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = [
            (t.value, t.label) for t in rules.TRIGGERS_FOR[record_class]
        ]


class DisposeForm(forms.Form):
    record_class = forms.ChoiceField(choices=[(c.value, c.label) for c in rules.RecordClass])
    record_id = forms.UUIDField()
