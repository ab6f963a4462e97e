"""The synthetic local authority as `make demo` loads it (scale 1, seed 2014): the dashboard's
headline figures for the year ending 31 March 2023 are the published figures it was calibrated
to (DOMAIN.md "Published figures", from the seeds), and equal the same figures worked out from
the children in need census exported for that year. Its family hubs reach the published
children and families in the last full year.

One generation at full size (about a minute): the only test that looks at the whole authority.
"""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from onestory.insight.measures import compute
from onestory.insight.rules import Period
from onestory.returns import cin_census
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .measures.returns_figures import census_figures

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # after the generator's reference date
START, END = date(2022, 4, 1), date(2023, 3, 31)

# (published figure, how far the dashboard may be from it). Counts within 3%; shares within 1.5
# points; child protection, a small number, within 8%.
PUBLISHED = {
    "children_in_need": (1647, 0.03),  # 31 March 2023, seed 000
    "cin_rate_per_10000": (281, 0.03),  # seed 000 (England 343)
    "referrals": (3164, 0.03),  # year to 31 March 2023, seed 000
    "children_in_care": (378, 0.03),  # seed 001
    "cp_plans": (270, 0.08),  # seed 004 (2014, the latest Luton figure in the seeds)
}
PUBLISHED_SHARES = {
    "referrals_nfa_share": 0.368,  # seed 000
}
# Factors at assessment (seed 000): domestic abuse, parent the victim; parental mental health;
# emotional abuse.
PUBLISHED_FACTORS = {"3B": 0.12, "4B": 0.12, "17A": 0.08}
# Categories of the children on a plan (seed 004): neglect 43%, emotional abuse 37%.
PUBLISHED_CATEGORIES = {"NEG": 0.43, "EMO": 0.37}
SHARE_TOLERANCE = 0.015
CATEGORY_TOLERANCE = 0.06


@pytest.fixture(scope="module")
def authority(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=1, seed=2014, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def dashboard(authority, client):
    """The headline measures as the dashboard shows them to an analyst: {id: Result}."""
    client.force_login(worker_with_role(Role.ANALYST))
    response = client.get(reverse("insight:dashboard"), {"start": START, "end": END})
    assert response.status_code == 200
    return {h.result.id: h.result for g in response.context["groups"] for h in g.headlines}


@pytest.mark.parametrize("measure_id", PUBLISHED)
def test_the_headline_figure_is_within_a_few_percent_of_the_published_one(dashboard, measure_id):
    published, tolerance = PUBLISHED[measure_id]

    assert dashboard[measure_id].value == pytest.approx(published, rel=tolerance)


@pytest.mark.parametrize("measure_id", PUBLISHED_SHARES)
def test_the_headline_share_is_the_published_one(dashboard, measure_id):
    assert dashboard[measure_id].value == pytest.approx(
        PUBLISHED_SHARES[measure_id], abs=SHARE_TOLERANCE
    )


def test_the_factors_at_assessment_are_in_the_published_shares(dashboard):
    parts = {p.key: p.value for p in dashboard["factors_at_assessment"].parts}

    for code, published in PUBLISHED_FACTORS.items():
        assert parts[code] == pytest.approx(published, abs=SHARE_TOLERANCE), code


def test_the_categories_of_abuse_are_in_the_published_shares(dashboard):
    plans = dashboard["cp_plans"]
    parts = {p.key: p.numerator / plans.numerator for p in plans.parts}

    for code, published in PUBLISHED_CATEGORIES.items():
        assert parts[code] == pytest.approx(published, abs=CATEGORY_TOLERANCE), code


def test_the_dashboard_equals_the_census_exported_for_the_year(dashboard, tmp_path):
    for year in (2022, 2023):
        cin_census.export(year=year, out=tmp_path / f"cin{year}.xml", now=NOW)
    census = census_figures(tmp_path / "cin2023.xml", START, END, [tmp_path / "cin2022.xml"])

    for measure_id in ("children_in_need", "referrals", "cp_plans", "section47_enquiries"):
        assert dashboard[measure_id].numerator == census[measure_id], measure_id
    for measure_id in ("referrals_nfa_share", "re_referrals_12_months", "icpc_within_15_days"):
        result = dashboard[measure_id]
        assert (result.numerator, result.denominator) == census[measure_id], measure_id
    categories = {p.key: p.numerator for p in dashboard["cp_plans"].parts if p.numerator}
    assert categories == census["categories"]


# Family hubs' reach in a year (seed 004: about 16,100 children and 7,500 families reached).
PUBLISHED_REACH = {"family_hub_children_reached": 16_100, "family_hub_families_reached": 7_500}


def test_the_reach_page_shows_the_hubs_reaching_the_published_children_and_families_by_ward(
    authority, client
):
    """The synthetic town's last full year (to 31 March 2026), as the reach page shows it."""
    client.force_login(worker_with_role(Role.ANALYST))
    response = client.get(reverse("insight:reach"), {"end": date(2026, 3, 31)})
    assert response.status_code == 200
    text = response.content.decode()
    results = compute(Period.year_ending(date(2026, 3, 31)), list(PUBLISHED_REACH))

    for result in results:
        assert result.value == pytest.approx(PUBLISHED_REACH[result.id], rel=0.03), result.id
        assert f"{result.value:,.0f}" in text
        by_ward = [p for p in result.parts if p.key.startswith("ward:")]
        assert sum(p.numerator for p in by_ward) == result.value, "each once, by ward"
        assert len([p for p in by_ward if p.numerator and p.key != "ward:none"]) == 19
