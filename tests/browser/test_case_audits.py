"""Case audits in Chromium: a team manager draws a sample of their team's open cases for a
manager from another team to audit; the auditor opens the child's record through the grant the
sample gave them, is told which grade is missing, completes the audit; the results by team
show it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.insight.models import CaseAudit, CaseAuditTemplate
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTIONS = [
    {"key": "voice", "text": "Was the child seen and heard?"},
    {"key": "plan", "text": "Is the plan clear and timed?"},
]


def _manager(username: str, team_name: str, first: str, last: str):
    team = TeamFactory(name=team_name, kind=Team.Kind.SOCIAL_WORK)
    return worker_with_role(
        Role.TEAM_MANAGER, username=username, first_name=first, last_name=last, team=team
    )


def _grade(page, question: str, grade: str) -> None:
    page.get_by_role("group", name=question).get_by_label(grade, exact=True).check()


def test_a_manager_draws_a_sample_another_audits_a_case_and_the_results_show_it(page, site):
    now = timezone.now()
    CaseAuditTemplate.objects.create(name="A council audit tool", questions=QUESTIONS)
    east = _manager("manager", "Social Work East", "Grace", "Mensah")
    west = _manager("westmanager", "Social Work West", "Tom", "Reyes")
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="amara", first_name="Amara", last_name="Obi", team=east.team
    )
    child, _ = referred_child(worker, now=now, given_name="Kofi", family_name="Asante")

    # East's manager draws one case from their team for West's manager to audit.
    sign_in(page, site, east.username)
    page.goto(f"{site}/performance/case-audits/")
    visit(page, "case audits empty")
    page.get_by_role("link", name="Draw a sample").click()
    visit(page, "case audit sample form")
    page.get_by_label("How many cases?").fill("1")
    page.get_by_label(re.compile("^Social Work East")).check()
    page.get_by_label(re.compile("^Tom Reyes")).check()
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator("body")).to_contain_text("1 case drawn for audit")
    expect(page.locator("main")).to_contain_text("Drawn by Grace Mensah")
    expect(page.locator("main")).to_contain_text("Kofi Asante")
    visit(page, "case audits batch")
    sign_out(page)

    # West's manager finds the audit to do, and can open the child's record for it.
    sign_in(page, site, west.username)
    page.goto(f"{site}/performance/case-audits/")
    page.get_by_role("link", name=re.compile("Audit the case of Kofi Asante")).click()
    visit(page, "case audit form")
    main = page.locator("main")
    main.get_by_role("link", name="Open Kofi Asante's record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kofi Asante")
    page.go_back()

    # A missing grade is named, and what was entered stays.
    _grade(page, "1. Was the child seen and heard?", "Good")
    page.get_by_label("What the work with this child does well").fill("Kofi's wishes lead.")
    page.get_by_role("button", name="Complete the audit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a grade for question 2: Is the plan clear and timed?")
    expect(summary).to_contain_text("Choose an overall grade for the case.")
    expect(page.get_by_label("What the work with this child does well")).to_have_value(
        "Kofi's wishes lead."
    )
    visit(page, "case audit form with errors")

    _grade(page, "2. Is the plan clear and timed?", "Outstanding")
    _grade(page, "Overall grade for the case", "Good")
    page.get_by_label("Voice of the child").check()
    page.get_by_label("What must improve").fill("Record Kofi's own words.")
    page.get_by_role("button", name="Complete the audit").click()
    expect(page.locator("body")).to_contain_text("Audit completed")
    assert CaseAudit.objects.get().status == CaseAudit.Status.COMPLETED

    # The results by team show East's audit graded good.
    page.goto(f"{site}/performance/case-audits/results/")
    table = page.get_by_role("table", name="Case audits by team")
    row = table.get_by_role("row", name=re.compile("^Social Work East"))
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("Voice of the child")
    expect(page.locator("main")).not_to_contain_text("Kofi")
    visit(page, "case audit results")
