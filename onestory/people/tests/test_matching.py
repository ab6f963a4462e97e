"""Finding records with the matching engine, against factory-made people."""

from datetime import date

import pytest

from onestory.people import matching
from onestory.people.models import Person, PersonName
from onestory.people.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db

BORN = date(2016, 5, 9)


def find(**typed):
    return matching.search(matching.prepare_query(**typed))


def top(results):
    assert results, "expected at least one result"
    return results[0]


@pytest.fixture
def robert():
    person = PersonFactory(
        given_name="Robert", family_name="Smyth", date_of_birth=BORN, nhs_number="9434765919"
    )
    AddressFactory(person=person, postcode="LU2 7XY")
    PersonFactory(given_name="Amelia", family_name="Okafor", date_of_birth=date(2012, 1, 20))
    return person


def test_a_short_form_of_the_first_name_finds_the_record(robert):
    result = top(find(given_name="Bob", family_name="Smyth", date_of_birth=BORN))
    assert result.person_id == robert.pk
    assert "Known as Bob, a short form of Robert" in [r.text for r in result.match.reasons]


def test_day_and_month_swapped_finds_the_record(robert):
    result = top(find(given_name="Robert", family_name="Smyth", date_of_birth=date(2016, 9, 5)))
    assert result.person_id == robert.pk
    assert "Date of birth matches with day and month swapped" in [
        r.text for r in result.match.reasons
    ]


def test_a_typing_slip_in_the_last_name_finds_the_record(robert):
    result = top(find(given_name="Robert", family_name="Smtyh", date_of_birth=BORN))
    assert result.person_id == robert.pk
    assert "Last name is spelt like Smyth" in [r.text for r in result.match.reasons]


def test_a_sound_alike_name_finds_the_record_without_a_date_of_birth(robert):
    result = top(find(given_name="Robert", family_name="Smith", postcode="lu2 7xy"))
    assert result.person_id == robert.pk
    assert {"Last name sounds like Smyth", "Same postcode LU2 7XY"} <= {
        r.text for r in result.match.reasons
    }


def test_a_previous_last_name_finds_the_record(robert):
    PersonName.objects.create(
        person=robert, kind="previous", given_name="Robert", family_name="Jones"
    )
    result = top(find(given_name="Robert", family_name="Jones", date_of_birth=BORN))
    assert result.person_id == robert.pk
    assert "Previous name matches" in [r.text for r in result.match.reasons]
    assert result.family_name == "Smyth"  # shown by the current legal name


def test_an_nhs_number_alone_finds_the_record_as_a_likely_match(robert):
    result = top(find(nhs_number="943 476 5919"))
    assert result.person_id == robert.pk
    assert result.match.band == "Likely match"


def test_a_merged_away_record_is_never_a_result(robert):
    duplicate = PersonFactory(
        given_name="Robert", family_name="Smyth", date_of_birth=BORN, merged_into=robert
    )
    ids = [r.person_id for r in find(given_name="Robert", family_name="Smyth", date_of_birth=BORN)]
    assert robert.pk in ids
    assert duplicate.pk not in ids


def test_people_who_do_not_match_are_left_out(robert):
    results = find(given_name="Robert", family_name="Smyth", date_of_birth=BORN)
    assert [r.person_id for r in results] == [robert.pk]


def test_results_are_best_first():
    exact = PersonFactory(given_name="Aisha", family_name="Begum", date_of_birth=BORN)
    sister = PersonFactory(given_name="Amira", family_name="Begum", date_of_birth=BORN)
    results = find(given_name="Aisha", family_name="Begum", date_of_birth=BORN)
    assert [r.person_id for r in results] == [exact.pk, sister.pk]
    assert results[0].match.score > results[1].match.score


def test_a_common_name_does_not_crowd_out_the_person_born_that_day(monkeypatch):
    monkeypatch.setattr(matching, "NAME_LIMIT", 3)
    for year in range(2010, 2018):
        PersonFactory(given_name="John", family_name="Smith", date_of_birth=date(year, 1, 1))
    wanted = PersonFactory(given_name="Jon", family_name="Smith", date_of_birth=BORN)
    result = top(find(given_name="John", family_name="Smith", date_of_birth=BORN))
    assert result.person_id == wanted.pk


def test_each_look_up_is_capped(monkeypatch):
    monkeypatch.setattr(matching, "DOB_LIMIT", 4)
    for _ in range(10):
        PersonFactory(date_of_birth=BORN)
    ids = matching.candidate_ids(matching.prepare_query(date_of_birth=BORN))
    assert len(ids) == 4


def test_a_search_can_be_narrowed_to_some_records(robert):
    other = PersonFactory(given_name="Robert", family_name="Smyth", date_of_birth=BORN)
    results = matching.search(
        matching.prepare_query(given_name="Robert", family_name="Smyth", date_of_birth=BORN),
        within=Person.objects.filter(pk=other.pk),
    )
    assert [r.person_id for r in results] == [other.pk]
