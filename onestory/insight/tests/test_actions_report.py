"""Board report actions: starting a report for a period (once per form), saving its title and
commentary (refused when someone saved it first), each recorded in the audit trail."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.insight import actions
from onestory.insight.models import BoardReport
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2023, 6, 5, 10, 0, tzinfo=UTC)
YEAR = {"period_start": date(2022, 4, 1), "period_end": date(2023, 3, 31)}


def _create(user, form="form-1", **changes):
    fields = {"title": "Strategy group, June 2023", **YEAR, **changes}
    return actions.board_report_create(**fields, acting_user=user, now=NOW, form_token=form)


@pytest.fixture
def analyst():
    return worker_with_role(Role.ANALYST)


def test_a_report_starts_for_its_period_with_no_commentary_and_is_audited(analyst):
    report = _create(analyst)
    assert (report.title, report.period_start, report.period_end) == (
        "Strategy group, June 2023",
        date(2022, 4, 1),
        date(2023, 3, 31),
    )
    assert report.commentary == {}
    assert report.created_by == analyst
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.actor == analyst
    assert event.object_id == str(report.pk)
    assert event.detail["period"] == ["2022-04-01", "2023-03-31"]


def test_submitting_the_same_form_twice_makes_one_report(analyst):
    first = _create(analyst, form="same")
    second = _create(analyst, form="same")
    assert first.pk == second.pk
    assert BoardReport.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).count() == 1


def test_a_team_manager_may_start_a_report_and_a_social_worker_may_not():
    assert _create(worker_with_role(Role.TEAM_MANAGER)).pk
    with pytest.raises(DomainError, match="Only performance analysts and team managers"):
        _create(worker_with_role(Role.SOCIAL_WORKER), form="other")
    assert BoardReport.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": "  "}, "title", "Enter a title"),
        ({"period_start": None}, "period_start", "Enter the first day"),
        ({"period_end": None}, "period_end", "Enter the last day"),
        ({"period_end": date(2022, 3, 31)}, "period_end", "must end on or after the day it starts"),
        ({"period_end": date(2023, 6, 6)}, "period_end", "must end today or earlier"),
        ({"period_start": date(1999, 12, 31)}, "period_start", "start in 2000 or later"),
    ],
)
def test_a_report_with_a_missing_title_or_a_wrong_period_is_refused_saying_why(
    analyst, changes, field, words
):
    with pytest.raises(DetailsRefused) as refused:
        _create(analyst, **changes)
    assert words in refused.value.problems[field]
    assert not BoardReport.objects.exists()


def test_a_period_ending_today_is_allowed(analyst):
    assert _create(analyst, period_end=date(2023, 6, 5)).period_end == date(2023, 6, 5)


def _update(report, user, *, version, title="Strategy group, June 2023", **commentary):
    return actions.board_report_update(
        report=report,
        title=title,
        commentary=commentary,
        version=version,
        acting_user=user,
        now=NOW,
    )


def test_commentary_is_saved_by_section_and_the_audit_names_sections_never_words(analyst):
    report = _create(analyst)
    saved = _update(
        report,
        analyst,
        version=report.version,
        summary="  Fewer children were in need.\r\n\r\nReferrals rose.  ",
        children_in_need="",
    )
    assert saved.commentary == {"summary": "Fewer children were in need.\n\nReferrals rose."}
    assert saved.version == report.version + 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.detail["fields"] == ["commentary"]
    assert event.detail["sections"] == ["summary"]
    assert "Fewer" not in str(event.detail)


def test_an_empty_box_removes_that_sections_commentary(analyst):
    report = _create(analyst)
    report = _update(report, analyst, version=report.version, summary="First reading.")
    report = _update(report, analyst, version=report.version, summary="")
    assert report.commentary == {}


def test_a_save_on_top_of_someone_elses_is_refused_and_nothing_changes(analyst):
    report = _create(analyst)
    manager = worker_with_role(Role.TEAM_MANAGER)
    opened_at = report.version
    _update(report, manager, version=opened_at, summary="The manager's reading.")
    with pytest.raises(StaleEdit, match="Your changes have not been saved"):
        _update(report, analyst, version=opened_at, title="Mine", summary="The analyst's.")
    report.refresh_from_db()
    assert report.commentary == {"summary": "The manager's reading."}
    assert report.title == "Strategy group, June 2023"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count() == 1


def test_commentary_longer_than_a_short_reading_is_refused_for_that_section(analyst):
    report = _create(analyst)
    with pytest.raises(DetailsRefused) as refused:
        _update(report, analyst, version=report.version, summary="word " * 500)
    assert "2,000 characters or fewer" in refused.value.problems["commentary:summary"]
    report.refresh_from_db()
    assert report.commentary == {}


def test_commentary_for_a_section_the_report_does_not_have_is_refused(analyst):
    report = _create(analyst)
    with pytest.raises(DetailsRefused, match="no section called"):
        _update(report, analyst, version=report.version, nonsense="Text")


def test_a_title_can_be_changed_and_the_audit_says_so(analyst):
    report = _create(analyst)
    saved = _update(report, analyst, version=report.version, title="Children's Trust, July")
    assert saved.title == "Children's Trust, July"
    assert AuditEvent.objects.get(action=AuditEvent.Action.UPDATE).detail["fields"] == ["title"]
