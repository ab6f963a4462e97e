"""Forms for assessments, child in need plans, visits, strategy discussions, section 47
enquiries, child protection conferences and plans, and closing a child in need episode."""

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin, GovukRadios

from . import reference
from .actions.assessment import AUTHORISE, RETURN
from .models import (
    Assessment,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyParticipant,
    Visit,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
CATEGORY_CHOICES = [(code, label) for code, label in reference.ABUSE_CATEGORIES.items()]
# The census's assessment factors, grouped the way a social worker thinks of them.
FACTOR_GROUPS = [
    ("Alcohol and drugs", ["1A", "1B", "1C", "2A", "2B", "2C"]),
    ("Domestic abuse", ["3A", "3B", "3C"]),
    ("Mental health and disability", ["4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C"]),
    (
        "Abuse and neglect",
        ["16A", "17A", "18B", "18C", "19B", "19C", "22A", "23A"],
    ),
    (
        "Exploitation and risks outside the home",
        ["10A", "11A", "12A", "13A", "24A", "14A", "15A"],
    ),
    ("The child's circumstances", ["7A", "8B", "8C", "8D", "8E", "8F", "9A", "20"]),
]
NO_FACTORS = "21"


def _text(label: str, *, required_message: str | None = None, rows: int = 4, **kwargs):
    if required_message:
        kwargs["error_messages"] = {"required": required_message}
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required_message is not None,
        **kwargs,
    )


def _date(label: str, message: str, **kwargs):
    return GovukDateField(label=label, error_messages={"required": message}, **kwargs)


def _radios(label: str, choices, message: str, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=GovukRadios,
        error_messages={"required": message},
        **kwargs,
    )


class TokenForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


class VersionForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Assessments -----------------------------------------------------------------------------


class AssessmentStartForm(TokenForm):
    started_on = _date("Date the assessment started", "Enter the date the assessment started.")


class AssessmentForm(VersionForm):
    factors = forms.MultipleChoiceField(
        label="Factors identified",
        choices=list(reference.ASSESSMENT_FACTORS.items()),
        widget=GovukCheckboxes,
        required=False,
    )
    child_views = _text("The child's views and wishes")
    family_views = _text("The family's views")
    analysis = _text("Analysis", rows=6)
    outcome = forms.ChoiceField(
        label="What should happen next?",
        choices=Assessment.Outcome.choices,
        widget=GovukRadios,
        required=False,
    )
    completed_on = GovukDateField(
        label="Date the assessment was completed",
        required=False,
        help_text="Needed when you submit it. For example, 27/03/2015",
    )

    def clean_factors(self):
        factors = self.cleaned_data["factors"]
        if NO_FACTORS in factors and len(factors) > 1:
            raise forms.ValidationError(
                "'No factors identified' must stand alone: untick it, or untick the factors "
                "you found."
            )
        return factors

    def factor_groups(self):
        """[(legend, [(id, code, label, checked)])] with 'No factors' last on its own."""
        chosen = set(self["factors"].value() or [])
        first = True
        groups = []
        for legend, codes in [*FACTOR_GROUPS, ("Or", [NO_FACTORS])]:
            boxes = []
            for code in codes:
                box_id = "id_factors" if first else f"id_factors-{code}"
                first = False
                boxes.append((box_id, code, reference.ASSESSMENT_FACTORS[code], code in chosen))
            groups.append((legend, boxes))
        return groups


class AuthoriseForm(VersionForm):
    decision = _radios(
        "Your decision",
        [(AUTHORISE, "Authorise the assessment"), (RETURN, "Return it to the social worker")],
        "Choose whether to authorise the assessment or return it.",
    )
    comment = _text(
        "Comment for the social worker",
        help_text="Needed when you return it: say what needs to change.",
    )


# --- Children in need ------------------------------------------------------------------------


class CinPlanStartForm(TokenForm):
    starts_on = _date("Date the plan started", "Enter the date the plan started.")
    what_needs_to_change = _text(
        "What needs to change for the child",
        required_message="Enter what needs to change for the child.",
        rows=6,
    )


class CinPlanEditForm(VersionForm):
    what_needs_to_change = _text(
        "What needs to change for the child",
        required_message="Enter what needs to change for the child.",
        rows=6,
    )


class CinReviewForm(TokenForm):
    held_on = _date("Date of the review", "Enter the date of the review.")
    summary = _text(
        "What the review found and decided",
        required_message="Enter what the review found and decided.",
    )


class PlanEndForm(VersionForm):
    ends_on = _date("Date the plan ended", "Enter the date the plan ended.")
    end_reason = _text("Why the plan ended", required_message="Say why the plan is ending.")


# --- Visits ----------------------------------------------------------------------------------


