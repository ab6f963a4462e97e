"""Forms for children in care, care leavers and homeless 16-17 year olds."""

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin, GovukRadios, GovukTimeField
from onestory.workforce.models import Worker

from . import reference
from .actions.common import WORKING_ROLES
from .models import HealthCheck, HomelessAssessment

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]


def _codes(codes: dict, *, empty: str | None = "Choose…") -> list[tuple[str, str]]:
    options = [(code, f"{label} ({code})") for code, label in codes.items()]
    return ([("", empty)] if empty is not None else []) + options


def _date(label: str, *, required: str | None = None, help_text=None):
    kwargs = {"label": label, "required": required is not None}
    if required:
        kwargs["error_messages"] = {"required": required}
    if help_text:
        kwargs["help_text"] = help_text
    return GovukDateField(**kwargs)


def _text(label: str, *, required: str | None = None, rows: int = 4, help_text=""):
    return forms.CharField(
        label=label,
        required=required is not None,
        error_messages={"required": required} if required else {},
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def yes_no_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "unknown")


class TokenMixin(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlacementFields(forms.Form):
    place = forms.ChoiceField(
        label="Kind of placement",
        choices=_codes(reference.PLACEMENT_TYPES),
        error_messages={"required": "Choose the kind of placement."},
    )
    provider = forms.ChoiceField(
        label="Who provides the placement",
        choices=_codes(
            reference.PLACEMENT_PROVIDERS,
            empty="No provider (temporary or independent living, unregistered, other)",
        ),
        required=False,
    )
    carer = forms.CharField(label="Carer or provider's name", max_length=200, required=False)
    urn = forms.CharField(
        label="Ofsted unique reference number (URN)",
        max_length=10,
        required=False,
        help_text="For a registered placement, for example SC123456",
    )
    long_term = forms.BooleanField(
        label="Meant to last until the child is 18 (long-term placement)", required=False
    )
    home_postcode = forms.CharField(
        label="Home postcode",
        max_length=10,
        required=False,
        help_text="Where the child lived before care; we fill in their current address",
    )
    placement_postcode = forms.CharField(
        label="Placement postcode",
        max_length=10,
        required=False,
        help_text="Any UK postcode, for example LU1 1AA. We work out the distance from home "
        "and whether it is in the council's area",
    )
    widths = {"urn": 10, "home_postcode": 10, "placement_postcode": 10}

    def placement(self) -> dict:
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in (
                "place",
                "provider",
                "carer",
                "urn",
                "long_term",
                "home_postcode",
                "placement_postcode",
            )
        }


class CareStartForm(GovukFormMixin, TokenMixin, PlacementFields):
    starts_on = _date("Day care began", required="Enter the day the child came into care.")
    legal_status = forms.ChoiceField(
        label="Legal status",
        choices=_codes(reference.LEGAL_STATUSES),
        error_messages={"required": "Choose the legal status the child came into care under."},
    )
    field_order = ["form_token", "starts_on", "legal_status"]
    widths = PlacementFields.widths


class LegalStatusForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="New legal status",
        choices=_codes(reference.LEGAL_STATUSES),
        error_messages={"required": "Choose the new legal status."},
    )
    starts_on = _date("Day it began", required="Enter the day the new legal status began.")


