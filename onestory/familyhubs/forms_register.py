"""Forms for registering a family, finding one, changing its details and the session register.

Every message says what is wrong and how to put it right; forms keep what was typed.
"""

from __future__ import annotations

import uuid

from django import forms

from onestory.core.forms import GovukDateField, GovukFormMixin, GovukRadios
from onestory.people import rules as people_rules

from .models import RegisteredPerson, Registration, Site

POSTCODE_PROBLEM = "Enter a real postcode, like LU1 2AB."
NEW_RECORD = "new"


def _date(label: str, *, what: str, help_text: str = "") -> GovukDateField:
    field = GovukDateField(label=label, required=False)
    field.help_text = f"{help_text} For example, 27/03/2015." if help_text else field.help_text
    field.error_messages["invalid"] = f"Enter the {what} as day/month/year, for example 27/03/2015."
    return field


class GivenNameField(forms.CharField):
    """Shown as needed, but checked by the form: a baby not yet born may have no name yet."""

    def validate(self, value):
        pass


class DateOfBirthField(GovukDateField):
    """Shown as needed (no "(optional)"), but checked by the form: a baby not yet born has an
    expected date instead."""

    def validate(self, value):
        pass


SEX_CHOICES = [("U", "Not known or prefer not to say"), ("F", "Female"), ("M", "Male")]
ETHNICITY_CHOICES = [("NOBT", "Not asked yet"), ("REFU", "Prefer not to say")] + [
    (code, label) for code, label in people_rules.ETHNICITY.items() if code not in ("NOBT", "REFU")
]


class PersonDetailsForm(GovukFormMixin, forms.Form):
    """One person the family describes: a child (born or on the way) or an adult.

    `matches` (from selectors_register.possible_matches) adds the question "is this the same
    person?", answered with a record's id or "new"."""

    role = forms.ChoiceField(label="Who are they in the family?", choices=[])
    given_name = GivenNameField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter their last name."},
    )
    date_of_birth = DateOfBirthField(label="Date of birth", required=True)
    expected_date_of_birth = _date(
        "Expected date of birth",
        what="expected date of birth",
        help_text="Only for a baby not born yet: leave the date of birth blank.",
    )
    sex = forms.ChoiceField(label="Sex", choices=SEX_CHOICES, required=False)
    ethnicity = forms.ChoiceField(label="Ethnic group", choices=ETHNICITY_CHOICES, required=False)
    match = forms.ChoiceField(
        label="Is this the same person?",
        choices=[],
        required=False,
        widget=GovukRadios,
    )
    widths = {"given_name": 20, "family_name": 20}
    use_required_attribute = False

    ADULT_ROLES = [
        (RegisteredPerson.Role.CARER.value, RegisteredPerson.Role.CARER.label),
        (RegisteredPerson.Role.EXPECTANT.value, RegisteredPerson.Role.EXPECTANT.label),
    ]

    def __init__(self, *args, kind: str, today, described=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.today = today
        self.described = described
        self.fields["date_of_birth"].error_messages["invalid"] = (
            "Enter the date of birth as day/month/year, for example 27/03/2015."
        )
        if kind == "child":
            self.fields["role"].choices = [("child", "Child")]
            self.fields["role"].initial = "child"
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["role"].required = False
        elif kind == "adult":
            self.fields["role"].choices = self.ADULT_ROLES
            self.fields["role"].initial = RegisteredPerson.Role.CARER.value
            del self.fields["expected_date_of_birth"]
        else:  # anyone, added to a family later
            self.fields["role"].choices = [("child", "Child"), *self.ADULT_ROLES]
        if described is not None and described.matches:
            self.fields["match"].choices = [
                (str(m.person_id), f"Yes, the same person (record {i})")
                for i, m in enumerate(described.matches, start=1)
            ] + [(NEW_RECORD, "No, not them: make a new record")]
            self.fields["match"].label = f"Is {described.full_name} the same person?"
            self.fields["match"].error_messages["required"] = (
                f"Choose whether {described.full_name} is the person already known, or not."
            )
            self.fields["match"].required = True
        else:
            del self.fields["match"]

    @property
    def is_child(self) -> bool:
        return self.kind == "child"

    def clean_given_name(self):
        return self.cleaned_data.get("given_name", "").strip()

    def clean_family_name(self):
        return self.cleaned_data.get("family_name", "").strip()

    def clean_role(self):
        value = self.cleaned_data.get("role")
        return value or ("child" if self.kind == "child" else RegisteredPerson.Role.CARER.value)

    def clean(self):
        data = super().clean()
        born = data.get("date_of_birth")
        expected = data.get("expected_date_of_birth")
        role = data.get("role")
        if role == "child" or self.kind == "child":
            if born is None and expected is None and "date_of_birth" not in self.errors:
                self.add_error(
                    "date_of_birth",
                    "Enter their date of birth, or the expected date of birth for a baby not "
                    "born yet.",
                )
        elif born is None and "date_of_birth" not in self.errors:
            self.add_error(
                "date_of_birth",
                "Enter their date of birth, so we can check whether we already know them.",
            )
        if not data.get("given_name") and expected is None and "given_name" not in self.errors:
            self.add_error(
                "given_name",
                "Enter their first name (for a baby not born yet without a name, leave it "
                "blank and enter the expected date of birth).",
            )
        problems = people_rules.person_details_problems(
            date_of_birth=born,
            expected_date_of_birth=expected,
            estimated_age_years=None,
            date_of_death=None,
            today=self.today,
        )
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def details(self, matched_person=None) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data.get("date_of_birth"),
            "expected_date_of_birth": data.get("expected_date_of_birth"),
            "sex": data.get("sex") or "U",
            "ethnicity": data.get("ethnicity") or "NOBT",
            "person": matched_person,
        }

    def chosen_match(self) -> str | None:
        """The record the practitioner confirmed (its id), or None for a new record."""
        value = self.cleaned_data.get("match")
        return None if not value or value == NEW_RECORD else value


