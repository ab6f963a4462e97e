"""Social care's SSDA903 checks, each against a case worked by hand from the rule in
csc-validator-be-903 0.1.17 (2025/26 rules). Pure: no database."""

from datetime import date

from onestory.socialcare import ssda903_checks as checks

FOSTER = {
    "place": "U6",
    "provider": "PR1",
    "urn": "SC123456",
    "home_postcode": "LU1 1AA",
    "placement_postcode": "LU2 0AA",
    "legal_status": "C2",
    "unaccompanied": False,
    "outside_england": False,
}


def _rules(findings) -> list[str]:
    return [f.rule for f in findings]


def _placement(**changes):
    return checks.placement(**(FOSTER | changes))


def test_a_complete_foster_placement_raises_nothing():
    assert _placement() == []


def test_a_missing_postcode_is_refused_392b_except_on_short_breaks_or_for_unaccompanied_children():
    found = _placement(placement_postcode="")
    assert _rules(found) == ["392b"]
    assert "placement postcode is missing" in found[0].message
    both = _placement(placement_postcode="", home_postcode=" ")
    assert "home postcode and the placement postcode are missing" in both[0].message
    assert _placement(placement_postcode="", legal_status="V3") == []
    # An unaccompanied child's home is abroad: only the placement postcode is asked for.
    assert _placement(home_postcode="", unaccompanied=True) == []
    assert _rules(_placement(placement_postcode="", unaccompanied=True)) == ["392b"]


def test_the_same_home_and_placement_postcode_is_refused_392d_unless_placed_with_parents():
    assert _rules(_placement(placement_postcode="lu11aa")) == ["392d"]
    assert _placement(place="P1", provider="PR0", urn="", placement_postcode="LU1 1AA") == []


def test_a_urn_where_none_is_taken_is_refused_222_and_a_missing_one_is_asked_218():
    assert _rules(_placement(place="P1", provider="PR0", urn="SC123456")) == ["222"]
    assert _placement(place="P1", provider="PR0", urn="XXXXXXX") == []
    missing = _placement(urn="")
    assert _rules(missing) == ["218"] and missing[0].kind == checks.QUERY
    # Outside England Ofsted registers no one: no number is asked for.
    assert _placement(urn="", outside_england=True) == []


def test_providers_that_cannot_provide_a_placement_are_refused_527_to_531_and_550():
    cases = {
        ("R2", "PR1"): "527",
        ("R5", "PR2"): "528",
        ("K2", "PR3"): "529",
        ("P1", "PR4"): "530",
        ("P1", "PR5"): "531",
        ("U6", "PR0"): "550",
    }
    for (place, provider), rule in cases.items():
        found = checks._provider(place, provider)
        assert _rules(found) == [rule], (place, provider)
    assert checks._provider("P1", "PR0") == []
    assert checks._provider("K2", "PR4") == []


def test_short_breaks_in_a_temporary_or_long_term_foster_placement_are_refused_382_384():
    def episode(status, place):
        return checks.episode(
            legal_status=status,
            place=place,
            starts_on=date(2025, 6, 1),
            born_on=None,
            change=checks.MOVES,
        )

    assert _rules(episode("V3", "T1")) == ["382"]
    assert _rules(episode("V4", "U4")) == ["384"]
    assert episode("C2", "U4") == []
    assert episode("V3", "U6") == []


def test_care_cannot_start_nor_the_legal_status_change_in_a_temporary_placement_380():
    def episode(change):
        return checks.episode(
            legal_status="C1", place="T4", starts_on=date(2025, 6, 1), born_on=None, change=change
        )

    assert _rules(episode(checks.STARTS_CARE)) == ["380"]
    assert _rules(episode(checks.LEGAL_STATUS_CHANGES)) == ["380"]
    assert episode(checks.MOVES) == []


def test_youth_justice_statuses_under_10_are_refused_358():
    born = date(2015, 6, 1)

    def episode(starts_on):
        return checks.episode(
            legal_status="J1", place="K2", starts_on=starts_on, born_on=born, change=checks.MOVES
        )

    # The rule refuses DOB + 10 years >= start: the 10th birthday itself still counts as under.
    assert _rules(episode(date(2025, 6, 1))) == ["358"]
    assert episode(date(2025, 6, 2)) == []


def test_placements_with_a_youngest_age_are_refused_for_younger_children_372_373_374():
    born = date(2015, 6, 1)
    for place, (rule, age) in checks.PLACEMENT_MINIMUM_AGE.items():
        birthday = date(2015 + age, 6, 1)
        before = checks.episode(
            legal_status="C2",
            place=place,
            starts_on=date(2015 + age, 5, 31),
            born_on=born,
            change=checks.MOVES,
        )
        on_birthday = checks.episode(
            legal_status="C2", place=place, starts_on=birthday, born_on=born, change=checks.MOVES
        )
        assert _rules(before) == [rule]
        assert on_birthday == []


def test_short_lived_legal_statuses_that_last_too_long_are_refused_361_362_363():
    start = date(2025, 6, 1)
    check = checks.short_lived_status
    assert check(status="L1", starts_on=start, ends_on=date(2025, 6, 4)) == []
    assert _rules(check(status="L1", starts_on=start, ends_on=date(2025, 6, 5))) == ["361"]
    assert check(status="L2", starts_on=start, ends_on=date(2025, 6, 22)) == []
    assert _rules(check(status="L2", starts_on=start, ends_on=date(2025, 6, 23))) == ["362"]
    assert check(status="L3", starts_on=start, ends_on=date(2025, 6, 8)) == []
    assert _rules(check(status="L3", starts_on=start, ends_on=date(2025, 6, 9))) == ["363"]
    assert check(status="C2", starts_on=start, ends_on=date(2026, 6, 1)) == []


def test_care_ending_in_a_temporary_placement_is_refused_381():
    found = checks.care_end(reason="E4A", ends_on=date(2025, 9, 1), born_on=None, last_place="T1")
    assert _rules(found) == ["381"]


def test_special_guardianship_by_former_foster_carers_needs_a_foster_placement_516():
    assert _rules(
        checks.care_end(reason="E45", ends_on=date(2025, 9, 1), born_on=None, last_place="K2")
    ) == ["516"]
    assert (
        checks.care_end(reason="E45", ends_on=date(2025, 9, 1), born_on=None, last_place="U3") == []
    )


def test_end_reasons_with_a_youngest_age_are_refused_for_younger_children_387_389_460():
    born = date(2010, 3, 1)
    cases = {"E5": ("387", 14), "E7": ("389", 16), "E17": ("460", 18)}
    for reason, (rule, age) in cases.items():
        before = checks.care_end(
            reason=reason, ends_on=date(2010 + age, 2, 28), born_on=born, last_place="U6"
        )
        on_birthday = checks.care_end(
            reason=reason, ends_on=date(2010 + age, 3, 1), born_on=born, last_place="U6"
        )
        assert _rules(before) == [rule], reason
        assert on_birthday == [], reason


def test_special_guardianship_after_the_18th_birthday_is_refused_407():
    born = date(2007, 3, 1)
    on_birthday = checks.care_end(
        reason="E47", ends_on=date(2025, 3, 1), born_on=born, last_place="U6"
    )
    after = checks.care_end(reason="E47", ends_on=date(2025, 3, 2), born_on=born, last_place="U6")
    assert on_birthday == []
    assert _rules(after) == ["407"]