class PlacementMoveForm(GovukFormMixin, TokenMixin, PlacementFields):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    starts_on = _date("Day of the move", required="Enter the day the child moved.")
    change_reason = forms.ChoiceField(
        label="Why the placement changed",
        choices=_codes(reference.PLACEMENT_CHANGE_REASONS),
        required=False,
    )
    field_order = ["form_token", "version", "starts_on", "change_reason"]
    widths = PlacementFields.widths

    def __init__(self, *args, first: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if first:
            del self.fields["change_reason"]
            self.fields["starts_on"].label = "Day the placement began"


class PlacementEditForm(GovukFormMixin, VersionMixin, PlacementFields):
    widths = PlacementFields.widths


class CareReviewForm(GovukFormMixin, TokenMixin):
    held_on = _date("Day of the review", required="Enter the day the review was held.")
    participation = forms.ChoiceField(
        label="How the child took part",
        choices=_codes(reference.REVIEW_PARTICIPATION, empty=None),
        widget=GovukRadios,
        error_messages={"required": "Choose how the child took part in the review."},
    )
    chair = forms.CharField(label="Independent reviewing officer", max_length=200, required=False)
    summary = _text("What the review decided", rows=5)


class CareEndForm(GovukFormMixin, VersionMixin):
    ends_on = _date("Day care ended", required="Enter the day care ended.")
    end_reason = forms.ChoiceField(
        label="Why care ended",
        choices=_codes(reference.CARE_END_REASONS),
        error_messages={"required": "Choose why care ended."},
    )


class MissingForm(GovukFormMixin, TokenMixin):
    kind = forms.ChoiceField(
        label="Was the child missing or away?",
        choices=list(reference.MISSING_KINDS.items()),
        widget=GovukRadios,
        error_messages={"required": "Choose whether the child was missing or away."},
    )
    started_on = _date("Day they went", required="Enter the day the child went missing.")
    started_time = GovukTimeField(
        label="Time they went", error_messages={"required": "Enter the time they went."}
    )
    ended_on = _date("Day they came back", help_text="Leave empty if they are not back yet")
    ended_time = GovukTimeField(label="Time they came back", required=False)
    return_interview_offered = forms.ChoiceField(
        label="Was a return interview offered?",
        choices=YES_NO_UNKNOWN,
        widget=GovukRadios,
        initial="unknown",
    )
    return_interview_accepted = forms.ChoiceField(
        label="Did the child accept it?",
        choices=YES_NO_UNKNOWN,
        widget=GovukRadios,
        initial="unknown",
    )
    return_interview_on = _date("Day of the return interview")
    notes = _text("Notes", rows=3)
    widths = {"started_time": 5, "ended_time": 5}
    action_field_names = {"started_at": "started_on", "ended_at": "ended_on"}

    def clean(self):
        data = super().clean()
        if data.get("ended_on") and not data.get("ended_time"):
            self.add_error("ended_time", "Enter the time they came back.")
        return data


class HealthCheckForm(GovukFormMixin, TokenMixin):
    kind = forms.ChoiceField(
        label="Kind of check",
        choices=HealthCheck.Kind.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose the kind of check."},
    )
    done_on = _date("Day of the check", required="Enter the day of the check.")
    score = forms.IntegerField(
        label="Strengths and difficulties score",
        required=False,
        help_text="The questionnaire's total, from 0 to 40",
        error_messages={"invalid": "Enter the score as a whole number from 0 to 40."},
    )
    notes = _text("Notes", rows=3)
    widths = {"score": 2}


class UnaccompaniedForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    arrived_on = _date(
        "Day the child arrived in the UK", required="Enter the day the child arrived in the UK."
    )
    became_looked_after_on = _date("Day the child became looked after")
    national_transfer_scheme = forms.BooleanField(
        label="Came through the National Transfer Scheme", required=False
    )
    age_assessed = forms.BooleanField(label="Age assessed", required=False)
    status_ceased_on = _date(
        "Day they stopped being an unaccompanied asylum-seeking child",
        help_text="For example when they turned 18 or were granted leave as a family member",
    )
    ceased_reason = _text("Why", rows=2)


class CareLeaverForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    personal_adviser = forms.ModelChoiceField(
        label="Personal adviser",
        queryset=Worker.objects.filter(is_active=True, role__in=[str(r) for r in WORKING_ROLES])
        .select_related("team")
        .order_by("last_name", "first_name"),
        empty_label="Choose…",
        error_messages={"required": "Choose the personal adviser."},
    )
    support_to_25 = forms.BooleanField(
        label="The young person asked for support to 25", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personal_adviser"].label_from_instance = lambda w: (
            f"{w.get_full_name() or w.username}, {w.team}"
        )


class PathwayPlanForm(GovukFormMixin, TokenMixin):
    starts_on = _date("Day the plan started", required="Enter the day the plan started.")
    summary = _text(
        "The plan",
        required="Write the plan: what the young person wants and the support agreed.",
        rows=8,
        help_text="Education, work, money, health, where they will live, and who helps",
    )


class PathwayPlanEditForm(GovukFormMixin, VersionMixin):
    summary = _text(
        "The plan",
        required="Write the plan: what the young person wants and the support agreed.",
        rows=8,
    )
    ends_on = _date("Day the plan ended", help_text="Leave empty while the plan is current")


class PathwayReviewForm(GovukFormMixin, TokenMixin):
    held_on = _date("Day of the review", required="Enter the day the review was held.")
    summary = _text(
        "What the review found and agreed", required="Write what the review found and agreed."
    )


class ContactForm(GovukFormMixin, TokenMixin):
    birthday_age = forms.TypedChoiceField(
        label="Birthday", coerce=int, error_messages={"required": "Choose the birthday."}
    )
    contact_on = _date("Day of the contact", required="Enter the day of the contact.")
    in_touch = forms.ChoiceField(
        label="In touch?",
        choices=_codes(reference.IN_TOUCH),
        error_messages={"required": "Choose whether the young person is in touch."},
    )
    activity = forms.ChoiceField(
        label="What they are doing", choices=_codes(reference.ACTIVITIES), required=False
    )
    accommodation = forms.ChoiceField(
        label="Where they live", choices=_codes(reference.ACCOMMODATION_KINDS), required=False
    )
    accommodation_suitable = forms.ChoiceField(
        label="Is the accommodation suitable?",
        choices=YES_NO_UNKNOWN,
        widget=GovukRadios,
        initial="unknown",
    )

    def __init__(self, *args, ages=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .actions.leaving_care import nth

        self.fields["birthday_age"].choices = [("", "Choose…")] + [
            (age, f"{nth(age)} birthday") for age in ages
        ]


class HomelessForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    presented_on = _date(
        "Day they presented to housing",
        required="Enter the day the young person presented as homeless.",
    )
    housing_officer = forms.CharField(
        label="Housing officer",
        max_length=200,
        error_messages={"required": "Enter the housing officer's name."},
    )
    joint_assessment_on = _date("Day of the joint assessment")
    young_persons_wishes = _text("What the young person wants", rows=3)
    advised_of_care_entitlements = forms.BooleanField(
        label="The young person was told what being looked after would mean for them",
        required=False,
        help_text="The support, a personal adviser and leaving-care help to 25, so that any "
        "decision to refuse care is an informed one",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Not decided yet"), *HomelessAssessment.Decision.choices],
        widget=GovukRadios,
        required=False,
    )
    reason = _text("Reason for the decision", rows=3)
    decided_on = _date("Day of the decision")

    def __init__(self, *args, deciding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if deciding:
            for name in ("form_token", "presented_on", "housing_officer"):
                del self.fields[name]
            self.fields["decision"].choices = HomelessAssessment.Decision.choices
            self.fields["decision"].required = True
            self.fields["decision"].error_messages["required"] = "Choose the decision."
        else:
            del self.fields["version"]
