"""The pure rules of registering families and the register (no database)."""

from datetime import date

from onestory.familyhubs import rules_register as rules


def test_a_reference_is_fh_and_six_characters_a_family_can_read_out():
    reference = rules.new_reference()
    assert reference.startswith("FH") and len(reference) == 8
    assert not set(reference[2:]) & set("01ILOU")
    assert rules.looks_like_reference(reference)


def test_a_reference_read_out_with_spaces_and_in_lower_case_is_understood():
    assert rules.normalise_reference("fh 3k7-q9a") == "FH3K7Q9A"
    assert rules.looks_like_reference("fh 3k7 q9a")
    assert not rules.looks_like_reference("Fhamida")


def test_the_chronology_line_names_only_the_activity_and_the_site():
    assert rules.attendance_summary("Stay and play", "Riverside Family Hub") == (
        "Attended Stay and play at Riverside Family Hub"
    )


def test_a_register_is_filled_in_on_the_day_or_later_and_never_for_a_cancelled_session():
    day = date(2025, 3, 10)
    assert rules.may_fill_register(session_day=day, today=day, cancelled=False) is None
    assert (
        rules.may_fill_register(session_day=day, today=date(2025, 3, 12), cancelled=False) is None
    )
    assert "not happened yet" in rules.may_fill_register(
        session_day=day, today=date(2025, 3, 9), cancelled=False
    )
    assert "cancelled" in rules.may_fill_register(session_day=day, today=day, cancelled=True)


def test_contacting_by_text_needs_a_phone_number_and_by_email_an_address():
    assert rules.contact_problem(contact_by="text", phone="", email="")[0] == "phone"
    assert rules.contact_problem(contact_by="email", phone="0770", email="")[0] == "email"
    assert rules.contact_problem(contact_by="post", phone="", email="") is None
    assert rules.contact_problem(contact_by="text", phone="07700 900123", email="") is None
