"""The family hubs' reach page: who may see it, the figures by site, activity, ward (target wards
marked, rates per 10,000), age group and ethnic group, first-time and returning, families known
to early help or social care (never named), and every table downloaded as CSV or XLSX."""

import csv
import html
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onestory.access.models import AuditEvent
from onestory.familyhubs.tests.factories import ActivityFactory, SiteFactory, registered_family
from onestory.insight.models import PopulationEstimate
from onestory.people.models import Ward
from onestory.people.tests.factories import AddressFactory
from onestory.workforce.rules import Role

from .measures.factories import referral, worker
from .test_reach_measures import came, child_of, session

pytestmark = pytest.mark.django_db

YEAR = {"end": "2024-03-31"}
SOURCE = "Synthetic test estimate"


def _url(query=None, **extra):
    url = reverse("insight:reach")
    query = {**(query or {}), **extra}
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def town():
    """Two wards (Leagrave a target ward) with their child population, two sites, and three
    families who came in the year to 31 March 2024: one in Leagrave known to social care, one
    in Biscot, one who had come before."""
    leagrave = Ward.objects.create(
        code="LEA", name="Leagrave", valid_from=date(2003, 5, 1), is_target=True
    )
    biscot = Ward.objects.create(code="BIS", name="Biscot", valid_from=date(2003, 5, 1))
    for ward, n in ((leagrave, 1000), (biscot, 4000)):
        PopulationEstimate.objects.create(year=2023, ward=ward, children=n, source=SOURCE)
    PopulationEstimate.objects.create(year=2023, children=5000, source=SOURCE)
    for code, n in (("WBRI", 2500), ("APKN", 2500)):
        PopulationEstimate.objects.create(year=2023, ethnicity=code, children=n, source=SOURCE)
    north, south = (
        SiteFactory(name="Northwell Family Hub"),
        SiteFactory(name="Southfield Satellite"),
    )
    play = ActivityFactory(name="Stay and play")
    talk = ActivityFactory(name="Chatterbox speech group")
    first = registered_family(children=2, ethnicity="APKN")
    for kid in first.people.filter(role="child"):
        AddressFactory(person=kid.person, ward=leagrave)
    came(session(date(2023, 5, 1), site=north, activity=play), first)
    referral(worker(), on=date(2023, 6, 1), child=first.people.filter(role="child")[0].person)
    second = registered_family(date_of_birth=date(2012, 1, 5))
    AddressFactory(person=child_of(second), ward=biscot)
    came(session(date(2023, 9, 1), site=south, activity=talk), second)
    third = registered_family()
    came(session(date(2022, 9, 1), site=north, activity=play), third)
    came(session(date(2023, 10, 1), site=north, activity=play), third)
    return {"first": first, "second": second, "third": third}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.TEAM_MANAGER])
def test_analysts_and_team_managers_see_the_reach_page(client, sign_in, role):
    sign_in(role)
    response = client.get(_url(YEAR))
    assert response.status_code == 200
    assert "Family hubs' reach" in _text(response)


@pytest.mark.parametrize(
    "role",
    [
        Role.FAMILY_HUB,
        Role.SOCIAL_WORKER,
        Role.FRONT_DOOR,
        Role.PARTNER,
        Role.EARLY_HELP,
        Role.ADMIN,
        Role.DATA_PROTECTION_OFFICER,
    ],
)
def test_other_roles_are_answered_as_if_the_page_did_not_exist(client, sign_in, role):
    sign_in(role)
    assert client.get(_url(YEAR)).status_code == 404


