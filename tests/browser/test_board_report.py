"""The board report in Chromium: the performance analyst goes from the performance dashboard to
the board reports, starts one for the year ending 31 March 2023, writes the summary beside the
figures and downloads the PDF, which has the measures in it."""

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from onestory.insight import measures
from onestory.insight.models import PopulationEstimate
from onestory.insight.rules import Period
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import download_with_purpose, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = Period(date(2022, 4, 1), date(2023, 3, 31))


def _children_in_need():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referred = datetime(2023, 6, 5, 10, 0, tzinfo=UTC)
    for day in (date(2022, 5, 3), date(2022, 11, 8), date(2023, 2, 1)):
        referred_child(worker, now=referred, referral_date=day, given_name="Zebedee")
    PopulationEstimate.objects.create(year=2022, children=1_500, source="Test estimate")


def _text(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_analyst_writes_a_board_report_and_downloads_its_pdf(page, site):
    # The demo sign-in's username (onestory demo_users).
    worker_with_role(Role.ANALYST, username="analyst", first_name="Ravi", last_name="Patel")
    _children_in_need()
    sign_in(page, site, "analyst")

    page.goto(f"{site}/performance/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("link", name="Board reports").click()
    expect(page.get_by_role("heading", name="Board reports", level=1)).to_be_visible()
    visit(page, "board reports: none yet")

    page.get_by_role("button", name="Start a board report").click()
    visit(page, "board reports: start")
    page.get_by_label("Title").fill("Early help strategy group, June 2023")
    page.get_by_label("First day of the period").fill("01/04/2022")
    page.get_by_label("Last day of the period").fill("31/03/2099")
    page.get_by_role("button", name="Start the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must end today or earlier")
    visit(page, "board reports: a period ending in the future")
    page.get_by_label("Last day of the period").fill("31/03/2023")
    page.get_by_role("button", name="Start the report").click()

    expect(page.get_by_role("heading", name="Early help strategy group, June 2023")).to_be_visible()
    expect(page.get_by_text("1 April 2022 to 31 March 2023").first).to_be_visible()
    expect(page.get_by_role("cell", name="3 of 1,500")).to_be_visible()
    visit(page, "board report: commentary")
    page.get_by_label("Summary for the board").fill("Fewer children were in need.")
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_text("Board report saved.")).to_be_visible()

    download = download_with_purpose(
        page,
        page.get_by_role("button", name="Download PDF"),
        "board report PDF",
        purpose="A report to a board, committee or the strategy group",
        timeout=120_000,
    )
    assert re.fullmatch(
        r"board-report-2022-04-01-to-2023-03-31\.pdf", download.suggested_filename
    )
    document = Path(download.path()).read_bytes()
    assert document.startswith(b"%PDF")
    text = _text(document)
    for result in measures.compute(YEAR):
        assert result.name in text
    assert "Fewer children were in need." in text
    assert "Zebedee" not in text
