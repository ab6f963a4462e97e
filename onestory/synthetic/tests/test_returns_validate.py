"""The synthetic authority's statutory returns pass the sector's validators (csc-validator-be-cin
0.1.13, csc-validator-be-903 0.1.17) for the 2025/26 rules, and the census for 2026/27 too.

Skipped when the validators are not installed (`make validators`), unless
ONESTORY_REQUIRE_VALIDATORS=1 (CI), where that fails instead.

The census has no errors. SSDA903 has only errors the validator raises on any council's true
records (see KNOWN_903_FALSE_POSITIVES); any other error is the generator's or the export's to
fix.
"""

import io
import os
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from onestory.core.errors import DomainError
from onestory.returns import cin_census, ssda903
from onestory.returns.validation import validate_file
from onestory.returns.validation.validate import RUNNERS, validator_python

SCALE = 0.02
SEED = 2014
REQUIRED = os.environ.get("ONESTORY_REQUIRE_VALIDATORS") == "1"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
# Errors csc-validator-be-903 0.1.17 raises on true records (checked on the synthetic authority
# at scales 0.05 and 1, seeds 3, 7, 11 and 2014):
KNOWN_903_FALSE_POSITIVES = {
    # A care leaver of 19 to 21 whose care ended before the previous year: only two years are
    # loaded (the rules' own note says they may be false positives).
    "1001",
    "1002",
    # A mother looked after last year and only a care leaver this year: rule 628 forbids MOTHER
    # and rule 612 MC_DOB without it, so MC_DOB "contradicts" last year's.
    "624",
    # Pairwise checks: every social worker episode against every episode that starts or ends
    # care, so the worker a child had before care (or after it ended) fails.
    "SW12STG2",
    # Every child in the table must have a social worker at 31 March, including those who left
    # care (a care leaver of 18) before it; SW11b the same within the last five days.
    "SW17STG2",
    "SW11bSTG2",
    # An earlier rule fills an open episode's end with 31 March, so a missing episode that
    # starts on 31 March and ends after it looks open after care ended.
    "575",
    "577",
}


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    try:
        for source in RUNNERS:
            validator_python(source)
    except DomainError as missing:
        if REQUIRED:
            pytest.fail(f"ONESTORY_REQUIRE_VALIDATORS=1 but {missing}")
        pytest.skip(f"the sector's validators are not installed: {missing}")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=SCALE, seed=SEED, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _errors(outcome) -> set:
    # Rules 231 and 233 of the 903 validator always crash (DOMAIN.md "The sector's validators").
    assert {c["rule"] for c in outcome.crashed_rules} <= {"231", "233"}
    return {i["rule"] for i in outcome.issues if i["kind"] in ("error", "schema")}


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2026, 2027])
def test_the_census_has_no_errors(town, tmp_path, year):
    path = tmp_path / f"cin{year}.xml"
    cin_census.export(year=year, out=path, now=NOW)
    outcome = validate_file("cin", path, year=year)
    assert _errors(outcome) == set()
    assert outcome.children > 0


@pytest.mark.django_db
def test_ssda903_has_no_errors_but_the_validators_own_false_positives(town, tmp_path):
    ssda903.build(2025).write(tmp_path / "2025")
    ssda903.build(2026).write(tmp_path / "2026")
    outcome = validate_file("903", tmp_path / "2026", year=2026, previous=tmp_path / "2025")
    assert _errors(outcome) <= KNOWN_903_FALSE_POSITIVES
    assert outcome.children > 0
