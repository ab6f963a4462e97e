"""The people record's pure rules: no database."""

from datetime import date

from onestory.people import rules

TODAY = date(2026, 6, 15)


def _problems(**kwargs):
    values = {"date_of_birth": None, "expected_date_of_birth": None, "estimated_age_years": None,
              "date_of_death": None, "today": TODAY}
    return rules.person_details_problems(**{**values, **kwargs})


def test_a_date_of_birth_in_the_future_is_refused_with_advice_for_unborn_babies():
    problems = _problems(date_of_birth=date(2026, 6, 16))
    assert "expected date of birth" in problems["date_of_birth"]


def test_an_expected_date_of_birth_is_refused_when_the_date_of_birth_is_known():
    problems = _problems(date_of_birth=date(2020, 1, 1), expected_date_of_birth=date(2026, 9, 1))
    assert set(problems) == {"expected_date_of_birth"}
    assert problems["expected_date_of_birth"].startswith("Expected date of birth is only for")


def test_an_expected_date_of_birth_more_than_42_weeks_ahead_is_refused():
    assert "expected_date_of_birth" in _problems(expected_date_of_birth=date(2027, 5, 1))
    assert _problems(expected_date_of_birth=date(2026, 12, 1)) == {}


def test_an_estimated_age_is_only_for_someone_without_a_date_of_birth():
    problems = _problems(date_of_birth=date(2010, 1, 1), estimated_age_years=16)
    assert "estimated_age_years" in problems
    assert _problems(estimated_age_years=16) == {}


def test_a_date_of_death_before_the_date_of_birth_is_refused():
    problems = _problems(date_of_birth=date(2020, 1, 1), date_of_death=date(2019, 12, 31))
    assert "after the date of birth" in problems["date_of_death"]


def test_a_date_of_death_in_the_future_is_refused():
    assert "date_of_death" in _problems(date_of_death=date(2026, 7, 1))


def test_consistent_dates_have_no_problems():
    assert _problems(date_of_birth=date(2015, 3, 27), date_of_death=date(2026, 1, 2)) == {}


def test_age_is_described_in_weeks_then_months_then_years():
    def age(born):
        return rules.age_description(date_of_birth=born, today=TODAY)

    assert age(date(2026, 6, 1)) == "2 weeks"
    assert age(date(2025, 12, 16)) == "5 months"
    assert age(date(2024, 6, 16)) == "23 months"
    assert age(date(2024, 6, 15)) == "2 years"
    assert age(date(2010, 6, 16)) == "15 years"


def test_age_of_an_unborn_baby_estimated_age_and_age_at_death():
    assert rules.age_description(date_of_birth=None, expected_date_of_birth=date(2026, 9, 1),
                                 today=TODAY) == "Unborn"
    assert rules.age_description(date_of_birth=None, estimated_age_years=15,
                                 today=TODAY) == "About 15 (estimated)"
    assert rules.age_description(date_of_birth=date(2000, 1, 1), date_of_death=date(2020, 1, 1),
                                 today=TODAY) == "20 years at death"
    assert rules.age_description(date_of_birth=None, today=TODAY) == "Not known"


def test_relationship_labels_use_the_other_persons_recorded_sex():
    # Jane (F) is the parent of Ben (M): Ben's page says "Mother", Jane's page says "Son".
    label = rules.relationship_label_for
    assert label("parent", seen_from_subject=False, other_sex="F") == "Mother"
    assert label("parent", seen_from_subject=True, other_sex="M") == "Son"
    assert label("sibling", seen_from_subject=True, other_sex="U") == "Sibling"
    assert label("partner", seen_from_subject=True, other_sex="F") == "Partner"


def test_a_relationship_choice_maps_to_the_stored_kind_and_direction():
    assert rules.relationship_from_choice("parent") == ("parent", True)
    assert rules.relationship_from_choice("child") == ("parent", False)
    assert rules.relationship_from_choice("cared_for") == ("carer", False)
    assert "sibling" in rules.SYMMETRIC_RELATIONSHIPS
    assert "parent" not in rules.SYMMETRIC_RELATIONSHIPS


def test_address_dates_must_be_in_order_and_not_in_the_future():
    check = rules.address_dates_problem
    assert check(valid_from=date(2026, 7, 1), valid_to=None, today=TODAY)[0] == "valid_from"
    backwards = check(valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1), today=TODAY)
    assert backwards[0] == "valid_to"
    assert check(valid_from=date(2025, 1, 1), valid_to=date(2026, 1, 1), today=TODAY) is None


def test_a_household_opens_only_with_at_least_one_member_the_worker_can_open():
    assert rules.may_open_household(visible_current_members=1)
    assert not rules.may_open_household(visible_current_members=0)


def test_the_chronology_line_for_an_edit_names_fields_not_values():
    summary = rules.details_changed_summary(["date of birth", "NHS number"])
    assert summary == "Details changed: date of birth, NHS number"


def test_unknown_chronology_categories_still_read_as_words():
    assert rules.chronology_category_label("record") == "Record details"
    assert rules.chronology_category_label("child_protection") == "Child protection"


def test_no_disability_cannot_be_recorded_beside_a_disability():
    assert "on its own" in rules.disabilities_problem(["NONE", "AUT"])
    assert rules.disabilities_problem(["AUT", "VIS"]) is None
    assert rules.ordered_disabilities(["VIS", "AUT", "VIS"]) == ["VIS", "AUT"]
