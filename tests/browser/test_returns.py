"""Statutory returns in Chromium: the performance analyst reads the children in need census's
readiness (the validators' last check grouped by rule, a rule that did not run, onestory's own
checks) and checks the return again; a social worker saving a placement SSDA903 will reject is
warned there and then."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.core.clock import today_in_london
from onestory.returns import selectors, validation
from onestory.returns.identifiers import child_id
from onestory.returns.models import ValidationRun
from onestory.socialcare.tests.factories_care import child_in_care
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def _issue(child, rule, kind, message, table="CINdetails"):
    return {
        "child": child_id(child.pk),
        "person_id": str(child.pk),
        "rule": rule,
        "kind": kind,
        "message": message,
        "table": table,
        "fields": ["DateOfInitialCPC"],
        "row": 4,
    }


def test_the_analyst_reads_a_returns_readiness_and_a_worker_is_warned_as_they_save(
    page, site, monkeypatch
):
    # The demo sign-ins' usernames (onestory demo_users): "analyst" and "socialworker".
    analyst = worker_with_role(
        Role.ANALYST, username="analyst", first_name="Ravi", last_name="Patel"
    )
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="socialworker", first_name="Asha", last_name="Mitchell"
    )
    now = timezone.now()
    today = today_in_london(now)
    year = selectors.current_year(today)
    start, _ = selectors.collection_period(year)
    child, period = child_in_care(
        worker, now=now, starts_on=start + timedelta(days=10), given_name="Tariq"
    )
    # A placement recorded before the warnings existed, with no placement postcode.
    placement = period.placements.get()
    placement.placement_postcode = ""
    placement.save()
    ValidationRun.objects.create(
        source="cin",
        year=year,
        ran_at=now - timedelta(days=1),
        ran_by=analyst,
        validator="csc-validator-be-cin 0.1.13",
        rules_run=108,
        issues=[
            _issue(
                child,
                "8875",
                "error",
                "The Date of Initial Child Protection Conference cannot be a weekend",
                table="Section47",
            ),
            _issue(
                child,
                "8873Q",
                "query",
                "Please check: the factors code 21 has been used for the only assessment",
            ),
        ],
        crashed_rules=[{"rule": "8898", "reason": "KeyError: 'AssessmentFactors'"}],
    )

    def validate_export(source, year, *, acting_user, now):
        return ValidationRun.objects.create(
            source=source,
            year=year,
            ran_at=now,
            ran_by=acting_user,
            validator="csc-validator-be-cin 0.1.13",
            rules_run=109,
            issues=[],
        )

    monkeypatch.setattr(validation, "validate_export", validate_export, raising=False)

    # The analyst finds the returns in the menu and opens the census's readiness.
    sign_in(page, site, analyst.username)
    page.get_by_role("link", name="Returns").click()
    visit(page, "returns index")
    page.get_by_role("link", name=re.compile("Children in need census")).click()
    main = page.locator("main")
    expect(main).to_contain_text("1 error and 1 query")
    expect(main).to_contain_text("1 rule did not run")
    expect(main).to_contain_text("Rule 8898 crashed")
    expect(main).to_contain_text(child_id(child.pk))
    expect(main).not_to_contain_text("Tariq")
    expect(main).not_to_contain_text("No errors")
    visit(page, "return readiness census")

    # Checking again: every rule runs and nothing is found.
    expect(main).to_contain_text("between 10 seconds and a minute")
    page.get_by_role("button", name="Check now").click()
    expect(page.locator("body")).to_contain_text("Checked: 0 errors and 0 queries.")
    expect(main).to_contain_text("No errors")
    visit(page, "return readiness census after check now")

    # SSDA903: onestory's own checks already see the missing placement postcode.
    page.goto(f"{site}/returns/903/")
    expect(main).to_contain_text("Rule 392b")
    expect(main).to_contain_text("The validators have not checked the return")
    visit(page, "return readiness ssda903")
    sign_out(page)

    # The social worker moves the child to a provider that cannot provide foster care.
    sign_in(page, site, worker.username)
    page.goto(f"{site}/social-care/children/{child.pk}/care/")
    page.get_by_role("link", name="Move to a new placement").click()
    page.get_by_label("Day of the move").fill(_d(today))
    page.get_by_label("Why the placement changed").select_option("CARPL")
    page.get_by_label("Kind of placement").select_option("U6")
    page.get_by_label("Who provides the placement").select_option("PR0")
    page.get_by_label("Carer or provider's name").fill("Synthetic foster carers")
    page.get_by_label("Placement postcode").fill("LU2 0AA")
    page.get_by_role("button", name="Save").click()
    body = page.locator("body")
    expect(body).to_contain_text("Placement move recorded.")
    expect(body).to_contain_text(
        "cannot provide this kind of placement (U6: foster care with other carers: other)"
    )
    expect(body).to_contain_text("(rule 550)")
    visit(page, "point of entry warning placement")
