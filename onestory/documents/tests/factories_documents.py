"""Documents and case notes on records, for the documents and search tests."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from onestory.access.tests.factories import AllocationFactory
from onestory.documents.models import Document, DocumentSubject
from onestory.people.tests.factories import PersonFactory
from onestory.recording.models import CaseNote, CaseNoteSubject
from onestory.recording.rules import NoteKind, NoteStatus


def allocated_child(worker, **person):
    """A child allocated to this worker (so they may open the record)."""
    child = PersonFactory(**person)
    AllocationFactory(person=child, worker=worker)
    return child


def document_on(
    people,
    *,
    uploaded_by,
    title: str = "Letter from the school",
    text: str = "",
    visibility: str = Document.Visibility.RECORD,
    content: bytes = b"A letter from the school\n",
    dated: datetime.date = datetime.date(2026, 3, 2),
) -> Document:
    document = Document(
        kind=Document.Kind.LETTER_RECEIVED,
        title=title,
        dated=dated,
        visibility=visibility,
        original_name="letter.txt",
        content_type="text/plain",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        text=text,
        uploaded_by=uploaded_by,
    )
    document.file.save("letter.txt", ContentFile(content), save=False)
    document.save()
    for person in people:
        DocumentSubject.objects.create(document=document, person=person)
    return document


def note_on(
    people,
    *,
    author,
    text: str,
    status: str = NoteStatus.SUBMITTED,
    occurred_at: datetime.datetime | None = None,
) -> CaseNote:
    occurred_at = occurred_at or timezone.now() - datetime.timedelta(days=1)
    note = CaseNote.objects.create(
        kind=NoteKind.VISIT,
        occurred_at=occurred_at,
        text=text,
        status=status,
        author=author,
        submitted_at=occurred_at if status == NoteStatus.SUBMITTED else None,
    )
    for person in people:
        CaseNoteSubject.objects.create(note=note, person=person)
    return note
