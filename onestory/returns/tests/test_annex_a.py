"""Ofsted's Annex A export: the workbook's sheets and headings, the six months it covers, the
adoption lists it cannot fill, the audit rows, and the command's arguments."""

import io
import os
from datetime import UTC, date, datetime
from itertools import count

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.frontdoor.models import ContactPerson
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.returns import annex_a
from onestory.returns import annex_a_template as template
from onestory.returns.annex_a_common import Window
from onestory.returns.identifiers import child_id
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 1)  # The lists cover 1 May to 31 October 2026.
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
_schools = count(1)


def export(tmp_path, on=ON, name="annex-a.xlsx") -> dict:
    """Run the command; {sheet title: [{heading: value}]} as read back from the workbook."""
    out = tmp_path / name
    call_command(
        "export_return", "annex-a", "--on", on.isoformat(), "--out", str(out), stdout=io.StringIO()
    )
    return read(out)


def read(path) -> dict:
    book = openpyxl.load_workbook(path)
    lists = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        lists[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return lists


def contact_about(child, received_at):
    """A contact received at `received_at` naming `child`, matched to their record."""
    referrer = worker_with_role(Role.PARTNER, agency_name=f"Annex A school {next(_schools)}")
    contact = submit(referrer, now=received_at)
    ContactPerson.objects.filter(contact=contact, role=ContactPerson.Role.CHILD).update(
        person=child
    )
    return contact


def test_the_workbook_has_one_sheet_per_list_with_the_templates_headings(tmp_path):
    out = tmp_path / "annex-a.xlsx"
    annex_a.export(on=ON, out=out, now=NOW)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    for number in range(1, 12):
        headings = [cell.value for cell in book[f"List {number}"][1]]
        assert headings == list(template.HEADINGS[number])
    for number in range(1, 10):
        assert template.HEADINGS[number][:5] == (
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age",
        )
    assert template.HEADINGS[1][5:] == ("Date of Contact", "Contact Source")
    assert template.HEADINGS[8][-2:] == ("Allocated Team", "Allocated Worker")


def test_the_adoption_lists_have_their_headings_no_rows_and_say_why(tmp_path):
    out = tmp_path / "annex-a.xlsx"
    said = annex_a.export(on=ON, out=out, now=NOW)
    book = openpyxl.load_workbook(out)
    for number in (10, 11):
        sheet = book[f"List {number}"]
        assert sheet.max_row == 1
        assert "Adoption is not recorded in onestory" in sheet["A1"].comment.text
        assert f"List {number}: Adoption is not recorded in onestory" in said
    assert "List 10 adoption: 0 rows" in said


def test_a_contact_is_listed_when_received_in_the_six_months_before_the_date(tmp_path):
    """Window edges in London time: 1 May 2026 00:10 BST is 30 April in UTC."""
    before = PersonFactory()
    first_minute = PersonFactory()
    last_day = PersonFactory()
    after = PersonFactory()
    contact_about(before, datetime(2026, 4, 30, 22, 50, tzinfo=UTC))  # 23:50 on 30 April
    contact_about(first_minute, datetime(2026, 4, 30, 23, 10, tzinfo=UTC))  # 00:10 on 1 May
    contact_about(last_day, datetime(2026, 10, 31, 23, 50, tzinfo=UTC))  # 23:50 on 31 October
    contact_about(after, datetime(2026, 11, 1, 0, 10, tzinfo=UTC))
    listed = {row["Child Unique ID"]: row for row in export(tmp_path)["List 1"]}
    assert set(listed) == {child_id(first_minute.pk), child_id(last_day.pk)}
    assert listed[child_id(first_minute.pk)]["Date of Contact"].date() == date(2026, 5, 1)
    assert listed[child_id(last_day.pk)]["Date of Contact"].date() == date(2026, 10, 31)


def test_a_contact_lists_the_child_with_the_templates_values(tmp_path):
    child = PersonFactory(sex="F", ethnicity="APKN", date_of_birth=date(2015, 11, 2))
    contact = contact_about(child, datetime(2026, 6, 3, 11, 0, tzinfo=UTC))
    contact.referral_source = "6"
    contact.save(update_fields=["referral_source"])
    (row,) = export(tmp_path)["List 1"]
    assert row == {
        "Child Unique ID": child_id(child.pk),
        "Gender": "b) Female",
        "Ethnicity": "k) APKN",
        "Date of Birth": datetime(2015, 11, 2),
        "Age": 10,  # 11 on 2 November, the day after the date given
        "Date of Contact": datetime(2026, 6, 3),
        "Contact Source": "q) 6: Police",
    }


def test_dates_are_excel_dates_shown_day_month_year(tmp_path):
    child = PersonFactory(date_of_birth=date(2015, 11, 2))
    contact_about(child, datetime(2026, 6, 3, 11, 0, tzinfo=UTC))
    out = tmp_path / "annex-a.xlsx"
    annex_a.export(on=ON, out=out, now=NOW)
    row = openpyxl.load_workbook(out)["List 1"][2]
    assert [row[3].number_format, row[5].number_format] == ["DD/MM/YYYY"] * 2
    assert row[3].is_date and row[5].is_date


def test_a_child_not_yet_matched_to_a_record_is_counted_not_listed(tmp_path):
    submit(worker_with_role(Role.PARTNER), now=datetime(2026, 6, 3, 11, 0, tzinfo=UTC))
    said = annex_a.export(on=ON, out=tmp_path / "a.xlsx", now=NOW)
    assert "List 1: 1 children named in contacts are not yet matched to a record" in said
    assert read(tmp_path / "a.xlsx")["List 1"] == []


def test_the_window_is_the_six_months_before_the_date():
    window = Window(date(2026, 8, 31))
    assert (window.start, window.end) == (date(2026, 2, 28), date(2026, 8, 30))
    assert window.words() == "28 February 2026 to 30 August 2026"


def test_the_export_is_audited_with_who_when_and_which_children(tmp_path):
    listed, unlisted = PersonFactory(), PersonFactory()
    contact_about(listed, datetime(2026, 6, 3, 11, 0, tzinfo=UTC))
    contact_about(unlisted, datetime(2025, 6, 3, 11, 0, tzinfo=UTC))
    analyst = worker_with_role(Role.ANALYST)
    annex_a.export(on=ON, out=tmp_path / "a.xlsx", now=NOW, acting_user=analyst)
    per_child = AuditEvent.objects.filter(action="export", person_id__isnull=False)
    assert [(e.person_id, e.actor, e.at) for e in per_child] == [(listed.pk, analyst, NOW)]
    assert per_child.get().detail["page"] == "Ofsted Annex A 2026-05-01 to 2026-10-31"
    summary = AuditEvent.objects.get(action="export", person_id__isnull=True)
    assert summary.actor == analyst
    assert summary.detail["children"] == 1
    assert summary.detail["rows"]["List 1"] == 1
    assert summary.detail["via"] == "command"


def test_the_file_appears_only_when_complete(tmp_path):
    out = tmp_path / "a.xlsx"
    out.write_text("the previous export")
    annex_a.export(on=ON, out=out, now=NOW)
    assert openpyxl.load_workbook(out).sheetnames[0] == "List 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["annex-a"], "export_return annex-a needs --on DATE (YYYY-MM-DD)"),
        (["annex-a", "--on", "01/11/2026"], "Give --on as a date written YYYY-MM-DD"),
        (["annex-a", "--on", "2026-02-30"], "Give --on as a date written YYYY-MM-DD"),
        (
            ["annex-a", "--year", "2026"],
            "--year is for cin and 903: export_return annex-a takes --on",
        ),
        (["cin"], "export_return cin needs --year"),
        (["903", "--on", "2026-11-01"], "--on is for annex-a only: export_return 903 takes --year"),
        (["cin", "--year", "26"], "Give --year as four digits"),
    ],
)
def test_wrong_arguments_are_refused_in_plain_words(tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command(
            "export_return", *arguments, "--out", str(tmp_path / "x"), stdout=io.StringIO()
        )


def test_a_path_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    with pytest.raises(DomainError, match="does not exist"):
        annex_a.export(on=ON, out=tmp_path / "missing" / "a.xlsx", now=NOW)
    with pytest.raises(DomainError, match="is a folder"):
        annex_a.export(on=ON, out=tmp_path, now=NOW)
    with pytest.raises(DomainError, match="ending .xlsx"):
        annex_a.export(on=ON, out=tmp_path / "a.csv", now=NOW)
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(DomainError, match="cannot be written to"):
            annex_a.export(on=ON, out=locked / "a.xlsx", now=NOW)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_says_what_it_wrote(tmp_path):
    said = io.StringIO()
    call_command(
        "export_return",
        "annex-a",
        "--on",
        "2026-11-01",
        "--out",
        str(tmp_path / "a.xlsx"),
        stdout=said,
    )
    text = said.getvalue()
    assert text.startswith("Ofsted Annex A for 1 May 2026 to 31 October 2026")
    assert "List 3 referrals: 0 rows" in text
    assert '"What is the permanence plan for this child?"' in text
