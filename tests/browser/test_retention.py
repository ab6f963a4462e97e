"""Retention in Chromium: the data protection officer opens the disposal schedule, finds an old
early help episode past its date, holds the child's record, and the episode leaves the schedule;
every page passes the accessibility check."""

import pytest
from playwright.sync_api import expect

from onestory.retention.tests.factories import old_closed_episode
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_officer_holds_a_record_and_it_leaves_the_disposal_schedule(page, site):
    episode = old_closed_episode()
    child = episode.members.filter(role="child").first().person
    officer = worker_with_role(Role.DATA_PROTECTION_OFFICER)

    sign_in(page, site, officer.username)
    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disposal schedule")
    row = page.locator(f'tr[data-record-id="{episode.pk}"]')
    expect(row).to_contain_text("Early help episode")
    expect(page.locator("main")).not_to_contain_text(child.family_name)
    visit(page, "disposal schedule")

    row.get_by_role("link", name=str(child.pk)[:8]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Place a legal hold")
    expect(page.locator("main")).to_contain_text(child.full_name)
    page.get_by_label("Why is the record held?").select_option("litigation")
    page.get_by_label("Details").fill("short")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Details")).to_have_value("short")
    visit(page, "place a legal hold: refused")

    page.get_by_label("Details").fill("Claim CL-2026-001 by the family's solicitors")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Legal holds")
    expect(page.locator("main")).to_contain_text(child.full_name)
    visit(page, "legal holds")

    page.get_by_role("link", name="Disposal schedule").click()
    expect(page.locator(f'tr[data-record-id="{episode.pk}"]')).to_have_count(0)
    visit(page, "disposal schedule: the held record has gone")
