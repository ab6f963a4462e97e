"""A visit note in Chromium that never loses a word: a social worker starts a note from the
child's record, types, is signed out mid-note (the session cookie is gone), keeps typing (kept
on the device), signs in again, lands back on the draft with everything there, and submits it.
The note is on the child's record and in the chronology."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import PASSWORD, worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = "Arrived at 10:30. Amira showed me her bedroom and her drawings."
AFTER = " She said she feels safe at home and likes her new school."


def test_a_visit_note_survives_the_session_expiring_mid_note(page, site):
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="socialworker", first_name="Sam", last_name="Okafor"
    )
    household = HouseholdFactory(name="Khan household")
    child = PersonFactory(
        given_name="Amira", family_name="Khan", date_of_birth=datetime.date(2016, 5, 1)
    )
    mother = PersonFactory(
        given_name="Dana", family_name="Khan", date_of_birth=datetime.date(1988, 1, 1)
    )
    for person in (child, mother):
        AllocationFactory(person=person, worker=worker)
        HouseholdMemberFactory(household=household, person=person)

    sign_in(page, site, worker.username)
    page.goto(f"{site}/people/{child.pk}/")
    page.get_by_role("button", name="Add a case note").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a case note")
    visit(page, "case note: the draft")
    edit_url = page.url

    page.get_by_label("Dana Khan").check()
    page.get_by_role("group", name="Was Amira Khan seen?").get_by_label(
        "Seen, and seen alone"
    ).check()
    page.get_by_label("Who was present?").fill("Amira, her mother Dana")
    page.get_by_label("The note").fill(BEFORE)
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Draft saved at", timeout=15_000)

    # The session expires: the session cookie is gone, the page is still open.
    page.context.clear_cookies()
    page.get_by_label("The note").press("End")
    page.get_by_label("The note").type(AFTER)
    expect(status).to_contain_text("you have been signed out", timeout=15_000)
    expect(status).to_contain_text("kept on this device")

    # Back to the draft: signing in again lands on it, with everything typed.
    page.goto(edit_url)
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(edit_url)
    expect(page.get_by_label("The note")).to_have_value(BEFORE + AFTER)
    expect(status).to_contain_text("had not been saved: it is back in the form")
    expect(status).to_contain_text("Draft saved at", timeout=15_000)
    visit(page, "case note: back after signing in")

    page.get_by_label("This is a significant event").check()
    page.get_by_role("button", name="Submit the note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case note submitted.")
    main = page.locator("main")
    expect(main).to_contain_text(BEFORE + AFTER)
    expect(main).to_contain_text("Amira Khan: seen, and seen alone")
    expect(main).to_contain_text("Dana Khan")
    visit(page, "case note: submitted")

    page.goto(f"{site}/people/{child.pk}/chronology/?view=summary")
    expect(main).to_contain_text("Visit: Arrived at 10:30.")
    visit(page, "case note: the chronology's summary")
    page.goto(f"{site}/people/{mother.pk}/")
    expect(page.locator("#case-notes-heading")).to_be_visible()
    expect(main).to_contain_text("Arrived at 10:30.")


def test_a_note_with_bad_input_says_what_to_fix_and_keeps_the_text(page, site):
    worker = worker_with_role(Role.SOCIAL_WORKER, username="socialworker")
    child = PersonFactory(
        given_name="Amira", family_name="Khan", date_of_birth=datetime.date(2016, 3, 1)
    )
    AllocationFactory(person=child, worker=worker)
    sign_in(page, site, worker.username)
    page.goto(f"{site}/people/{child.pk}/")
    page.get_by_role("button", name="Add a case note").click()
    page.get_by_label("Date it happened").fill("01/01/2099")
    page.get_by_label("The note").fill("Visited; nobody answered the door.")
    page.get_by_role("button", name="Submit the note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("must be now or in the past")
    expect(summary).to_contain_text("Choose whether Amira Khan was seen")
    expect(page.get_by_label("The note")).to_have_value("Visited; nobody answered the door.")
    visit(page, "case note: what to fix")
