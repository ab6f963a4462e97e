"""The board report's content and PDF: each group of measures with the period's figures, the
comparators, trends and breakdowns with their numbers, the commentary, and never a child's name."""

import io
from datetime import UTC, date, datetime, timedelta

import pypdf
import pytest

from onestory.insight import board_report, measures, strategy
from onestory.insight.models import BoardReport, PopulationEstimate
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories_audits import case_audit
from .factories_audits import template as audit_template

pytestmark = pytest.mark.django_db

YEAR = Period(date(2022, 4, 1), date(2023, 3, 31))
NOW = datetime(2023, 6, 5, 10, 0, tzinfo=UTC)
CHILD_NAMES = ("Zebedee", "Quillon", "Marigold")


def three_children_in_need():
    """Three children in need on 31 March 2023 (named so a test can look for their names), one
    whose episode closed before, and 1,500 children living in the authority."""
    worker = worker_with_role(Role.SOCIAL_WORKER)
    for day, name in zip(
        (date(2022, 5, 3), date(2022, 11, 8), date(2023, 2, 1)), CHILD_NAMES, strict=True
    ):
        referred_child(worker, now=NOW, referral_date=day, given_name=name, family_name="Oduya")
    _, closed = referred_child(worker, now=NOW, referral_date=date(2022, 6, 1))
    closed.closed_on = date(2022, 9, 1)
    closed.save()
    PopulationEstimate.objects.create(year=2022, children=1_500, source="Test estimate")
    return worker


def pdf_text(document: bytes) -> str:
    """The PDF's words, one space between each (lines wrapped in a cell join up again)."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _report(creator, **changes):
    return BoardReport.objects.create(
        **{
            "title": "Early help strategy group, June 2023",
            "period_start": YEAR.start,
            "period_end": YEAR.end,
            "commentary": {},
            "created_by": creator,
            **changes,
        }
    )


def _section(content, key):
    return next(s for s in content.sections if s.key == key)


def test_the_report_has_a_summary_then_a_section_for_each_group_of_measures():
    keys = board_report.section_keys()
    assert keys[0] == board_report.SUMMARY
    groups = {m.group for m in measures.MEASURES}
    assert {board_report.group_key(g) for g in groups} <= set(keys)
    assert len(keys) == len(set(keys))


def test_each_section_shows_its_measures_figures_for_the_period():
    three_children_in_need()
    content = board_report.build(
        title="Report", period=YEAR, commentary={"children_in_need": "Steady."}, with_charts=False
    )
    need = _section(content, "children_in_need")
    rows = {row.id: row for row in need.figures}
    assert rows["children_in_need"].value == "3"
    assert rows["cin_rate_per_10000"].value == "20.0"
    assert rows["cin_rate_per_10000"].counted == "3 of 1,500"
    assert "Test estimate" in rows["cin_rate_per_10000"].note
    assert need.commentary == "Steady."
    assert need.charts == ()


def test_a_period_before_any_record_says_no_data_rather_than_zero():
    content = board_report.build(
        title="Report",
        period=Period(date(2001, 4, 1), date(2002, 3, 31)),
        commentary={},
        with_charts=False,
    )
    need = _section(content, "children_in_need")
    assert {row.value for row in need.figures} == {"no data"}


def test_the_trend_is_a_line_chart_with_the_five_years_numbers_beside_it():
    three_children_in_need()
    content = board_report.build(title="Report", period=YEAR, commentary={})
    need = _section(content, "children_in_need")
    trend = need.charts[0]
    assert trend.svg.startswith("<svg")
    assert trend.table.header == (
        "Year to",
        "Mar 2019",
        "Mar 2020",
        "Mar 2021",
        "Mar 2022",
        "Mar 2023",
    )
    assert trend.table.rows[0][-1] == "3"
    # Before the first referral there is no data, which is not the same as none.
    assert trend.table.rows[0][1] == "no data"
    every = need.tables[0]
    assert [row[0] for row in every.rows] == [
        r.name for r in measures.compute(YEAR) if r.group == "Children in need"
    ]


def test_the_pdf_has_every_measure_its_values_the_commentary_and_no_childs_name(settings):
    settings.ONESTORY_COUNCIL_NAME = "Luton Borough Council (synthetic)"
    creator = three_children_in_need()
    report = _report(
        creator,
        commentary={
            "summary": "Fewer children were in need than a year before.",
            "children_in_need": "The rate stayed below England's.",
        },
    )
    document = board_report.pdf(report, now=NOW)
    assert document.startswith(b"%PDF")
    # Tagged, so a screen reader reads its headings and tables in order.
    assert pypdf.PdfReader(io.BytesIO(document)).trailer["/Root"]["/MarkInfo"]["/Marked"]
    text = pdf_text(document)
    assert "Luton Borough Council (synthetic)" in text
    assert "Early help strategy group, June 2023" in text
    assert "1 April 2022 to 31 March 2023" in text
    for result in measures.compute(YEAR):
        assert result.name in text
    assert "20.0" in text and "3 of 1,500" in text
    assert "Fewer children were in need than a year before." in text
    assert "The rate stayed below England's." in text
    assert "Page 1 of" in text
    for name in (*CHILD_NAMES, "Oduya"):
        assert name not in text


def test_the_pdf_file_name_says_what_it_is_and_names_nobody():
    report = BoardReport(
        title="Zebedee's review", period_start=YEAR.start, period_end=YEAR.end + timedelta(0)
    )
    assert board_report.filename(report) == "board-report-2022-04-01-to-2023-03-31.pdf"


def test_the_strategys_measures_say_what_the_record_shows_or_why_it_cannot():
    content = board_report.build(title="Report", period=YEAR, commentary={}, with_charts=False)
    strategy_section = _section(content, board_report.STRATEGY)
    rows = dict(strategy_section.tables[0].rows)
    assert list(rows) == [item.text for item in strategy.SECTION_12]
    for item in strategy.SECTION_12:
        if item.measurable:
            assert "Not measured from case records" not in rows[item.text]
        else:
            assert rows[item.text].startswith("Not measured from case records: ")


def test_case_audits_are_shown_by_team_with_the_share_good_or_better():
    audit_template()
    auditor = worker_with_role(Role.TEAM_MANAGER)
    east = TeamFactory(name="East")
    for grade in ("good", "outstanding", "inadequate"):
        case_audit(
            person=PersonFactory(),
            team=east,
            auditor=auditor,
            due_on=date(2022, 12, 1),
            completed_at=datetime(2022, 11, 20, 12, 0, tzinfo=UTC),
            overall_grade=grade,
            themes=["timeliness"],
        )
    content = board_report.build(title="Report", period=YEAR, commentary={}, with_charts=True)
    audits = _section(content, board_report.AUDITS)
    table = audits.tables[0]
    assert table.rows[0][:3] == ("East", "3", "66.7%")
    assert table.rows[-1][0] == "All teams"
    assert audits.charts[0].table.rows == (("East", "66.7%", "3"),)


def test_a_period_with_no_case_audit_says_so():
    content = board_report.build(title="Report", period=YEAR, commentary={}, with_charts=False)
    audits = _section(content, board_report.AUDITS)
    assert audits.note.startswith("No case audit was completed in the period")
    assert audits.tables == ()
