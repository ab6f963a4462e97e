"""Children in care in Chromium: a child comes into care, is placed, moves placement (the
distance shown), has a review, leaves care, and as a care leaver gets a pathway plan."""

import re
from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.people.tests.factories import AddressFactory
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _child_page(person) -> str:
    try:
        return reverse("socialcare:child", kwargs={"person_id": person.pk})
    except NoReverseMatch:
        return reverse("socialcare:care", kwargs={"person_id": person.pk})


def test_a_child_comes_into_care_moves_placement_and_leaves_care(page, site):
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="sw", first_name="Grace", last_name="Mensah"
    )
    today = today_in_london(timezone.now())
    child, _ = referred_child(
        worker,
        now=timezone.now(),
        referral_date=today - timedelta(days=220),
        given_name="Tariq",
        family_name="Example",
        date_of_birth=today.replace(year=today.year - 17) - timedelta(days=40),
    )
    AddressFactory(person=child, postcode="LU1 1AA")
    care_page = f"{site}{reverse('socialcare:care', kwargs={'person_id': child.pk})}"

    sign_in(page, site, worker.username)
    page.goto(f"{site}{_child_page(child)}")
    expect(page.get_by_role("heading", name="Children in care")).to_be_visible()
    page.get_by_role("link", name="Start a period of care").click()
    visit(page, "care start form")

    # A typing slip in the placement postcode is refused and nothing typed is lost.
    page.get_by_label("Day care began").fill(_d(today - timedelta(days=200)))
    page.get_by_label("Legal status").select_option("C2")
    page.get_by_label("Kind of placement").select_option("U6")
    page.get_by_label("Who provides the placement").select_option("PR1")
    page.get_by_label("Carer or provider's name").fill("Synthetic foster carers")
    page.get_by_label("Placement postcode").fill("LU9 9ZZ")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not a real postcode")
    expect(page.get_by_label("Carer or provider's name")).to_have_value("Synthetic foster carers")
    visit(page, "care start refused postcode")
    page.get_by_label("Placement postcode").fill("LU2 0AA")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Period of care started.")

    page.goto(care_page)
    main = page.locator("main")
    expect(main).to_contain_text("Full care order")
    expect(main).to_contain_text("0.9 miles")
    expect(main).to_contain_text("Inside the council's area")
    visit(page, "child in care")

    # A move to Milton Keynes: the distance and that it is outside the area are shown.
    page.get_by_role("link", name="Move to a new placement").click()
    visit(page, "placement move form")
    page.get_by_label("Day of the move").fill(_d(today - timedelta(days=300)))
    page.get_by_label("Why the placement changed").select_option("CARPL")
    page.get_by_label("Kind of placement").select_option("U4")
    page.get_by_label("Who provides the placement").select_option("PR4")
    page.get_by_label("Placement postcode").fill("MK9 1AA")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot be before the current placement began"
    )
    page.get_by_label("Day of the move").fill(_d(today - timedelta(days=100)))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Placement move recorded.")
    page.goto(care_page)
    expect(main).to_contain_text("Outside the council's area")
    expect(main).to_contain_text(re.compile(r"1\d\.\d miles"))
    visit(page, "placement moved")

    # A review of the care plan.
    page.get_by_role("link", name="Record a review", exact=True).click()
    page.get_by_label("Day of the review").fill(_d(today - timedelta(days=180)))
    page.get_by_label("Attended and spoke for themselves").check()
    page.get_by_label("Independent reviewing officer").fill("Synthetic reviewing officer")
    visit(page, "care review form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Review recorded.")

    # Leaving care, then the care leaver's pathway plan.
    page.goto(care_page)
    page.get_by_role("link", name="Leaving care", exact=True).click()
    page.get_by_label("Day care ended").fill(_d(today - timedelta(days=10)))
    page.get_by_label("Why care ended").select_option("E5")
    visit(page, "leaving care form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Period of care ended.")

    page.goto(care_page)
    expect(main).to_contain_text("Not in care now.")
    page.get_by_role("link", name="Record as a care leaver").click()
    adviser = page.get_by_label("Personal adviser")
    adviser.select_option(label=f"Grace Mensah, {worker.team}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Care leaver details saved.")
    page.goto(care_page)
    expect(main).to_contain_text("Relevant: 16 or 17 and left care")
    page.get_by_role("link", name="Start a pathway plan").click()
    page.get_by_label("The plan", exact=True).fill(
        "College in September; supported lodgings; budgeting."
    )
    visit(page, "pathway plan form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Pathway plan started.")
    page.goto(care_page)
    expect(main).to_contain_text("College in September")
    expect(main).to_contain_text("18th birthday")
    visit(page, "care leaver with pathway plan")

    # The child's statutory page carries the same care record.
    page.goto(f"{site}{_child_page(child)}")
    expect(page.get_by_role("heading", name="Leaving care")).to_be_visible()
    visit(page, "statutory page with care leaver")
