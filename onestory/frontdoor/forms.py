"""The front door's forms: what a request for support asks, and what a decision records."""

from django import forms

from onestory.core.forms import (
    GovukCheckboxes,
    GovukDateField,
    GovukFormMixin,
    GovukRadios,
    GovukTimeField,
)

from . import rules
from .models import Contact, ContactPerson, InformationRequest

BLANK = [("", "Choose…")]


class ConsentQuestions(forms.Form):
    """What a request for support and a step up both ask: consent, and immediate danger.

    Forms built on it name their own fields in `field_order`, so these come last, as on the page
    (and in the error summary).
    """

    consent = forms.ChoiceField(
        label="Did the family agree to their information being shared with the front door?",
        choices=[(c.value, c.label) for c in rules.Consent],
        widget=GovukRadios,
        error_messages={
            "required": "Say whether the family agreed to their information being shared."
        },
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


class RequestForm(GovukFormMixin, ConsentQuestions):
    field_order = [
        "form_token",
        "referrer_name",
        "referrer_job_title",
        "referrer_agency_name",
        "referrer_contact",
        "channel",
        "referral_source",
        "what_happened",
        "family_knows",
    ]
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    referrer_name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter the name of the person who is worried."},
    )
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
        error_messages={
            "required": "Give a phone number or email address so the front door can reach you "
            "today."
        },
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
        error_messages={"required": "Say what has happened and why you are worried."},
        help_text="Say what you saw or heard, when, and what the child said, in their words if "
        "you can",
    )
    family_knows = forms.CharField(
        label="What does the family know about this request?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
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
        widget=GovukRadios,
        error_messages={"required": "Choose the decision."},
    )
    level = forms.TypedChoiceField(
        label="Level of need", coerce=int, required=False, empty_value=None
    )
    rationale = forms.CharField(
        label="Why this decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Explain the decision: what you weighed up and why this is the right help."
        },
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
        widget=GovukRadios,
        error_messages={"required": "Choose whether you agree with the decision."},
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


# --- Step up, step down, strategy discussions and the council's settings ---------------------
# (Forms for views_steps.py and views_settings.py.)


def _people_choices(people) -> list[tuple[str, str]]:
    def label(person):
        born = (
            f"born {person.date_of_birth:%-d %B %Y}"
            if person.date_of_birth
            else "unborn"
            if person.expected_date_of_birth
            else "date of birth not known"
        )
        return f"{person.full_name} ({born})"

    return [(str(p.pk), label(p)) for p in people]


class CarryPeopleMixin:
    """The children and adults a step up or down carries over, from the records offered."""

    def _offer(self, *, children, adults) -> None:
        self.fields["child_ids"].choices = _people_choices(children)
        self.fields["adult_ids"].choices = _people_choices(adults)
        self._ids = {str(p.pk): p.pk for p in [*children, *adults]}

    def chosen(self, name: str) -> list:
        """The ids ticked in `name`, as the records' own keys."""
        return [self._ids[value] for value in self.cleaned_data.get(name, [])]


