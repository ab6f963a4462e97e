"""Family hubs' reach in Chromium: an analyst opens it from the performance pages for the year
to 31 March 2024, reads the children and families reached by site and ward (a target ward
marked), downloads the ward table, and the page passes the accessibility check without naming a
family."""

from datetime import date

import pytest
from playwright.sync_api import expect

from onestory.familyhubs.tests.factories import ActivityFactory, SiteFactory, registered_family
from onestory.insight.models import PopulationEstimate
from onestory.insight.tests.test_reach_measures import came, session
from onestory.people.models import Ward
from onestory.people.tests.factories import AddressFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import download_with_purpose, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_analyst_reads_the_family_hubs_reach_by_ward(page, site):
    analyst = worker_with_role(Role.ANALYST, username="analyst")
    leagrave = Ward.objects.create(
        code="E05000001", name="Leagrave", valid_from=date(2003, 5, 1), is_target=True
    )
    biscot = Ward.objects.create(code="E05000002", name="Biscot", valid_from=date(2003, 5, 1))
    for ward, n in ((leagrave, 1000), (biscot, 3000)):
        PopulationEstimate.objects.create(year=2023, ward=ward, children=n, source="Test estimate")
    PopulationEstimate.objects.create(year=2023, children=4000, source="Test estimate")
    hub = SiteFactory(name="Northwell Family Hub")
    play = ActivityFactory(name="Stay and play")
    for ward, children in ((leagrave, 2), (biscot, 1)):
        family = registered_family(children=children, family_name="Quenby")
        for registered in family.people.filter(role="child"):
            AddressFactory(person=registered.person, ward=ward)
        came(session(date(2023, 6, 1), site=hub, activity=play), family)

    sign_in(page, site, analyst.username)
    page.goto(f"{site}/performance/?end=2024-03-31")
    page.get_by_role("navigation", name="Performance pages").get_by_role(
        "link", name="Family hubs' reach"
    ).click()
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family hubs' reach")
    expect(main).to_contain_text("1 April 2023 to 31 March 2024")
    wards = main.get_by_role("table", name="Reach by ward")
    expect(wards.get_by_role("row", name="Leagrave")).to_contain_text("Target ward")
    expect(wards.get_by_role("row", name="Leagrave")).to_contain_text("20.0")
    expect(main.get_by_role("table", name="Reach by site")).to_contain_text("Northwell Family Hub")
    expect(main).not_to_contain_text("Quenby")
    visit(page, "family hubs reach")

    downloaded = download_with_purpose(
        page, page.get_by_role("link", name="CSV of Reach by ward"), "CSV of Reach by ward"
    )
    assert downloaded.suggested_filename == "reach-wards-2023-04-01-to-2024-03-31.csv"
