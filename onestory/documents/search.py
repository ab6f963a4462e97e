"""Full-text search across submitted case notes and uploaded documents, returning only what the
worker may open: a note through a person it is about whom they may open (never a draft, not
even their own: drafts are found from "Your drafts"), a document as documents_visible_to says.
The people a result is about are named only where the worker may see who they are.

On PostgreSQL the words are searched with the database's full-text search (websearch syntax:
"quoted phrases", or, -word) through its GIN indexes, ranked, with the matching passage
highlighted; elsewhere (SQLite, for tests and the demo) every word must appear somewhere, newest
first, with the passage around the first word found. Past MOST_RESULTS matches of a kind, on
either, the newest are shown."""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from onestory.access import audit
from onestory.access.selectors import identifying_details_hidden_from, visible_to
from onestory.recording.models import CaseNote, CaseNoteSubject
from onestory.recording.rules import NOTE_KIND_LABELS, NoteKind, NoteStatus

from .models import Document, DocumentSubject
from .selectors_documents import documents_visible_to

PER_PAGE = 20
# Past this many matches of a kind only the newest this many are ranked and shown: the worker
# narrows the search.
MOST_RESULTS = 200
SNIPPET_CHARS = 220
CONFIG = "english"
# Marks around matched words in PostgreSQL's headline, escaped before <mark> is put in.
START, STOP = "\x02", "\x03"


@dataclass
class Result:
    kind: str  # "note" or "document"
    title: str
    occurred: datetime
    snippet: SafeString
    url: str
    rank: float = 0.0
    named: list = field(default_factory=list)
    others: int = 0
    download: bool = False
    # The note or document found (not shown: its people are named from it).
    source: object = None


@dataclass
class Found:
    query: str
    results: list[Result]
    total: int
    page: int
    pages: int
    capped: bool
    most: int = MOST_RESULTS

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def notes_searchable_by(user, *, now: datetime) -> QuerySet[CaseNote]:
    """Submitted notes about at least one person this worker may open."""
    through_a_subject = Exists(
        CaseNoteSubject.objects.filter(note=OuterRef("pk"), person__in=visible_to(user, now=now))
    )
    return CaseNote.objects.filter(through_a_subject, status=NoteStatus.SUBMITTED)


