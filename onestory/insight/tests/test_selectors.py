"""What the performance pages read: values in words, tables to download, the children behind a
figure limited to those the worker may open, and charts that fit the page."""

from datetime import date

import pytest
from django.utils import timezone

from onestory.insight import selectors
from onestory.insight.measures.base import Part, Unit
from onestory.insight.rules import Period
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

NOW = timezone.now()
YEAR_2023 = Period.year_ending(date(2023, 3, 31))


# --- Values in words (no database) ---------------------------------------------------------------


def test_downloaded_shares_read_as_per_cent_like_the_page():
    assert selectors.as_number(0.368, Unit.SHARE) == 36.8
    assert selectors.as_number(281.0444, Unit.RATE) == 281.04
    assert selectors.as_number(None, Unit.SHARE) is None
    assert selectors.as_number(1647, Unit.COUNT) == 1647


def test_a_parts_value_is_a_share_of_its_own_denominator_or_its_count():
    counted = Part("NEG", "Neglect", 35)
    shared = Part("NEG", "Neglect", 35, 67, 35 / 67)
    assert selectors.part_unit(counted, Unit.COUNT) == Unit.COUNT
    assert selectors.part_unit(shared, Unit.COUNT) == Unit.SHARE
    assert selectors.part_unit(shared, Unit.RATE) == Unit.RATE
    assert selectors.part_value(counted, Unit.COUNT) == 35


def test_a_chart_scales_to_its_column():
    svg = (
        '<svg role="img" aria-label="Line chart: Referrals" width="620" height="269" '
        'viewBox="0 0 620 269"><rect width="620"/></svg>'
    )
    scaled = selectors.responsive(svg)
    # Only the outer element loses its size.
    assert scaled == (
        '<svg role="img" aria-label="Line chart: Referrals" viewBox="0 0 620 269">'
        '<rect width="620"/></svg>'
    )


# --- The children behind a figure ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_children_behind_a_figure_are_those_the_worker_may_open_and_the_rest_counted():
    manager = worker_with_role(Role.TEAM_MANAGER)
    mine = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    other = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(mine, now=NOW, referral_date=date(2022, 6, 1))
    referred_child(other, now=NOW, referral_date=date(2022, 6, 1))
    referred_child(other, now=NOW, referral_date=date(2022, 7, 1))

    behind = selectors.children_behind("children_in_need", YEAR_2023, None, user=manager, now=NOW)

    assert (behind.total, behind.hidden) == (3, 2)
    assert list(behind.listed) == [child]


@pytest.mark.django_db
def test_an_analyst_opens_none_of_the_children_behind_a_figure():
    analyst = worker_with_role(Role.ANALYST)
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referred_child(worker, now=NOW, referral_date=date(2022, 6, 1))

    behind = selectors.children_behind("children_in_need", YEAR_2023, None, user=analyst, now=NOW)

    assert (behind.total, behind.hidden) == (1, 1)
    assert not behind.listed.exists()


@pytest.mark.django_db
def test_the_trends_are_five_years_ending_on_the_same_day_with_a_table_each():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referred_child(worker, now=NOW, referral_date=date(2021, 6, 1))

    (trend,) = selectors.trend_list(["children_in_need"], date(2023, 3, 31))

    assert [r.period.end for r in trend.rows] == [date(y, 3, 31) for y in range(2019, 2024)]
    # Records begin part way through the year to March 2022: its figure says so.
    assert [r.shown for r in trend.rows] == [
        "no data",
        "no data",
        "no data",
        "1 (records complete only from 1 June 2021)",
        "1",
    ]
    assert trend.table.rows[-1][:3] == [date(2022, 4, 1), date(2023, 3, 31), 1]
    assert trend.table.rows[0][2] is None


@pytest.mark.django_db
def test_measures_the_hub_does_not_have_are_left_out_of_the_trends():
    assert selectors.trend_list(["not_a_measure"], date(2023, 3, 31)) == []
