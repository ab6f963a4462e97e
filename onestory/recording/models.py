"""Case recording: case notes (visits, calls, meetings, observations, management oversight,
supervision) on one or several people, a family, an episode or a context, their drafts, and
supervision sessions with the cases discussed."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


class Supervision(BaseModel):
    """A supervision session between a worker and their supervisor. Each case discussed is a
    case note of kind "supervision" on that child's record (CaseNote.supervision); the session's
    own notes (wellbeing, workload, learning) belong to the worker and their supervisor only."""

    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions_given"
    )
    held_on = models.DateField()
    discussion = models.TextField("wellbeing, workload and learning", blank=True)
    status = models.CharField(
        max_length=10,
        choices=[(s.value, s.value.capitalize()) for s in rules.NoteStatus],
        default=rules.NoteStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["supervisee", "-held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisee=models.F("supervisor")),
                name="supervision_not_of_oneself",
            )
        ]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on}"


class CaseNote(BaseModel):
    """What happened, written once and seen from the record of every person it is about (each
    reader sees it only through a person they may open). A draft is its author's alone until it
    is submitted; a submitted note is never edited, only added to."""

    kind = models.CharField(max_length=24, choices=_choices(rules.NOTE_KIND_LABELS))
    occurred_at = models.DateTimeField("when it happened", db_index=True)
    present = models.TextField("who was present", blank=True)
    text = models.TextField("the note", blank=True)
    # A management oversight note's recorded decision (what is to happen, and why).
    decision = models.TextField(blank=True)
    # Puts the note in the summary view of each subject's chronology.
    significant = models.BooleanField("significant event", default=False)
    status = models.CharField(
        max_length=10,
        choices=[(s.value, s.value.capitalize()) for s in rules.NoteStatus],
        default=rules.NoteStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # A note on a family records its household too (each member it is about is a subject).
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The episode or context the note belongs to, if any: "earlyhelp.episode",
    # "socialcare.referral", "pathways.context" and the record's id.
    about_type = models.CharField(max_length=40, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["author", "status"]),
            models.Index(fields=["about_type", "about_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=rules.NoteStatus.DRAFT)
                | models.Q(submitted_at__isnull=False),
                name="submitted_note_has_submitted_at",
            ),
            models.CheckConstraint(
                condition=models.Q(supervision__isnull=True)
                | models.Q(kind=rules.NoteKind.SUPERVISION),
                name="supervision_case_is_a_supervision_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%d %b %Y}"


class CaseNoteSubject(models.Model):
    """One person a note is about; for a child, whether they were seen (and seen alone)."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="case_note_subjects"
    )
    seen = models.CharField(
        "was the child seen", max_length=12, choices=_choices(rules.SEEN_LABELS), blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "person"], name="one_subject_row_per_person")
        ]
        indexes = [models.Index(fields=["person", "note"])]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.note_id}"


class CaseNoteAddendum(BaseModel):
    """Something added to a submitted note later (a fact learned after, a correction): the note
    itself never changes, so what was first recorded stays readable beside what was added."""

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField("what is added")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_note_addenda"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="an_addendum_says_something")
        ]

    def __str__(self) -> str:
        return f"Addendum to {self.note_id}"
