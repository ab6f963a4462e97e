"""Early help in Chromium: a school opens early help for a pupil, assesses the family, holds a
Team Around the Family meeting, plans, reviews with distance travelled, and steps the family up
to the front door, which receives everything without re-typing."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.access.tests.factories import ConsentFactory
from onestory.core.clock import today_in_london
from onestory.people.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _pupil_and_family(school):
    household = HouseholdFactory(name="Haddad household")
    pupil = PersonFactory(given_name="Sami", family_name="Haddad", date_of_birth=date(2015, 3, 9))
    mother = PersonFactory(given_name="Rania", family_name="Haddad", date_of_birth=date(1986, 7, 2))
    sister = PersonFactory(given_name="Lina", family_name="Haddad", date_of_birth=date(2019, 1, 5))
    for person in (pupil, mother, sister):
        HouseholdMemberFactory(household=household, person=person)
        AddressFactory(person=person, postcode="LU4 0AB")
    ConsentFactory(person=pupil, agencies=[school.agency])  # the school's own consent
    return pupil


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_school_leads_early_help_and_steps_the_family_up(page, site):
    school = worker_with_role(
        Role.PARTNER,
        username="dsl",
        first_name="Daniel",
        last_name="Okafor",
        agency_name="Wigmore Primary School",
    )
    screener = worker_with_role(Role.FRONT_DOOR, username="screener")
    pupil = _pupil_and_family(school)
    today = today_in_london(timezone.now())

    # The school's safeguarding lead starts early help from Sami's record, on the family's
    # consent; his mother and sister are offered although the school cannot see them yet.
    sign_in(page, site, school.username)
    page.goto(f"{site}/people/{pupil.pk}/")
    page.get_by_role("link", name=re.compile("Start early help")).click()
    visit(page, "start early help")
    page.get_by_label(re.compile("An adult in the household")).check()
    page.get_by_label(re.compile("A child in the household")).check()
    page.get_by_label("Who in the family agreed?").fill("Mother, Rania Haddad")
    page.get_by_label("When did they agree?").fill(_d(today))
    page.get_by_label(re.compile("What does the family want help with")).fill(
        "Help with Sami's anger at school and with the rent arrears."
    )
    page.get_by_role("button", name="Start early help").click()
    expect(page.get_by_role("heading", name=re.compile(r"EH-\w+"))).to_be_visible()
    reference = re.search(r"EH-\w+", page.get_by_role("heading", level=1).inner_text()).group(0)
    family = page.locator("main")
    expect(family).to_contain_text("Rania Haddad")  # the consent opened the family's records
    expect(family).to_contain_text("Lina Haddad")
    visit(page, "early help episode opened")

    # The assessment starts from the record: names and household are already there.
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name="Early help assessment")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Sami Haddad")
    expect(main).to_contain_text("Rania Haddad")
    expect(main).to_contain_text("Haddad household")
    visit(page, "assessment pre-filled")
    page.get_by_label("What the family says is happening", exact=False).first.fill(
        "Mum says Sami shouts and hits out since his dad left; money is very tight."
    )
    page.locator("input[name='housing-presence'][value='yes']").check()
    page.locator("input[name='housing-severity'][value='moderate']").check()
    page.locator("textarea[name='housing-evidence']").fill("Two months of rent arrears; notice.")
    page.locator("select[name='housing-practitioner_score']").select_option("3")
    page.locator("select[name='housing-family_score']").select_option("2")
    page.locator("input[name='child_mental_health-presence'][value='yes']").check()
    page.locator("input[name='child_mental_health-severity'][value='high']").check()
    page.locator("textarea[name='child_mental_health-evidence']").fill(
        "Three fixed-term exclusions this term for hitting out."
    )
    page.locator("select[name='child_mental_health-practitioner_score']").select_option("4")
    page.locator("input[name='talents-presence'][value='yes']").check()
    page.get_by_label("The family agrees with what this assessment says").check()
    page.get_by_label("Who in the family agreed").fill("Mother, Rania")
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator("main")).to_contain_text("Complete")
    visit(page, "assessment completed")
    page.goto(f"{site}/early-help/")
    page.get_by_role("link", name=reference).click()

    # A Team Around the Family meeting, with attendance by agency.
    page.get_by_role("link", name="Record a TAF meeting").click()
    visit(page, "record a TAF meeting")
    page.get_by_label("Date of the meeting").fill(_d(today - timedelta(days=1)))
    page.get_by_label("Time it started").fill("09:30")
    page.get_by_label("Where it was held", exact=False).fill("Wigmore Primary School")
    page.locator("select").filter(has=page.locator("option[value='attended']")).first.select_option(
        "attended"
    )
    page.get_by_label("What did the meeting decide?").fill(
        "School counsellor to see Sami weekly; housing to look at the arrears with Mum."
    )
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("heading", name="Team Around the Family meeting")).to_be_visible()
    expect(page.get_by_role("heading", name="Attendance by agency")).to_be_visible()
    expect(page.locator("main")).to_contain_text("School counsellor to see Sami weekly")
    visit(page, "TAF meeting")
    page.get_by_role("link", name=re.compile("Back to")).first.click()

    # A SMART action in the plan.
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What will be done?").fill("Weekly sessions with the school counsellor")
    page.get_by_label("How will everyone know it has worked?").fill("No exclusions for six weeks")
    page.get_by_label("Or an agency").select_option(label="Wigmore Primary School")
    page.get_by_label("When is it due?").fill(_d(today + timedelta(days=42)))
    visit(page, "add an action")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("main")).to_contain_text("Weekly sessions with the school counsellor")
    expect(page.locator("main")).to_contain_text("Not started")

    # A review scores distance travelled and updates the plan in place.
    page.get_by_role("link", name="Record a review").click()
    visit(page, "record a review")
    page.get_by_label("Date of the review").fill(_d(today))
    page.get_by_label("What has changed for the family?").fill(
        "Sami is calmer at school; the arrears have grown and the landlord has applied to court."
    )
    page.locator("select[name='practitioner_housing']").select_option("2")
    page.locator("select[name='family_housing']").select_option("2")
    page.locator("select[name='practitioner_child_mental_health']").select_option("6")
    page.locator("select[name^='status_']").first.select_option("in_progress")
    page.get_by_role("button", name="Save the review").click()
    main = page.locator("main")
    expect(main).to_contain_text("Review recorded")
    expect(main).to_contain_text("Distance travelled")
    expect(main.locator("svg[role='img']").first).to_be_visible()
    expect(main).to_contain_text("In progress")  # the plan, updated in place by the review
    expect(main).not_to_contain_text("No Team Around the Family meeting recorded yet")
    visit(page, "episode after the review")

    # Things get worse: the school steps the family up, with everything carried over.
    page.get_by_role("link", name="Step up to the front door").click()
    handover = page.get_by_label("Handover summary")
    expect(handover).to_have_value(re.compile("Unstable or unsuitable housing"))
    expect(handover).to_have_value(re.compile("3 → 2"))
    visit(page, "step up from early help")
    page.get_by_label("What has changed, and why is early help not enough?").fill(
        "Eviction hearing next week and Mum told the counsellor she cannot keep the children safe."
    )
    page.get_by_role("button", name="Send to the front door").click()
    expect(page.locator("main")).to_contain_text("Stepped up to children's social care")
    contact = re.search(r"FD-\w+", page.locator("main").inner_text()).group(0)
    visit(page, "episode stepped up")
    sign_out(page)

    # The front door receives it: the family linked, the handover and the assessment's needs.
    sign_in(page, site, screener.username)
    page.get_by_role("link", name="Front door").click()
    page.get_by_role("link", name=contact).click()
    main = page.locator("main")
    expect(main).to_contain_text("Step up from early help")
    expect(main).to_contain_text("Sami Haddad")
    expect(main).to_contain_text("Rania Haddad")
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text("Unstable or unsuitable housing")
    visit(page, "front door receives the step up")
