"""What every import shares: safe XML, finding or creating a child, the report, all or nothing."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.people.models import ChronologyEntry, Person
from onestory.people.tests.factories import PersonFactory
from onestory.returns.imports import common
from onestory.returns.models import LAChildId

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Message>&lol3;</Message>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message>&xxe;</Message>
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_xml_gives_the_root_of_a_well_formed_file(tmp_path):
    root = common.read_xml(_write(tmp_path, "ok.xml", "<Message><Child/></Message>"))
    assert root.tag == "Message"
    assert [c.tag for c in root] == ["Child"]


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL])
def test_read_xml_refuses_entities_and_document_types(tmp_path, text):
    with pytest.raises(DomainError, match=r"The file hostile.xml was refused because"):
        common.read_xml(_write(tmp_path, "hostile.xml", text))


def test_read_xml_says_where_a_malformed_file_breaks(tmp_path):
    with pytest.raises(DomainError, match=r"not well-formed XML \(line 2"):
        common.read_xml(_write(tmp_path, "cut.xml", "<Message>\n<Child>"))


def test_read_xml_says_a_missing_file_cannot_be_read(tmp_path):
    with pytest.raises(DomainError, match="cannot be read"):
        common.read_xml(tmp_path / "absent.xml")


def test_read_csv_numbers_lines_as_a_spreadsheet_does(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfchild, dob\n\nA1,01/02/2010\nB2\n")
    columns, rows = common.read_csv(path)
    assert columns == ["CHILD", "DOB"]
    assert rows == [(3, {"CHILD": "A1", "DOB": "01/02/2010"}), (4, {"CHILD": "B2", "DOB": ""})]


@pytest.mark.django_db
def test_a_new_child_gets_a_placeholder_name_the_return_details_and_the_code():
    report = common.ImportReport("903")
    person, created = common.find_or_create_child(
        code="640353",
        source="903",
        now=NOW,
        report=report,
        upn="Z053273524673",
        date_of_birth=date(2004, 2, 19),
        sex="M",
        ethnicity="REFU",
    )
    assert created
    assert person.full_name == "Child 640353 (name not in the SSDA903 return)"
    assert (person.upn, person.date_of_birth, person.sex, person.ethnicity) == (
        "Z053273524673",
        date(2004, 2, 19),
        "M",
        "REFU",
    )
    assert LAChildId.objects.get(person=person).code == "640353"
    assert person.names.get().kind == "legal"
    assert ChronologyEntry.objects.filter(person=person).exists()
    assert report.counts["children"]["created"] == 1


@pytest.mark.django_db
def test_a_child_is_found_again_by_code_then_by_upn():
    report = common.ImportReport("903")
    first, _ = common.find_or_create_child(code="A1", source="903", now=NOW, report=report)
    again, created = common.find_or_create_child(code="A1", source="903", now=NOW, report=report)
    assert again == first and not created

    known = PersonFactory(upn="A123456789012", date_of_birth=date(2012, 1, 1), ethnicity="NOBT")
    matched, created = common.find_or_create_child(
        code="B2",
        source="903",
        now=NOW,
        report=report,
        upn="A123456789012",
        date_of_birth=date(2012, 1, 1),
        ethnicity="WBRI",
    )
    assert matched == known and not created
    known.refresh_from_db()
    assert known.ethnicity == "WBRI"  # a blank ("not yet obtained") is filled
    assert known.la_child_id.code == "B2"
    assert report.counts["children"]["matched"] == 2


@pytest.mark.django_db
def test_a_upn_with_another_date_of_birth_or_a_merged_record_matches_nobody():
    PersonFactory(upn="A123456789012", date_of_birth=date(2012, 1, 1))
    report = common.ImportReport("903")
    person, created = common.find_or_create_child(
        code="C3",
        source="903",
        now=NOW,
        report=report,
        upn="A123456789012",
        date_of_birth=date(2013, 5, 5),
    )
    assert created
    assert "another date of birth" in report.notes[0]
    assert Person.objects.filter(upn="A123456789012").count() == 2


@pytest.mark.django_db
def test_a_code_on_a_merged_record_finds_the_record_it_was_merged_into():
    report = common.ImportReport("903")
    old, _ = common.find_or_create_child(code="D4", source="903", now=NOW, report=report)
    survivor = PersonFactory()
    Person.objects.filter(pk=old.pk).update(merged_into=survivor)
    found, created = common.find_or_create_child(code="D4", source="903", now=NOW, report=report)
    assert found == survivor and not created


@pytest.mark.django_db
def test_all_or_nothing_loads_nothing_when_a_row_is_refused_and_audits_the_attempt():
    report = common.ImportReport("903")
    with common.all_or_nothing(report, acting_user=None, now=NOW, page="SSDA903 import"):
        common.find_or_create_child(code="E5", source="903", now=NOW, report=report)
        report.reject("2019-header.csv", 7, "E6", "SEX must be 1 or 2.")
    assert not report.loaded
    assert not LAChildId.objects.filter(code="E5").exists()
    event = AuditEvent.objects.get(action="import")
    assert event.reason == "import refused"
    summary = report.summary()
    assert "Nothing was loaded" in summary
    assert "2019-header.csv, line 7, child E6: SEX must be 1 or 2." in summary
    assert "children: 1 created" in summary


@pytest.mark.django_db
def test_all_or_nothing_audits_each_child_of_a_loaded_import():
    report = common.ImportReport("903")
    with common.all_or_nothing(report, acting_user=None, now=NOW, page="SSDA903 import"):
        person, _ = common.find_or_create_child(code="F6", source="903", now=NOW, report=report)
    assert report.loaded
    assert AuditEvent.objects.filter(action="import", person_id=person.pk).count() == 1
    assert AuditEvent.objects.filter(action="import", person_id__isnull=True).count() == 1


def test_progress_is_the_iterable_itself_unless_asked_for():
    items = [1, 2]
    assert common.progress(items, enabled=False) is items
    assert list(common.progress(items, enabled=True, description="rows")) == items
