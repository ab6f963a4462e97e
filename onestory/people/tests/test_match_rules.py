"""The scoring rules of "Known to us?": pure, so no database."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from onestory.people import match_rules as mr
from onestory.people.match_rules import Candidate, NameRecord, Query

BORN = date(2015, 3, 4)


def record(
    given_name="Robert",
    family_name="Smyth",
    *,
    born=BORN,
    postcodes=(("LU1 1AA", True),),
    nhs="9434765919",
    upn="",
    others=(),
    middle="",
):
    names = (NameRecord("legal", given_name, family_name), *others)
    return Candidate(
        person_id=1,
        names=names,
        date_of_birth=born,
        postcodes=postcodes,
        nhs_number=nhs,
        upn=upn,
        middle_names=middle,
    )


def texts(match):
    return [reason.text for reason in match.reasons]


def test_the_same_name_and_date_of_birth_is_a_likely_match():
    match = mr.score(Query("Robert", "Smyth", BORN), record())
    assert match.band == mr.LIKELY
    assert set(texts(match)) == {"Date of birth matches", "First name matches", "Last name matches"}


def test_an_nhs_number_on_its_own_is_a_likely_match():
    match = mr.score(Query(nhs_number="9434765919"), record())
    assert match.band == mr.LIKELY
    assert texts(match) == ["NHS number matches"]


def test_a_different_nhs_number_counts_against_an_otherwise_exact_match():
    same = mr.score(Query("Robert", "Smyth", BORN, nhs_number="9434765919"), record())
    different = mr.score(Query("Robert", "Smyth", BORN, nhs_number="4010232137"), record())
    assert "NHS number is different" in texts(different)
    assert different.score < same.score
    assert different.band != mr.LIKELY


def test_a_upn_match_is_evidence():
    match = mr.score(Query(upn="A123456789012"), record(upn="A123456789012"))
    assert texts(match) == ["UPN matches"]
    assert match.band is not None


def test_a_name_on_its_own_is_only_a_possible_match():
    match = mr.score(Query("Robert", "Smyth"), record())
    assert match.band == mr.POSSIBLE


def test_a_twin_with_another_first_name_is_never_a_likely_match():
    match = mr.score(Query("Rebecca", "Smyth", BORN, "LU1 1AA"), record())
    assert match.band == mr.POSSIBLE
    assert "First name is different" in texts(match)


def test_a_short_form_of_the_first_name_is_explained():
    match = mr.score(Query("Bob", "Smyth", BORN), record())
    assert "Known as Bob, a short form of Robert" in texts(match)
    assert match.band == mr.LIKELY


def test_two_short_forms_of_one_name_are_explained():
    match = mr.score(Query("Liz", "Smyth", BORN), record(given_name="Beth"))
    assert "Liz and Beth are both short for Elizabeth" in texts(match)


def test_a_last_name_that_sounds_the_same_is_explained():
    match = mr.score(Query("Robert", "Smith", BORN), record())
    assert "Last name sounds like Smyth" in texts(match)
    assert match.band == mr.LIKELY


def test_a_typing_slip_in_the_last_name_is_explained():
    match = mr.score(Query("Robert", "Smtyh", BORN), record())
    assert "Last name is spelt like Smyth" in texts(match)


def test_another_spelling_from_another_alphabet_is_recognised():
    match = mr.score(
        Query("Mohammed", "Khan", BORN), record(given_name="Muhammad", family_name="Khan")
    )
    assert "First name is another spelling of Muhammad" in texts(match)
    assert match.band == mr.LIKELY
    variant = mr.score(
        Query("Mohd", "Khan", BORN), record(given_name="Mohammed", family_name="Khan")
    )
    assert "First name is another spelling of Mohammed" in texts(variant)


def test_day_and_month_swapped_is_explained_and_scores_below_an_exact_date():
    swapped = mr.score(Query("Robert", "Smyth", date(2015, 4, 3)), record())
    exact = mr.score(Query("Robert", "Smyth", BORN), record())
    assert "Date of birth matches with day and month swapped" in texts(swapped)
    assert swapped.score < exact.score


def test_one_wrong_digit_in_the_date_of_birth_is_explained():
    match = mr.score(Query("Robert", "Smyth", date(2015, 3, 14)), record())
    assert "Date of birth is one digit different" in texts(match)


def test_two_digits_the_other_way_round_in_the_date_of_birth_is_explained():
    match = mr.score(Query("Robert", "Smyth", date(2015, 3, 12)), record(born=date(2015, 3, 21)))
    assert "Date of birth has two digits the other way round" in texts(match)


def test_a_different_date_of_birth_counts_against():
    match = mr.score(Query("Robert", "Smyth", date(2009, 11, 30)), record())
    assert "Date of birth is different" in texts(match)
    assert match.band != mr.LIKELY


def test_a_previous_name_matches():
    person = record(others=(NameRecord("previous", "Robert", "Jones"),))
    match = mr.score(Query("Robert", "Jones", BORN), person)
    assert "Previous name matches" in texts(match)
    assert match.band == mr.LIKELY


def test_a_previous_last_name_that_sounds_alike_is_named_as_previous():
    person = record(others=(NameRecord("previous", "Robert", "Jones"),))
    match = mr.score(Query("Robert", "Jonse", BORN), person)
    assert "Previous last name sounds like Jones" in texts(match)
    assert "First name matches" in texts(match)


def test_an_alias_is_searched():
    person = record(others=(NameRecord("alias", "Bobby", "Smith"),))
    match = mr.score(Query("Bobby", "Smith", BORN), person)
    assert "Also-known-as name matches" in texts(match)


def test_names_typed_the_other_way_round_are_found():
    match = mr.score(Query("Smyth", "Robert", BORN), record())
    assert "First and last names are the other way round" in texts(match)
    assert match.band == mr.LIKELY


def test_a_middle_name_used_as_the_first_name_is_explained():
    match = mr.score(Query("James", "Smyth", BORN), record(middle="James Edward"))
    assert "First name matches a middle name, James" in texts(match)


def test_an_initial_is_weak_evidence():
    match = mr.score(Query("R", "Smyth", BORN), record())
    assert "First initial matches" in texts(match)
    assert match.score < mr.score(Query("Robert", "Smyth", BORN), record()).score


def test_same_postcode_is_explained_with_the_postcode():
    match = mr.score(Query("Robert", "Smyth", postcode="lu11aa"), record())
    assert "Same postcode LU1 1AA" in texts(match)


def test_an_old_postcode_is_explained():
    person = record(postcodes=(("LU2 7XY", True), ("LU1 1AA", False)))
    match = mr.score(Query("Robert", "Smyth", postcode="LU1 1AA"), person)
    assert "Lived at postcode LU1 1AA before" in texts(match)


def test_a_double_barrelled_last_name_shares_a_part():
    match = mr.score(Query("Robert", "Smyth-Jones", BORN), record())
    assert "Last name shares a part with Smyth" in texts(match)


def test_nothing_in_common_is_not_a_match():
    match = mr.score(Query("Aaliyah", "Okafor", date(2010, 12, 25), "LU4 9ZZ"), record())
    assert match.band is None


def test_bands_follow_the_thresholds():
    assert mr.band_for(mr.LIKELY_FROM) == mr.LIKELY
    assert mr.band_for(mr.LIKELY_FROM - 1) == mr.POSSIBLE
    assert mr.band_for(mr.POSSIBLE_FROM) == mr.POSSIBLE
    assert mr.band_for(mr.POSSIBLE_FROM - 1) is None


def test_the_fields_used_are_named_without_their_values():
    query = Query("Robert", "", BORN, "LU1 1AA")
    assert query.fields_used() == ["first name", "date of birth", "postcode"]


def test_comparing_two_records_reads_them_both_ways_round():
    a = record(given_name="Bob", others=(NameRecord("previous", "Bob", "Jones"),))
    b = record(given_name="Robert", family_name="Jones", nhs="")
    assert mr.compare_records(a, b).score == mr.compare_records(b, a).score


def test_given_name_keys_include_short_and_full_forms():
    assert mr.given_name_keys("Bob") >= {"BB", "RBRT"}


names = st.sampled_from(
    [
        "Robert",
        "Bob",
        "Smyth",
        "Smith",
        "Mohammed",
        "Muhammad",
        "Aisha",
        "Ayesha",
        "Jones",
        "O'Neill",
        "Zoë",
        "",
        "J",
    ]
)
dates = st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 1, 1)))
postcodes = st.sampled_from(["", "LU1 1AA", "LU2 7XY", "lu11aa", "not a postcode"])


@given(given_name=names, family_name=names, born=dates, postcode=postcodes)
def test_a_score_is_always_between_0_and_100_with_a_band_to_match(
    given_name, family_name, born, postcode
):
    match = mr.score(Query(given_name, family_name, born, postcode), record())
    assert 0 <= match.score <= 100
    assert match.band == mr.band_for(match.score)


@given(given_name=names, family_name=names, born=dates)
def test_a_matching_postcode_never_lowers_the_score(given_name, family_name, born):
    without = mr.score(Query(given_name, family_name, born), record())
    with_postcode = mr.score(Query(given_name, family_name, born, "LU1 1AA"), record())
    assert with_postcode.score >= without.score


@given(born=st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 1, 1)))
def test_a_record_matches_itself_as_likely(born):
    person = record(born=born)
    assert mr.score(mr.query_from_candidate(person), person).band == mr.LIKELY


@given(born=st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 1, 1)))
def test_swapping_day_and_month_twice_gives_the_date_back(born):
    swapped = mr.swapped_day_month(born)
    if swapped is None:
        assert born.day == born.month or born.day > 12
    else:
        assert swapped != born
        assert mr.swapped_day_month(swapped) == born


def test_the_short_form_is_named_whichever_way_round_it_was_typed():
    typed_full = mr.score(Query("Robert", "Smyth", BORN), record(given_name="Bob"))
    assert "Known as Bob, a short form of Robert" in texts(typed_full)


def test_a_date_of_birth_a_few_days_out_counts_against_less_than_a_different_one():
    close = mr.score(Query("Robert", "Smyth", date(2015, 3, 20)), record())
    far = mr.score(Query("Robert", "Smyth", date(2011, 9, 27)), record())
    assert "Date of birth is within a month" in texts(close)
    assert close.score > far.score


def test_another_postcode_counts_a_little_against():
    moved = mr.score(Query("Robert", "Smyth", BORN, "LU4 9ZZ"), record())
    unknown = mr.score(Query("Robert", "Smyth", BORN), record())
    assert "Lives at another postcode" in texts(moved)
    assert unknown.score > moved.score
    assert moved.band == mr.LIKELY


def test_short_forms_from_other_communities_are_known():
    match = mr.score(
        Query("Mo", "Hussain", BORN), record(given_name="Mohammed", family_name="Hussain")
    )
    assert "Known as Mo, a short form of Mohammed" in texts(match)


def test_a_name_cut_short_may_be_a_short_form():
    match = mr.score(
        Query("Seyi", "Okonkwo", BORN), record(given_name="Oluwaseyi", family_name="Okonkwo")
    )
    assert "Seyi may be short for Oluwaseyi" in texts(match)
    cut = mr.score(Query("Alexa", "Smyth", BORN), record(given_name="Alexandria"))
    assert "Alexa may be short for Alexandria" in texts(cut)


def test_a_slip_in_a_short_name_is_a_typo():
    match = mr.score(Query("Robert", "Kha", BORN), record(family_name="Khan"))
    assert "Last name is spelt like Khan" in texts(match)


def test_romanised_spellings_are_made_alike():
    match = mr.score(Query("Xasan", "Cabdi", BORN), record(given_name="Hasan", family_name="Cabdi"))
    assert "First name is another spelling of Hasan" in texts(match)
    doubled = mr.score(
        Query("Xaliimo", "Cabdi", BORN), record(given_name="Halima", family_name="Cabdi")
    )
    assert "First name is spelt like Halima" in texts(doubled)


def test_british_short_forms_missing_from_the_nickname_list_are_known():
    match = mr.score(Query("Nicky", "Smyth", BORN), record(given_name="Nicola"))
    assert "Known as Nicky, a short form of Nicola" in texts(match)
