import datetime

from onestory.recording import rules

NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)


def _problems(**changes):
    values = {
        "kind": "visit",
        "occurred_at": NOW - datetime.timedelta(hours=2),
        "now": NOW,
        "text": "Saw the children at home.",
        "decision": "",
        "subject_count": 1,
        "children_not_answered": {},
    }
    values.update(changes)
    return rules.submission_problems(**values)


def test_a_complete_visit_note_has_no_problems():
    assert _problems() == {}


def test_a_note_dated_in_the_future_is_refused():
    assert _problems(occurred_at=NOW + datetime.timedelta(minutes=5)) == {
        "occurred_on": rules.FUTURE
    }


def test_a_note_needs_its_text_and_someone_it_is_about():
    assert _problems(text="  ", subject_count=0) == {
        "text": rules.NO_TEXT,
        "subjects": rules.NO_SUBJECTS,
    }


def test_a_visit_asks_whether_each_child_was_seen_by_name():
    problems = _problems(children_not_answered={"seen_1": "Amira Khan"})
    assert problems == {
        "seen_1": "Choose whether Amira Khan was seen on this visit, and seen alone."
    }


def test_a_phone_call_does_not_ask_whether_the_child_was_seen():
    assert _problems(kind="phone_call", children_not_answered={"seen_1": "Amira Khan"}) == {}


def test_management_oversight_needs_a_decision_not_a_note():
    assert _problems(kind="management_oversight", text="") == {"decision": rules.NO_DECISION}
    assert _problems(kind="management_oversight", text="", decision="Step up to CIN.") == {}


def test_the_chronology_shows_the_kind_and_the_first_words_only():
    text = " ".join(f"word{i}" for i in range(40))
    summary = rules.chronology_summary("visit", text)
    assert summary.startswith("Visit: word0 word1")
    assert "word12" not in summary and summary.endswith("…")
    assert rules.chronology_summary("phone_call", "Short call.") == "Phone call: Short call."


def test_oversight_and_supervision_have_their_own_chronology_categories():
    assert rules.chronology_category("management_oversight") == "management oversight"
    assert rules.chronology_category("supervision") == "supervision"
    assert rules.chronology_category("visit") == "case note"


def test_who_counts_as_a_child():
    today = datetime.date(2026, 3, 10)
    common = {"expected_date_of_birth": None, "estimated_age_years": None, "today": today}
    assert rules.is_child(date_of_birth=datetime.date(2008, 3, 11), **common)
    assert not rules.is_child(date_of_birth=datetime.date(2008, 3, 10), **common)
    assert rules.is_child(date_of_birth=None, **common)
    assert not rules.is_child(
        date_of_birth=None, expected_date_of_birth=None, estimated_age_years=30, today=today
    )
