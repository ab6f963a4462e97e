"""The synthetic authority's history is a steady state: its stock of children in need, on a
plan and in care at every 31 March is about today's (checked at scale 0.1, about 6 s)."""

import io
import math
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from onestory.core.rules import add_months
from onestory.frontdoor.models import Referral
from onestory.insight.models import PopulationEstimate, RecordsCoverage
from onestory.insight.population import estimates
from onestory.people.models import Ward
from onestory.people.rules import age_in_years
from onestory.socialcare import models as sc
from onestory.synthetic.casework import (
    CHILD_PROTECTION_AT_SCALE_1,
    CHILDREN_IN_CARE_AT_SCALE_1,
    CHILDREN_IN_NEED_AT_SCALE_1,
)
from onestory.synthetic.contacts import HISTORY_START
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.estimates import SOURCE, estimate_years
from onestory.synthetic.reference import CHILDREN_AT_SCALE_1

SCALE = 0.1
SEED = 2014
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=SCALE, seed=SEED, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


in_town = pytest.mark.usefixtures("town")


def _open_on(queryset, day, starts, ends):
    return queryset.filter(**{f"{starts}__lte": day}).filter(
        Q(**{f"{ends}__isnull": True}) | Q(**{f"{ends}__gt": day})
    )


def _near(count: int, target: float, share: float) -> bool:
    """Within `share` of the target, or (a small town's few hundred children) within one
    Poisson spread of it: a stock left to chance wanders by about the square root of itself."""
    return abs(count - target) <= max(share * target, math.sqrt(target))


@in_town
@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_the_stock_at_31_march_of_each_year_is_about_today_s(year):
    day = date(year, 3, 31)
    in_need = (
        _open_on(Referral.objects, day, "referral_date", "closed_on")
        .values("person")
        .distinct()
        .count()
    )
    on_plan = (
        _open_on(sc.ChildProtectionPlan.objects, day, "starts_on", "ends_on")
        .values("person")
        .distinct()
        .count()
    )
    in_care = (
        _open_on(sc.CarePeriod.objects, day, "starts_on", "ends_on")
        .values("person")
        .distinct()
        .count()
    )
    assert _near(in_need, CHILDREN_IN_NEED_AT_SCALE_1 * SCALE, 0.03), in_need
    assert _near(on_plan, CHILD_PROTECTION_AT_SCALE_1 * SCALE, 0.06), on_plan
    assert _near(in_care, CHILDREN_IN_CARE_AT_SCALE_1 * SCALE, 0.03), in_care


@in_town
def test_the_history_begins_with_episodes_already_open_that_close_within_it():
    earlier = Referral.objects.filter(
        referral_date__lt=HISTORY_START,
        no_further_action=False,
        closed_on__gt=HISTORY_START,
    )
    assert earlier.count() >= 0.5 * CHILDREN_IN_NEED_AT_SCALE_1 * SCALE
    # Some went on for years (children in care), and none ended after the reference date.
    assert earlier.filter(care_periods__isnull=False).exists()
    # So the record is complete only from the day the history begins, and says so: the hub
    # marks the years before it rather than drawing a dip.
    assert RecordsCoverage.objects.get().complete_from == HISTORY_START


@in_town
def test_children_of_the_early_years_are_young_adults_now_and_were_referred_as_children():
    adults_then_children = Referral.objects.filter(
        person__date_of_birth__lt=date(2008, 11, 1), referral_date__lt=date(2023, 4, 1)
    )
    assert adults_then_children.exists()
    for born, referred in adults_then_children.values_list(
        "person__date_of_birth", "referral_date"
    ):
        assert referred < date(born.year + 18, born.month, min(born.day, 28))


@in_town
def test_population_estimates_count_the_children_of_each_mid_year_by_ward_ethnic_group_and_age():
    wards = Ward.objects.count()
    for year in estimate_years():
        rows = PopulationEstimate.objects.filter(year=year)
        assert set(rows.values_list("source", flat=True)) == {SOURCE}
        assert "Synthetic" in SOURCE
        total = rows.get(ward=None, ethnicity="", age=None).children
        by_ward = rows.filter(ward__isnull=False, ethnicity="")
        by_group = rows.filter(ward=None).exclude(ethnicity="")
        by_age = rows.filter(age__isnull=False)
        assert by_ward.count() == wards
        assert sum(r.children for r in by_ward) == total
        assert sum(r.children for r in by_group) == total
        assert sorted(r.age for r in by_age) == list(range(18))
        assert sum(r.children for r in by_age) == total
        # About the town's child population in every year, not only today's children.
        assert abs(total - CHILDREN_AT_SCALE_1 * SCALE) <= 0.08 * CHILDREN_AT_SCALE_1 * SCALE
    assert list(estimate_years()) == [2021, 2022, 2023, 2024, 2025, 2026]


@in_town
def test_the_rate_of_children_in_need_at_31_march_2023_is_about_luton_s_281_per_10000():
    day = date(2023, 3, 31)
    children, source = estimates(day)
    in_need = (
        _open_on(Referral.objects, day, "referral_date", "closed_on")
        .values("person")
        .distinct()
        .count()
    )
    assert "mid-2022" in source and "Synthetic" in source
    assert abs(10_000 * in_need / children[None] - 281) <= 0.1 * 281


@in_town
def test_former_relevant_care_leavers_left_care_on_their_18th_birthday():
    leavers = sc.CareLeaver.objects.filter(category="former_relevant").select_related("person")
    assert leavers.exists()
    for leaver in leavers:
        born = leaver.person.date_of_birth
        periods = sc.CarePeriod.objects.filter(person=leaver.person)
        assert add_months(born, 18 * 12) in {p.ends_on for p in periods}
        assert 18 <= age_in_years(born, REFERENCE_DATE) <= 21
