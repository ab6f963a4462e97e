"""Identifiers and keying errors: pure functions, no database."""

import random

from stdnum.gb import nhs

from onestory.people.rules import normalise_nhs_number, normalise_upn
from onestory.synthetic.identifiers import new_nhs_number, typo, upn


def test_generated_nhs_numbers_pass_the_modulus_11_check_and_are_unique():
    rng, issued = random.Random(1), set()
    numbers = [new_nhs_number(rng, issued) for _ in range(2000)]
    assert len(set(numbers)) == 2000
    assert all(nhs.is_valid(n) and normalise_nhs_number(n) == n for n in numbers)


def test_upn_has_a_valid_check_letter_and_luton_la_number():
    value = upn("2005", 2019, 17)
    assert normalise_upn(value) == value
    assert (
        value[1:4] == "821" and value[4:8] == "2005" and value[8:10] == "19" and value[10:] == "017"
    )


def test_upn_check_letter_changes_when_a_digit_is_mistyped():
    value = upn("2005", 2019, 17)
    mistyped = value[:-1] + ("8" if value[-1] != "8" else "9")
    assert normalise_upn(mistyped) is None


def test_typo_always_changes_the_name_but_keeps_its_first_letter():
    rng = random.Random(3)
    for name in ["Mohammed", "Li", "Smith", "Oluwaseun", "Ann", "Wójcik"] * 50:
        changed = typo(name, rng)
        assert changed != name
        assert changed[0] == name[0]
