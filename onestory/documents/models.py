"""Documents on a record (uploaded files: letters received, reports, photos of documents), the
council's letter and report templates, and the letters and reports produced from them for one
recipient each, released outside the council only with a second person's approval."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from .storage import document_path, document_storage


class Document(BaseModel):
    """An uploaded file on the record of one or several people (or a family). Its type was
    checked from its content, images lost their location metadata, and its text (where it has
    any) is kept for search."""

    class Kind(models.TextChoices):
        LETTER_RECEIVED = "letter_received", "Letter received"
        REPORT = "report", "Report"
        PHOTO_OF_DOCUMENT = "photo", "Photo of a document"
        ASSESSMENT = "assessment", "Assessment from another agency"
        COURT = "court", "Court document"
        CONSENT = "consent", "Signed consent"
        OTHER = "other", "Other"

    class Visibility(models.TextChoices):
        RECORD = "record", "Everyone who may open the record"
        COUNCIL = "council", "Council staff who may open the record (not partner agencies)"
        CASE_TEAM = "case_team", "Only the allocated workers, their managers and whoever added it"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    dated = models.DateField("date on the document")
    visibility = models.CharField(
        "who may see it", max_length=20, choices=Visibility.choices, default=Visibility.RECORD
    )
    file = models.FileField(storage=document_storage, upload_to=document_path, max_length=200)
    # The name it was uploaded with, offered again (sanitised) when it is downloaded.
    original_name = models.CharField(max_length=200)
    # Found from the content, never from the name or the browser's word.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField("text found in the document", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the document is taken off the record (kept for the audit trail, never shown).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-dated", "-created_at"]

    def __str__(self) -> str:
        return self.title


class DocumentSubject(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="document_subjects"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "person"], name="one_document_subject_row_per_person"
            )
        ]
        indexes = [models.Index(fields=["person", "document"])]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.document_id}"


class LetterTemplate(BaseModel):
    """A letter or report the council writes from the record: its body names fields from the
    catalogue (documents.fields), each marked by who may receive it. A template naming a field
    that does not exist is refused when it is saved."""

    class Kind(models.TextChoices):
        OUTCOME_LETTER = "outcome_letter", "Outcome letter to a referrer"
        CONFERENCE_INVITATION = "conference_invitation", "Invitation to a conference"
        CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
        ASSESSMENT_REPORT = "assessment_report", "Assessment report for the family"
        OTHER = "other", "Other letter or report"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    body = models.TextField()
    # The recipient kinds (documents.rules) it may be produced for.
    recipient_kinds = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Letter(BaseModel):
    """One rendering of a template for one recipient, produced from the one record it is for.
    Its HTML is fixed when produced (every page carries the record's reference and the
    recipient's name); the PDF is made from it. Released outside the council only once someone
    other than its producer has approved it (a database constraint, not only a check).

    A letter that should not go is withdrawn before release, with the reason; one that went
    and should not have (the wrong address, the wrong person) is marked recalled, with the
    reason: it stays released in every other respect, because it did leave the council."""

    class Status(models.TextChoices):
        PRODUCED = "produced", "Produced"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RELEASED = "released", "Released"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RECALLED = "recalled", "Recalled"

    class ReleaseMethod(models.TextChoices):
        # "email" is the word the audit trail used before the method had its own field.
        POST = "post", "By post"
        SECURE_EMAIL = "email", "By secure e-mail"
        HAND = "hand", "By hand"
        OTHER = "other", "Another way"

    # Statuses of a letter that has left the council (a recalled letter went, then was recalled).
    LEFT_THE_COUNCIL = (Status.RELEASED, Status.RECALLED)

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    template_version = models.PositiveIntegerField()
    # The record it is for: the child, and the contact, conference, plan or assessment.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="letters")
    about_type = models.CharField(max_length=40, blank=True)
    about_id = models.CharField(max_length=64, blank=True)
    reference = models.CharField("record reference", max_length=40)
    recipient_kind = models.CharField(max_length=30)
    # Recipients come only from the record: a person on it, or the referrer of its contact.
    recipient_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField(blank=True)
    html = models.TextField()
    # False only for the council's own staff: anyone else needs a second person's approval.
    needs_approval = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRODUCED)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    # Only how it went: where it went is the recipient's address above, fixed when produced
    # (an e-mail goes to the address on the record), so no second copy of an address is kept.
    release_method = models.CharField(
        "how it was sent", max_length=10, choices=ReleaseMethod.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField("why it was withdrawn", blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recalled_at = models.DateTimeField(null=True, blank=True)
    recalled_reason = models.TextField("why it was recalled", blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "released", "recalled"])
                | models.Q(needs_approval=False)
                | (
                    models.Q(approved_by__isnull=False, approved_at__isnull=False)
                    & ~models.Q(approved_by=models.F("produced_by"))
                ),
                name="letter_released_only_after_a_second_person_approves",
            ),
            # A letter that left says who sent it, when and how; one that has not says none of
            # it, so a withdrawn letter can never carry a release.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status__in=["released", "recalled"],
                        released_by__isnull=False,
                        released_at__isnull=False,
                        release_method__in=["post", "email", "hand", "other"],
                    )
                )
                | (
                    ~models.Q(status__in=["released", "recalled"])
                    & models.Q(
                        released_by__isnull=True, released_at__isnull=True, release_method=""
                    )
                ),
                name="released_letter_records_who_when_and_how",
            ),
            # Withdrawn says who, when and why; and a letter carrying a withdrawal is withdrawn,
            # so it cannot be approved or released without undoing the withdrawal record.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="withdrawn", withdrawn_by__isnull=False, withdrawn_at__isnull=False
                    )
                    & ~models.Q(withdrawn_reason="")
                )
                | (
                    ~models.Q(status="withdrawn")
                    & models.Q(withdrawn_by__isnull=True, withdrawn_at__isnull=True)
                ),
                name="withdrawn_letter_records_who_when_and_why",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        status="recalled", recalled_by__isnull=False, recalled_at__isnull=False
                    )
                    & ~models.Q(recalled_reason="")
                )
                | (
                    ~models.Q(status="recalled")
                    & models.Q(recalled_by__isnull=True, recalled_at__isnull=True)
                ),
                name="recalled_letter_records_who_when_and_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} for {self.recipient_name}"
