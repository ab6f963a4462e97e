"""The synthetic town's case recording: notes on every open case each month by the allocated
worker, visit notes that agree with the statutory visits, oversight by managers, supervision of
the supervisee's own cases, the chronology of submitted notes only, drafts, documents."""

import hashlib
import io
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db.models import Count, Q
from pypdf import PdfReader

from onestory.access.models import Allocation, RecordRestriction
from onestory.access.selectors import visible_to
from onestory.core.rules import LONDON
from onestory.documents.models import Document
from onestory.people.models import ChronologyEntry
from onestory.recording.models import CaseNote, CaseNoteSubject, Supervision
from onestory.recording.rules import NoteKind, NoteStatus, Seen
from onestory.socialcare import models as sc
from onestory.synthetic.casework import PURPOSE_EARLY_HELP
from onestory.synthetic.recording import (
    ABOUT_REFERRAL,
    SOCIAL_CARE_PURPOSES,
    WINDOW_START,
    _months,
)
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

pytestmark = pytest.mark.django_db
in_town = pytest.mark.usefixtures("tiny_town")
LAST_DAY = date(WINDOW_START.year + 1, WINDOW_START.month, 1) - timedelta(days=1)


def _recording() -> tuple:
    notes = list(
        CaseNote.objects.order_by("id").values_list(
            "id", "kind", "occurred_at", "author_id", "text", "status", "significant"
        )
    )
    subjects = sorted(CaseNoteSubject.objects.values_list("note_id", "person_id", "seen"))
    sessions = list(
        Supervision.objects.order_by("id").values_list("id", "supervisee_id", "held_on")
    )
    documents = list(Document.objects.order_by("id").values_list("id", "sha256", "title"))
    return notes, subjects, sessions, documents


def test_the_same_seed_gives_the_same_recording():
    # First in the module: before the shared town is made.
    call_command("synth", scale=0.005, seed=11, stdout=io.StringIO())
    first = _recording()
    assert all(first)
    call_command("synth", scale=0.005, seed=11, replace=True, stdout=io.StringIO())
    assert _recording() == first


def _local_day(moment) -> date:
    return moment.astimezone(LONDON).date()


def _notes_per_child_month(purposes: Q) -> list[int]:
    """Notes on each child in each whole month of the last 12 that they were open to one worker
    all month long (any author: visits, oversight and supervision included)."""
    notes_of = defaultdict(list)
    for person_id, occurred_at in CaseNoteSubject.objects.values_list(
        "person_id", "note__occurred_at"
    ):
        notes_of[person_id].append(_local_day(occurred_at))
    counts = []
    # A restricted record is open only to the workers named on it, from when they were named:
    # before that nobody could write on it.
    allocations = (
        Allocation.objects.filter(purposes)
        .filter(person__date_of_death__isnull=True, person__case_note_subjects__isnull=False)
        .exclude(person__in=RecordRestriction.objects.values("person"))
    )
    for a in allocations.distinct():
        for first, last in _months(WINDOW_START, LAST_DAY):
            ends = a.ends_at.date() if a.ends_at else date.max
            if a.starts_at.date() < first - timedelta(days=1) and ends > last + timedelta(days=1):
                counts.append(sum(first <= d <= last for d in notes_of[a.person_id]))
    return counts


@in_town
def test_several_notes_a_month_on_each_open_case():
    social_care = _notes_per_child_month(Q(purpose__in=SOCIAL_CARE_PURPOSES))
    early_help = _notes_per_child_month(
        Q(purpose=PURPOSE_EARLY_HELP) | Q(purpose__startswith="Lead professional (early help ep")
    )
    assert len(social_care) > 50 and len(early_help) > 50
    # Social care 3 to 5 a month, early help 2 to 3 (a family note counts for each child).
    assert 3 <= sum(social_care) / len(social_care) <= 5.5
    assert 1.8 <= sum(early_help) / len(early_help) <= 3.5
    assert min(social_care) >= 1


@in_town
def test_every_subject_could_be_opened_by_the_author_when_the_note_was_written():
    notes = CaseNote.objects.select_related("author").prefetch_related("subjects")
    sample = list(notes.order_by("id")[:250])
    assert sample
    for note in sample:
        people = {s.person_id for s in note.subjects.all()}
        assert people
        could = set(
            visible_to(note.author, now=note.occurred_at)
            .filter(pk__in=people)
            .values_list("pk", flat=True)
        )
        assert could == people, (note.kind, note.occurred_at)


@in_town
def test_each_statutory_visit_of_the_last_year_has_a_note_that_agrees_with_it():
    visits = {}
    for v in sc.Visit.objects.all():
        visits[(v.person_id, v.visited_on)] = v
    notes = CaseNoteSubject.objects.filter(
        note__kind=NoteKind.VISIT, note__about_type=ABOUT_REFERRAL
    ).select_related("note")
    matched = set()
    for subject in notes:
        day = _local_day(subject.note.occurred_at)
        # Before the last year, only the significant events.
        assert day >= WINDOW_START or subject.note.significant
        visit = visits[(subject.person_id, day)]
        assert subject.note.author_id == visit.visited_by_id
        expected = (
            Seen.NOT_SEEN
            if not visit.child_seen
            else Seen.SEEN_ALONE
            if visit.seen_alone
            else Seen.SEEN
        )
        assert subject.seen == expected
        if visit.referral_id:  # a personal adviser's visit has none
            assert subject.note.about_id == str(visit.referral_id)
        matched.add((subject.person_id, day))
    # A visit on the day an assessing worker's few days' allocation began or ended has none,
    # nor one on a restricted record before its worker was named on it.
    restricted = set(RecordRestriction.objects.values_list("person_id", flat=True))
    recent = {k for k in visits if k[1] >= WINDOW_START and k[0] not in restricted}
    assert len(matched & recent) >= 0.95 * len(recent)


