"""Casework in Chromium: a team manager allocates a referred child (warned before the worker
passes the caseload limit), looks at the team's caseloads, moves the case to another worker with
a handover drafted from the record, and the new worker finds the child's task in My work."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.socialcare.models import Assessment, CaseloadLimit, StorySoFar
from onestory.socialcare.tests.factories_casework import give_children, referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_allocates_watches_caseloads_and_moves_a_case(page, site):
    now = timezone.now()
    today = today_in_london(now)
    manager = worker_with_role(
        Role.TEAM_MANAGER, username="manager", first_name="Grace", last_name="Mensah"
    )
    amara = worker_with_role(
        Role.SOCIAL_WORKER,
        username="amara",
        first_name="Amara",
        last_name="Obi",
        team=manager.team,
    )
    ben = worker_with_role(
        Role.SOCIAL_WORKER, username="ben", first_name="Ben", last_name="Hale", team=manager.team
    )
    CaseloadLimit.objects.create(team=manager.team, limit=Decimal("2"), valid_from=today)
    give_children(amara, 2, now=now)
    child, referral = referred_child(
        None,
        now=now,
        team=manager.team,
        given_name="Kofi",
        family_name="Asante",
        date_of_birth=date(2017, 2, 11),
    )
    Assessment.objects.create(
        referral=referral,
        person=child,
        worker=manager,
        started_on=today,
        due_on=referral.assessment_due_on,
    )
    StorySoFar.objects.create(
        person=child,
        text="Kofi lives with his grandmother after a fire at home.",
        updated_by=manager,
    )

    # The manager sees Kofi waiting for a social worker and picks Amara, who is at her limit.
    sign_in(page, site, manager.username)
    page.get_by_role("link", name="Caseloads").first.click()
    page.get_by_role("link", name="Children waiting for a social worker").click()
    visit(page, "casework children waiting")
    page.get_by_role("link", name=re.compile("Allocate.*Kofi Asante")).click()
    expect(page.get_by_role("row", name=re.compile("Amara Obi"))).to_contain_text("Over the limit")
    visit(page, "casework allocate")
    page.get_by_label("Social worker").select_option(str(amara.pk))
    page.get_by_role("button", name="Allocate").click()
    main = page.locator("main")
    expect(main).to_contain_text("over their caseload limit")
    expect(page.locator("#caseload-preview")).to_contain_text("Over the limit")
    visit(page, "casework allocation warning")
    page.get_by_label(re.compile("Allocate anyway")).check()
    page.get_by_role("button", name="Allocate").click()
    expect(main).to_contain_text("Kofi Asante is allocated to Amara Obi")
    expect(main).to_contain_text("No children are waiting")

    # The team's caseloads flag Amara over the limit.
    page.get_by_role("link", name="Caseloads").first.click()
    row = page.locator("tr[data-worker='amara']")
    expect(row).to_contain_text("Over the limit")
    expect(row).to_contain_text("3")
    visit(page, "casework caseloads")
    page.get_by_role("link", name="Change weights, limit and local standards").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    visit(page, "casework caseload settings")

    # The case moves to Ben with a handover drafted from the record.
    page.goto(f"{site}/social-care/children/{child.pk}/")
    expect(main).to_contain_text("Amara Obi")
    visit(page, "casework child page")
    page.get_by_role("link", name=re.compile("Move case")).click()
    summary = page.get_by_label("Handover summary")
    expect(summary).to_have_value(re.compile("Kofi lives with his grandmother"))
    page.get_by_label("New worker").select_option(str(ben.pk))
    page.get_by_label("The social worker left the role").check()
    summary.fill(summary.input_value() + "\nKofi is nervous of new people: visit with Amara.")
    visit(page, "casework move case")
    page.get_by_role("button", name="Move the case").click()
    expect(main).to_contain_text("case has moved to Ben Hale")
    expect(main).to_contain_text("Case moved from Amara Obi to Ben Hale")
    expect(page.locator("#social-workers-count")).to_contain_text("2")
    visit(page, "casework case moved")

    # The manager's My work shows the team's tasks by worker, and filters by worker.
    page.get_by_role("link", name="My work").first.click()
    expect(main).to_contain_text("Ben Hale: 1 task")
    page.get_by_label("Show the tasks of").select_option(str(ben.pk))
    page.get_by_role("button", name="Show").click()
    expect(main).not_to_contain_text("Amara Obi:")
    visit(page, "casework team tasks")
    sign_out(page)

    # Ben finds Kofi's assessment in My work.
    sign_in(page, site, ben.username)
    page.get_by_role("link", name="My work").first.click()
    expect(main).to_contain_text("Kofi Asante")
    expect(main).to_contain_text("Assessment due")
    visit(page, "casework my work")