class StepUpForm(CarryPeopleMixin, GovukFormMixin, ConsentQuestions):
    field_order = ["form_token", "child_ids", "adult_ids", "what_has_changed", "handover_summary"]
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    child_ids = forms.MultipleChoiceField(
        label="Which children need the front door?",
        widget=GovukCheckboxes,
        error_messages={"required": "Choose at least one child to step up."},
    )
    adult_ids = forms.MultipleChoiceField(
        label="Which adults in their household should the front door know about?",
        widget=GovukCheckboxes,
        required=False,
    )
    what_has_changed = forms.CharField(
        label="What has changed, and why is early help not enough?",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Say what has changed and why early help is not enough."},
        help_text="Say what happened, when, and what worries you now",
    )
    handover_summary = forms.CharField(
        label="Handover summary",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text="Drafted from the record: who works with the family and what happened "
        "lately. Add what has worked and what has not.",
    )

    def __init__(self, *args, children, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer(children=children, adults=adults)


class StepDownForm(CarryPeopleMixin, GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    child_ids = forms.MultipleChoiceField(
        label="Which children are stepping down to early help?",
        widget=GovukCheckboxes,
        error_messages={"required": "Choose at least one child to step down."},
    )
    adult_ids = forms.MultipleChoiceField(
        label="Which adults in their household will early help work with?",
        widget=GovukCheckboxes,
        required=False,
    )
    early_help_team = forms.ModelChoiceField(
        label="Early help team",
        queryset=None,
        empty_label="Choose…",
        error_messages={"required": "Choose the early help team that will take the family."},
    )
    level = forms.TypedChoiceField(
        label="Level of need",
        coerce=int,
        empty_value=None,
        widget=GovukRadios,
        error_messages={"required": "Choose the level of need."},
    )
    handover_summary = forms.CharField(
        label="Handover summary",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": "Write a handover summary: what the family needs, what has worked, and "
            "who knows them."
        },
        help_text="What the family needs, what has worked, and who knows them. Drafted from the "
        "record: change it to suit.",
    )
    rationale = forms.CharField(
        label="Why is early help now the right help?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Explain why early help is now the right help."},
    )

    def __init__(self, *args, children, adults, teams, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer(children=children, adults=adults)
        self.fields["early_help_team"].queryset = teams
        self.fields["level"].choices = [(lv.level, f"Level {lv.level}: {lv.name}") for lv in levels]


class StrategyDiscussionForm(GovukFormMixin, forms.Form):
    action_field_names = {"held_at": "held_on"}

    held_on = GovukDateField(
        label="Date it was held",
        error_messages={"required": "Enter the date the strategy discussion was held."},
    )
    held_time = GovukTimeField(
        label="Time it started",
        error_messages={"required": "Enter the time the strategy discussion started."},
    )
    agencies_present = forms.MultipleChoiceField(
        label="Which agencies took part?",
        choices=list(rules.STRATEGY_AGENCIES.items()),
        widget=GovukCheckboxes,
        error_messages={
            "required": "A strategy discussion needs at least children's social care and the "
            "police."
        },
        help_text="Select all that apply. Children's social care and the police must take part.",
    )
    summary = forms.CharField(
        label="Summary of the discussion",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Summarise what was shared and why the discussion decided this."
        },
        help_text="What each agency shared, and why the discussion decided what it did",
    )
    outcome = forms.ChoiceField(
        label="What did the strategy discussion decide?",
        choices=list(rules.STRATEGY_OUTCOMES.items()),
        widget=GovukRadios,
        error_messages={"required": "Choose what the strategy discussion decided."},
    )
    widths = {"held_time": 5}


class LevelRenameForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "This page is out of date. Open it again from the settings."},
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter the level's new name."},
    )
    description = forms.CharField(
        label="What the level means",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Shown to screeners when they choose a level of need",
    )
    valid_from = GovukDateField(
        label="Use the new name from",
        error_messages={"required": "Enter the date the change starts from."},
        help_text="Today or later. Decisions made before this date keep the old name. "
        "For example, 27/03/2027",
    )

    def with_version(self, version: int) -> "LevelRenameForm":
        """The same input, carrying the level's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data)
        fresh.is_valid()
        return fresh


class SignOffChangeForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Which decisions?",
        choices=[(o.value, o.label) for o in rules.Outcome],
        widget=GovukRadios,
        error_messages={"required": "Choose the kind of decision."},
    )
    needs_sign_off = forms.TypedChoiceField(
        label="Must a manager sign these decisions off before they take effect?",
        choices=[("yes", "Yes, a manager signs them off"), ("no", "No, they take effect at once")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=GovukRadios,
        error_messages={"required": "Say whether a manager must sign these decisions off."},
    )
    valid_from = GovukDateField(
        label="From",
        error_messages={"required": "Enter the date the change starts from."},
        help_text="Today or later. For example, 27/03/2027",
    )