@in_town
def test_management_oversight_is_by_the_team_manager_with_a_decision():
    oversight = CaseNote.objects.filter(kind=NoteKind.MANAGEMENT_OVERSIGHT).select_related("author")
    assert oversight.exists()
    for note in oversight:
        assert note.author.role == Role.TEAM_MANAGER
        assert note.author.managed_teams.exists()
        assert note.decision
    # Nobody but a manager writes one.
    managers = Worker.objects.filter(managed_teams__isnull=False)
    assert not oversight.exclude(author__in=managers).exists()


@in_town
def test_supervision_discusses_cases_from_the_supervisee_s_caseload_every_four_to_six_weeks():
    sessions = Supervision.objects.select_related("supervisee", "supervisor")
    assert sessions.exists()
    per_worker = defaultdict(list)
    for session in sessions:
        per_worker[session.supervisee_id].append(session.held_on)
        assert session.supervisor.managed_teams.filter(pk=session.supervisee.team_id).exists()
        cases = CaseNote.objects.filter(supervision=session)
        assert cases.count() <= 6
        assert not cases.exclude(kind=NoteKind.SUPERVISION).exists()
        assert not cases.exclude(author=session.supervisor).exists()
        for person_id in CaseNoteSubject.objects.filter(note__in=cases).values_list(
            "person_id", flat=True
        ):
            held = Allocation.objects.filter(
                person_id=person_id,
                worker=session.supervisee,
                starts_at__date__lt=session.held_on,
            ).filter(Q(ends_at__isnull=True) | Q(ends_at__date__gt=session.held_on))
            assert held.exists()
    for days in per_worker.values():
        days.sort()
        gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        assert all(26 <= gap <= 44 for gap in gaps)
        assert 8 <= len(days) <= 13


@in_town
def test_the_chronology_has_a_line_for_each_subject_of_each_submitted_note_only():
    lines = ChronologyEntry.objects.filter(source_type="recording.casenote")
    submitted = CaseNoteSubject.objects.filter(note__status=NoteStatus.SUBMITTED)
    assert lines.count() == submitted.count()
    drafts = CaseNote.objects.filter(status=NoteStatus.DRAFT)
    assert drafts.exists()
    assert not lines.filter(source_id__in=[str(pk) for pk in drafts.values_list("pk", flat=True)])
    by_note = {str(n.pk): n for n in CaseNote.objects.filter(status=NoteStatus.SUBMITTED)}
    categories = {
        NoteKind.MANAGEMENT_OVERSIGHT: "management oversight",
        NoteKind.SUPERVISION: "supervision",
    }
    for line in lines:
        note = by_note[line.source_id]
        assert line.category == categories.get(note.kind, "case note")
        assert line.significant == note.significant
        assert line.recorded_by_id == note.author_id
        assert line.occurred_at == note.occurred_at
        # The kind and the note's first few words, never the whole of a long note.
        label, words = line.summary.split(": ", 1)
        assert label == note.get_kind_display()
        shown = words.removesuffix("…").split()
        assert shown == note.text.split()[: len(shown)]
        assert len(shown) <= 12
    assert lines.filter(significant=True).exists()


@in_town
def test_documents_are_small_pdfs_in_the_documents_storage_on_open_cases():
    documents = Document.objects.annotate(subjects_count=Count("subjects"))
    assert documents.exists()
    storage = storages["documents"]
    for document in documents:
        assert document.subjects_count == 1
        with storage.open(document.file.name) as f:
            content = f.read()
        assert len(content) == document.size < 2000
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert document.content_type == "application/pdf"
        page = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert document.title in page
        assert document.title in document.text


@in_town
def test_drafts_are_their_authors_own_and_the_demo_workers_have_some():
    # Last in the module: the demo sign-ins change the shared town (a demo manager takes over
    # a team, families move to the demo workers).
    drafts = CaseNote.objects.filter(status=NoteStatus.DRAFT)
    assert drafts.exists()
    assert not drafts.filter(submitted_at__isnull=False).exists()
    call_command("demo_users", stdout=io.StringIO())
    for username in ("socialworker", "earlyhelp"):
        worker = Worker.objects.get(username=username)
        mine = drafts.filter(author=worker)
        assert mine.count() == 2
        for note in mine:
            people = set(note.subjects.values_list("person_id", flat=True))
            assert people
            could = visible_to(worker, now=note.occurred_at).filter(pk__in=people)
            assert set(could.values_list("pk", flat=True)) == people
    # Running the demo set-up again leaves them as they are.
    call_command("demo_users", stdout=io.StringIO())
    assert (
        CaseNote.objects.filter(status=NoteStatus.DRAFT, author__username="socialworker").count()
        == 2
    )
