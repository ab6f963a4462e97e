"""Validating the returns with the sector's validators (each in its own virtual environment, run
in a subprocess) and the census's XML schema.

Tests that run a validator skip, saying why, when `make validators` has not been run here,
unless ONESTORY_REQUIRE_VALIDATORS=1 (CI), where they fail instead. The rest (hostile XML, the
schema, missing validators, the children's links) need no validator."""

import io
import json
import os
import subprocess
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.returns import cin_census, ssda903
from onestory.returns.identifiers import child_id
from onestory.returns.management.commands.validate_return import report
from onestory.returns.models import LAChildId, ValidationRun
from onestory.returns.validation import schema, validate_export, validate_file
from onestory.returns.validation.validate import (
    RUNNERS,
    _settle_year,
    people_for,
    validator_python,
)
from onestory.socialcare.actions import care_events
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_care import child_in_care
from onestory.socialcare.tests.factories_protection import assessment
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
YEAR = 2026
REQUIRED = os.environ.get("ONESTORY_REQUIRE_VALIDATORS") == "1"


@pytest.fixture(scope="module")
def validators():
    """The validators' environments, or a skip (a failure in CI) saying how to build them."""
    try:
        for source in RUNNERS:
            validator_python(source)
    except DomainError as missing:
        if REQUIRED:
            pytest.fail(f"ONESTORY_REQUIRE_VALIDATORS=1 but {missing}")
        pytest.skip(f"the sector's validators are not installed: {missing}")


def _clean_record():
    """One child in need (assessed, episode open) and one child in care (reviewed, UPN known);
    both are in the census (a child in care is referred first)."""
    # A worker number of at least two digits: the SSDA903 export writes SW_ID as XX and the
    # number, and rule SW02STG1 (2025/26) wants at least four characters.
    worker = worker_with_role(Role.SOCIAL_WORKER, id=4321)
    manager = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    child, referral = referred_child(
        worker,
        now=NOW,
        referral_date=date(2025, 6, 2),
        upn="D821200000001",
        sex="F",
        ethnicity="AIND",
    )
    assessment(
        child,
        referral,
        worker,
        started_on=date(2025, 6, 3),
        status="authorised",
        completed_on=date(2025, 7, 1),
        authorised_on=date(2025, 7, 2),
        authorised_by=manager,
        factors=["3B"],
    )
    looked_after, period = child_in_care(
        worker,
        now=NOW,
        starts_on=date(2025, 9, 1),
        upn="T821200000002",
        sex="M",
        ethnicity="WBRI",
        date_of_birth=date(2012, 7, 9),
    )
    care_events.review_record(
        person_id=looked_after.pk,
        period_id=period.pk,
        held_on=date(2025, 9, 20),
        participation="PN1",
        acting_user=worker,
        now=NOW,
    )
    return child, looked_after


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """The clean record's census and SSDA903 return for 2025/26, written once for the module
    (the record is rolled back afterwards)."""
    folder = tmp_path_factory.mktemp("returns")
    with django_db_blocker.unblock(), transaction.atomic():
        child, looked_after = _clean_record()
        census = folder / "cin.xml"
        cin_census.export(year=YEAR, out=census, now=NOW)
        tables = folder / "903"
        ssda903.export(year=YEAR, out=tables, now=NOW)
        yield {"cin": census, "903": tables, "child": child, "looked_after": looked_after}
        transaction.set_rollback(True)


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


# With the validators ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean(validators, exported, django_db_blocker):
    """Both clean returns validated once for the module."""
    with django_db_blocker.unblock():
        return {source: validate_file(source, exported[source]) for source in ("cin", "903")}


# The assessment authorised before it started (rule 8608, not a schema error), an ethnicity
# code that is not on the list (a schema error) and an empty disability (read as the package
# reads an empty element).
BREAKS = [
    (
        "<AssessmentAuthorisationDate>2025-07-02</AssessmentAuthorisationDate>",
        "<AssessmentAuthorisationDate>2025-06-01</AssessmentAuthorisationDate>",
    ),
    ("<Ethnicity>AIND</Ethnicity>", "<Ethnicity>XXXX</Ethnicity>"),
    ("<Disability>NONE</Disability>", "<Disability />"),
]


@pytest.fixture(scope="module")
def broken(validators, exported, django_db_blocker, tmp_path_factory):
    text = exported["cin"].read_text(encoding="utf-8")
    for old, new in BREAKS:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path_factory.mktemp("broken") / "broken.xml"
    path.write_text(text, encoding="utf-8")
    with django_db_blocker.unblock():
        return path, validate_file("cin", path)


@pytest.mark.django_db  # the module's fixtures read the test database
def test_a_clean_census_export_has_no_errors_and_every_rule_ran(clean):
    outcome = clean["cin"]

    assert outcome.year == YEAR
    assert outcome.validator == "csc-validator-be-cin 0.1.13"
    assert outcome.schema == "cin_census_2026.xsd"
    assert outcome.errors == 0, outcome.issues
    assert outcome.crashed_rules == []
    assert outcome.skipped_rules == []
    assert len(outcome.rules_run) == outcome.rules_total > 100
    assert outcome.children == 2
    assert outcome.clean
    assert report(outcome)[-1] == "Result: no errors, and every rule ran."


