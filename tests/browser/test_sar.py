"""The data protection officer answers a subject access request, in Chromium, with an
accessibility check on every page."""

import pytest
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.people.tests.factories import PersonFactory, RelationshipFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_officer_logs_a_request_sees_the_due_date_and_releases_the_bundle(page, site):
    child = PersonFactory(given_name="Rowan", family_name="Pellingham")
    mother = PersonFactory(given_name="Hester", family_name="Cravenwood")
    RelationshipFactory(from_person=mother, to_person=child, kind="parent")
    dpo = worker_with_role(Role.DATA_PROTECTION_OFFICER)
    sign_in(page, site, dpo.username)
    page.get_by_role("link", name="Subject access requests").click()
    visit(page, "subject access requests")
    page.get_by_role("link", name="Log a request").click()
    page.get_by_label("Name of the person the request is about").fill("Rowan Pellingham")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Rowan Pellingham").check()
    page.get_by_label("The person themselves").check()
    page.get_by_label("Date received").fill(today_in_london().strftime("%d/%m/%Y"))
    page.get_by_label("Yes").check()
    page.get_by_label("How was it verified?").fill("Passport seen at the hub")
    visit(page, "log a subject access request")
    page.get_by_role("button", name="Log the request").click()

    expect(page.locator("[data-due]")).to_contain_text("days left")
    visit(page, "subject access request")
    page.get_by_role("button", name="Build the bundle").click()

    expect(page.locator("[data-withholdings]")).to_contain_text("third party")
    expect(page.locator("[data-bundle]")).to_contain_text("Rowan")
    expect(page.locator("[data-bundle]")).not_to_contain_text("Cravenwood")
    visit(page, "subject access bundle")
    page.get_by_role("button", name="Mark the bundle released").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Released")
