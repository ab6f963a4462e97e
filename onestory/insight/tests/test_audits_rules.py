"""The case audit's pure rules: drawing, assigning, checking a grading, summing grades up."""

import pytest

from onestory.insight.rules_audits import (
    ACROSS_TEAMS,
    PER_TEAM,
    Auditor,
    Case,
    NoAuditor,
    assign,
    draw,
    missing_grades,
    summarise,
)


def _cases(per_team: dict) -> list[Case]:
    return [
        Case(person_id=f"{team}-child-{i}", team_id=team, kind="child_in_need", holder_id=None)
        for team, n in per_team.items()
        for i in range(n)
    ]


def test_a_sample_is_the_same_for_the_same_seed_whatever_order_the_cases_come_in():
    cases = _cases({"east": 6, "west": 5})
    first = draw(cases, method=PER_TEAM, size=2, seed=2014)
    again = draw(list(reversed(cases)), method=PER_TEAM, size=2, seed=2014)
    assert first == again
    assert len(first) == 4


def test_a_sample_per_team_takes_fewer_cases_where_a_team_has_fewer():
    chosen = draw(_cases({"east": 5, "west": 1}), method=PER_TEAM, size=2, seed=1)
    assert sorted(c.team_id for c in chosen) == ["east", "east", "west"]


def test_a_sample_across_teams_takes_that_many_cases_in_all():
    chosen = draw(_cases({"east": 5, "west": 5, "north": 5}), method=ACROSS_TEAMS, size=4, seed=3)
    assert len(chosen) == 4
    assert len({c.person_id for c in chosen}) == 4


def test_a_sample_of_no_cases_is_refused():
    with pytest.raises(ValueError):
        draw(_cases({"east": 2}), method=PER_TEAM, size=0, seed=1)


def test_cases_are_shared_evenly_among_the_auditors_who_may_audit_them():
    cases = _cases({"east": 2, "west": 2})
    auditors = [
        Auditor(id=1, team_ids=frozenset({"east"})),
        Auditor(id=2, team_ids=frozenset({"west"})),
        Auditor(id=3, team_ids=frozenset({"north"})),
    ]
    given = assign(cases, auditors)
    for case in cases:
        assert given[case.person_id] != (1 if case.team_id == "east" else 2)
    loads = sorted(list(given.values()).count(a.id) for a in auditors)
    assert loads == [1, 1, 2]


def test_no_auditor_is_given_a_case_they_hold_themselves():
    case = Case(person_id="c1", team_id="east", kind="child_in_need", holder_id=9)
    given = assign([case], [Auditor(9, frozenset()), Auditor(10, frozenset())])
    assert given == {"c1": 10}


def test_a_case_nobody_chosen_may_audit_is_refused_naming_its_team():
    with pytest.raises(NoAuditor) as refused:
        assign(_cases({"east": 1}), [Auditor(1, frozenset({"east"}))])
    assert refused.value.team_id == "east"


def test_each_missing_grade_is_named_by_its_question_in_the_templates_order():
    questions = [{"key": "voice", "text": "Voice?"}, {"key": "plan", "text": "Plan?"}]
    assert missing_grades(questions, {"plan": "good"}) == [
        ("voice", "Choose a grade for question 1: Voice?")
    ]
    assert missing_grades(questions, {"voice": "nonsense", "plan": ""}) == [
        ("voice", "Choose a grade for question 1: Voice?"),
        ("plan", "Choose a grade for question 2: Plan?"),
    ]


def test_grades_are_counted_and_the_most_common_themes_ranked():
    summary = summarise(
        [
            ("good", ["voice_of_child", "timeliness"]),
            ("outstanding", ["timeliness"]),
            ("inadequate", ["timeliness", "drift_and_delay", "drift_and_delay"]),
            ("requires_improvement", ["recording", "drift_and_delay"]),
        ]
    )
    assert summary.completed == 4
    assert summary.grades == {
        "outstanding": 1,
        "good": 1,
        "requires_improvement": 1,
        "inadequate": 1,
    }
    assert summary.good_or_better == 0.5
    # A theme counts once per audit; ties keep the themes' own order.
    assert summary.top_themes == ["Timeliness", "Drift and delay", "Voice of the child"]


def test_with_no_completed_audits_the_share_good_or_better_is_none_not_zero():
    summary = summarise([])
    assert summary.good_or_better is None
    assert summary.grades == {
        "outstanding": 0,
        "good": 0,
        "requires_improvement": 0,
        "inadequate": 0,
    }
