"""The front door's pure rules: no database."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from onestory.core.calendar import bank_holidays_between
from onestory.frontdoor import rules
from onestory.frontdoor.rules import Outcome

LONDON = ZoneInfo("Europe/London")
HOLIDAYS = bank_holidays_between(date(2025, 1, 1), date(2027, 12, 31))


def test_a_contact_on_a_friday_afternoon_is_due_on_monday_afternoon():
    received = datetime(2026, 11, 20, 15, 30, tzinfo=LONDON)
    due = rules.decision_due_at(received, immediate_danger=False, holidays=HOLIDAYS)
    assert due == datetime(2026, 11, 23, 15, 30, tzinfo=LONDON)


def test_a_contact_before_christmas_waits_for_the_bank_holidays_to_pass():
    received = datetime(2026, 12, 24, 11, 0, tzinfo=LONDON)
    due = rules.decision_due_at(received, immediate_danger=False, holidays=HOLIDAYS)
    # 25 December is a Friday, 28 December the substitute Boxing Day.
    assert due == datetime(2026, 12, 29, 11, 0, tzinfo=LONDON)


def test_immediate_danger_is_due_within_hours_even_at_a_weekend():
    received = datetime(2026, 11, 21, 22, 0, tzinfo=LONDON)
    due = rules.decision_due_at(received, immediate_danger=True, holidays=HOLIDAYS)
    assert (due - received).total_seconds() == rules.IMMEDIATE_DANGER_HOURS * 3600


def test_a_strategy_discussion_is_due_by_the_end_of_the_london_day():
    decided = datetime(2026, 6, 10, 22, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in London (BST)
    assert rules.strategy_discussion_due_at(decided) == datetime(2026, 6, 11, 0, 0, tzinfo=LONDON)


def test_a_referral_within_twelve_months_of_another_is_a_re_referral():
    assert rules.is_re_referral(date(2026, 3, 31), [date(2025, 3, 31)])
    assert not rules.is_re_referral(date(2026, 3, 31), [date(2025, 3, 30)])
    assert not rules.is_re_referral(date(2026, 3, 31), [])


def test_twelve_months_before_a_leap_day_is_the_last_day_of_february():
    assert rules.months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)


def test_the_queue_puts_immediate_danger_first_then_least_time_left():
    at = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
    later = datetime(2026, 11, 23, 17, 0, tzinfo=LONDON)
    keys = sorted(
        [
            ("standard soon", rules.queue_key(immediate_danger=False, due_at=at, received_at=at)),
            ("danger later", rules.queue_key(immediate_danger=True, due_at=later, received_at=at)),
            (
                "standard later",
                rules.queue_key(immediate_danger=False, due_at=later, received_at=at),
            ),
        ],
        key=lambda item: item[1],
    )
    assert [name for name, _ in keys] == ["danger later", "standard soon", "standard later"]


def _decision(**changes):
    values = {
        "outcome": Outcome.EARLY_HELP,
        "level": 2,
        "rationale": "Parents asked for help with routines; school sees a change in mood.",
        "primary_need": "",
        "signposting": "",
        "early_help_team": True,
        "lead_professional": False,
        "social_work_team": False,
    }
    values.update(changes)
    return rules.decision_problems(**values)


def test_a_sound_early_help_decision_has_no_problems():
    assert _decision() == {}


def test_a_decision_needs_a_reason_a_reader_can_follow():
    assert "rationale" in _decision(rationale="EH")


def test_a_level_must_fit_the_decision():
    assert "level" in _decision(level=4)
    assert "level" in _decision(
        outcome=Outcome.STATUTORY_REFERRAL,
        level=3,
        primary_need="N1",
        social_work_team=True,
        early_help_team=False,
    )


def test_a_statutory_referral_needs_a_primary_need_for_the_census():
    problems = _decision(
        outcome=Outcome.STATUTORY_REFERRAL,
        level=4,
        primary_need="N0",
        social_work_team=True,
        early_help_team=False,
    )
    assert set(problems) == {"primary_need"}


def test_no_further_action_says_where_the_family_can_get_help():
    problems = _decision(outcome=Outcome.NO_FURTHER_ACTION, level=1, early_help_team=False)
    assert set(problems) == {"signposting"}


def test_early_help_goes_to_a_team_or_a_lead_professional_not_both():
    assert "early_help_team" in _decision(lead_professional=True)
    assert "early_help_team" in _decision(early_help_team=False)


def _request(**changes):
    values = {
        "people": [rules.NamedPerson("child", "Amara", "Okafor")],
        "what_happened": "Came to school hungry three days running.",
        "consent": "given",
        "consent_explanation": "",
        "immediate_danger": False,
        "referrer_contact": "01632 960123",
    }
    values.update(changes)
    return rules.request_problems(**values)


def test_a_request_must_name_a_child():
    assert "people" in _request(people=[rules.NamedPerson("parent", "Grace", "Okafor")])


def test_consent_not_given_needs_an_explanation():
    assert "consent_explanation" in _request(consent="not_sought")
    assert _request(consent="not_sought", consent_explanation="Risk of significant harm") == {}


def test_each_person_named_needs_a_name():
    problems = _request(
        people=[rules.NamedPerson("child", "Amara", "Okafor"), rules.NamedPerson("parent", " ", "")]
    )
    assert set(problems) == {"person-1"}


def test_the_referral_source_follows_the_referrers_agency():
    assert rules.referral_source_for("school") == "2A"
    assert rules.referral_source_for("police") == "6"
    assert rules.referral_source_for(None) == "10"
    assert rules.referral_source_for("school", from_early_help=True) == "5D"


def test_a_clock_running_out_at_midnight_reads_as_the_end_of_the_day_before():
    from onestory.frontdoor.templatetags.frontdoor_tags import due_by

    assert due_by(datetime(2026, 11, 24, 0, 0, tzinfo=LONDON)) == (
        "the end of Monday 23 November 2026"
    )
    assert (
        due_by(datetime(2026, 11, 24, 15, 30, tzinfo=LONDON)) == "15:30 on Tuesday 24 November 2026"
    )
