"""Pathway rules: panels, review dates, return interviews and what a record must hold. Pure
Python: no database."""

from datetime import UTC, date, datetime

from onestory.pathways import rules
from onestory.pathways.rules import Decision, Panel, Pathway

TODAY = date(2026, 11, 23)


def test_each_pathway_goes_to_its_panel():
    assert Pathway.CHANNEL.panel == Panel.CHANNEL
    assert Pathway.YOUTH_VIOLENCE.panel == Panel.EXPLOITATION
    assert Pathway.EXPLOITATION.panel == Panel.EXPLOITATION
    assert Pathway.MISSING.panel == Panel.MISSING
    assert "section 36" in rules.PANEL_SOURCES[Panel.CHANNEL]
    assert "(DfE, 2014)" in rules.PANEL_SOURCES[Panel.MISSING]


def test_pathways_map_to_the_early_help_local_risks_except_missing():
    assert rules.PATHWAY_NEEDS == {
        Pathway.CHANNEL: "extremism",
        Pathway.YOUTH_VIOLENCE: "youth_violence",
        Pathway.EXPLOITATION: "exploitation",
        Pathway.MISSING: "",
    }


def test_a_case_is_reviewed_three_months_on_by_default_even_at_the_end_of_a_month():
    assert rules.next_review_on(date(2026, 11, 23)) == date(2027, 2, 23)
    assert rules.next_review_on(date(2026, 11, 30)) == date(2027, 2, 28)
    assert rules.next_review_on(date(2027, 11, 30)) == date(2028, 2, 29)


def test_a_review_is_overdue_only_after_its_day():
    assert not rules.is_overdue(TODAY, TODAY)
    assert rules.is_overdue(date(2026, 11, 22), TODAY)
    assert not rules.is_overdue(None, TODAY)


def test_a_return_interview_is_offered_within_72_hours_of_the_return():
    back = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)
    assert rules.return_interview_due_on(back) == date(2026, 11, 23)
    assert not rules.return_interview_late(
        returned_at=back, offered_on=date(2026, 11, 23), today=date(2026, 11, 30)
    )
    assert rules.return_interview_late(
        returned_at=back, offered_on=date(2026, 11, 24), today=date(2026, 11, 30)
    )
    # Not offered yet: late once the 72 hours have passed.
    assert not rules.return_interview_late(returned_at=back, offered_on=None, today=TODAY)
    assert rules.return_interview_late(returned_at=back, offered_on=None, today=date(2026, 11, 24))


def test_a_flag_without_its_facts_is_refused_with_every_problem_at_once():
    problems = rules.flag_problems(
        pathway="", raised_on=None, reason="", today=TODAY, child=None, already_flagged=False
    )
    assert problems == {
        "pathway": "Choose the pathway this flag is for.",
        "raised_on": "Enter the date the concern was raised.",
        "reason": problems["reason"],
    }
    assert problems["reason"].startswith("Say why you are raising this flag")


def test_a_flag_is_for_a_child_and_only_one_of_each_pathway_is_active():
    problems = rules.flag_problems(
        pathway=Pathway.MISSING,
        raised_on=TODAY,
        reason="Missing three nights this month.",
        today=TODAY,
        child=False,
        already_flagged=True,
    )
    assert "already has an active “Missing children” flag" in problems["pathway"]
    assert "for children" in problems["raised_on"]
    assert rules.is_child(date_of_birth=date(2008, 11, 24), unborn=False, on=TODAY)
    assert not rules.is_child(date_of_birth=date(2008, 11, 23), unborn=False, on=TODAY)
    assert rules.is_child(date_of_birth=None, unborn=False, on=TODAY) is None


def test_a_decision_needs_its_notes_and_a_review_after_it():
    problems = rules.decision_problems(
        decision=Decision.ACCEPTED,
        decided_on=TODAY,
        referred_on=date(2026, 11, 1),
        next_review=TODAY,
        notes="",
        today=TODAY,
        already_decided=False,
    )
    assert set(problems) == {"next_review_on", "decision_notes"}


def test_a_review_that_closes_the_case_has_no_next_review():
    problems = rules.review_problems(
        held_on=TODAY,
        last_held_on=date(2026, 8, 1),
        outcome="Engaging well with the mentor; no further incidents.",
        closes_case=True,
        next_review=date(2027, 2, 1),
        today=TODAY,
        case_open=True,
    )
    assert problems == {
        "next_review_on": "Leave the next review blank when the panel closes the case."
    }


def test_a_plan_action_has_exactly_one_owner():
    common = {
        "action": "Ask the council to light the underpass",
        "due_on": None,
        "today": TODAY,
        "context_open": True,
    }
    assert "owner" in rules.action_problems(owners=0, **common)
    assert "owner" in rules.action_problems(owners=2, **common)
    assert rules.action_problems(owners=1, **common) == {}


def test_only_an_accepted_case_has_a_next_review():
    problems = rules.decision_problems(
        decision=Decision.ESCALATED,
        decided_on=TODAY,
        referred_on=date(2026, 11, 1),
        next_review=date(2027, 2, 1),
        notes="Escalated: the front door is starting a section 47 enquiry.",
        today=TODAY,
        already_decided=False,
    )
    assert problems == {
        "next_review_on": "Only a case the panel accepted has a next review: leave the date blank."
    }
