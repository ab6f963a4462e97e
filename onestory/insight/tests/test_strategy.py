"""The strategy's section-12 measures: each answered by the hub's measures or saying plainly
why case records cannot answer it and what a council would import."""

from onestory.insight.measures import BY_ID
from onestory.insight.strategy import BY_KEY, SECTION_12


def test_every_strategy_measure_maps_to_the_hubs_measures_or_says_why_not():
    for item in SECTION_12:
        assert item.text.strip(), item.key
        if item.measurable:
            assert item.measure_ids, f"{item.key} is measurable but names no measure"
        else:
            assert len(item.why_not) > 80, f"{item.key} must say why it cannot be measured"


def test_every_measure_named_is_one_the_hub_computes():
    named = {i for item in SECTION_12 for i in item.measure_ids}

    assert named - set(BY_ID) == set()


def test_the_strategys_fourteen_measures_and_its_aim_are_all_listed():
    assert len(BY_KEY) == len(SECTION_12) == 16
    assert {k for k, m in BY_KEY.items() if m.measurable} == {
        "help_before_statutory_services",
        "assessments_by_partners",
        "cp_plans_toxic_trio",
        "disabled_children_short_breaks",
        "analysis_of_assessments",
    }


def test_measures_held_outside_case_records_name_who_holds_the_data():
    holders = {
        "school_attendance": "school census",
        "persistent_absence_exclusions": "school census",
        "attainment": "National Pupil Database",
        "participation": "NCCIS",
        "neet": "NCCIS",
        "gang_offending": "youth justice",
        "extremism": "Channel",
        "anti_social_behaviour": "police",
        "family_work_training": "DWP",
        "integrated_plans": "SEN2",
        "bullying": "schools",
    }
    for key, holder in holders.items():
        assert holder in BY_KEY[key].why_not, key
        assert not BY_KEY[key].measurable, key