@pytest.mark.django_db  # the module's fixtures read the test database
def test_a_clean_ssda903_export_has_no_errors_and_says_which_rules_did_not_run(clean):
    outcome = clean["903"]

    assert outcome.year == YEAR
    assert outcome.errors == 0, outcome.issues
    # Rules 231 and 233 always crash in csc-validator-be-903 0.1.17 (they read columns its own
    # ingress does not make): reported, so the return is not called clean.
    crashed = {crash["rule"]: crash["exception"] for crash in outcome.crashed_rules}
    assert crashed == {"231": "KeyError", "233": "KeyError"}
    assert not outcome.clean
    # Tables onestory does not write (OC2, AD1...) leave their rules skipped, each named.
    skipped = {skip["rule"]: skip["missing_tables"] for skip in outcome.skipped_rules}
    assert "OC2" in skipped["157"]
    assert len(outcome.rules_run) + len(crashed) + len(skipped) == outcome.rules_total


@pytest.mark.django_db  # the module's fixtures read the test database
def test_a_broken_census_names_the_rule_the_child_and_the_page_to_fix_it_on(exported, broken):
    child = exported["child"]
    _, outcome = broken

    issues = [i for i in outcome.issues if i["kind"] == "error"]
    [issue] = [i for i in issues if i["rule"] == "8608"]
    assert issue["child"] == child_id(child.pk)
    assert issue["person_id"] == str(child.pk)
    assert issue["link"] == f"/social-care/children/{child.pk}/"
    assert issue["table"] == "Assessments"
    assert "AssessmentAuthorisationDate" in issue["fields"]
    assert issue["message"]
    assert not outcome.clean
    lines = report(outcome)
    assert any(line.startswith("- child ") and "8608" in line for line in lines)
    assert lines[-1].startswith("Result: NOT CLEAN")


@pytest.mark.django_db  # the module's fixtures read the test database
def test_schema_errors_are_issues_with_their_line_and_child(exported, broken):
    child = exported["child"]
    path, outcome = broken

    [error] = [e for e in outcome.schema_errors if e["element"] == "Ethnicity"]
    assert error["line"] == _line_of(path, "<Ethnicity>XXXX</Ethnicity>")
    assert error["child"] == child_id(child.pk)
    assert "XXXX" in error["message"]
    [issue] = [i for i in outcome.issues if i["kind"] == "schema" and i["table"] == "Ethnicity"]
    assert issue["line"] == error["line"]
    assert issue["link"] == f"/social-care/children/{child.pk}/"


