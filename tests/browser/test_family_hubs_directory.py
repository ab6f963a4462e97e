"""The service directory in Chromium: a team manager uploads an Open Referral UK feed with
malformed services and reads why each was rejected, finds a loaded service by a child's age,
gives it an owner, and a family hub practitioner marks a stale service checked. Every page
passes the accessibility check."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from onestory.familyhubs.models import Service
from onestory.familyhubs.tests.factories import ServiceFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FEED = (
    Path(__file__).resolve().parents[2]
    / "onestory/familyhubs/tests/data/openreferral_malformed.json"
)


def test_a_manager_loads_a_feed_and_a_practitioner_keeps_the_directory(page, site):
    manager = worker_with_role(Role.TEAM_MANAGER, username="manager")
    practitioner = worker_with_role(
        Role.FAMILY_HUB, username="familyhub", first_name="Hana", last_name="Hubworker"
    )
    stale = ServiceFactory(name="Toy library", last_checked_on=date(2020, 1, 1))

    sign_in(page, site, manager.username)
    page.goto(f"{site}/family-hubs/directory/")
    visit(page, "service directory")
    page.get_by_role("button", name="Load an Open Referral UK feed").click()
    visit(page, "directory import")
    page.get_by_label("Open Referral UK feed").set_input_files(str(FEED))
    page.get_by_role("button", name="Load the feed").click()
    main = page.locator("main")
    expect(main).to_contain_text("The feed was loaded")
    expect(page.locator("#rejected li")).to_have_count(6)
    expect(main).to_contain_text("minimum_age (19) is above its maximum_age (11)")
    visit(page, "directory import report")

    page.get_by_role("link", name="Back to the service directory").click()
    page.get_by_label("Child's age in years").fill("0")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("list", name="3 services found")
    expect(results).to_contain_text("Baby massage")
    expect(results).to_contain_text("Food bank referrals")  # any age
    expect(results).to_contain_text("Toy library")
    visit(page, "directory search")
    page.get_by_role("link", name="Baby massage").click()
    visit(page, "directory service")
    page.get_by_role("button", name="Change the details").click()
    page.get_by_label("Owner").select_option(label="Hana Hubworker (Family hub practitioner)")
    visit(page, "directory edit")
    page.get_by_role("button", name="Save and mark checked").click()
    expect(page.locator("main")).to_contain_text("Hana Hubworker")
    assert Service.objects.get(name="Baby massage").owner == practitioner
    sign_out(page)

    sign_in(page, site, practitioner.username)
    page.goto(f"{site}/family-hubs/directory/{stale.pk}/")
    expect(page.locator("main")).to_contain_text("Needs checking")
    page.get_by_role("button", name="Checked today").click()
    expect(page.locator("main")).not_to_contain_text("Needs checking")
    expect(page.locator("main")).to_contain_text("by Hana Hubworker")
    visit(page, "directory service checked")
