"""The performance dashboard in Chromium: a team manager opens it from the menu, mistypes a date
and is told what is wrong, chooses the year to 31 March 2023, follows the children in need figure
to the children behind it and finds a child of their team there (and not another team's),
downloads a trend's numbers and opens the other performance pages."""

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import download_with_purpose, sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_follows_a_figure_to_the_children_of_their_team(page, site):
    # The demo sign-in's username (onestory demo_users): "manager".
    manager = worker_with_role(
        Role.TEAM_MANAGER, username="manager", first_name="James", last_name="Carter"
    )
    worker = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    elsewhere = worker_with_role(Role.SOCIAL_WORKER)
    now = timezone.now()
    referred_child(
        worker, now=now, referral_date=date(2022, 6, 1), given_name="Tamsin", family_name="Okoro"
    )
    referred_child(
        elsewhere, now=now, referral_date=date(2022, 9, 1), given_name="Idris", family_name="Vale"
    )
    # The records begin years before: an episode of 2018, long closed.
    _, old = referred_child(elsewhere, now=now, referral_date=date(2018, 5, 1))
    old.closed_on = date(2018, 9, 1)
    old.save()

    sign_in(page, site, manager.username)
    page.get_by_role("link", name="Performance", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    visit(page, "performance dashboard")

    # A date that is not one is explained, and what was typed is kept.
    page.get_by_label("Last day").fill("31/13/2023")
    page.get_by_role("button", name="Show this period").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the last day as a real date, like 31/03/2023.")
    expect(page.get_by_label("Last day")).to_have_value("31/13/2023")
    visit(page, "performance dashboard with an error")

    page.get_by_label("Last day").fill("31/03/2023")
    page.get_by_role("button", name="Show this period").click()
    main = page.locator("main")
    expect(main).to_contain_text("1 April 2022 to 31 March 2023")
    # Children in need and referrals over five years (nobody has been on a plan or in care).
    expect(main.locator("svg[role=img]")).to_have_count(2)

    # The children in need figure (2) opens the children behind it.
    figure = page.get_by_role("link", name=re.compile(r"the children behind children in need$"))
    expect(figure).to_contain_text("2")
    figure.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The children behind the figure")
    expect(main).to_contain_text("The figure counts 2 children.")
    expect(main).to_contain_text("1 of them is not listed because you may not open their record.")
    expect(main.get_by_role("link", name="Tamsin Okoro")).to_be_visible()
    expect(main).not_to_contain_text("Idris")
    assert "Tamsin" not in page.url and "Okoro" not in page.url
    visit(page, "children behind the figure")

    # Back on the measure's page, its trend's numbers download as a spreadsheet.
    page.get_by_role("link", name="Children in need", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children in need")
    visit(page, "measure children in need")
    link = "CSV of Children in need: 5 years"
    downloaded = download_with_purpose(page, page.get_by_role("link", name=link), link)
    assert downloaded.suggested_filename == (
        "trend-children-in-need-2022-04-01-to-2023-03-31.csv"
    )

    # The other performance pages keep the period and pass the accessibility check.
    for link, heading in (
        ("Needs by ward", "Needs by ward"),
        ("Ethnic groups (disproportionality)", "Ethnic groups: disproportionality"),
        ("Workforce", "Workforce"),
        ("The strategy's measures", "The strategy's measures"),
    ):
        page.get_by_role("navigation", name="Performance pages").get_by_role(
            "link", name=link
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(main).to_contain_text("1 April 2022 to 31 March 2023")
        visit(page, f"performance {link}")
