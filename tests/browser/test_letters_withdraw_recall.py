"""Letters accounted for, in Chromium: a social worker withdraws the father's invitation before
it is approved (told first that a reason is needed), releases the mother's by secure e-mail
once a manager approved it, then marks it as recalled because it went to an old address; the
manager finds the recall among their messages. Each page is checked with axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.documents import actions_letters as actions
from onestory.documents.default_templates import load_default_templates
from onestory.documents.models import LetterTemplate
from onestory.documents.tests import factories_letters as f
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INVITATION = "Invitation to a child protection conference"


def test_a_letter_is_withdrawn_before_release_and_another_recalled_after_it(page, site):
    now = timezone.now()
    load_default_templates(now=now)
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="socialworker", first_name="Sam", last_name="Okoro"
    )
    manager = worker_with_role(
        Role.TEAM_MANAGER, username="manager", first_name="Mo", last_name="Ahmed", team=worker.team
    )
    family = f.marked_family(now=now, worker=worker)
    mothers, fathers = actions.letters_produce(
        child=family.child,
        template_id=LetterTemplate.objects.get(kind="conference_invitation").pk,
        about=f"conference:{family.conference.pk}",
        recipient_keys=[f"person:{family.mother.pk}", f"person:{family.father.pk}"],
        acting_user=worker,
        now=now,
    )
    actions.letter_approve(
        letter_id=mothers.pk, version=mothers.version, acting_user=manager, now=now
    )

    sign_in(page, site, "socialworker")
    page.goto(f"{site}/documents/letters/{fathers.pk}/")
    page.get_by_role("link", name="Withdraw the letter").click()
    visit(page, "letters: withdraw")
    page.get_by_role("button", name="Withdraw the letter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(actions.NO_WITHDRAW_REASON)
    visit(page, "letters: withdraw without a reason")
    page.get_by_label("Why is the letter being withdrawn?").fill("The conference has moved")
    page.get_by_role("button", name="Withdraw the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("withdrawn")
    expect(page.locator("main")).to_contain_text("The conference has moved")
    expect(page.get_by_role("button", name="Approve the letter")).to_have_count(0)
    visit(page, "letters: withdrawn")

    page.goto(f"{site}/documents/letters/{mothers.pk}/")
    page.get_by_label("By secure e-mail").check()
    page.get_by_role("button", name="Release the letter").click()
    expect(page.locator("main")).to_contain_text("How it was sent")
    expect(page.locator("main")).to_contain_text("By secure e-mail")
    page.get_by_role("link", name="Mark the letter as recalled").click()
    visit(page, "letters: recall")
    page.get_by_label("Why is the letter being recalled?").fill(
        "Sent to her old address; the council has asked for it back"
    )
    page.get_by_role("button", name="Mark as recalled").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recalled")
    expect(page.locator(".govuk-warning-text")).to_contain_text("then recalled")
    visit(page, "letters: recalled")
    page.get_by_role("link", name="Back to the letters").click()
    expect(page.locator("main")).to_contain_text("Recalled")
    expect(page.locator("main")).to_contain_text("Withdrawn")
    visit(page, "letters: the list with a withdrawn and a recalled letter")
    sign_out(page)

    sign_in(page, site, "manager")
    expect(page.locator("main")).to_contain_text("as recalled")
    expect(page.locator("main")).to_contain_text("Sent to her old address")
