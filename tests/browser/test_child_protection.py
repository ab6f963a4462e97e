"""Child protection in Chromium: a social worker assesses a referred child (factors, a visit
with the child seen alone), her manager authorises the assessment, a strategy discussion with
the police decides on a section 47 enquiry, the initial conference puts the child on a child
protection plan, and the first review conference continues it under a new category."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_referral_becomes_a_child_protection_plan_and_its_first_review(page, site):
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="asha", first_name="Asha", last_name="Patel"
    )
    manager = worker_with_role(
        Role.TEAM_MANAGER,
        username="manager",
        first_name="Grace",
        last_name="Mensah",
        team=worker.team,
    )
    today = today_in_london(timezone.now())
    child, referral = referred_child(
        worker,
        now=timezone.now(),
        referral_date=today - timedelta(days=20),
        given_name="Maya",
        family_name="Brooks",
    )

    # The social worker starts the assessment from the child's statutory page.
    sign_in(page, site, worker.username)
    page.goto(f"{site}/social-care/children/{child.pk}/")
    visit(page, "protection statutory page")
    page.get_by_role("link", name="Start a child and family assessment").click()
    visit(page, "protection start assessment")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name="Child and family assessment")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{referral.assessment_due_on:%-d %B %Y}")
    visit(page, "protection assessment")

    # A visit during the assessment: Maya seen, and seen alone.
    page.get_by_role("link", name="Record an assessment visit").click()
    page.locator("#id_child_seen").check()
    page.locator("#id_seen_alone").check()
    page.get_by_label("Notes", exact=False).fill("Maya showed me her room and her drawings.")
    visit(page, "protection record a visit")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_role("heading", name="Child and family assessment")).to_be_visible()
    expect(page.locator("main table")).to_contain_text(f"{today:%-d %B %Y}")

    # "No factors" with a factor is refused, and what was typed stays.
    page.locator("#id_factors-16A").check()
    page.locator("#id_factors-21").check()
    page.get_by_label("Analysis", exact=False).fill(
        "Maya has unexplained bruising and her mother's partner is violent at home."
    )
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must stand alone")
    expect(page.get_by_label("Analysis", exact=False)).to_have_value(re.compile("bruising"))
    visit(page, "protection assessment factors refused")
    page.locator("#id_factors-21").uncheck()
    page.locator("#id_factors-3B").check()
    page.locator("#id_factors-18C").check()
    page.get_by_label("The child's views and wishes", exact=False).fill("Wants to stay at school.")
    page.get_by_label("The family's views", exact=False).fill("Mother is frightened of him.")
    page.get_by_label("Strategy discussion: possible harm").check()
    page.get_by_role("button", name="Submit for authorisation").click()
    expect(page.locator("main")).to_contain_text("Waiting for a manager's authorisation")
    sign_out(page)

    # The team manager authorises it.
    sign_in(page, site, manager.username)
    page.goto(f"{site}/social-care/children/{child.pk}/protection/")
    page.get_by_role("link", name=re.compile("^Open")).first.click()
    visit(page, "protection manager authorises")
    page.get_by_label("Authorise the assessment").check()
    page.get_by_role("button", name="Save your decision").click()
    expect(page.locator("main")).to_contain_text("Authorised")
    sign_out(page)

    # The strategy discussion, with the police.
    sign_in(page, site, worker.username)
    page.goto(f"{site}/social-care/children/{child.pk}/protection/")
    page.get_by_role("link", name=re.compile("^Open")).first.click()
    page.get_by_role("link", name="Record the strategy discussion").click()
    page.locator("#id_participant-0-name").fill("Asha Patel")
    page.locator("#id_participant-0-role").fill("Social worker")
    page.locator("#id_participant-1-name").fill("DC Sam Green")
    page.locator("#id_participant-1-role").fill("Child abuse investigation unit")
    page.locator("#id_participant-2-name").fill("Nurse Priya Shah")
    page.get_by_label("Summary of the discussion", exact=False).fill(
        "Bruising consistent with a hand grip. Police and social care to visit jointly."
    )
    page.get_by_label("Start a section 47 enquiry").check()
    visit(page, "protection strategy discussion")
    page.get_by_role("button", name="Record the discussion").click()
    expect(page.get_by_role("heading", name="Strategy discussion")).to_be_visible()
    expect(page.locator("main")).to_contain_text("DC Sam Green")
    visit(page, "protection strategy discussion recorded")

    # Section 47: started, then completed with a conference needed.
    page.get_by_role("link", name="Start the section 47 enquiry").click()
    visit(page, "protection start section 47")
    page.get_by_role("button", name="Start the enquiry").click()
    page.get_by_role("link", name="Complete the enquiry").click()
    page.get_by_label("What the enquiry found", exact=False).fill("Injuries non-accidental.")
    page.get_by_label("Initial child protection conference").check()
    visit(page, "protection complete section 47")
    page.get_by_role("button", name="Complete the enquiry").click()

    # The initial conference decides on a plan under physical abuse.
    expect(page.get_by_role("heading", name=re.compile("initial child protection"))).to_be_visible()
    page.get_by_label("A child protection plan").check()
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Chair", exact=False).fill("Independent chair")
    page.get_by_label("The child's views", exact=False).fill("Maya wants to feel safe at home.")
    visit(page, "protection initial conference")
    page.get_by_role("button", name="Record the conference").click()
    expect(page.get_by_role("heading", name="Child protection plan")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Physical abuse")
    visit(page, "protection child protection plan")

    # The first review conference continues the plan under emotional abuse.
    page.get_by_role("link", name="Record a review conference").click()
    page.get_by_label("The plan continues").check()
    page.get_by_label("Emotional abuse").check()
    visit(page, "protection review conference")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("heading", name="Child protection plan")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Emotional abuse")
    expect(main).to_contain_text("Review child protection conference")
    visit(page, "protection plan reviewed")
    page.goto(f"{site}/social-care/children/{child.pk}/")
    expect(page.locator("main")).to_contain_text("Child protection plan")
    visit(page, "protection statutory page with plan")