def test_the_other_performance_pages_link_to_the_reach_page(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(reverse("insight:dashboard") + "?end=2024-03-31")
    assert 'href="/performance/family-hubs/?start=2023-04-01&amp;end=2024-03-31"' in (
        response.content.decode()
    )


def test_the_page_shows_reach_by_site_activity_ward_age_and_ethnic_group(client, sign_in, town):
    sign_in(Role.ANALYST)

    response = client.get(_url(YEAR))

    page = response.context["page"]
    assert (page.children, page.families) == (4, 3)
    sites = {r.label: (r.children, r.families) for r in page.sites if r.attendances}
    assert sites == {"Northwell Family Hub": (3, 2), "Southfield Satellite": (1, 1)}
    # An open site nobody came to is listed with nobody, so it is seen.
    assert any(r.children == 0 and not r.attendances for r in page.sites)
    assert [(r.label, r.children) for r in page.activities] == [
        ("Stay and play", 3),
        ("Chatterbox speech group", 1),
    ]
    wards = {
        w.ward.code: (w.ward.children, w.ward.rate, w.families, w.ward.is_target)
        for w in page.wards
    }
    assert wards == {"LEA": (2, 20.0, 1, True), "BIS": (1, 2.5, 1, False)}
    assert (page.ward_unknown.ward.children, page.ward_unknown.families) == (1, 1)
    assert {r.key: r.children for r in page.ages} == {
        "under_1": 3,
        "1_to_4": 0,
        "5_to_10": 0,
        "11_to_17": 1,
    }
    asian = next(g for g in page.ethnic if g.code == "asian")
    assert (asian.children, asian.share, asian.population_share, asian.ratio) == (2, 0.5, 0.5, 1.0)
    assert {r.key: (r.children, r.families) for r in page.new} == {
        "new": (3, 2),
        "returning": (1, 1),
    }
    known = {r.key: r.families for r in page.known}
    assert known == {"early_help": 0, "social_care": 1, "either": 1, "neither": 2}
    text = _text(response)
    assert "Target ward" in text
    assert "Children reached by the family hubs" in text


def test_age_groups_are_set_against_the_children_of_those_ages_living_in_the_area(
    client, sign_in, town
):
    # Single years of age as the ONS gives them: 200 children of each age, but none loaded for
    # 17-year-olds, so the oldest group has no estimate rather than a rate out of too few.
    for age in range(17):
        PopulationEstimate.objects.create(year=2023, age=age, children=200, source=SOURCE)
    sign_in(Role.ANALYST)

    response = client.get(_url(YEAR))

    ages = {a.key: (a.children, a.population, a.rate) for a in response.context["page"].ages}
    assert ages == {
        "under_1": (3, 200, 150.0),
        "1_to_4": (0, 800, 0.0),
        "5_to_10": (0, 1200, 0.0),
        "11_to_17": (1, None, None),
    }
    text = _text(response)
    assert "Per 10,000 children of that age" in text
    assert "No estimate" in text
    # The single years of age never count twice in the authority's own total.
    assert response.context["page"].ward_total.ward.population == 5000


def test_without_estimates_by_age_the_age_groups_show_shares_only(client, sign_in, town):
    sign_in(Role.ANALYST)

    response = client.get(_url(YEAR))

    assert all(a.population is None for a in response.context["page"].ages)
    assert "have no single years of age" in _text(response)


def test_the_page_never_names_a_child_or_family(client, sign_in, town):
    # Names no page would hold otherwise (a generated name can be a word like "White").
    people = [r.person for family in town.values() for r in family.people.all()]
    for n, person in enumerate(people):
        person.given_name, person.family_name = f"Givenmarker{n}", f"Familymarker{n}"
        person.save(update_fields=["given_name", "family_name"])
    sign_in(Role.TEAM_MANAGER)

    text = _text(client.get(_url(YEAR)))

    assert "marker" not in text.lower()
    for family in town.values():
        assert family.reference not in text


def test_before_any_attendance_the_page_says_there_is_no_data(client, sign_in, town):
    sign_in(Role.ANALYST)

    text = _text(client.get(_url(end="2021-03-31")))

    assert "No data: no attendance at a family hub session is recorded" in text


def test_a_wrong_period_keeps_what_was_typed_and_says_how_to_fix_it(client, sign_in):
    sign_in(Role.ANALYST)

    response = client.get(_url(start="2024-02-30", end="2024-03-31"))

    assert response.status_code == 200
    assert "Enter the first day as a real date, like 01/04/2022." in _text(response)


@pytest.mark.parametrize(
    "table",
    [
        "measures",
        "reach-sites",
        "reach-activities",
        "reach-wards",
        "reach-ages",
        "reach-ethnic-groups",
        "reach-new",
        "reach-known",
    ],
)
def test_every_table_downloads_as_csv_and_the_export_is_recorded(client, sign_in, town, table):
    analyst = sign_in(Role.ANALYST)

    response = client.get(_url(YEAR, table=table, format="csv", purpose="planning"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) > 1
    event = AuditEvent.objects.get(actor=analyst, action=AuditEvent.Action.EXPORT)
    assert event.detail["table"] == table
    assert event.detail["page"] == "family hubs' reach"


def test_the_ward_table_downloads_as_xlsx_with_rates_and_families(client, sign_in, town):
    sign_in(Role.ANALYST)

    response = client.get(_url(YEAR, table="reach-wards", format="xlsx", purpose="planning"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Ward code",
        "Ward",
        "Target ward",
        "Children reached",
        "Child population",
        "Per 10,000 children",
        "Families reached",
    ]
    assert ["LEA", "Leagrave", "Yes", 2, 1000, 20, 1] in rows


def test_an_unknown_table_is_not_found(client, sign_in):
    sign_in(Role.ANALYST)
    assert client.get(_url(YEAR, table="people", format="csv")).status_code == 404


def test_the_reach_measures_page_lists_the_children_a_manager_may_open(client, sign_in, town):
    sign_in(Role.TEAM_MANAGER)

    measure = reverse("insight:measure", args=["family_hub_children_reached"])
    listed = reverse("insight:measure-children", args=["family_hub_children_reached"])

    assert client.get(measure + "?end=2024-03-31").status_code == 200
    response = client.get(listed + "?end=2024-03-31&part=ward:LEA")
    assert response.status_code == 200
    assert response.context["behind"].total == 2