def _words(query: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", query) if w.strip("-'’")][:12]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def note_vector() -> SearchVector:
    """A note's words as PostgreSQL searches them. The GIN index of recording's migration 0002
    is built over this very expression (a frozen copy): change one, change the other."""
    return SearchVector("text", "decision", "present", config=CONFIG)


def document_vector() -> SearchVector:
    """A document's words, its title counting more than its text. The GIN index of documents'
    migration 0002 is built over this very expression (a frozen copy): change one, change the
    other."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "text", weight="B", config=CONFIG
    )


def _ranked_notes(notes: QuerySet, query: str) -> list:
    if _postgres():
        return _ranked(notes, note_vector(), query, date_field="occurred_at")
    return list(
        notes.filter(_all_words(query, ("text", "decision", "present")))
        .annotate(rank=Value(0.0))
        .order_by("-occurred_at")[:MOST_RESULTS]
    )


def _ranked_documents(documents: QuerySet, query: str) -> list:
    if _postgres():
        return _ranked(documents, document_vector(), query, date_field="dated")
    return list(
        documents.filter(_all_words(query, ("title", "text")))
        .annotate(rank=Value(0.0))
        .order_by("-dated", "-created_at")[:MOST_RESULTS]
    )


def _ranked(rows: QuerySet, vector: SearchVector, query: str, *, date_field: str) -> list:
    """The newest MOST_RESULTS rows that match (all of them, mostly), best match first, each
    with the passage that matched (PostgreSQL).

    Matched with @@ (vector=search), which the GIN index answers without reading the rows' words
    (a filter on the rank could not use it, and kept near misses: a rank above zero holds a note
    missing a word or holding a -word). Only the newest MOST_RESULTS matches are ranked, as on
    SQLite: ranking reads each row's words again, and whether the worker may open a note is
    checked note by note, so ranking every match of a common word ("visit", half of a large
    authority's 126,000 notes) took over a second; newest first, the checks stop at the
    MOST_RESULTS-th note the worker may open (bench/search.py)."""
    search = SearchQuery(query, search_type="websearch", config=CONFIG)
    newest = (
        rows.alias(vector=vector)
        .filter(vector=search)
        .order_by(f"-{date_field}")
        .values("pk")[:MOST_RESULTS]
    )
    with planned_through_the_indexes():
        return list(
            rows.model.objects.filter(pk__in=newest)
            .alias(vector=vector)
            .annotate(
                rank=SearchRank(F("vector"), search),
                headline=SearchHeadline(
                    F("text"),
                    search,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=35,
                    min_words=15,
                ),
            )
            .order_by("-rank", f"-{date_field}")
        )


# How the search's own queries are planned: see planned_through_the_indexes.
PLANNER_SETTINGS = {"enable_seqscan": "off", "enable_indexscan": "off", "jit": "off"}


@contextmanager
def planned_through_the_indexes():
    """Within this block PostgreSQL may neither read a table whole nor walk an index in order:
    it goes through bitmaps, as the full-text indexes are read.

    The planner prices working out a row's words (to_tsvector) at a sliver of its cost (some
    30 µs a note), so for a few searches it reckoned reading every note, or walking the notes
    newest first until enough matched, cheaper than the index, and took 2 s where the index
    takes 0.2 s ("new concerns", "last night", "experience" at scale 1; bench/search.py). A
    path forbidden here is still priced (at a huge cost) when nothing else is left, which would
    make the plan look worth compiling to machine code (JIT, a second or more): so no JIT.
    Set for the search's own queries only: set_config(..., true) lasts to the end of the
    transaction, so the settings are put back after them (a failure rolls them back)."""
    names = list(PLANNER_SETTINGS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        before = dict(zip(names, cursor.fetchone(), strict=True))
        _set_config(cursor, PLANNER_SETTINGS)
        yield
        _set_config(cursor, before)


def _set_config(cursor, settings: dict[str, str]) -> None:
    """Settings for the rest of the transaction."""
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
        [part for setting in settings.items() for part in setting],
    )


def _all_words(query: str, fields: tuple[str, ...]) -> Q:
    """Every word of the query in one of the fields (the SQLite stand-in for full-text search)."""
    condition = Q()
    for word in _words(query):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def _snippet(row, text: str, query: str) -> SafeString:
    """The passage that matched, escaped, with the words found marked."""
    headline = getattr(row, "headline", None)
    if headline:
        marked = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
        return mark_safe(marked)  # noqa: S308 - escaped above; only our own <mark> added
    words = _words(query)
    lowered = text.lower()
    starts = [lowered.find(w.lower()) for w in words if w.lower() in lowered]
    begin = max(min(starts) - SNIPPET_CHARS // 3, 0) if starts else 0
    passage = text[begin : begin + SNIPPET_CHARS]
    marked = escape(passage)
    for word in sorted(words, key=len, reverse=True):
        pattern = re.compile(re.escape(escape(word)), re.IGNORECASE)
        marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", marked)
    marked = marked.replace(START, "<mark>").replace(STOP, "</mark>")
    prefix = "…" if begin else ""
    suffix = "…" if begin + SNIPPET_CHARS < len(text) else ""
    return mark_safe(f"{prefix}{marked}{suffix}")  # noqa: S308 - every part escaped


def search(user, query: str, *, now: datetime, page: int = 1, request=None) -> Found:
    """One page of the notes and documents this worker may open that match the words.

    The search is audited with the number of results only, never the words (they are often
    a child's name)."""
    query = " ".join(query.split())[:200]
    notes = _ranked_notes(notes_searchable_by(user, now=now), query) if _words(query) else []
    documents = (
        _ranked_documents(documents_visible_to(user, now=now), query) if _words(query) else []
    )
    capped = len(notes) >= MOST_RESULTS or len(documents) >= MOST_RESULTS
    results = [_note_result(n, query) for n in notes] + [
        _document_result(d, query) for d in documents
    ]
    results.sort(key=lambda r: (r.rank, r.occurred), reverse=True)
    total = len(results)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    shown = results[(page - 1) * PER_PAGE : page * PER_PAGE]
    _name_people(user, shown, now=now)
    audit.record(
        actor=user,
        action="search",
        at=now,
        detail={"page": "search notes and documents", "results": total, "result_page": page},
        request=request,
    )
    return Found(query=query, results=shown, total=total, page=page, pages=pages, capped=capped)


def _note_result(note: CaseNote, query: str) -> Result:
    label = NOTE_KIND_LABELS.get(NoteKind(note.kind), note.kind)
    body = "\n".join(part for part in (note.text, note.decision, note.present) if part)
    return Result(
        kind="note",
        title=f"{label}, {note.occurred_at:%-d %B %Y}",
        occurred=note.occurred_at,
        snippet=_snippet(note, body, query),
        url="",
        rank=float(note.rank),
        source=note,
    )


def _document_result(document: Document, query: str) -> Result:
    return Result(
        kind="document",
        title=document.title,
        occurred=datetime.combine(document.dated, datetime.min.time(), tzinfo=UTC),
        snippet=_snippet(document, document.text or document.title, query),
        url=reverse("documents:document-download", kwargs={"document_id": document.pk}),
        rank=float(document.rank),
        download=True,
        source=document,
    )


def _name_people(user, shown: list[Result], *, now: datetime) -> None:
    """Each result's people, named where the worker may see who they are; a note links to the
    record of the first person it is about whom the worker may open."""
    note_ids = [r.source.pk for r in shown if r.kind == "note"]
    document_ids = [r.source.pk for r in shown if r.kind == "document"]
    people: dict = {}
    for subject in CaseNoteSubject.objects.filter(note_id__in=note_ids).select_related("person"):
        people.setdefault(("note", subject.note_id), []).append(subject.person)
    for subject in DocumentSubject.objects.filter(document_id__in=document_ids).select_related(
        "person"
    ):
        people.setdefault(("document", subject.document_id), []).append(subject.person)
    everyone = {p.pk for group in people.values() for p in group}
    hidden = identifying_details_hidden_from(user, everyone, now=now)
    openable = set(visible_to(user, now=now).filter(pk__in=everyone).values_list("pk", flat=True))
    for result in shown:
        group = people.get((result.kind, result.source.pk), [])
        result.named = sorted((p for p in group if p.pk not in hidden), key=lambda p: p.full_name)
        result.others = len(group) - len(result.named)
        if result.kind == "note":
            record = next((p for p in result.named if p.pk in openable), None)
            result.url = reverse("people:person", kwargs={"person_id": record.pk}) if record else ""
