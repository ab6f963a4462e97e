"""Journeys through the service in Chromium, with an accessibility check on every page."""

import base64
import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from onestory.access import audit
from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import today_in_london
from onestory.people.selectors import CHRONOLOGY_PAGE_SIZE
from onestory.people.tests.factories import ChronologyEntryFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

# Every browser module restores the migrated data (serialized_rollback): a flush without it
# re-creates content types, which the next module restoring them would then duplicate.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REASON = "Police called about the child tonight and the allocated team is closed"


def _code_from_set_up_page(page) -> str:
    """The code an authenticator app shows once the page's key is typed into it."""
    key = page.locator(".govuk-details__text code").text_content().replace(" ", "")
    return f"{totp(base64.b32decode(key)):06d}"


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_signs_in_and_lands_on_their_home_page(page, site, settings, role):
    settings.ONESTORY_REQUIRE_SECOND_FACTOR = True  # as a council runs it
    worker = worker_with_role(role, username=f"demo-{role}")
    page.goto(f"{site}/sign-in/")
    visit(page, "sign in")

    sign_in(page, site, worker.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    visit(page, "second factor set-up")
    page.get_by_label("Security code").fill(_code_from_set_up_page(page))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Keep your backup codes safe")).to_be_visible()
    visit(page, "backup codes")
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.get_by_text(f"Signed in as {worker.get_full_name()}")).to_be_visible()
    visit(page, f"home {role}")


def test_a_wrong_password_shows_the_error_summary(page, site):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    sign_in(page, site, worker.username, password="not-the-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The username or password is not right")
    expect(page.get_by_label("Username")).to_have_value(worker.username)
    visit(page, "sign in error")


def test_an_allocated_child_opens_from_the_home_page(page, site):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = AllocationFactory(worker=worker).person
    sign_in(page, site, worker.username)

    page.get_by_role("link", name=child.full_name).click()

    expect(page).to_have_url(f"{site}/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.full_name)
    visit(page, "person page")


def test_a_long_chronology_is_read_a_page_at_a_time(page, site):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = AllocationFactory(worker=worker).person
    ChronologyEntryFactory.create_batch(CHRONOLOGY_PAGE_SIZE + 5, person=child)
    sign_in(page, site, worker.username)

    page.goto(f"{site}/people/{child.pk}/chronology/")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Home visit 1", exact=True)).to_have_count(0)
    visit(page, "chronology, newest entries")

    page.get_by_role("link", name="Older entries").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Home visit 1", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Newer entries")).to_be_visible()
    visit(page, "chronology, oldest entries")


