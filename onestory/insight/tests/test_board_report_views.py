"""The board report pages: who may open them, starting a report with clear errors, writing the
commentary beside the figures (a save on top of someone else's keeps what was typed), and the
PDF download recorded in the audit trail."""

from datetime import date

import pytest
from django.urls import reverse

from onestory.access.models import AuditEvent
from onestory.core.models import IdempotencyKey
from onestory.insight import board_report
from onestory.insight.models import BoardReport
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .test_board_report import CHILD_NAMES, pdf_text, three_children_in_need

pytestmark = pytest.mark.django_db

ALLOWED = [Role.ANALYST, Role.TEAM_MANAGER]
REFUSED = [
    Role.SOCIAL_WORKER,
    Role.FRONT_DOOR,
    Role.EARLY_HELP,
    Role.PARTNER,
    Role.DATA_PROTECTION_OFFICER,
]


def _report(creator=None, **changes):
    return BoardReport.objects.create(
        **{
            "title": "Strategy group, June 2023",
            "period_start": date(2022, 4, 1),
            "period_end": date(2023, 3, 31),
            "commentary": {},
            "created_by": creator or worker_with_role(Role.ANALYST),
            **changes,
        }
    )


def _urls(report):
    return [
        reverse("insight:board-reports"),
        reverse("insight:board-report-new"),
        reverse("insight:board-report", kwargs={"pk": report.pk}),
    ]


@pytest.fixture
def no_pdf(monkeypatch):
    """The PDF's bytes without drawing it (the PDF itself is tested once, below)."""
    monkeypatch.setattr(board_report, "pdf", lambda report, **kwargs: b"%PDF-1.7 test")


@pytest.mark.parametrize("role", ALLOWED)
def test_analysts_and_team_managers_open_every_board_report_page(client, sign_in, role, no_pdf):
    sign_in(role)
    report = _report()
    for url in _urls(report):
        assert client.get(url).status_code == 200, url
    pdf = client.get(
        reverse("insight:board-report-pdf", kwargs={"pk": report.pk}), {"purpose": "board"}
    )
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_answered_as_if_the_pages_did_not_exist(client, sign_in, role):
    sign_in(role)
    report = _report()
    for url in [*_urls(report), reverse("insight:board-report-pdf", kwargs={"pk": report.pk})]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("insight:board-report-new"), {"title": "x"}).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("insight:board-reports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:sign-in"))


def test_an_unknown_report_is_not_found(client, sign_in):
    sign_in(Role.ANALYST)
    missing = "7d1f0a52-0000-4000-8000-000000000000"
    assert client.get(reverse("insight:board-report", kwargs={"pk": missing})).status_code == 404


def test_the_list_shows_each_report_with_its_period_and_a_download_link(client, sign_in):
    sign_in(Role.ANALYST)
    report = _report()
    page = client.get(reverse("insight:board-reports")).content.decode()
    assert "Strategy group, June 2023" in page
    assert "1 April 2022 to 31 March 2023" in page
    assert reverse("insight:board-report-pdf", kwargs={"pk": report.pk}) in page


def test_the_start_form_suggests_the_last_year_to_march(client, sign_in):
    sign_in(Role.ANALYST)
    page = client.get(reverse("insight:board-report-new")).content.decode()
    assert 'name="period_start"' in page and 'name="form_token"' in page
    assert "/04/" in page and "31/03/" in page


