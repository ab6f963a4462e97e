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
