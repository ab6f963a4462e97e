"""On PostgreSQL the search finds notes and documents through their GIN indexes (recording and
documents migrations 0002), not by reading every row: at a council's scale (over a hundred
thousand notes) that is the difference between a quick answer and one that keeps the worker
waiting. PostgreSQL uses an expression index only when the query's expression is the index's
own, so these tests fail if search.py and the migrations drift apart. Matching through the
index also means a result holds what the worker asked for, every word, the phrase, none of the
-words (a rank above zero, the earlier test, kept near misses); and past the most results
shown, the newest are, as on SQLite (ranking every match of a common word took seconds)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestory.documents import search
from onestory.documents.models import Document, DocumentSubject
from onestory.people.tests.factories import PersonFactory
from onestory.recording.models import CaseNote, CaseNoteSubject
from onestory.recording.rules import NoteKind, NoteStatus
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_documents import allocated_child, note_on

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="full-text indexes exist on PostgreSQL only"
    ),
]

# Enough rows, spread over enough children, that reading them all costs the planner more than
# the index does (on a handful of rows a sequential scan is rightly cheaper).
ROWS = 2000
CHILDREN = 40


def _a_town_where_one_note_and_one_document_mention(word: str):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    children = [allocated_child(worker)] + [PersonFactory() for _ in range(CHILDREN - 1)]
    now = timezone.now()
    notes = CaseNote.objects.bulk_create(
        CaseNote(
            kind=NoteKind.VISIT,
            occurred_at=now - datetime.timedelta(hours=n),
            text=f"Home visit {n}: spoke with the children about school and friends"
            + (f", and about the {word}" if n == 0 else ""),
            status=NoteStatus.SUBMITTED,
            submitted_at=now,
            author=worker,
        )
        for n in range(ROWS)
    )
    CaseNoteSubject.objects.bulk_create(
        CaseNoteSubject(note=note, person=children[n % CHILDREN]) for n, note in enumerate(notes)
    )
    documents = Document.objects.bulk_create(
        Document(
            kind=Document.Kind.REPORT,
            title=f"Report {n}",
            dated=now.date(),
            file=f"documents/report-{n}.txt",
            original_name="report.txt",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
            text="School attendance and friendships" + (f"; the {word}" if n == 0 else ""),
            uploaded_by=worker,
        )
        for n in range(ROWS)
    )
    DocumentSubject.objects.bulk_create(
        DocumentSubject(document=document, person=children[n % CHILDREN])
        for n, document in enumerate(documents)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return worker


def _plan_of_search_on(table: str) -> str:
    worker = _a_town_where_one_note_and_one_document_mention("boiler")
    with CaptureQueriesContext(connection) as run:
        found = search.search(worker, "boiler", now=timezone.now())
    assert found.total == 2  # the queries explained below are the ones that found them
    (query,) = [q["sql"] for q in run.captured_queries if f'FROM "{table}"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_notes_are_searched_through_their_index():
    assert "recording_casenote_search" in _plan_of_search_on("recording_casenote")


def test_documents_are_searched_through_their_index():
    assert "documents_document_search" in _plan_of_search_on("documents_document")


def test_a_note_is_found_only_with_every_word_the_phrase_and_none_of_the_excluded_words():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    note_on([child], author=worker, text="The boiler was fixed by the landlord.")
    note_on([child], author=worker, text="The boiler is still broken; the house is cold.")

    def found(words: str) -> list[str]:
        results = search.search(worker, words, now=timezone.now()).results
        return sorted(str(r.source.text) for r in results)

    assert found("boiler -fixed") == ["The boiler is still broken; the house is cold."]
    assert found("boiler landlord") == ["The boiler was fixed by the landlord."]
    assert found('"fixed boiler"') == []


def test_past_the_most_results_the_newest_notes_are_shown():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    now = timezone.now()
    for day in range(search.MOST_RESULTS + 3):
        # The oldest match best, so ranking every match would show them.
        older = day >= search.MOST_RESULTS
        note_on(
            [child],
            author=worker,
            text=f"Home visit on day {day}" + (": visit, visit, visit" if older else ""),
            occurred_at=now - datetime.timedelta(days=day + 1),
        )

    pages = range(1, search.MOST_RESULTS // search.PER_PAGE + 1)
    found = [search.search(worker, "visit", now=now, page=n) for n in pages]

    assert found[0].capped and found[0].total == search.MOST_RESULTS
    shown = {r.source.occurred_at for page in found for r in page.results}
    assert len(shown) == search.MOST_RESULTS
    assert min(shown) == now - datetime.timedelta(days=search.MOST_RESULTS)


def test_the_search_leaves_the_planner_as_it_found_it():
    """The search runs inside the test's transaction, as it may inside a caller's: the
    settings it plans its own queries with must not outlive them."""
    worker = worker_with_role(Role.SOCIAL_WORKER)
    note_on([allocated_child(worker)], author=worker, text="Home visit")
    names = list(search.PLANNER_SETTINGS)
    settings = "SELECT " + ", ".join(["current_setting(%s)"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(settings, names)
        before = cursor.fetchone()
        assert search.search(worker, "visit", now=timezone.now()).total == 1
        cursor.execute(settings, names)
        assert cursor.fetchone() == before