class FamilyForm(GovukFormMixin, forms.Form):
    """Where the family lives, how to contact them and what they agreed to."""

    site = forms.ModelChoiceField(
        label="Where are you registering them?",
        queryset=Site.objects.none(),
        empty_label="Choose a site",
        error_messages={"required": "Choose the site where the family is registering."},
    )
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter the first line of the family's address."},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the family's postcode, like LU1 2AB."},
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    contact_by = forms.ChoiceField(
        label="How would they like us to contact them?",
        choices=Registration.ContactBy.choices,
        widget=GovukRadios,
        error_messages={"required": "Choose how the family would like to be contacted."},
    )
    consent_to_register = forms.BooleanField(
        label="The family agree to the family hubs keeping their details",
        help_text="Needed to register: tell them we keep their names, dates of birth, address "
        "and contact details, and record which sessions they come to.",
        required=False,
    )
    consent_to_news = forms.BooleanField(
        label="They would like news of sessions and events", required=False
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    widths = {"postcode": 10, "phone": 20}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(active=True).order_by("name")

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        normalised = people_rules.normalise_postcode(value)
        if normalised is None:
            raise forms.ValidationError(POSTCODE_PROBLEM)
        return normalised

    def clean(self):
        from .actions.registration import NO_CONSENT
        from .rules_register import contact_problem

        data = super().clean()
        if not data.get("consent_to_register"):
            self.add_error("consent_to_register", NO_CONSENT)
        if "contact_by" in data and "phone" in data and "email" in data:
            problem = contact_problem(
                contact_by=data["contact_by"], phone=data["phone"], email=data["email"]
            )
            if problem:
                self.add_error(problem[0], problem[1])
        return data

    def address(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("line_1", "line_2", "town", "postcode")}


class FamilyEditForm(GovukFormMixin, forms.Form):
    phone = FamilyForm.base_fields["phone"]
    email = FamilyForm.base_fields["email"]
    contact_by = FamilyForm.base_fields["contact_by"]
    consent_to_news = FamilyForm.base_fields["consent_to_news"]
    version = forms.IntegerField(widget=forms.HiddenInput)
    widths = {"phone": 20}

    @classmethod
    def initial_for(cls, registration: Registration) -> dict:
        return {
            "phone": registration.phone,
            "email": registration.email,
            "contact_by": registration.contact_by,
            "consent_to_news": registration.consent_to_news,
            "version": registration.version,
        }

    def clean(self):
        from .rules_register import contact_problem

        data = super().clean()
        if "contact_by" in data and "phone" in data and "email" in data:
            problem = contact_problem(
                contact_by=data["contact_by"], phone=data["phone"], email=data["email"]
            )
            if problem:
                self.add_error(problem[0], problem[1])
        return data

    def with_version(self, version: int) -> FamilyEditForm:
        data = self.data.copy()
        data["version"] = str(version)
        return FamilyEditForm(data)


class FindForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Family reference",
        max_length=20,
        required=False,
        help_text="Starts FH, for example FH3K7Q9A",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = _date("Date of birth", what="date of birth")
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    widths = {"reference": 10, "given_name": 20, "family_name": 20, "postcode": 10}

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value and people_rules.normalise_postcode(value) is None:
            raise forms.ValidationError(POSTCODE_PROBLEM)
        return people_rules.normalise_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(k) for k in self.fields):
            raise forms.ValidationError(
                "Enter the family reference, or a name, date of birth or postcode to search for."
            )
        return data


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _uuids(values) -> set:
    found = set()
    for value in values:
        try:
            found.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def register_input(data) -> dict:
    """The register as posted: who is ticked, who was listed, who was ticked when it was
    listed (to tell a tick taken off from a name never ticked) and any search typed."""
    return {
        "present": _uuids(data.getlist("present")),
        "shown": _uuids(data.getlist("shown")),
        "was_marked": _uuids(data.getlist("was_marked")),
        "search": (data.get("search") or "").strip()[:100],
        "action": data.get("action") or "save",
    }