@pytest.mark.django_db  # the module's fixtures read the test database
def test_our_one_pass_reader_builds_the_packages_own_tables(broken):
    path, _ = broken
    finished = subprocess.run(  # noqa: S603 - our runner, our file
        [str(validator_python("cin")), str(RUNNERS["cin"]), str(path), str(YEAR)]
        + ["--compare-readers"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(finished.stdout)
    assert result["same"], result["differences"]
    assert result["rows"]["ChildIdentifiers"] == 2


@pytest.mark.django_db
def test_validate_export_keeps_the_run_and_audits_it(validators, exported):
    user = worker_with_role(Role.ANALYST)

    run = validate_export("cin", YEAR, acting_user=user, now=NOW)

    assert run == ValidationRun.objects.get()
    assert (run.source, run.year, run.ran_by) == ("cin", YEAR, user)
    assert run.rules_run > 100
    assert run.crashed_rules == []
    assert not [i for i in run.issues if i["kind"] == "error"]
    event = AuditEvent.objects.get(action="validate", person_id=None)
    assert event.actor == user
    assert event.detail["errors"] == 0
    assert AuditEvent.objects.filter(action="export", actor=user).exists()


@pytest.mark.django_db
def test_a_clean_return_whose_rules_crashed_is_not_called_clean_and_exits_2(validators, exported):
    out = io.StringIO()

    with pytest.raises(SystemExit) as stopped:
        call_command("validate_return", "903", str(exported["903"]), stdout=out)

    assert stopped.value.code == 2
    text = out.getvalue()
    assert "Rules that crashed (2)" in text
    assert "- 231: KeyError" in text
    assert "Rules skipped (" in text
    assert "- 157: needs OC2" in text
    assert "Summary: 316 rules for 2026:" in text
    assert "0 errors" in text
    assert "but rules 231, 233 crashed inside the validator" in text
    assert "cannot be called clean" in text
    run = ValidationRun.objects.get()
    assert (run.source, run.ran_by) == ("903", None)
    assert AuditEvent.objects.filter(action="validate").exists()


# Without the validators ---------------------------------------------------------------------


XXE = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header>&secret;</Header><Children/></Message>
"""
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n<Message><Header>&lol9;</Header><Children/></Message>\n"
)


@pytest.mark.parametrize("text", [XXE, LAUGHS], ids=["external entity", "billion laughs"])
def test_hostile_xml_is_refused_before_any_work(tmp_path, text):
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(text, encoding="utf-8")

    with pytest.raises(DomainError, match="was refused") as refused:
        validate_file("cin", hostile)

    assert "root:" not in str(refused.value)


def test_malformed_xml_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<Message>\n<Header>\n</Message>\n", encoding="utf-8")

    with pytest.raises(DomainError, match=r"not well-formed XML \(line 3\)"):
        validate_file("cin", bad)


def test_a_file_that_is_not_there_is_named(tmp_path):
    with pytest.raises(DomainError, match="There is no file"):
        validate_file("cin", tmp_path / "missing.xml")
    with pytest.raises(DomainError, match="There is no folder"):
        validate_file("903", tmp_path / "missing")


def test_missing_validators_say_to_run_make_validators(tmp_path):
    census = tmp_path / "cin.xml"
    census.write_text(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
        "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>"
        "<Children/></Message>",
        encoding="utf-8",
    )
    with override_settings(ONESTORY_VALIDATORS_DIR=tmp_path / "nowhere"):
        with pytest.raises(DomainError, match=r"run `make validators`|Run `make validators`"):
            validate_file("cin", census)
        with pytest.raises(CommandError, match="make validators"):
            call_command("validate_return", "cin", str(census), stdout=io.StringIO())


def test_a_year_the_file_does_not_name_is_checked_as_asked_and_said_so():
    year, notes = _settle_year("cin", 2027, 2026, "the file cin.xml")

    assert year == 2027
    assert notes == [
        "You asked for the 2027 rules, but the file cin.xml says it is for 2026: it was checked "
        "against the 2027 rules as asked. Give --year 2026 to check it against its own year's "
        "rules."
    ]
    assert _settle_year("cin", None, 2026, "the file cin.xml") == (2026, [])
    with pytest.raises(DomainError, match="give --year"):
        _settle_year("903", None, None, "the folder 903")


def test_a_year_without_rules_is_refused_plainly(tmp_path):
    census = tmp_path / "cin.xml"
    census.write_text(
        "<Message><Header><CollectionDetails><Year>2019</Year></CollectionDetails></Header>"
        "<Children/></Message>",
        encoding="utf-8",
    )
    with pytest.raises(DomainError, match="rules for the collection years 2023 to 2027"):
        validate_file("cin", census)


def test_onestorys_schemas_follow_its_code_lists_and_can_be_written_out(tmp_path):
    written = schema.write_schemas(tmp_path)

    assert [p.name for p in written] == [schema.schema_name(y) for y in schema.SCHEMA_YEARS]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "onestory's own schema, not the DfE's file" in text
        assert schema.load_schema(path) is not None
        assert '<xs:enumeration value="RC9">' in text  # a closure reason from the code list


def test_schema_errors_carry_line_numbers_without_a_validator(tmp_path):
    census = tmp_path / "cin.xml"
    census.write_text(
        "<Message>\n<Header>\n<CollectionDetails><Collection>CIN</Collection><Year>2026</Year>"
        "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>\n"
        "<Source><SourceLevel>L</SourceLevel><LEA>821</LEA><SoftwareCode>x</SoftwareCode>"
        "<Release>1</Release><SerialNo>001</SerialNo><DateTime>2026-04-01T10:00:00</DateTime>"
        "</Source>\n</Header>\n<Children>\n<Child>\n<ChildIdentifiers><LAchildID>ABC</LAchildID>"
        "<Sex>Q</Sex></ChildIdentifiers>\n</Child>\n</Children>\n</Message>\n",
        encoding="utf-8",
    )

    errors = schema.check(schema.read_census(census), schema.our_schema(YEAR))

    assert [(e.line, e.element, e.child) for e in errors] == [
        (_line_of(census, "<Sex>Q</Sex>"), "Sex", "ABC"),
        (_line_of(census, "<Child>"), "Child", "ABC"),
    ]
    assert "ChildCharacteristics" in errors[1].message


@pytest.mark.django_db
def test_children_are_found_by_their_uuid_or_another_systems_identifier():
    from onestory.people.tests.factories import PersonFactory

    ours, imported, unrelated = PersonFactory(), PersonFactory(), PersonFactory()
    LAChildId.objects.create(person=imported, code="abc123", source="cin", imported_at=NOW)

    found = people_for([child_id(ours.pk), "ABC123", "0000000000", None])

    assert found == {child_id(ours.pk): ours.pk, "ABC123": imported.pk}
    assert unrelated.pk not in found.values()
    assert isinstance(next(iter(found.values())), uuid.UUID)


def test_the_runners_import_neither_django_nor_onestory():
    for runner in RUNNERS.values():
        text = runner.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text
        assert "from onestory" not in text and "import onestory" not in text


def test_make_validators_pins_every_requirement_exactly():
    for source in RUNNERS:
        pins = Path(RUNNERS[source]).with_name(f"requirements-{source}.txt")
        lines = [
            line for line in pins.read_text().splitlines() if line and not line.startswith("#")
        ]
        assert lines and all("==" in line for line in lines)
