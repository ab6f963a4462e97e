"""Front door journeys in Chromium: a school's worry decided as early help, and immediate danger."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .helpers import sign_in, sign_out, visit

# The council's levels of need are data that a migration loads: each test gets them back after
# the flush that follows a transactional test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _known_child():
    child = PersonFactory(given_name="Tilly", family_name="Brennan", date_of_birth=date(2015, 5, 4))
    AddressFactory(person=child, postcode="LU2 7AA")
    return child


def _name_child(page, index: int, given: str, family: str, born: str = "", postcode: str = ""):
    page.locator(f"#id_people-{index}-given_name").fill(given)
    page.locator(f"#id_people-{index}-family_name").fill(family)
    if born:
        page.locator(f"#id_people-{index}-date_of_birth").fill(born)
    if postcode:
        page.locator(f"#id_people-{index}-postcode").fill(postcode)


def test_a_school_asks_for_support_and_the_front_door_decides_early_help(page, site):
    child = _known_child()
    school = worker_with_role(Role.PARTNER, username="dsl", email="dsl@school.example.org")
    screener = worker_with_role(Role.FRONT_DOOR, username="screener")
    early_help = TeamFactory(kind=Team.Kind.EARLY_HELP, name="Early Help South")
    practitioner = worker_with_role(Role.EARLY_HELP, username="practitioner", team=early_help)

    # The school's designated safeguarding lead sends a request for support.
    sign_in(page, site, school.username)
    page.get_by_role("link", name="Request support").click()
    visit(page, "request for support")
    _name_child(page, 0, "Tilly", "Brennan", "04/05/2015", "LU2 7AA")
    page.locator("#id_people-1-given_name").fill("Kerry")
    page.locator("#id_people-1-family_name").fill("Brennan")
    page.locator("#id_people-1-relationship_to_child").fill("Mother")
    page.get_by_label("What has happened, and why are you worried?").fill(
        "Tilly has come to school hungry every day this week and says there is no food at home."
    )
    page.get_by_label("Yes, the family agreed to their information being shared").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Request for support received")).to_be_visible()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    visit(page, "request acknowledgement")
    sign_out(page)

    # The screener finds it at the top of the queue and links the child to her record.
    sign_in(page, site, screener.username)
    page.get_by_role("link", name="Front door").click()
    first = page.locator("#queue tbody tr").first
    expect(first).to_contain_text(reference)
    visit(page, "front door queue")
    first.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Give it to me").click()
    expect(page.locator("#screener")).to_contain_text(screener.get_full_name())
    visit(page, "contact being screened")
    page.get_by_role("link", name=re.compile("Find their record for Tilly Brennan")).click()
    expect(page.get_by_text("Likely match")).to_be_visible()
    visit(page, "matching at intake")
    page.get_by_role("button", name=re.compile("This is them")).first.click()
    expect(page.locator(".govuk-notification-banner, .govuk-summary-card").first).to_be_visible()

    # She decides early help, with her reasons.
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Early help", exact=True).check()
    page.get_by_label("Level of need").select_option("2")
    page.get_by_label("Why this decision").fill(
        "Known to the service only as a baby; the family needs practical help with food and "
        "routines, with no sign of significant harm."
    )
    page.get_by_label("Early help team").select_option(label=early_help.name)
    visit(page, "decision form")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decided", exact=True)).to_be_visible()
    visit(page, "contact decided")
    sign_out(page)

    # The school sees the outcome.
    sign_in(page, site, school.username)
    page.get_by_role("link", name="My requests").click()
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text("Early help")
    visit(page, "my requests")
    row.get_by_role("link", name=reference).click()
    expect(page.locator("#referrer-message")).to_contain_text("Early Help South")
    visit(page, "request outcome for the referrer")
    sign_out(page)

    # The chronology shows it all, to the early help team now working with the family.
    sign_in(page, site, practitioner.username)
    page.goto(f"{site}/people/{child.pk}/chronology/")
    timeline = page.locator("main")
    expect(timeline).to_contain_text(f"Named in request for support {reference}")
    expect(timeline).to_contain_text(f"Front door decision on {reference}: Early help")
    visit(page, "chronology after the front door")


def test_immediate_danger_goes_straight_to_a_strategy_discussion(page, site):
    child = _known_child()
    screener = worker_with_role(Role.FRONT_DOOR, username="screener")
    TeamFactory(kind=Team.Kind.SOCIAL_WORK, name="Social Work North")

    # A police officer phones; the screener records the call.
    sign_in(page, site, screener.username)
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_label("Who is the request from").select_option("6")
    page.get_by_label("Your name").fill("PC Dana Whitfield")
    page.get_by_label("Your organisation").fill("Bedfordshire Police")
    page.get_by_label("Phone number or email address").fill("01632 960555")
    _name_child(page, 0, "Tilly", "Brennan", "04/05/2015", "LU2 7AA")
    page.get_by_label("What has happened, and why are you worried?").fill(
        "Called to a disturbance: Tilly has a head injury and her stepfather is still at home."
    )
    page.get_by_label("No, I did not ask them").check()
    page.get_by_label("Why was consent refused or not asked for?").fill(
        "Risk of significant harm: consent is not needed."
    )
    page.get_by_label("A child is in immediate danger").check()
    page.get_by_role("button", name="Save the contact").click()
    expect(page.get_by_role("heading", name="Contact saved")).to_be_visible()
    expect(page.get_by_text("strategy discussion today")).to_be_visible()
    reference = page.locator(".govuk-panel__body strong").inner_text()

    page.get_by_role("link", name="Front door").click()
    first = page.locator("#queue tbody tr").first
    expect(first).to_contain_text(reference)
    expect(first).to_contain_text("Immediate danger")
    first.get_by_role("link", name=reference).click()
    page.get_by_role("link", name=re.compile("Find their record for Tilly Brennan")).click()
    page.get_by_role("button", name=re.compile("This is them")).first.click()

    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Strategy discussion: significant harm is suspected").check()
    page.get_by_label("Level of need").select_option("4")
    page.get_by_label("Why this decision").fill(
        "Head injury reported by police with the alleged perpetrator at home: significant harm "
        "is suspected and a strategy discussion is needed today."
    )
    page.get_by_label(re.compile("^Primary need")).select_option("N1")
    page.get_by_label(re.compile("^Social work team")).select_option(label="Social Work North")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("To hold today")).to_be_visible()
    expect(page.locator("main")).to_contain_text("assessment due by")
    visit(page, "strategy discussion called")

    page.get_by_role("link", name="Front door").click()
    expect(page.get_by_role("heading", name="Strategy discussions to hold today")).to_be_visible()
    expect(page.locator("main")).to_contain_text(reference)
    visit(page, "queue with strategy discussions")
    assert child.referrals.count() == 1

    # The discussion is held within the hour, and recorded.
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name=re.compile("Record the strategy discussion")).click()
    held = timezone.localtime()
    page.get_by_label("Date it was held").fill(held.strftime("%d/%m/%Y"))
    page.get_by_label("Time it started").fill(held.strftime("%H:%M"))
    for agency in ("Children's social care", "Police", "Health"):
        page.get_by_label(agency, exact=True).check()
    page.get_by_label("Summary of the discussion").fill(
        "Police shared the call-out log; health confirmed an earlier A&E visit. Threshold for "
        "section 47 is met."
    )
    page.get_by_label("Start a section 47 enquiry").check()
    visit(page, "record the strategy discussion")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("#strategy-discussion-record")).to_contain_text("section 47")
    visit(page, "strategy discussion recorded")
