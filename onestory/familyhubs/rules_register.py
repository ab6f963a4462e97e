"""Registering families with the family hubs and their attendance: pure rules (no Django).

The family's reference, what the chronology says when someone attends, when a register may be
filled in, and what a practitioner at the door is told about a possible match in the record.
"""

import secrets
from datetime import date

# A family's reference: "FH" and six characters a family can read out on the phone. The
# alphabet leaves out 0/O, 1/I/L and U (hand-set: Crockford's base32 without U), so 31^6, about
# 887 million references: unguessable enough for a reference that opens nothing on its own.
REFERENCE_PREFIX = "FH"
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6

# The category of the chronology entries family hubs write on a person's record.
CHRONOLOGY_CATEGORY = "family hub"

# The first name recorded for a baby not yet born whose name the family has not chosen
# (hand-set: the sector's usual "Unborn <family name>").
UNBORN_GIVEN_NAME = "Unborn"


def new_reference(choice=secrets.choice) -> str:
    return REFERENCE_PREFIX + "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> str:
    """What a family reads out, as stored: 'fh 3k7-q9a' -> 'FH3K7Q9A'."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def looks_like_reference(text: str) -> bool:
    compact = normalise_reference(text)
    return (
        len(compact) == len(REFERENCE_PREFIX) + REFERENCE_LENGTH
        and compact.startswith(REFERENCE_PREFIX)
        and all(ch in REFERENCE_ALPHABET for ch in compact[len(REFERENCE_PREFIX) :])
    )


def attendance_summary(activity_name: str, site_name: str) -> str:
    """The chronology line for one person at one session: nothing about anyone else there."""
    return f"Attended {activity_name} at {site_name}"


def registration_summary(site_name: str) -> str:
    return f"Registered with the family hubs at {site_name}"


def registration_ended_summary() -> str:
    return "Family hub registration ended"


def may_fill_register(*, session_day: date, today: date, cancelled: bool) -> str | None:
    """Why the register of a session cannot be saved today (None when it can).

    A register is filled in on the day or afterwards (late entries are normal at a busy
    session); never for a session that has not happened or was cancelled.
    """
    if cancelled:
        return "This session was cancelled, so nobody can be marked as attending it."
    if today < session_day:
        return (
            "This session has not happened yet. You can fill in its register from the day of "
            "the session."
        )
    return None


def contact_problem(*, contact_by: str, phone: str, email: str) -> tuple[str, str] | None:
    """(field, message) when the way the family asked to be contacted has nothing to use."""
    if contact_by in ("text", "phone") and not phone.strip():
        return (
            "phone",
            "Enter a phone number, or choose another way to contact the family.",
        )
    if contact_by == "email" and not email.strip():
        return ("email", "Enter an email address, or choose another way to contact the family.")
    return None


def postcode_agrees(typed: str, on_record: str) -> bool:
    """Whether the postcode the family gave is the record's current one (both normalised)."""
    return bool(typed) and bool(on_record) and typed == on_record
