"""Case recording's pure rules: the kinds of case note and what a child's being seen means."""

from enum import StrEnum


class NoteKind(StrEnum):
    VISIT = "visit"
    PHONE_CALL = "phone_call"
    MEETING = "meeting"
    OBSERVATION = "observation"
    MANAGEMENT_OVERSIGHT = "management_oversight"
    SUPERVISION = "supervision"
    OTHER = "other"


NOTE_KIND_LABELS = {
    NoteKind.VISIT: "Visit",
    NoteKind.PHONE_CALL: "Phone call",
    NoteKind.MEETING: "Meeting",
    NoteKind.OBSERVATION: "Observation",
    NoteKind.MANAGEMENT_OVERSIGHT: "Management oversight",
    NoteKind.SUPERVISION: "Supervision",
    NoteKind.OTHER: "Other work with the family",
}


class Seen(StrEnum):
    """Whether a child the note is about was seen, and seen alone (Working Together to
    Safeguard Children 2023, 2.1: practitioners see the child, and see them alone where
    appropriate; the CIN census counts the last time a child was seen)."""

    SEEN_ALONE = "seen_alone"
    SEEN = "seen"
    NOT_SEEN = "not_seen"


SEEN_LABELS = {
    Seen.SEEN_ALONE: "Seen, and seen alone",
    Seen.SEEN: "Seen, not alone",
    Seen.NOT_SEEN: "Not seen",
}


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


# Where an event lands in each subject's chronology.
CHRONOLOGY_CATEGORY = {
    NoteKind.MANAGEMENT_OVERSIGHT: "management oversight",
    NoteKind.SUPERVISION: "supervision",
}
DEFAULT_CHRONOLOGY_CATEGORY = "case note"
# A chronology line carries the kind and the note's first words, never the whole note: the
# chronology is read by more people, more often, than the note itself.
SUMMARY_WORDS = 12

# The records a note can belong to, besides the people it is about.
ABOUT_TYPES = ("earlyhelp.episode", "socialcare.referral", "pathways.context")

# Kinds a practitioner chooses when writing a note. Oversight is added by a manager from the
# record, and supervision notes come only from a supervision session.
WRITTEN_KINDS = (
    NoteKind.VISIT,
    NoteKind.PHONE_CALL,
    NoteKind.MEETING,
    NoteKind.OBSERVATION,
    NoteKind.OTHER,
)

NO_SUBJECTS = "Choose at least one person this note is about."
NO_TEXT = "Enter the note: what happened, what was said and what you saw."
NO_DECISION = "Enter the decision: what is to happen next, who will do it and why."
NO_KIND = "Choose what kind of note this is."
FUTURE = "The date and time it happened must be now or in the past."
NO_WHEN = "Enter the date and time it happened."


def chronology_category(kind: str) -> str:
    return CHRONOLOGY_CATEGORY.get(kind, DEFAULT_CHRONOLOGY_CATEGORY)


def chronology_summary(kind: str, text: str) -> str:
    """The kind and the first words of the note, with an ellipsis when there is more."""
    label = NOTE_KIND_LABELS.get(kind, "Case note")
    words = text.split()
    if not words:
        return label
    shown = " ".join(words[:SUMMARY_WORDS])
    return f"{label}: {shown}{'…' if len(words) > SUMMARY_WORDS else ''}"


def addendum_summary(kind: str, occurred_on, text: str) -> str:
    """The chronology line for something added to a note later: which note (its day, London
    time, and kind), and the first words."""
    label = NOTE_KIND_LABELS.get(kind, "Case note").lower()
    words = text.split()
    shown = " ".join(words[:SUMMARY_WORDS])
    more = "…" if len(words) > SUMMARY_WORDS else ""
    return f"Added to the case note of {occurred_on:%-d %b %Y} ({label}): {shown}{more}"


def is_child(*, date_of_birth, expected_date_of_birth, estimated_age_years, today) -> bool:
    """Whether a person is a child on `today` (under 18, or not yet born). Someone whose age is
    not recorded is asked about as a child: asking whether they were seen costs a click,
    missing a child costs far more."""
    if date_of_birth is not None:
        years = today.year - date_of_birth.year
        if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
            years -= 1
        return years < 18
    if expected_date_of_birth is not None:
        return True
    if estimated_age_years is not None:
        return estimated_age_years < 18
    return True


def submission_problems(
    *,
    kind: str,
    occurred_at,
    now,
    text: str,
    decision: str,
    subject_count: int,
    children_not_answered: dict[str, str],
) -> dict[str, str]:
    """What stops a note being submitted, by the form field it is about (empty when none).

    `children_not_answered` maps the seen_<id> field of each child subject with no answer to
    whether they were seen to the child's name; a visit needs every one answered (Working
    Together 2023, 2.1)."""
    problems: dict[str, str] = {}
    if kind not in {k.value for k in NoteKind}:
        problems["kind"] = NO_KIND
    if subject_count == 0:
        problems["subjects"] = NO_SUBJECTS
    if occurred_at is None:
        problems["occurred_on"] = NO_WHEN
    elif occurred_at > now:
        problems["occurred_on"] = FUTURE
    if kind == NoteKind.MANAGEMENT_OVERSIGHT:
        if not decision.strip():
            problems["decision"] = NO_DECISION
    elif not text.strip():
        problems["text"] = NO_TEXT
    if kind == NoteKind.VISIT:
        for field, name in children_not_answered.items():
            problems[field] = f"Choose whether {name} was seen on this visit, and seen alone."
    return problems