class VisitForm(TokenForm):
    kind = _radios("Kind of visit", Visit.Kind.choices, "Choose what kind of visit this was.")
    visited_on = _date("Date of the visit", "Enter the date of the visit.")
    child_seen = _radios("Was the child seen?", YES_NO, "Say whether the child was seen.")
    seen_alone = _radios(
        "Was the child seen alone?", YES_NO, "Say whether the child was seen alone."
    )
    notes = _text("Notes")

    def clean(self):
        data = super().clean()
        if data.get("child_seen") == "no" and data.get("seen_alone") == "yes":
            self.add_error("seen_alone", "A child who was not seen cannot have been seen alone.")
        return data


# --- Strategy discussions --------------------------------------------------------------------


class StrategyForm(TokenForm):
    held_on = _date("Date of the discussion", "Enter the date the discussion was held.")
    summary = _text(
        "Summary of the discussion",
        required_message="Enter a summary of the discussion.",
        rows=6,
    )
    outcome = _radios(
        "What did the discussion decide?",
        StrategyDiscussion.Outcome.choices,
        "Choose what the discussion decided.",
    )


class ParticipantForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=200)
    role = forms.CharField(label="Role", required=False, max_length=200)
    agency_kind = forms.ChoiceField(
        label="Agency",
        choices=[("", "Choose an agency"), *StrategyParticipant.AgencyKind.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("role")) and not data.get("agency_kind"):
            self.add_error("agency_kind", "Choose the agency this person came from.")
        return data

    def participant(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("agency_kind"):
            return None
        return {"name": data["name"], "role": data["role"], "agency_kind": data["agency_kind"]}


PARTICIPANT_ROWS = 5
ParticipantFormSet = forms.formset_factory(
    ParticipantForm, extra=PARTICIPANT_ROWS, max_num=PARTICIPANT_ROWS
)


def participant_formset(data=None):
    initial = (
        None
        if data is not None
        else [
            {"agency_kind": StrategyParticipant.AgencyKind.SOCIAL_CARE},
            {"agency_kind": StrategyParticipant.AgencyKind.POLICE},
            {"agency_kind": StrategyParticipant.AgencyKind.HEALTH},
        ]
    )
    formset = ParticipantFormSet(data, initial=initial, prefix="participant")
    formset.extra = PARTICIPANT_ROWS - len(initial or [])
    return formset


# --- Section 47 ------------------------------------------------------------------------------


class Section47StartForm(TokenForm):
    starts_on = _date("Date the enquiry started", "Enter the date the enquiry started.")


class Section47CompleteForm(VersionForm):
    completed_on = _date("Date the enquiry was completed", "Enter the date it was completed.")
    findings = _text("What the enquiry found")
    outcome = _radios(
        "Is an initial child protection conference needed?",
        Section47Enquiry.Outcome.choices,
        "Choose whether an initial conference is needed.",
    )
    not_required_reason = _text(
        "Why no conference is needed", help_text="Needed when no conference is needed."
    )


# --- Conferences and plans -------------------------------------------------------------------


class _ConferenceForm(GovukFormMixin, forms.Form):
    field_order = ["held_on", "decision", "category", "end_reason", "chair", "child_views"]
    held_on = _date("Date of the conference", "Enter the date the conference was held.")
    chair = forms.CharField(label="Chair", max_length=200, required=False)
    child_views = _text("The child's views")
    summary = _text("What the conference decided and why")


class InitialConferenceForm(_ConferenceForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    decision = _radios(
        "What did the conference decide?",
        [
            (ChildProtectionConference.Decision.PLAN, "A child protection plan"),
            (ChildProtectionConference.Decision.NO_PLAN, "No child protection plan"),
        ],
        "Choose whether the conference decided on a plan.",
    )
    category = forms.ChoiceField(
        label="Category of abuse",
        choices=CATEGORY_CHOICES,
        widget=GovukRadios,
        required=False,
        help_text="Needed when there is a plan.",
    )


class ReviewConferenceForm(_ConferenceForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = _radios(
        "What did the conference decide?",
        [
            (ChildProtectionConference.Decision.CONTINUE, "The plan continues"),
            (ChildProtectionConference.Decision.END, "The plan ends"),
        ],
        "Choose whether the plan continues or ends.",
    )
    category = forms.ChoiceField(
        label="Category of abuse now",
        choices=CATEGORY_CHOICES,
        widget=GovukRadios,
        required=False,
        help_text="Needed when the plan continues.",
    )
    end_reason = forms.ChoiceField(
        label="Why the plan ends",
        choices=ChildProtectionPlan.EndReason.choices,
        widget=GovukRadios,
        required=False,
        help_text="Needed when the plan ends.",
    )


class CpPlanEndForm(VersionForm):
    ends_on = _date("Date the plan ended", "Enter the date the plan ended.")
    end_reason = _radios(
        "Why the plan ended",
        [c for c in ChildProtectionPlan.EndReason.choices if c[0] != "no_longer_at_risk"],
        "Choose why the plan ended.",
    )


# --- Closure ---------------------------------------------------------------------------------


class ClosureForm(VersionForm):
    closed_on = _date("Date the episode closed", "Enter the date the episode closed.")
    closure_reason = _radios(
        "Why is the episode closing?",
        list(reference.CIN_CLOSURE_REASONS.items()),
        "Choose why the episode is closing.",
    )
