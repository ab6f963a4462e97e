"""Letters in Chromium: a social worker produces a conference invitation for each parent; the
copy for the father, alleged to have harmed the mother, leaves out her refuge address; a
manager approves it from the approval queue and it is released by post."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.documents.default_templates import load_default_templates
from onestory.documents.tests import factories_letters as f
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INVITATION = "Invitation to a child protection conference"


def test_an_invitation_for_each_parent_leaves_the_refuge_out_of_the_fathers_copy(page, site):
    now = timezone.now()
    load_default_templates(now=now)
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="socialworker", first_name="Sam", last_name="Okoro"
    )
    worker_with_role(
        Role.TEAM_MANAGER, username="manager", first_name="Mo", last_name="Ahmed", team=worker.team
    )
    family = f.marked_family(now=now, worker=worker)

    sign_in(page, site, "socialworker")
    page.goto(f"{site}/documents/letters/person/{family.child.pk}/")
    visit(page, "letters: the child's letters")
    page.get_by_role("link", name="Produce a letter or report").click()
    page.get_by_label(INVITATION).check()
    page.get_by_label(re.compile("^Initial child protection conference")).check()
    page.get_by_label(re.compile(r"^Grace Okafor \(parent or carer\)")).check()
    page.get_by_label(re.compile(r"^Daniel Okafor \(parent or carer alleged")).check()
    visit(page, "letters: produce")
    page.get_by_role("button", name="Produce the letters").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 letters produced")

    page.get_by_role("link", name=f"{INVITATION} for Grace Okafor").click()
    mothers = page.frame_locator("iframe.letter-frame").locator("main")
    expect(mothers).to_contain_text(f.REFUGE)
    page.go_back()
    page.get_by_role("link", name=f"{INVITATION} for Daniel Okafor").click()
    fathers = page.frame_locator("iframe.letter-frame").locator("main")
    expect(fathers).to_contain_text("We are also inviting Grace Okafor")
    expect(fathers).not_to_contain_text(f.REFUGE)
    expect(fathers).to_contain_text("[withheld]")
    expect(page.locator("main")).to_contain_text("a colleague must approve it")
    visit(page, "letters: the father's invitation before approval")
    sign_out(page)

    sign_in(page, site, "manager")
    page.goto(f"{site}/documents/letters/approvals/")
    visit(page, "letters: waiting for approval")
    page.get_by_role("link", name=f"{INVITATION} for Daniel Okafor").click()
    page.get_by_role("button", name="Approve the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("approved")
    page.get_by_label("By post").check()
    visit(page, "letters: approved, ready to release")
    page.get_by_role("button", name="Release the letter").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("released")
    expect(page.locator("main")).to_contain_text("Released")
    visit(page, "letters: released")

    page.goto(f"{site}/documents/letters/templates/")
    visit(page, "letters: templates")
    page.get_by_role("link", name=INVITATION).click()
    visit(page, "letters: a template")
