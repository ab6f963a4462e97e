"""The census's latest category of abuse is the plan's category as at 31 March (or at its end),
from what its review conferences recorded, not the plan's category today."""

import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from onestory.returns.cin_census import Period, latest_category
from onestory.returns.identifiers import child_id
from onestory.socialcare.models import ChildProtectionConference
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_protection import cp_plan, team_pair

YEAR = Period.of(2026)  # 1 April 2025 to 31 March 2026


def _plan(**fields):
    return {"initial_category": "EMO", "latest_category": "NEG", "ends_on": None, **fields}


def test_the_last_review_held_by_31_march_gives_the_category():
    reviews = [(date(2025, 10, 1), "PHY"), (date(2026, 1, 15), "SAB")]

    assert latest_category(_plan(), reviews, YEAR) == "SAB"


def test_a_review_after_31_march_does_not_change_the_census():
    reviews = [(date(2025, 10, 1), "PHY"), (date(2026, 4, 20), "NEG")]

    assert latest_category(_plan(), reviews, YEAR) == "PHY"


def test_a_plan_with_no_review_by_31_march_keeps_the_category_it_began_with():
    reviews = [(date(2026, 5, 1), "NEG")]

    assert latest_category(_plan(), reviews, YEAR) == "EMO"


def test_a_plan_that_ended_in_the_year_has_its_category_on_the_day_it_ended():
    plan = _plan(ends_on=date(2025, 12, 1))
    reviews = [(date(2025, 9, 1), "PHY"), (date(2025, 12, 1), "MUL"), (date(2026, 2, 1), "SAB")]

    assert latest_category(plan, reviews, YEAR) == "MUL"


def test_a_plan_that_ended_after_31_march_has_its_category_on_31_march():
    plan = _plan(ends_on=date(2026, 6, 1))
    reviews = [(date(2026, 3, 31), "PHY"), (date(2026, 5, 1), "SAB")]

    assert latest_category(plan, reviews, YEAR) == "PHY"


def test_a_plan_no_review_recorded_a_category_for_keeps_its_own_latest_category():
    # An imported plan: the other system's return said NEG and there are no conferences.
    assert latest_category(_plan(), [], YEAR) == "NEG"


@pytest.mark.django_db
def test_the_export_reports_the_category_as_at_31_march_not_today(tmp_path):
    now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    worker, _ = team_pair()
    child, referral = referred_child(worker, now=now, referral_date=date(2025, 6, 2))
    plan = cp_plan(child, referral, worker, starts_on=date(2025, 7, 1), category="EMO")
    for held_on, category in ((date(2025, 10, 1), "PHY"), (date(2026, 5, 1), "SAB")):
        ChildProtectionConference.objects.create(
            referral=referral,
            person=child,
            kind=ChildProtectionConference.Kind.REVIEW,
            plan=plan,
            due_on=held_on,
            held_on=held_on,
            decision=ChildProtectionConference.Decision.CONTINUE,
            category=category,
            recorded_by=worker,
        )
    plan.latest_category = "SAB"  # as the review in May 2026 left it
    plan.save(update_fields=["latest_category"])
    out = tmp_path / "cin.xml"

    call_command("export_return", "cin", year=2026, out=str(out), stdout=io.StringIO())

    root = ET.parse(out).getroot()  # noqa: S314 (the file we just wrote)
    [record] = [
        c
        for c in root.iter("Child")
        if c.findtext("ChildIdentifiers/LAchildID") == child_id(child.pk)
    ]
    [reported] = record.iter("ChildProtectionPlans")
    assert reported.findtext("InitialCategoryOfAbuse") == "EMO"
    assert reported.findtext("LatestCategoryOfAbuse") == "PHY"
    assert [d.text for d in reported.iter("CPPreviewDate")] == ["2025-10-01"]
