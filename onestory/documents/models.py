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
    other than its producer has approved it (a database constraint, not only a check)."""

    class Status(models.TextChoices):
        PRODUCED = "produced", "Produced"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RELEASED = "released", "Released"
        WITHDRAWN = "withdrawn", "Withdrawn"

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

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "released"])
                | models.Q(needs_approval=False)
                | (
                    models.Q(approved_by__isnull=False, approved_at__isnull=False)
                    & ~models.Q(approved_by=models.F("produced_by"))
                ),
                name="letter_released_only_after_a_second_person_approves",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="released") | models.Q(released_at__isnull=False),
                name="released_letter_has_released_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} for {self.recipient_name}"
