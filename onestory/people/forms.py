"""Input shape and the messages a worker sees when something they typed cannot be right.

The rules about a person's dates live in `rules.py`; the forms call them too so that every
problem shows at once, and the actions call them again before saving.
"""

from datetime import date

from django import forms

from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin, GovukRadios

from . import rules

NHS_NUMBER_PROBLEM = (
    "Enter a real NHS number. It has 10 digits, like 999 000 0018, and the last digit is a "
    "check digit: check it against a letter from the NHS or the GP, or leave it blank."
)
UPN_PROBLEM = (
    "Enter a real unique pupil number. It has 13 characters, like B801200005001: check it with "
    "the school, or leave it blank."
)
POSTCODE_PROBLEM = "Enter a real postcode, like LU1 2AB."
STALE_PAGE = "This page is out of date. Open it again from the record, then make your change."


def _date(
    label: str, *, required: bool = False, help_text: str | None = None, what: str = ""
) -> GovukDateField:
    """A GOV.UK date field whose messages name it: "Enter the date of birth as ..."."""
    # Shown back as day/month/year, the format the hint asks for (not ISO).
    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
    )
    field = GovukDateField(label=label, required=required, widget=widget)
    if help_text:
        field.help_text = f"{help_text} For example, 27/03/2015."
    what = what or label[:1].lower() + label[1:]
    field.error_messages["invalid"] = (
        f"Enter the {what} as day/month/year, for example 27/03/2015."
    )
    field.error_messages["required"] = f"Enter the {what}."
    return field


class PeopleForm(GovukFormMixin, forms.Form):
    """Maps a refusal from an action onto the field it is about, or onto the whole form."""

    field_prefix_for_action = ""

    def field_for_problem(self, name: str | None) -> str | None:
        for candidate in (name, f"{self.field_prefix_for_action}{name}"):
            if candidate and candidate in self.fields:
                return candidate
        return None


class OneTimeForm(PeopleForm):
    """A form that makes something: it carries a one-time token so a double submit makes one."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


# --- A person's details ---------------------------------------------------------------------


class PersonDetailsForm(PeopleForm):
    given_name = forms.CharField(
        label="First name", max_length=100,
        error_messages={"required": "Enter their first name.",
                        "max_length": "First name must be 100 characters or fewer."},
    )
    middle_names = forms.CharField(label="Middle names", max_length=200, required=False)
    family_name = forms.CharField(
        label="Last name", max_length=100,
        error_messages={"required": "Enter their last name.",
                        "max_length": "Last name must be 100 characters or fewer."},
    )
    date_of_birth = _date("Date of birth")
    expected_date_of_birth = _date(
        "Expected date of birth", help_text="Only for a baby who has not been born yet."
    )
    estimated_age_years = forms.IntegerField(
        label="Estimated age in years", required=False, min_value=0,
        help_text="Only when the date of birth is not known, for example for a child who has "
        "arrived in the country alone.",
        error_messages={"invalid": "Enter the estimated age as a whole number of years, like 15.",
                        "min_value": "Estimated age must be 0 or more."},
    )
    sex = forms.ChoiceField(
        label="Sex", choices=list(rules.SEX.items()), widget=GovukRadios,
        error_messages={"required": "Select their sex. Choose ‘Not known’ if you do not know."},
    )
    gender_identity = forms.CharField(
        label="Gender", max_length=100, required=False,
        help_text="How they describe their gender, if they have told you and it is different "
        "from their sex.",
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=list(rules.ETHNICITY.items()), initial="NOBT",
        error_messages={"required": "Select their ethnicity, or ‘Information not yet obtained’."},
    )
    first_language = forms.CharField(label="First language", max_length=100, required=False)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities", choices=list(rules.DISABILITY.items()), required=False,
        widget=GovukCheckboxes, help_text="Select all that apply.",
    )
    nhs_number = forms.CharField(
        label="NHS number", max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=20, required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    immigration_status = forms.ChoiceField(
        label="Immigration status", choices=list(rules.IMMIGRATION_STATUS.items()), required=False
    )
    unaccompanied_asylum_seeking = forms.BooleanField(
        label="Unaccompanied asylum-seeking child", required=False
    )
    email = forms.EmailField(
        label="Email address", max_length=254, required=False,
        help_text="Only their own. Messages from the service go only to the address recorded here.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    mobile = forms.CharField(
        label="Mobile phone number", max_length=20, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    widths = {"nhs_number": 10, "upn": 20, "estimated_age_years": 3, "mobile": 20}

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_nhs_number(self):
        value = self.cleaned_data["nhs_number"].strip()
        if not value:
            return ""
        nhs = rules.normalise_nhs_number(value)
        if nhs is None:
            raise forms.ValidationError(NHS_NUMBER_PROBLEM)
        return nhs

    def clean_upn(self):
        value = self.cleaned_data["upn"].strip()
        if not value:
            return ""
        upn = rules.normalise_upn(value)
        if upn is None:
            raise forms.ValidationError(UPN_PROBLEM)
        return upn

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if not value:
            return ""
        mobile = rules.normalise_mobile(value)
        if mobile is None:
            raise forms.ValidationError(
                "Enter a UK mobile number, like 07700 900123 or +44 7700 900123."
            )
        return mobile

    def clean_disabilities(self):
        codes = self.cleaned_data["disabilities"]
        if problem := rules.disabilities_problem(codes):
            raise forms.ValidationError(problem)
        return rules.ordered_disabilities(codes)

    def clean(self):
        data = super().clean()
        problems = rules.person_details_problems(
            date_of_birth=data.get("date_of_birth"),
            expected_date_of_birth=data.get("expected_date_of_birth"),
            estimated_age_years=data.get("estimated_age_years"),
            date_of_death=data.get("date_of_death"),
            today=self.today,
        )
        for field, message in problems.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def person_values(self) -> dict:
        """The cleaned details, named as the person_create / person_update actions expect."""
        return {
            name: self.cleaned_data[name]
            for name in rules.PERSON_DETAIL_LABELS
            if name in self.fields
        }


class PersonCreateForm(PersonDetailsForm):
    """A new person, with their current address if it is known, and a one-time token."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    address_town = forms.CharField(label="Town or city", max_length=100, required=False)
    address_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    address_valid_from = _date(
        "Date they moved in", help_text="If you do not know the exact date, leave it blank."
    )

    field_prefix_for_action = "address_"
    widths = {**PersonDetailsForm.widths, "address_postcode": 10, "address_town": 20}

    def clean_address_postcode(self):
        value = self.cleaned_data["address_postcode"].strip()
        if not value:
            return ""
        postcode = rules.normalise_postcode(value)
        if postcode is None:
            raise forms.ValidationError(POSTCODE_PROBLEM)
        return postcode

    def clean(self):
        data = super().clean()
        given = [n for n in ("address_line_1", "address_line_2", "address_town",
                             "address_postcode") if data.get(n)]
        if given or data.get("address_valid_from"):
            if not data.get("address_line_1") and "address_line_1" not in self.errors:
                self.add_error("address_line_1", "Enter the first line of the address, or "
                               "leave the whole address blank if it is not known.")
            if not data.get("address_postcode") and "address_postcode" not in self.errors:
                self.add_error("address_postcode", "Enter the postcode of the address, or "
                               "leave the whole address blank if it is not known.")
        return data

    def address_values(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("address_line_1"):
            return None
        return {
            "line_1": data["address_line_1"],
            "line_2": data["address_line_2"],
            "town": data["address_town"],
            "postcode": data["address_postcode"],
            "valid_from": data["address_valid_from"],
        }


class PersonEditForm(PersonDetailsForm):
    """A person's details as they are, with the version they were read at."""

    date_of_death = _date("Date of death")
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE},
    )

    @classmethod
    def initial_for(cls, person) -> dict:
        initial = {name: getattr(person, name) for name in rules.PERSON_DETAIL_LABELS}
        initial["version"] = person.version
        return initial

    def with_version(self, version: int) -> "PersonEditForm":
        """The same input, now carrying the record's latest version (after a stale save)."""
        data = self.data.copy()
        data["version"] = str(version)
        fresh = type(self)(data, today=self.today)
        fresh.is_valid()
        return fresh


# --- Names, addresses -----------------------------------------------------------------------


class NameForm(OneTimeForm):
    kind = forms.ChoiceField(
        label="What kind of name is it?", widget=GovukRadios,
        choices=[(k, rules.NAME_KINDS[k]) for k in rules.NAME_KINDS_ADDED_BY_HAND],
        error_messages={"required": "Select what kind of name it is."},
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    valid_from = _date("Date they started using this name")
    valid_to = _date("Date they stopped using this name")

    def clean(self):
        data = super().clean()
        names = (data.get("given_name") or "", data.get("family_name") or "")
        if not any(name.strip() for name in names):
            self.add_error("given_name", "Enter a first name or a last name, or both.")
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to",
                "The date they stopped using this name must be after the date they started.",
            )
        return data


class AddressForm(OneTimeForm):
    line_1 = forms.CharField(
        label="Address line 1", max_length=200,
        error_messages={"required": "Enter the first line of the address."},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages={"required": "Enter the postcode."}
    )
    valid_from = _date(
        "Date they moved in", required=True,
        help_text="If you do not know the exact date, enter your best estimate.",
    )
    valid_to = _date(
        "Date they left", help_text="Leave this blank if they still live here."
    )
    withheld = forms.ChoiceField(
        label="Must this address be kept from anyone outside the council?",
        choices=[("", "No, it may be shared with whoever may know where they live"),
                 *rules.ADDRESS_WITHHELD.items()],
        required=False, widget=GovukRadios,
        help_text="A withheld address never appears in a letter or report for anyone outside "
        "the council.",
    )

    widths = {"postcode": 10, "town": 20}

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_postcode(self):
        postcode = rules.normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(POSTCODE_PROBLEM)
        return postcode

    def clean(self):
        data = super().clean()
        problem = rules.address_dates_problem(
            valid_from=data.get("valid_from"), valid_to=data.get("valid_to"), today=self.today
        )
        if problem and problem[0] not in self.errors:
            self.add_error(*problem)
        return data


class AddressEndForm(PeopleForm):
    valid_to = _date("Date they left", required=True)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE},
    )


# --- Relationships and households -----------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        if person.date_of_birth:
            born = f"born {person.date_of_birth:%-d %B %Y}"
        elif person.expected_date_of_birth:
            born = f"unborn, expected {person.expected_date_of_birth:%-d %B %Y}"
        else:
            born = "date of birth not known"
        return f"{person.family_name.upper()}, {person.given_name} ({born})"


def _record_id_field() -> forms.UUIDField:
    return forms.UUIDField(
        label="Or paste the id of their record", required=False,
        help_text="The long code at the end of the address of their page, if they are not in "
        "the list.",
        error_messages={"invalid": "Paste the whole record id, like "
                        "1b4e28ba-2fa1-11d2-883f-0016d3cca427."},
    )


class ChoosePersonMixin:
    """Pick a person from the records the worker can open, or paste a record's id."""

    person_field = "other_person"

    def _setup_people(self, people, shown):
        self.people = people
        field = self.fields[self.person_field]
        field.queryset = people
        field.widget.choices = [("", field.empty_label)] + [
            (person.pk, field.label_from_instance(person)) for person in shown
        ]

    def _clean_person(self, data):
        chosen = data.get(self.person_field)
        pasted = data.get("record_id")
        if chosen and pasted:
            self.add_error("record_id", "Either choose a person from the list or paste a record "
                           "id, not both.")
        elif pasted:
            found = self.people.filter(pk=pasted).first()
            if found is None:
                self.add_error(
                    "record_id",
                    "There is no record you can open with this id. Check the id: it is the "
                    "long code at the end of the address of the person's page.",
                )
            else:
                data[self.person_field] = found
        elif not chosen and self.person_field not in self.errors:
            self.add_error(self.person_field, "Choose a person, or paste their record id.")
        return data


class RelationshipForm(ChoosePersonMixin, OneTimeForm):
    relationship = forms.ChoiceField(
        label="Who are they to this person?", choices=[("", "Choose a relationship")] + [
            (code, label) for code, label, _kind, _from in rules.RELATIONSHIP_CHOICES
        ],
        error_messages={"required": "Choose how they are related."},
    )
    other_person = PersonChoiceField(
        label="Choose from the records you can open", queryset=None, required=False,
        empty_label="Choose a person",
        error_messages={"invalid_choice": "Choose a person from the list."},
    )
    record_id = _record_id_field()
    has_parental_responsibility = forms.BooleanField(
        label="The parent or carer has parental responsibility", required=False
    )
    alleged_harm = forms.BooleanField(
        label="They are alleged to have harmed this person", required=False,
        help_text="For example domestic abuse towards a partner, or harm to a child. Letters and "
        "reports for them will then never carry this person's withheld address.",
    )
    valid_from = _date("Date the relationship started")

    def __init__(self, *args, people, shown, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_people(people, shown)
        self.fields["relationship"].label = f"Who are they to {subject.full_name}?"
        self.fields["alleged_harm"].label = (
            f"They are alleged to have harmed {subject.full_name}"
        )

    def clean(self):
        data = self._clean_person(super().clean())
        choice = data.get("relationship")
        if data.get("alleged_harm") and choice:
            kind, other_is_from = rules.relationship_from_choice(choice)
            if not other_is_from and kind not in rules.SYMMETRIC_RELATIONSHIPS:
                self.add_error(
                    "alleged_harm",
                    "Alleged harm is recorded for a parent, carer, partner or relative towards "
                    "this person. Record a child's harm to an adult in a case note instead.",
                )
        return data

    def relationship_values(self, person) -> dict:
        kind, other_is_from = rules.relationship_from_choice(self.cleaned_data["relationship"])
        other = self.cleaned_data["other_person"]
        return {
            "from_person": other if other_is_from else person,
            "to_person": person if other_is_from else other,
            "kind": kind,
            "has_parental_responsibility": self.cleaned_data["has_parental_responsibility"],
            "alleged_harm": self.cleaned_data["alleged_harm"],
            "valid_from": self.cleaned_data["valid_from"],
        }


class JoinHouseholdForm(OneTimeForm):
    """Add a person to a household the worker can open, or start a new one."""

    household = forms.ModelChoiceField(
        label="An existing household", queryset=None, required=False,
        empty_label="Choose a household",
        error_messages={"invalid_choice": "Choose a household from the list."},
    )
    new_household_name = forms.CharField(
        label="Or start a new household called", max_length=200, required=False,
        help_text="For example, The Smith family.",
    )
    valid_from = _date("Date they joined the household")

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households

    def clean(self):
        data = super().clean()
        if data.get("household") and data.get("new_household_name"):
            self.add_error("new_household_name", "Either choose a household or start a new one, "
                           "not both.")
        elif not data.get("household") and not data.get("new_household_name") and (
            "household" not in self.errors
        ):
            self.add_error("household", "Choose a household, or enter a name to start a new one.")
        return data


class HouseholdMemberForm(ChoosePersonMixin, OneTimeForm):
    person_field = "person"
    person = PersonChoiceField(
        label="Choose from the records you can open", queryset=None, required=False,
        empty_label="Choose a person",
        error_messages={"invalid_choice": "Choose a person from the list."},
    )
    record_id = _record_id_field()
    valid_from = _date("Date they joined the household")

    def __init__(self, *args, people, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_people(people, shown)

    def clean(self):
        return self._clean_person(super().clean())


# --- The chronology filter ------------------------------------------------------------------


class ChronologyFilterForm(PeopleForm):
    category = forms.ChoiceField(label="Kind of entry", required=False)
    date_from = _date("From", what="‘from’ date")
    date_to = _date("To", what="‘to’ date")

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Everything"), *categories]
        self.fields["category"].error_messages["invalid_choice"] = "Choose from the list."

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date.")
        return data
