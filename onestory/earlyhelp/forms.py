"""Forms for opening an early help episode, the family's consent, the lead professional and
closure. The step up to the front door uses the front door's own form."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin, GovukRadios
from onestory.workforce.models import Agency, Worker
from onestory.workforce.rules import CASE_ROLES

from . import rules


class ConsentFields(forms.Form):
    consent_given_by = forms.CharField(
        label="Who in the family agreed?",
        max_length=200,
        help_text="For example “Mother, Amina Khan” or “Jordan (aged 15) and his father”",
        error_messages={"required": "Say who in the family agreed to early help."},
    )
    consent_given_on = GovukDateField(
        label="When did they agree?",
        error_messages={"required": "Enter the date the family agreed."},
    )


class OpenByAgencyForm(GovukFormMixin, ConsentFields):
    field_order = ["form_token", "others", "what_the_family_wants"]
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    others = forms.MultipleChoiceField(
        label="Who else in the household is part of the early help?",
        widget=GovukCheckboxes,
        required=False,
        help_text="The family's consent will cover everyone you choose. You will see their "
        "records once it is recorded.",
    )
    what_the_family_wants = forms.CharField(
        label="What does the family want help with?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="In the family's own words, if you can",
    )

    def __init__(self, *args, household: list[tuple], **kwargs):
        """`household` is a list of (person, label) the worker may include."""
        super().__init__(*args, **kwargs)
        self.fields["others"].choices = [(str(p.pk), label) for p, label in household]
        self._people = {str(p.pk): p for p, _ in household}

    def chosen_people(self) -> list:
        return [self._people[value] for value in self.cleaned_data.get("others", [])]


class EpisodeConsentForm(GovukFormMixin, ConsentFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agencies = forms.ModelMultipleChoiceField(
        label="Which other agencies did the family agree may work with them and see their records?",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Agencies already covered stay covered. Hold Ctrl (or Cmd) to choose more "
        "than one.",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies


class LeadProfessionalForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    worker = forms.ModelChoiceField(
        label="New lead professional",
        queryset=Worker.objects.none(),
        empty_label="Choose…",
        help_text="The lead professional can be from any agency working with the family",
        error_messages={"required": "Choose the new lead professional."},
    )
    handover_note = forms.CharField(
        label="Handover note",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What the family needs, what is working, and what is due next",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = (
            Worker.objects.filter(is_active=True, role__in=list(CASE_ROLES))
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        self.fields["worker"].label_from_instance = lambda w: (
            f"{w.get_full_name()}, {w.job_title or w.get_role_display()} ({w.agency})"
        )


class CloseForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Why is early help ending?",
        choices=[
            (c.value, rules.CLOSURE_LABELS[c])
            for c in rules.Closure
            if c != rules.Closure.STEPPED_UP
        ],
        widget=GovukRadios,
        help_text="To ask children's social care for help, step the family up instead",
        error_messages={"required": "Choose why early help is ending."},
    )
    summary = forms.CharField(
        label="Closing summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What changed for the family, and why",
        error_messages={"required": "Write a closing summary."},
    )
