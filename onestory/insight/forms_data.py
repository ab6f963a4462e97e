"""The form of the "About the data" page: the day the council's records are complete from."""

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from . import actions_data


class RecordsCoverageForm(GovukFormMixin, forms.Form):
    complete_from = GovukDateField(
        label="The records are complete from",
        help_text="The first day from which every contact, referral, plan and period of care "
        "is in onestory, for example 01/04/2021, the day the council moved to it",
        error_messages={"required": actions_data.NO_DAY},
    )
    note = forms.CharField(
        label="How the records came to begin then (optional)",
        help_text="For example, which system they came from and what was brought across",
        required=False,
        max_length=actions_data.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": actions_data.NOTE_TOO_LONG},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complete_from"].error_messages["invalid"] = (
            "Enter the day as a real date, like 01/04/2021."
        )
