"""A referral to a service in Chromium: an early help lead professional opens their family's plan,
finds a service in the directory (one that only signposts is shown with its contact details),
refers the children, records that the service accepted, closes the referral as attended, and the
plan shows it closed."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.familyhubs.tests.factories import ServiceFactory
from onestory.familyhubs.tests.factories_referrals import children_of, early_help_family
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_lead_professional_refers_a_family_and_closes_the_referral_as_attended(page, site):
    lead = worker_with_role(
        Role.EARLY_HELP, username="earlyhelp", first_name="Priya", last_name="Shah"
    )
    episode = early_help_family(lead, now=timezone.now(), children=2)
    first, second = children_of(episode)
    ServiceFactory(
        name="Little Talkers speech and language group",
        organisation="Luton Family Hubs",
        description="A weekly group for children who are slow to talk, with their parents.",
        categories=["Speech and language"],
    )
    ServiceFactory(
        name="Talking Point speech and language helpline",
        organisation="A national charity",
        description="Advice on speech and language for parents.",
        categories=["Speech and language"],
        accepts_referrals=False,
        phone="0300 000 0000",
    )

    sign_in(page, site, lead.username)
    page.goto(f"{site}/early-help/{episode.pk}/")
    expect(page.locator("main")).to_contain_text("No referral to a service from this episode yet.")
    page.get_by_role("link", name="Refer to a service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a service")
    visit(page, "refer to a service: the directory")

    page.get_by_label("Search the service directory").fill("speech")
    page.get_by_role("button", name="Search").click()
    main = page.locator("main")
    expect(main).to_contain_text("Signpost only")
    expect(main).to_contain_text("0300 000 0000")
    visit(page, "refer to a service: services found")
    page.get_by_role("link", name=re.compile("Refer the family to Little Talkers")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer to Little Talkers speech and language group"
    )
    expect(page.get_by_label(re.compile(re.escape(first.full_name)))).to_be_checked()
    expect(page.get_by_label(re.compile(re.escape(second.full_name)))).to_be_checked()
    visit(page, "refer to a service: who and why")
    page.get_by_label(re.compile(re.escape(second.full_name))).uncheck()
    page.get_by_role("button", name="Make the referral").click()
    # Nothing typed for the reason: the form says what is missing.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are referring")
    visit(page, "refer to a service: a problem")
    page.get_by_label("Why are you referring them?").fill(
        "Only a few words at two and a half; Mum would like ideas to help at home."
    )
    page.get_by_role("button", name="Make the referral").click()

    main = page.locator("main")
    expect(main).to_contain_text("The family is referred to Little Talkers")
    expect(main).to_contain_text("Waiting for the service")
    expect(main).to_contain_text(first.full_name)
    expect(main).not_to_contain_text(second.full_name)
    visit(page, "referral made")

    page.get_by_role("link", name="Record the service's answer").click()
    page.get_by_label("The service accepted the referral").check()
    visit(page, "record the service's answer")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator("main")).to_contain_text("Accepted by the service")

    page.get_by_role("link", name="Close the referral").click()
    page.get_by_label("Yes, the family attended").check()
    page.get_by_label("What came of the referral?").fill(
        "Went to five of six sessions; now using two-word phrases."
    )
    visit(page, "close the referral")
    page.get_by_role("button", name="Close the referral").click()
    main = page.locator("main")
    expect(main).to_contain_text("Closed: attended")
    expect(main).to_contain_text("Went to five of six sessions")
    visit(page, "referral closed")

    page.get_by_role("link", name=f"Early help {episode.reference}").click()
    section = page.locator("#service-referrals + table")
    expect(section).to_contain_text("Little Talkers speech and language group")
    expect(section).to_contain_text("Closed: attended")
    visit(page, "the plan shows the referral closed")