def test_starting_a_report_twice_with_one_form_makes_one_and_opens_it(client, sign_in):
    analyst = sign_in(Role.ANALYST)
    form = {
        "title": "Children's Trust, July 2023",
        "period_start": "01/04/2022",
        "period_end": "31/03/2023",
        "form_token": "one-form",
    }
    first = client.post(reverse("insight:board-report-new"), form)
    second = client.post(reverse("insight:board-report-new"), form)
    report = BoardReport.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("insight:board-report", kwargs={"pk": report.pk})
    )
    assert report.created_by == analyst
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"title": "", "period_start": "01/04/2022", "period_end": "31/03/2023"}, "Enter a title"),
        ({"title": "T", "period_start": "", "period_end": "31/03/2023"}, "Enter the first day"),
        (
            {"title": "T", "period_start": "31/02/2022", "period_end": "31/03/2023"},
            "Enter the first day of the period as a real date",
        ),
        (
            {"title": "T", "period_start": "01/04/2023", "period_end": "31/03/2023"},
            "must end on or after the day it starts",
        ),
        (
            {"title": "T", "period_start": "01/04/2022", "period_end": "31/03/2099"},
            "must end today or earlier",
        ),
    ],
)
def test_a_wrong_title_or_period_is_explained_and_what_was_typed_is_kept(
    client, sign_in, form, words
):
    sign_in(Role.ANALYST)
    response = client.post(reverse("insight:board-report-new"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert words in page.replace("&#x27;", "'")
    assert f'value="{form["period_start"]}"' in page or not form["period_start"]
    assert not BoardReport.objects.exists()


def test_the_report_page_shows_each_sections_figures_above_its_commentary_box(client, sign_in):
    three_children_in_need()
    sign_in(Role.ANALYST)
    report = _report(commentary={"children_in_need": "Steady over the year."})
    page = client.get(reverse("insight:board-report", kwargs={"pk": report.pk})).content.decode()
    figures = page.index("Children in need per 10,000 children")
    box = page.index('name="section_children_in_need"')
    assert figures < box
    assert "3 of 1,500" in page
    assert "Steady over the year." in page
    for name in CHILD_NAMES:
        assert name not in page


def test_saving_the_commentary_keeps_it_and_says_so(client, sign_in):
    sign_in(Role.ANALYST)
    report = _report()
    response = client.post(
        reverse("insight:board-report", kwargs={"pk": report.pk}),
        {"title": report.title, "version": report.version, "section_summary": "A good year."},
        follow=True,
    )
    assert "Board report saved." in response.content.decode()
    report.refresh_from_db()
    assert report.commentary == {"summary": "A good year."}


def test_a_save_on_top_of_someone_elses_keeps_what_was_typed_and_shows_theirs(client, sign_in):
    sign_in(Role.ANALYST)
    report = _report()
    opened_at = report.version
    report.commentary = {"summary": "The manager's reading."}
    report.version += 1
    report.save()
    response = client.post(
        reverse("insight:board-report", kwargs={"pk": report.pk}),
        {"title": report.title, "version": opened_at, "section_summary": "My own reading."},
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "Your changes have not been saved" in page
    assert "My own reading." in page
    assert "Saved by someone else since you opened this page" in page
    assert "The manager's reading." in page
    report.refresh_from_db()
    assert report.commentary == {"summary": "The manager's reading."}
    # Saving again, having seen theirs, goes ahead.
    assert f'value="{report.version}"' in page


def test_too_long_a_commentary_is_refused_beside_its_box(client, sign_in):
    sign_in(Role.ANALYST)
    report = _report()
    response = client.post(
        reverse("insight:board-report", kwargs={"pk": report.pk}),
        {"title": report.title, "version": report.version, "section_summary": "x" * 2_001},
    )
    page = response.content.decode()
    assert 'href="#id_section_summary"' in page
    assert "2,000 characters or fewer" in page


def test_the_pdf_downloads_with_a_file_name_naming_nobody_and_is_audited(client, sign_in):
    three_children_in_need()
    analyst = sign_in(Role.ANALYST)
    report = _report(commentary={"summary": "A steady year."})
    response = client.get(
        reverse("insight:board-report-pdf", kwargs={"pk": report.pk}), {"purpose": "board"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="board-report-2022-04-01-to-2023-03-31.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Children in need per 10,000 children" in text and "A steady year." in text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == analyst
    assert event.object_id == str(report.pk)
    assert event.detail["format"] == "pdf"
    assert event.detail["purpose"] == "board"
