"""`onestory measures --as-at 2023-03-31 --json` prints the statutory measures for analysts'
scripts."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from onestory.people.tests.factories import PersonFactory

from .factories import (
    assessment,
    care_leaver_contact,
    care_period,
    cp_plan,
    placement,
    referral,
    worker,
)

pytestmark = pytest.mark.django_db
STATUTORY_IDS = {
    "contacts",
    "contacts_to_referral",
    "referrals",
    "re_referrals_12_months",
    "referrals_nfa_share",
    "children_in_need",
    "cin_rate_per_10000",
    "assessments_completed",
    "assessments_within_45_days",
    "factors_at_assessment",
    "section47_enquiries",
    "icpc_within_15_days",
    "cp_plans",
    "cp_rate_per_10000",
    "cp_plans_started",
    "cp_second_or_later",
    "children_in_care",
    "cla_rate_per_10000",
    "cla_started",
    "placement_stability_3_plus",
    "placements_over_20_miles",
    "care_leavers_in_touch",
    "care_leavers_suitable_accommodation",
    "care_leavers_eet",
}


def test_the_json_lists_every_statutory_measure_with_its_figures_and_definition():
    by = worker()
    first = referral(by, on=date(2022, 5, 1), nfa=True, closed_on=date(2022, 5, 2))
    second = referral(by, on=date(2022, 6, 1))
    assessment(by, second, authorised_on=date(2022, 7, 1), factors=["3B"])
    cp_plan(second, starts_on=date(2022, 8, 1))
    placement(care_period(first.person, starts_on=date(2022, 9, 1)))
    care_leaver_contact(by, PersonFactory(date_of_birth=date(2002, 9, 15)), age=20)
    out = io.StringIO()

    call_command("measures", as_at="2023-03-31", json=True, stdout=out)

    document = json.loads(out.getvalue())
    assert document["period"] == {"start": "2022-04-01", "end": "2023-03-31"}
    found = {m["id"]: m for m in document["measures"]}
    assert set(found) >= STATUTORY_IDS
    for measure_id in STATUTORY_IDS:
        measure = found[measure_id]
        assert measure["definition"]
        assert {"name", "value", "numerator", "denominator"} <= set(measure)
        if measure["unit"] == "share" and measure["value"] is not None:
            assert 0 <= measure["value"] <= 1
    assert found["referrals"]["value"] == 2
    assert found["referrals_nfa_share"]["value"] == 0.5
    assert found["cp_plans"]["parts"][0]["key"] == "NEG"
    assert found["children_in_care"]["value"] == 1
