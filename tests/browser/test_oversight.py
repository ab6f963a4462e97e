"""Management oversight in Chromium: a team manager opens a child's record, adds a recorded
decision, and it shows on the child's record and in the chronology (and its summary)."""

import datetime

import pytest
from playwright.sync_api import expect

from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DECISION = "Convene a strategy discussion today; allocate to Sam Okafor for a section 47 enquiry."


def test_a_manager_adds_an_oversight_decision_to_a_childs_record(page, site):
    manager = worker_with_role(
        Role.TEAM_MANAGER, username="manager", first_name="Ruth", last_name="Adeyemi"
    )
    child = PersonFactory(
        given_name="Leon", family_name="Price", date_of_birth=datetime.date(2014, 9, 9)
    )
    AllocationFactory(person=child, worker=manager)

    sign_in(page, site, manager.username)
    page.goto(f"{site}/people/{child.pk}/")
    visit(page, "oversight: the child's record")
    page.get_by_role("button", name="Add management oversight").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add management oversight")
    visit(page, "oversight: the form")

    page.get_by_role("button", name="Submit the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the decision")
    visit(page, "oversight: no decision")

    page.get_by_label("The decision").fill(DECISION)
    page.get_by_label("What you considered").fill("Read the school's referral; spoke to the GP.")
    page.get_by_label("This is a significant event").check()
    page.get_by_role("button", name="Submit the decision").click()
    main = page.locator("main")
    expect(main).to_contain_text(DECISION)
    visit(page, "oversight: the decision")

    page.goto(f"{site}/people/{child.pk}/")
    expect(main).to_contain_text("Management oversight")
    expect(main).to_contain_text("Convene a strategy discussion today")
    page.goto(f"{site}/people/{child.pk}/chronology/?view=summary")
    expect(main).to_contain_text("Management oversight: Convene a strategy discussion today;")
    visit(page, "oversight: the chronology's summary")
