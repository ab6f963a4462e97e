from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from .models import Consent
from .rules import CONSENT_PURPOSES, MAX_GRANT_DAYS, MIN_REASON_LENGTH


class SignInForm(GovukFormMixin, forms.Form):
    username = forms.CharField(
        label="Username", max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    widths = {"username": 20, "password": 20}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class SecondFactorForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes",
        max_length=16,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
        }),
    )
    widths = {"token": 10}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = "Enter the security code"


def _reason_field(label: str, hint: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        min_length=MIN_REASON_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "min_length": f"Give a fuller reason (at least {MIN_REASON_LENGTH} characters) so "
                          "a manager can understand it",
        },
    )


class ReasonForm(GovukFormMixin, forms.Form):
    reason = _reason_field(
        "Why do you need to open this record?",
        "Your reason is recorded and the record's team manager is told.",
        "Enter why you need to open this record",
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, worker):
        team = f", {worker.team.name}" if worker.team_id else ""
        return f"{worker.get_full_name() or worker.username} ({worker.get_role_display()}{team})"


class WorkerChoicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, worker):
        return WorkerChoiceField.label_from_instance(self, worker)


class GrantAccessForm(GovukFormMixin, forms.Form):
    worker = WorkerChoiceField(
        label="Who needs access?", queryset=None, empty_label="Choose a worker",
        error_messages={"required": "Choose the worker who needs access",
                        "invalid_choice": "Choose a worker from the list"},
    )
    expires_on = GovukDateField(
        label="Access ends at the end of",
        help_text=f"Up to {MAX_GRANT_DAYS} days from today. For example, 27/03/2027",
        error_messages={"required": "Enter the date the access ends"},
    )
    reason = _reason_field(
        "Why do they need access?",
        "The reason is recorded in the record's access log and shown to the worker.",
        "Enter why they need access",
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class ConsentForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Consent was", choices=Consent.Status.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether consent was given, refused or withdrawn"},
    )
    given_by = forms.CharField(
        label="Who gave, refused or withdrew consent?", max_length=200,
        help_text="For example, the young person, or their mother",
        error_messages={"required": "Enter who gave, refused or withdrew consent"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies does this cover?", queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one agency"},
    )
    purposes = forms.MultipleChoiceField(
        label="What may the information be used for?", required=False,
        choices=list(CONSENT_PURPOSES.items()), widget=forms.CheckboxSelectMultiple,
        help_text="Needed when consent is given",
    )
    valid_from = GovukDateField(
        label="Consent starts on", required=False,
        help_text="Leave empty for today. Refusing or withdrawing always takes effect now.",
    )
    valid_to = GovukDateField(
        label="Consent ends on", required=False,
        help_text="Leave empty if consent has no end date. For example, 27/03/2027",
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    widths = {"given_by": 20}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies


class RestrictForm(GovukFormMixin, forms.Form):
    reason = _reason_field(
        "Why is this record restricted?",
        "For example, a member of staff is a relative. The reason is shown in the access log.",
        "Enter why the record is restricted",
    )
    named = WorkerChoicesField(
        label="Who may open it?", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the people you choose will be able to open the record. You can add "
                  "others afterwards.",
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named"].queryset = workers


class NameWorkerForm(GovukFormMixin, forms.Form):
    worker = WorkerChoiceField(
        label="Add someone who may open this record", queryset=None,
        empty_label="Choose a worker",
        error_messages={"required": "Choose the worker to add",
                        "invalid_choice": "Choose a worker from the list"},
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class LiftRestrictionForm(GovukFormMixin, forms.Form):
    reason = _reason_field(
        "Why is the restriction being lifted?",
        "The reason is shown in the access log.",
        "Enter why the restriction is being lifted",
    )


class UnusualAccessDayForm(GovukFormMixin, forms.Form):
    day = GovukDateField(label="Day", error_messages={"required": "Enter the day to look at."})
