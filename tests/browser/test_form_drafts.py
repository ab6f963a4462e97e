"""A child and family assessment in Chromium that never loses a word: the social worker ticks a
factor and writes her analysis (saved as a private draft as she types), her session expires
mid-sentence (the rest is kept on the device), she signs in again and finds all of it back; she
leaves the page and comes back to it again; she saves, and the draft is gone. Signing out
clears what the browser kept."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.core.models import FormDraft
from onestory.socialcare.models import Assessment
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_protection import assessment
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import PASSWORD, worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = "Mum has engaged well since the referral and the school reports better attendance."
AFTER = " Dad's drinking remains the main worry when he has contact at weekends."


def test_an_assessment_survives_the_session_expiring_and_leaving_the_page(page, site):
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="asha", first_name="Asha", last_name="Patel"
    )
    today = today_in_london(timezone.now())
    child, referral = referred_child(
        worker,
        now=timezone.now(),
        referral_date=today - timedelta(days=10),
        given_name="Maya",
        family_name="Brooks",
    )
    record = assessment(child, referral, worker)
    url = f"{site}/social-care/children/{child.pk}/assessments/{record.pk}/"

    sign_in(page, site, worker.username)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Child and family assessment")
    analysis = page.get_by_label("Analysis")
    factor = page.get_by_label(re.compile("^Alcohol misuse: concerns about the parent or carer"))
    status = page.locator("[data-draft-status]")

    factor.check()
    analysis.fill(BEFORE)
    expect(status).to_contain_text("Draft saved at", timeout=15_000)
    expect(status).to_contain_text("Only you can see it")

    # The session expires with the page open; she keeps typing.
    page.context.clear_cookies()
    analysis.press("End")
    analysis.type(AFTER)
    expect(status).to_contain_text("you have been signed out", timeout=15_000)

    # Signing in again brings her back to the assessment with every word.
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url)
    expect(analysis).to_have_value(BEFORE + AFTER)
    expect(factor).to_be_checked()
    expect(status).to_contain_text("had not been saved: it is back in the form")
    expect(status).to_contain_text("Draft saved at", timeout=15_000)

    # She leaves for the child's record and comes back: the draft is put back from the service.
    page.goto(f"{site}/social-care/children/{child.pk}/")
    page.goto(url)
    expect(analysis).to_have_value(BEFORE + AFTER)
    expect(factor).to_be_checked()
    expect(status).to_contain_text("did not send is back in the form")
    visit(page, "assessment with a draft put back")
    assert Assessment.objects.get(pk=record.pk).analysis == ""  # not on the record until sent

    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    saved = Assessment.objects.get(pk=record.pk)
    assert saved.analysis == BEFORE + AFTER and saved.factors == ["1B"]
    assert not FormDraft.objects.exists()

    page.goto(url)
    expect(analysis).to_have_value(BEFORE + AFTER)
    expect(status).to_be_empty()

    # Signing out leaves nothing of the form in this browser.
    analysis.fill("Typed on a shared computer")
    page.evaluate(
        "() => window.localStorage.setItem('onestory.check', 'left behind')"
    )  # as if a save had failed
    sign_out(page)
    assert page.evaluate("() => Object.keys(window.localStorage)") == []
