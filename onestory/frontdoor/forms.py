"""The front door's forms: what a request for support asks, and what a decision records."""

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin

from . import rules
from .models import Contact, ContactPerson, InformationRequest

BLANK = [("", "Choose…")]


class RequestForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    referrer_name = forms.CharField(label="Your name", max_length=200, required=False)
    referrer_job_title = forms.CharField(label="Your job title", max_length=200, required=False)
    referrer_agency_name = forms.CharField(
        label="Your organisation",
        max_length=200,
        required=False,
        help_text="For example the school, GP practice or police team",
    )
    referrer_contact = forms.CharField(
        label="Phone number or email address",
        max_length=200,
        required=False,
        help_text="The front door may call you today to talk about this request",
    )
    channel = forms.ChoiceField(
        label="How the request came in",
        choices=[
            (c.value, c.label)
            for c in (Contact.Channel.PHONE, Contact.Channel.EMAIL, Contact.Channel.ONLINE)
        ],
        required=False,
    )
    referral_source = forms.ChoiceField(
        label="Who is the request from",
        choices=BLANK + list(rules.REFERRAL_SOURCES.items()),
        required=False,
        help_text="The children in need census's referral source",
    )
    what_happened = forms.CharField(
        label="What has happened, and why are you worried?",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="Say what you saw or heard, when, and what the child said, in their words if "
        "you can",
    )
    family_knows = forms.CharField(
        label="What does the family know about this request?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    consent = forms.ChoiceField(
        label="Did the family agree to their information being shared with the front door?",
        choices=[(c.value, c.label) for c in rules.Consent],
        widget=forms.RadioSelect,
        required=False,
    )
    consent_explanation = forms.CharField(
        label="Why was consent refused or not asked for?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Consent is not needed when a child may be at risk of significant harm",
    )
    immediate_danger = forms.BooleanField(
        label="A child is in immediate danger",
        required=False,
        help_text="The front door will call a strategy discussion today. If a child is in danger "
        "right now, also call 999.",
    )
    widths = {"referrer_contact": 20}


class NamedPersonForm(GovukFormMixin, forms.Form):
    role = forms.ChoiceField(label="Who they are", choices=ContactPerson.Role.choices)
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    relationship_to_child = forms.CharField(
        label="Relationship to the child",
        max_length=100,
        required=False,
        help_text="For adults, for example mother, stepfather, lodger",
    )
    address = forms.CharField(label="Address", max_length=300, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    upn = forms.CharField(label="Unique pupil number (UPN)", max_length=16, required=False)
    nhs_number = forms.CharField(label="NHS number", max_length=14, required=False)
    widths = {"postcode": 10, "upn": 20, "nhs_number": 10}

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return any(
            data.get(f)
            for f in (
                "given_name",
                "family_name",
                "date_of_birth",
                "address",
                "postcode",
                "upn",
                "nhs_number",
            )
        )


NamedPeopleFormSet = forms.formset_factory(NamedPersonForm, extra=0, max_num=20, absolute_max=20)


def people_formset(data=None, *, add_one: bool = False):
    """The people named in a request: a child and a parent to start, one more on request."""
    if data is not None and add_one:
        data = data.copy()
        key = "people-TOTAL_FORMS"
        data[key] = str(min(int(data.get(key) or 0) + 1, 20))
    initial = None if data is not None else [{"role": "child"}, {"role": "parent"}]
    return NamedPeopleFormSet(data, initial=initial, prefix="people")


class LinkForm(GovukFormMixin, forms.Form):
    person_id = forms.UUIDField(widget=forms.HiddenInput)


class CreateRecordForm(GovukFormMixin, forms.Form):
    none_of_the_matches = forms.BooleanField(
        label="None of the records found is this person", required=False
    )


class AssignForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    worker = forms.ModelChoiceField(label="Screener", queryset=None, required=False)

    def __init__(self, *args, screeners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = screeners


class InformationRequestForm(GovukFormMixin, forms.Form):
    agency_kind = forms.ChoiceField(
        label="Agency asked",
        choices=BLANK + list(InformationRequest.AgencyKind.choices),
        required=False,
    )
    asked_of = forms.CharField(
        label="Who you asked",
        max_length=200,
        required=False,
        help_text="A team or a named person, and how you asked",
    )
    question = forms.CharField(
        label="What you asked", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reply_within_hours = forms.TypedChoiceField(
        label="Reply needed within",
        coerce=int,
        initial=4,
        choices=[(1, "1 hour"), (2, "2 hours"), (4, "4 hours"), (8, "8 hours"), (24, "24 hours")],
    )


class ReplyForm(GovukFormMixin, forms.Form):
    reply = forms.CharField(
        label="What they told you", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class DecisionForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[(o.value, o.label) for o in rules.Outcome],
        widget=forms.RadioSelect,
        required=False,
    )
    level = forms.TypedChoiceField(
        label="Level of need", coerce=int, required=False, empty_value=None
    )
    rationale = forms.CharField(
        label="Why this decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What you weighed up: the worry, what is known, the family's strengths, and "
        "the information from partner agencies",
    )
    referral_source = forms.ChoiceField(
        label="Referral source", choices=list(rules.REFERRAL_SOURCES.items()), required=False
    )
    primary_need = forms.ChoiceField(
        label="Primary need (statutory referral and strategy discussion)",
        choices=BLANK + list(rules.PRIMARY_NEEDS.items()),
        required=False,
    )
    signposting = forms.CharField(
        label="Universal services the family can use (no further action)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    early_help_team = forms.ModelChoiceField(
        label="Early help team", queryset=None, required=False, empty_label="Choose…"
    )
    lead_professional = forms.ModelChoiceField(
        label="Or a lead professional from a partner agency",
        queryset=None,
        required=False,
        empty_label="Choose…",
    )
    social_work_team = forms.ModelChoiceField(
        label="Social work team (statutory referral and strategy discussion)",
        queryset=None,
        required=False,
        empty_label="Choose…",
    )
    referrer_message = forms.CharField(
        label="What the referrer will be told",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Drafted from the decision; change it to suit. Partners read it in onestory.",
    )

    def __init__(
        self, *args, levels, early_help_teams, lead_professionals, social_work_teams, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = BLANK + [
            (lv.level, f"{lv.level}: {lv.name}") for lv in levels
        ]
        self.fields["early_help_team"].queryset = early_help_teams
        self.fields["lead_professional"].queryset = lead_professionals
        self.fields["social_work_team"].queryset = social_work_teams


class SignOffForm(GovukFormMixin, forms.Form):
    agree = forms.TypedChoiceField(
        label="Do you agree with this decision?",
        choices=[("yes", "Yes, sign it off"), ("no", "No, return it to the screener")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when you return a decision: say what to look at",
    )


class CloseForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why does this contact need no decision?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: repeats contact FD-… about the same worry",
    )
