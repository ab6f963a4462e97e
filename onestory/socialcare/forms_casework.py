"""Forms for the story so far, allocation, moving a case and the caseload settings."""

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin, GovukRadios
from onestory.workforce.models import Worker

from . import reference, rules
from .models import LocalStandard


class StoryForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Story so far",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="One page: who the child is, what has happened, what is being done and why. "
        "Written so the child could read it.",
        error_messages={"required": "Write the child's story so far."},
    )


def _worker_label(worker: Worker) -> str:
    return f"{worker.get_full_name()} ({worker.team})"


class WorkerChoiceMixin:
    def set_workers(self, workers, caseloads: dict):
        field = self.fields["worker"]
        field.queryset = workers
        field.label_from_instance = lambda w: (
            f"{_worker_label(w)}: weighted caseload {caseloads[w.pk].weighted:g} "
            f"of {caseloads[w.pk].limit:g}"
            if w.pk in caseloads
            else _worker_label(w)
        )


class AllocateForm(WorkerChoiceMixin, GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    worker = forms.ModelChoiceField(
        label="Social worker",
        queryset=Worker.objects.none(),
        empty_label="Choose…",
        help_text="Each worker's weighted caseload and limit is shown beside their name",
        error_messages={"required": "Choose the social worker."},
    )
    allocate_anyway = forms.BooleanField(
        label="Allocate anyway: I have agreed this worker goes over their caseload limit",
        required=False,
    )

    def __init__(self, *args, workers, caseloads, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_workers(workers, caseloads)


class MoveCaseForm(WorkerChoiceMixin, GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    worker = forms.ModelChoiceField(
        label="New worker",
        queryset=Worker.objects.none(),
        empty_label="Choose…",
        help_text="Each worker's weighted caseload and limit is shown beside their name",
        error_messages={"required": "Choose the new worker."},
    )
    reason = forms.ChoiceField(
        label="Why is the case moving?",
        choices=[
            (code, label)
            for code, label in reference.SOCIAL_WORKER_CHANGE_REASONS.items()
            if code != reference.FIRST_SOCIAL_WORKER
        ],
        widget=GovukRadios,
        error_messages={"required": "Choose why the case is moving."},
    )
    summary = forms.CharField(
        label="Handover summary",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Drafted from the record. Change it so the new worker knows what matters "
        "most and what to do first.",
        error_messages={"required": "Write the handover summary for the new worker."},
    )
    allocate_anyway = forms.BooleanField(
        label="Move anyway: I have agreed this worker goes over their caseload limit",
        required=False,
    )
    action_field_names = {"allocate_anyway": "allocate_anyway"}

    def __init__(self, *args, workers, caseloads, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_workers(workers, caseloads)


class SettingsForm(GovukFormMixin, forms.Form):
    valid_from = GovukDateField(
        label="From when do these apply?",
        error_messages={"required": "Enter the date the new settings start."},
    )
    limit = forms.DecimalField(
        label="Caseload limit for a full-time worker (weighted)",
        min_value=1,
        max_value=99,
        decimal_places=1,
        error_messages={"required": "Enter the caseload limit, for example 18."},
    )
    widths = {"limit": 4}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in rules.CaseKind:
            self.fields[f"weight_{kind.value}"] = forms.DecimalField(
                label=f"Weight of a case: {kind.label.lower()}",
                min_value=0,
                max_value=10,
                decimal_places=2,
                error_messages={"required": f"Enter the weight of a {kind.label.lower()} case."},
            )
            self.widths[f"weight_{kind.value}"] = 4
        for key in LocalStandard.Key:
            self.fields[key.value] = forms.IntegerField(
                label=key.label,
                min_value=1,
                max_value=120,
                error_messages={"required": f"Enter the local standard: {key.label.lower()}."},
            )
        for name, field in self.fields.items():
            if name.startswith("weight_") or name in LocalStandard.Key.values:
                field.widget.attrs["class"] = "govuk-input govuk-input--width-4"
                field.widget.attrs["inputmode"] = "decimal"

    def weight_fields(self):
        return [self[f"weight_{k.value}"] for k in rules.CaseKind]

    def standard_fields(self):
        return [self[k.value] for k in LocalStandard.Key]


class TaskFilterForm(forms.Form):
    worker = forms.ChoiceField(label="Worker", required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "Everyone")] + [
            (str(w.pk), w.get_full_name()) for w in workers
        ]
        self.fields["worker"].widget.attrs["class"] = "govuk-select"