def test_a_child_who_is_not_allocated_shows_the_not_found_page(page, site):
    worker = worker_with_role(Role.EARLY_HELP)
    # A name no worker has: the page names the signed-in worker.
    child = PersonFactory(given_name="Wrenna", family_name="Quillfeather")
    sign_in(page, site, worker.username)

    response = page.goto(f"{site}/people/{child.pk}/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text(child.family_name)
    visit(page, "not found")


def test_breaking_the_glass_opens_the_record_and_the_manager_is_told(page, site):
    manager = worker_with_role(Role.TEAM_MANAGER)
    child = AllocationFactory(worker=None, team=manager.team).person
    screener = worker_with_role(Role.FRONT_DOOR, first_name="Sam", last_name="Okoro")
    sign_in(page, site, screener.username)

    page.goto(f"{site}/people/{child.pk}/")
    page.get_by_role("link", name="open the record by breaking the glass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Open a record that is not allocated to you"
    )
    visit(page, "break the glass")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you need to open this record"
    )
    visit(page, "break the glass error")
    page.get_by_label("Why do you need to open this record?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()

    expect(page).to_have_url(f"{site}/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.full_name)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your reason has been recorded"
    )
    visit(page, "record opened by breaking the glass")
    sign_out(page)

    sign_in(page, site, manager.username)
    messages = page.locator("table", has_text="Sam Okoro")
    expect(messages).to_contain_text(REASON)
    visit(page, "manager home with message")
    page.get_by_role("button", name=re.compile("^Mark as read")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as read")
    expect(page.locator("body")).not_to_contain_text(REASON)


def test_the_access_log_shows_who_viewed_the_record(page, site):
    manager = worker_with_role(Role.TEAM_MANAGER)
    worker = worker_with_role(
        Role.SOCIAL_WORKER, team=manager.team, first_name="Jo", last_name="Marsh"
    )
    child = AllocationFactory(worker=worker).person
    sign_in(page, site, worker.username)
    page.goto(f"{site}/people/{child.pk}/")
    sign_out(page)

    sign_in(page, site, manager.username)
    page.goto(f"{site}/people/{child.pk}/access-log/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    row = page.locator("tbody tr", has_text="Jo Marsh").filter(has_text="Person").first
    expect(row).to_contain_text("Viewed")
    visit(page, "access log")


def test_the_data_protection_officer_finds_a_worker_browsing_records(page, site):
    snooper = worker_with_role(Role.SOCIAL_WORKER, first_name="Nosy", last_name="Parker")
    for person in PersonFactory.create_batch(45):
        audit.record(actor=snooper, action="view", at=timezone.now(), person_id=person.pk)
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    sign_in(page, site, dpo.username)
    page.get_by_role("link", name="Unusual access").click()
    page.get_by_label("Day").fill(today_in_london().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Show this day").click()

    row = page.locator("tbody tr", has_text="Nosy Parker")
    expect(row).to_contain_text("45")
    visit(page, "unusual access")


def test_a_worker_searches_known_to_us_and_opens_the_record(page, site):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = AllocationFactory(
        worker=worker,
        person=PersonFactory(
            given_name="Amara",
            family_name="Whitfield",
            date_of_birth=datetime.date(2015, 3, 27),
        ),
    ).person
    sign_in(page, site, worker.username)

    page.get_by_role("link", name="Known to us?").click()
    visit(page, "known to us")
    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Last name").fill("Whitfield")
    page.get_by_label("Date of birth").fill("27/03/2015")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(f"{site}/known-to-us/")  # the details went by POST, not in the URL
    expect(page.locator("#results")).to_contain_text("may match")
    visit(page, "known to us results")
    page.get_by_role("link", name="Open record of Amara Whitfield").click()

    expect(page).to_have_url(f"{site}/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Whitfield")


def test_a_manager_gives_access_records_consent_and_restricts_a_record(page, site):
    manager = worker_with_role(Role.TEAM_MANAGER)
    colleague = worker_with_role(
        Role.SOCIAL_WORKER, team=manager.team, first_name="Jo", last_name="Marsh"
    )
    worker_with_role(Role.PARTNER, agency_name="Synthetic Primary School")
    child = AllocationFactory(worker=colleague).person
    cover = worker_with_role(Role.EARLY_HELP, first_name="Priya", last_name="Shah")
    sign_in(page, site, manager.username)
    page.goto(f"{site}/people/{child.pk}/")

    page.get_by_role("link", name="Give someone access").click()
    page.get_by_role("button", name="Give access").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the worker")
    visit(page, "grant access error")
    page.get_by_label("Who needs access?").select_option(str(cover.pk))
    page.get_by_label("Access ends at the end of").fill(
        (datetime.date.today() + datetime.timedelta(days=7)).strftime("%d/%m/%Y")
    )
    page.get_by_label("Why do they need access?").fill("Covering while Jo Marsh is on leave")
    page.get_by_role("button", name="Give access").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Priya Shah can open")
    visit(page, "grant access")

    page.goto(f"{site}/people/{child.pk}/consent/")
    page.get_by_label("Given").check()
    page.get_by_label("Who gave, refused or withdrew consent?").fill("Mother")
    page.get_by_label("Synthetic Primary School").check()
    page.get_by_label("Education and attendance").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consent has been recorded")
    visit(page, "consent")

    page.goto(f"{site}/people/{child.pk}/restriction/")
    visit(page, "restrict")
    page.get_by_label("Why is this record restricted?").fill("A relative works in the team")
    page.get_by_label(re.compile("^Jo Marsh")).check()
    page.get_by_role("button", name="Restrict the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This record is restricted")
    expect(page.locator("table")).to_contain_text("Jo Marsh")
    visit(page, "restricted")
