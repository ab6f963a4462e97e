"""Adding a document to the record of one or several people, and taking one off. Each change
is audited on the record of every person the document is on (never with its title or file
name, which may name a child)."""

from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from onestory.access import audit
from onestory.access.selectors import visible_to
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.workforce.rules import CASE_ROLES

from .checks import check_upload
from .models import Document, DocumentSubject
from .selectors_documents import documents_visible_to, household_of, may_remove

NO_PEOPLE = "Choose at least one person the document is about."
NOT_OPEN = (
    "You can only add a document to records you can open. Reload the page and choose again."
)
NO_ROLE = "Your role cannot add documents to a record."
FUTURE_DATE = "The date on the document must be today or in the past."
NO_REASON = "Enter why the document is being taken off the record, for example 'Wrong child'."
NOT_YOURS = "Only whoever added this document, or a team manager, can take it off the record."
PAGE_UPLOAD = "document upload"
PAGE_REMOVE = "document remove"


def _audit(document, action: str, person_ids, *, acting_user, now, request, **detail) -> None:
    for person_id in person_ids:
        audit.record(
            actor=acting_user,
            action=action,
            at=now,
            person_id=person_id,
            obj=document,
            detail={"kind": document.kind, "visibility": document.visibility, **detail},
            request=request,
        )


@once_per_form(Document)
def document_upload(
    *,
    person,
    people_ids,
    kind: str,
    title: str,
    dated: date,
    visibility: str,
    file_name: str,
    data: bytes,
    acting_user,
    now: datetime,
    request=None,
) -> Document:
    """Add a checked file to the record of `person` and the chosen members of their household.

    Nothing is kept unless every check passes; the file is stored under a random name. Safe to
    submit twice: the same form token returns the document the first submit made."""
    if acting_user.role not in CASE_ROLES:
        raise DomainError(NO_ROLE)
    people_ids = set(people_ids)
    if not people_ids:
        raise DomainError(NO_PEOPLE, field="people")
    if visible_to(acting_user, now=now).filter(pk__in=people_ids).count() != len(people_ids):
        raise DomainError(NOT_OPEN, field="people")
    today = today_in_london(now)
    if dated and dated > today:
        raise DomainError(FUTURE_DATE, field="dated")
    checked = check_upload(
        name=file_name, data=data, max_bytes=settings.ONESTORY_DOCUMENT_MAX_BYTES
    )
    document = Document(
        kind=kind,
        title=title.strip(),
        dated=dated,
        visibility=visibility,
        original_name=file_name[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        text=checked.text,
        uploaded_by=acting_user,
        household=household_of(person, people_ids, today=today),
    )
    stored = None
    try:
        with transaction.atomic():
            document.file.save(file_name, ContentFile(checked.content), save=False)
            stored = document.file.name
            full_clean_or_refuse(document)
            document.save()
            DocumentSubject.objects.bulk_create(
                [DocumentSubject(document=document, person_id=pk) for pk in sorted(people_ids)]
            )
            _audit(
                document,
                "create",
                sorted(people_ids),
                acting_user=acting_user,
                now=now,
                request=request,
                page=PAGE_UPLOAD,
                size=document.size,
            )
    except Exception:
        # Nothing half-way: a file stored for a row that was never saved is deleted again.
        if stored:
            document.file.storage.delete(stored)
        raise
    return document


def document_remove(
    *, document_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> Document:
    """Take a document off the record: hidden from every list and search, the file kept for the
    audit trail. Whoever added it or a team manager who may see it; a reason is required."""
    if not documents_visible_to(acting_user, now=now).filter(pk=document_id).exists():
        raise DomainError("This document cannot be found. It may have been removed.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(NO_REASON, field="reason")
    with transaction.atomic():
        document = locked(Document, document_id, version=version, what="document")
        if document.removed_at is not None:
            raise DomainError("This document has already been taken off the record.")
        if not may_remove(acting_user, document):
            raise DomainError(NOT_YOURS)
        document.removed_at = now
        document.removed_reason = reason
        full_clean_or_refuse(document)
        bump(document, "removed_at", "removed_reason")
        _audit(
            document,
            "delete",
            document.subjects.values_list("person_id", flat=True),
            acting_user=acting_user,
            now=now,
            request=request,
            page=PAGE_REMOVE,
        )
    return document
