"""Forms for referring a family to a directory service and following the referral through."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukFormMixin, GovukRadios

from .actions import referrals as actions

ANSWER_CHOICES = [("accepted", "The service accepted the referral"), ("declined", "It declined")]
ATTENDED_CHOICES = [("yes", "Yes, the family attended"), ("no", "No, the family did not attend")]


def _text(label: str, *, required_message: str | None = None, rows: int = 4, **kwargs):
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required_message is not None,
        **kwargs,
    )


class ServiceSearchForm(GovukFormMixin, forms.Form):
    """Search the directory for a service (sent by GET; nothing is required)."""

    q = forms.CharField(
        label="Search the service directory",
        required=False,
        max_length=200,
        help_text="A service's name, who runs it or what it helps with, for example parenting",
    )
    category = forms.ChoiceField(label="Category", required=False, choices=[])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category"), *[(c, c) for c in categories]]


class ReferralForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    people = forms.MultipleChoiceField(
        label="Who in the family are you referring?",
        widget=GovukCheckboxes,
        error_messages={
            "required": actions.NO_PEOPLE,
            "invalid_choice": actions.NOT_IN_FAMILY,
        },
    )
    reason = _text(
        "Why are you referring them?",
        required_message=actions.NO_REASON,
        help_text="What the family would like help with: the service reads this",
    )

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(str(o.person.pk), o.label) for o in offered]


class DecideForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label="What did the service say?",
        choices=ANSWER_CHOICES,
        widget=GovukRadios,
        error_messages={"required": actions.NO_ANSWER},
    )
    declined_reason = _text(
        "If it declined, why?",
        rows=3,
        help_text="Needed when the service declined: the family's record keeps the reason",
    )
    action_field_names = {"accepted": "answer"}

    def clean(self):
        data = super().clean()
        if data.get("answer") == "declined" and not (data.get("declined_reason") or "").strip():
            self.add_error("declined_reason", actions.NO_DECLINED_REASON)
        return data

    @property
    def accepted(self) -> bool | None:
        answer = self.cleaned_data.get("answer")
        return None if not answer else answer == "accepted"

    def with_version(self, version: int) -> "DecideForm":
        """The same input, carrying the referral's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh


class CloseForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attended = forms.ChoiceField(
        label="Did the family attend the service?",
        choices=ATTENDED_CHOICES,
        widget=GovukRadios,
        error_messages={"required": actions.NO_ATTENDED},
    )
    outcome = _text(
        "What came of the referral?",
        required_message=actions.NO_OUTCOME,
        rows=3,
        help_text="For example how often they went and what changed: it goes into each family "
        "member's chronology",
    )

    @property
    def attended_value(self) -> bool | None:
        answer = self.cleaned_data.get("attended")
        return None if not answer else answer == "yes"

    def with_version(self, version: int) -> "CloseForm":
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh
