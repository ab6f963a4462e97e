"""What a worker is told when what they typed cannot be right. No database needed."""

import pytest
from django.utils.datastructures import MultiValueDict

from onestory.core.errors import DomainError
from onestory.people import forms
from onestory.people.tests.record_helpers import TODAY


def _person_form(cls=forms.PersonCreateForm, **data):
    values = {"given_name": "Amara", "family_name": "Okafor", "sex": "F", "ethnicity": "BAFR",
              "form_token": "t", "version": "1"}
    form = cls(MultiValueDict({k: v if isinstance(v, list) else [v]
                               for k, v in {**values, **data}.items()}), today=TODAY)
    form.is_valid()
    return form


def _error(form, field):
    return " ".join(form.errors.get(field, []))


def test_a_complete_person_form_is_accepted_and_tidies_identifiers():
    form = _person_form(nhs_number="999 000 0018", upn="b801200005001", date_of_birth="27/03/2015")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nhs_number"] == "9990000018"
    assert form.cleaned_data["upn"] == "B801200005001"


def test_missing_names_and_sex_say_what_to_enter():
    form = _person_form(given_name="", family_name="", sex="")
    assert _error(form, "given_name") == "Enter their first name."
    assert _error(form, "family_name") == "Enter their last name."
    assert "Select their sex" in _error(form, "sex")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("nhs_number", "1234567890", "Enter a real NHS number"),
        ("upn", "X80120000A001", "Enter a real unique pupil number"),
        ("address_postcode", "LU99", "Enter a real postcode, like LU1 2AB."),
        ("date_of_birth", "31/02/2015", "Enter the date of birth as day/month/year"),
        ("date_of_birth", "16/06/2026", "Date of birth must be today or in the past"),
        ("expected_date_of_birth", "not a date", "Enter the expected date of birth as"),
        ("estimated_age_years", "fifteen", "Enter the estimated age as a whole number"),
    ],
)
def test_each_bad_input_names_the_field_and_how_to_fix_it(field, value, expected):
    form = _person_form(**{field: value})
    assert expected in _error(form, field)


def test_an_expected_date_of_birth_beside_a_date_of_birth_is_refused_on_that_field():
    form = _person_form(date_of_birth="01/01/2020", expected_date_of_birth="01/09/2026")
    assert "only for a baby not yet born" in _error(form, "expected_date_of_birth")


def test_a_date_of_death_before_birth_is_refused_on_the_edit_form():
    form = _person_form(forms.PersonEditForm, date_of_birth="01/01/2020",
                        date_of_death="31/12/2019")
    assert "after the date of birth" in _error(form, "date_of_death")


def test_half_an_address_asks_for_the_rest():
    form = _person_form(address_town="Luton")
    assert "first line of the address" in _error(form, "address_line_1")
    assert "postcode" in _error(form, "address_postcode")


def test_the_address_form_refuses_a_move_out_before_the_move_in():
    form = forms.AddressForm({"line_1": "1 Road", "postcode": "LU1 1AA",
                              "valid_from": "01/05/2026", "valid_to": "01/04/2026"}, today=TODAY)
    assert not form.is_valid()
    assert "same as or after the date they started" in _error(form, "valid_to")


def test_the_address_form_asks_for_the_move_in_date():
    form = forms.AddressForm({"line_1": "1 Road", "postcode": "LU1 1AA"}, today=TODAY)
    assert not form.is_valid()
    assert _error(form, "valid_from") == "Enter the date they moved in."


def test_a_name_needs_at_least_one_part():
    form = forms.NameForm({"kind": "alias", "given_name": " ", "family_name": ""})
    assert not form.is_valid()
    assert _error(form, "given_name") == "Enter a first name or a last name, or both."


def test_the_chronology_filter_refuses_a_to_date_before_the_from_date():
    form = forms.ChronologyFilterForm({"date_from": "01/06/2026", "date_to": "01/05/2026"},
                                      categories=[("record", "Record details")])
    assert not form.is_valid()
    assert "‘to’ date must be the same as or after" in _error(form, "date_to")


def test_an_action_refusal_lands_on_the_field_it_is_about():
    form = _person_form()
    form.add_domain_error(DomainError("Bad postcode", field="postcode"))
    assert _error(form, "address_postcode") == "Bad postcode"
    form.add_domain_error(DomainError("Something else"))
    assert form.non_field_errors() == ["Something else"]


def test_no_disability_beside_a_disability_is_refused():
    form = _person_form(disabilities=["NONE", "AUT"])
    assert "‘No disability’ on its own" in _error(form, "disabilities")


def test_an_edit_form_without_its_version_asks_to_open_the_page_again():
    form = _person_form(forms.PersonEditForm, version="")
    assert "This page is out of date" in _error(form, "version")
