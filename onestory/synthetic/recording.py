"""Case recording for the synthetic local authority: case notes on the children (and parents) of
every open case, management oversight, supervision with the cases discussed, a few documents on
each open social care case, and notes left as drafts.

Made from the allocations the casework, early help and social care steps have already made, so
that every note is written by the worker allocated to its subjects on the day (every subject
may be opened by its author then) and stops when the case closes. A case is one worker's
allocation to a family's children: social care (assessment, child in need, child protection,
child in care) or early help (lead professional).

Calibration (the issue asks for "several notes per open case per month"; all hand-set):
- Social care: SOCIAL_CARE_NOTES (3 to 5) notes a month on each open child. Every statutory
  visit the generator made (socialcare.Visit) has a visit note on the same day by the visiting
  worker, seen / seen alone as the Visit row says; the team manager writes one management
  oversight note a month on each open case (with a decision); phone calls, meetings,
  observations and other work make up the rest. FAMILY_NOTE_SHARE of those are written once
  for all the family's open children (one note, several subjects, the household recorded);
  parents allocated to the worker are subjects of PARENT_SHARE of them.
- Early help: EARLY_HELP_NOTES (2 to 3) a month on each open family by the lead professional
  (home visits with the children seen, calls, Team Around the Family meetings, observations).
- SIGNIFICANT_SHARE of notes are significant events (police attended, missing from home, a
  disclosure, a move of placement), in the chronology's summary view.
- Volume: all of this for the last 12 months before the reference date (WINDOW_START); before
  it, only the significant events (and their visits and oversight when significant), at the
  same rate. Full history would add about five times the rows and break the generator's time
  budget (+25 s and +0.5 GB at scale 1).
- Supervision: every social worker, personal adviser and early help practitioner is supervised
  by their team manager every SUPERVISION_DAYS (4 to 6 weeks) over the last 12 months;
  3 to 6 families from their caseload on the day are discussed (one supervision note each,
  written by the supervisor, on the children allocated to the supervisee).
- Documents: one or two on each child open to social care at the reference date (a school
  report, a health letter, a police notification seen only by the case team, a paediatric
  summary, a signed consent), each a tiny one-page PDF built here and written to the
  "documents" storage, with its content type, size, sha256 and text.
- Drafts: DRAFT_SHARE of the notes of the last DRAFT_DAYS days are unfinished drafts (never in
  the chronology); the demo sign-ins get a few of their own (demo_drafts).

Each submitted note writes a chronology line for each subject (category "case note",
"management oversight" or "supervision"; the kind and a few words; significant copied), as the
recording app does. Everything draws on its own random generator, seeded from the run's seed,
after family hubs: the same seed gives the same notes, and the rest of the town does not change.
"""

import hashlib
import random
import textwrap
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Q

from onestory.access.models import Allocation
from onestory.core.rules import LONDON
from onestory.documents.models import Document, DocumentSubject
from onestory.earlyhelp.actions.common import PURPOSE_LEAD
from onestory.earlyhelp.models import Episode
from onestory.frontdoor.models import Referral
from onestory.people.models import ChronologyEntry
from onestory.recording.models import CaseNote, CaseNoteSubject, Supervision
from onestory.recording.rules import NOTE_KIND_LABELS, NoteKind, NoteStatus, Seen
from onestory.socialcare import models as sc

from . import recording_texts as texts
from .bulk import Buffers, FastInserter
from .casework import PURPOSE_EARLY_HELP
from .contacts import Weights
from .drafts import REFERENCE_DATE
from .identifiers import new_uuid
from .socialcare_common import (
    PURPOSE_ASSESSMENT,
    PURPOSE_CARE,
    PURPOSE_CIN,
    PURPOSE_CP,
    PURPOSE_PA,
)

# ----- calibration (see the module's docstring) ------------------------------------------------

WINDOW_START = date(REFERENCE_DATE.year - 1, REFERENCE_DATE.month, 1)  # 12 whole months
LAST_DAY = REFERENCE_DATE - timedelta(days=1)
SOCIAL_CARE_NOTES = (3, 5)  # a month on each open child, visits and oversight included
EARLY_HELP_NOTES = (2, 3)  # a month on each open family
FAMILY_NOTE_SHARE = 0.6  # of the other notes: written once for all the family's open children
EARLY_HELP_FAMILY_SHARE = 0.8
PARENT_SHARE = 0.4  # of calls, meetings and visits: parents allocated to the worker too
SIGNIFICANT_SHARE = 0.05
SUPERVISION_DAYS = (28, 42)
SUPERVISION_CASES = (3, 6)
DRAFT_DAYS = 3
DRAFT_SHARE = 0.1
TWO_DOCUMENTS_SHARE = 0.5
DOCUMENT_DAYS = 180  # documents of the open cases' last six months
SOCIAL_CARE_KINDS = Weights(
    {NoteKind.PHONE_CALL: 40, NoteKind.MEETING: 25, NoteKind.OBSERVATION: 20, NoteKind.OTHER: 15}
)
EARLY_HELP_KINDS = Weights(
    {
        NoteKind.VISIT: 40,
        NoteKind.PHONE_CALL: 30,
        NoteKind.MEETING: 15,
        NoteKind.OBSERVATION: 10,
        NoteKind.OTHER: 5,
    }
)
EARLY_HELP_SEEN = Weights({Seen.SEEN: 60, Seen.SEEN_ALONE: 25, Seen.NOT_SEEN: 15})
SUPERVISED_TEAMS = ("sw-", "cla", "leaving-care", "eh-", "hub-")

SOCIAL_CARE_PURPOSES = frozenset((PURPOSE_ASSESSMENT, PURPOSE_CIN, PURPOSE_CP, PURPOSE_CARE))
SOCIAL_CARE, EARLY_HELP = "sc", "eh"
# What a note is about, as the recording app names it (a social care episode is its referral).
ABOUT_REFERRAL = "socialcare.referral"
ABOUT_EPISODE = Episode._meta.label_lower  # "earlyhelp.episode"
# The recording app's chronology categories (the issue: notes, oversight and supervision) and
# its summary: the kind and the note's first words.
SUMMARY_WORDS = 12
CATEGORY = {
    NoteKind.MANAGEMENT_OVERSIGHT: "management oversight",
    NoteKind.SUPERVISION: "supervision",
}
NOTE_CATEGORY = "case note"
NOTE_SOURCE = CaseNote._meta.label_lower
SEEN_OF_VISIT = {(True, True): Seen.SEEN_ALONE, (True, False): Seen.SEEN}
TEXTS = {
    NoteKind.PHONE_CALL: texts.PHONE_CALLS,
    NoteKind.MEETING: texts.MEETINGS,
    NoteKind.OBSERVATION: texts.OBSERVATIONS,
    NoteKind.OTHER: texts.OTHER_WORK,
}
VISIT_TEXTS = {
    Seen.SEEN_ALONE: texts.VISITS_SEEN_ALONE,
    Seen.SEEN: texts.VISITS_SEEN,
    Seen.NOT_SEEN: texts.VISITS_NOT_SEEN,
}

TABLES = (Supervision, CaseNote, CaseNoteSubject, Document, DocumentSubject)
DELETION_ORDER = tuple(reversed(TABLES))


@dataclass
class RecordingRows:
    rows: dict  # model -> list of {attname: value}
    files: list  # (index of the Document row, its bytes): written to the storage with the rows
    chronology: list
    counts: dict


def _months(first: date, last: date):
    """(first day, last day) of each calendar month from `first`'s to `last`'s."""
    day = first.replace(day=1)
    while day <= last:
        following = (day + timedelta(days=32)).replace(day=1)
        yield day, following - timedelta(days=1)
        day = following


def chronology_summary(kind: NoteKind, text: str) -> str:
    words = text.split()
    shown = " ".join(words[:SUMMARY_WORDS])
    return f"{NOTE_KIND_LABELS[kind]}: {shown}{'…' if len(words) > SUMMARY_WORDS else ''}"


def _day_of(moment: datetime) -> date:
    return moment.date()


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing these lines in Helvetica (Latin-1 text), built by hand."""
    shown = []
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        shown.append(f"({escaped}) Tj T*")
    stream = ("BT /F1 11 Tf 14 TL 56 780 Td " + " ".join(shown) + " ET").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class RecordingHistory:
    def __init__(
        self,
        *,
        seed,
        households,
        workforce,
        known_from,
        casework,
        early_help,
        social_care,
        front_door,
    ):
        self.rng = random.Random(f"recording-{seed}")
        self.workforce = workforce
        self.known_from = known_from
        self.rows = {model: [] for model in TABLES}
        self.files: list = []
        self.chronology: list = []
        self.counts: dict = {}
        self.household_of: dict = {}
        self.words_of: dict = {}
        self.school_of: dict = {}
        self.children: set = set()
        for info in households:
            carer = info.carer_label.lower() if info.carer_label else "their family"
            for child_id, _, school, _ in (*info.children, *info.grown):
                self.household_of[child_id] = info
                self.children.add(child_id)
                self.school_of[child_id] = school
                brief = info.people.get(child_id)
                self.words_of[child_id] = {
                    "child": brief.given_name if brief else "The child",
                    "carer": carer,
                }
        # Who may open whom, and when: each person's allocations (as access.selectors reads
        # them: the worker, the allocation's team, the worker's team).
        self.teams_of: dict = {}  # worker pk -> their team and the teams they manage
        for key, team in workforce.teams.items():
            manager = workforce.managers.get(key)
            if manager is not None:
                self.teams_of.setdefault(manager.pk, {manager.team_id}).add(team.pk)
        self.manager_of_team = {
            team.pk: workforce.managers[key]
            for key, team in workforce.teams.items()
            if key in workforce.managers
        }
        # A restricted record is open only to the workers named on it, from their grant.
        self.named: dict = {r.person_id: {} for r in casework.restrictions}
        for grant in casework.grants:
            if grant.person_id in self.named:
                self.named[grant.person_id][grant.worker.pk] = _day_of(grant.starts_at)
        self.allocations: dict = {}  # person id -> [(worker pk, team pk, worker's team, from, to)]
        self.caseload: dict = {}  # worker pk -> [(child, household id, from, to)]
        self.cases: dict = {}  # (household id, worker pk, kind) -> [(child, from, to, team pk)]
        self.workers: dict = {}
        allocations = (*casework.allocations, *social_care.allocations, *early_help.allocations)
        for a in allocations:
            worker = a.worker
            self.workers[worker.pk] = worker
            self.teams_of.setdefault(worker.pk, {worker.team_id})
            starts = _day_of(a.starts_at)
            ends = _day_of(a.ends_at) if a.ends_at else REFERENCE_DATE
            self.allocations.setdefault(a.person_id, []).append(
                (worker.pk, a.team.pk, worker.team_id, starts, ends)
            )
            info = self.household_of.get(a.person_id)
            if info is None or a.person_id not in self.children:
                continue
            purpose = a.purpose
            if purpose in SOCIAL_CARE_PURPOSES:
                kind = SOCIAL_CARE
            elif purpose == PURPOSE_EARLY_HELP or purpose.startswith(PURPOSE_LEAD):
                kind = EARLY_HELP
            elif purpose != PURPOSE_PA:
                continue
            else:
                kind = None
            self.caseload.setdefault(worker.pk, []).append((a.person_id, info.id, starts, ends))
            if kind is not None:
                self.cases.setdefault((info.id, worker.pk, kind), []).append(
                    (a.person_id, starts, ends, a.team.pk)
                )
        self.referrals: dict = {}  # child -> ([referral dates], [ids]), oldest first
        for ref in sorted(
            front_door.rows[Referral], key=lambda r: (r["referral_date"], str(r["id"]))
        ):
            dates, ids = self.referrals.setdefault(ref["person_id"], ([], []))
            dates.append(ref["referral_date"])
            ids.append(ref["id"])
        self.episodes: dict = {}  # household id -> [(opened, closed, id)]
        for e in early_help.rows[Episode]:
            closed = _day_of(e["closed_at"]) if e["closed_at"] else REFERENCE_DATE
            self.episodes.setdefault(e["household_id"], []).append(
                (_day_of(e["opened_at"]), closed, e["id"])
            )
        self.visits: dict = {}  # (child, month's first day) -> visits that month
        self.social_care = social_care
        self.open_children: list = [
            a
            for a in casework.allocations
            if a.purpose in (PURPOSE_CIN, PURPOSE_CP, PURPOSE_CARE) and a.ends_at is None
        ]

    # ----- who may open whom --------------------------------------------------------------------

    def allocated(self, person_id, worker_pk, day: date) -> bool:
        """The person was allocated to this worker (or a team of theirs) all that day, their
        record existed, and (if it is restricted) the worker was named on it: they could open
        it then (access.selectors.visible_to)."""
        known = self.known_from.get(person_id)
        if known is not None and day <= known:
            return False
        named = self.named.get(person_id)
        if named is not None and not (worker_pk in named and named[worker_pk] < day):
            return False
        teams = self.teams_of.get(worker_pk, ())
        for who, team, their_team, starts, ends in self.allocations.get(person_id, ()):
            if starts < day < ends and (who == worker_pk or team in teams or their_team in teams):
                return True
        return False

    # ----- one note -----------------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        minute = self.rng.randint(9 * 60, 16 * 60 + 59)
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=LONDON)
        return local.astimezone(UTC)

    def note(
        self,
        *,
        kind,
        day: date,
        author,
        subjects: list,  # (person id, seen or "")
        text: str,
        about: tuple = ("", ""),
        household_id=None,
        significant: bool = False,
        present: str = "",
        decision: str = "",
        supervision_id=None,
    ):
        rng = self.rng
        occurred = self.moment(day)
        draft = (
            kind not in (NoteKind.SUPERVISION, NoteKind.MANAGEMENT_OVERSIGHT)
            and (LAST_DAY - day).days < DRAFT_DAYS
            and rng.random() < DRAFT_SHARE
        )
        note_id = new_uuid(rng)
        self.rows[CaseNote].append(
            {
                "id": note_id,
                "kind": kind.value,
                "occurred_at": occurred,
                "present": present,
                "text": text[: len(text) // 2] if draft else text,
                "decision": decision,
                "significant": significant,
                "status": (NoteStatus.DRAFT if draft else NoteStatus.SUBMITTED).value,
                "author_id": author.pk,
                "submitted_at": None
                if draft
                else occurred + timedelta(minutes=rng.randint(20, 180)),
                "household_id": household_id if len(subjects) > 1 else None,
                "about_type": about[0],
                "about_id": str(about[1]) if about[1] else "",
                "supervision_id": supervision_id,
            }
        )
        add_subject = self.rows[CaseNoteSubject].append
        for person_id, seen in subjects:
            add_subject({"note_id": note_id, "person_id": person_id, "seen": seen})
        if draft:
            return
        line = chronology_summary(kind, text)[:500]
        category = CATEGORY.get(kind, NOTE_CATEGORY)
        source_id = str(note_id)
        for person_id, _ in subjects:
            self.chronology.append(
                {
                    "id": new_uuid(rng),
                    "person_id": person_id,
                    "occurred_at": occurred,
                    "category": category,
                    "summary": line,
                    "significant": significant,
                    "recorded_by_id": author.pk,
                    "source_type": NOTE_SOURCE,
                    "source_id": source_id,
                }
            )

    def about_referral(self, child, day: date) -> tuple:
        dates, ids = self.referrals.get(child, ((), ()))
        i = bisect_right(dates, day)
        return (ABOUT_REFERRAL, ids[i - 1]) if i else ("", "")

    def about_episode(self, household_id, day: date) -> tuple:
        for opened, closed, episode_id in self.episodes.get(household_id, ()):
            if opened <= day <= closed:
                return (ABOUT_EPISODE, episode_id)
        return ("", "")

    def fill(self, template: str, child) -> str:
        return template.format(**self.words_of.get(child, {"child": "The child", "carer": ""}))

    def significant_text(self, child) -> str:
        return self.fill(self.rng.choice(texts.SIGNIFICANT), child)

    def parents(self, household_id, worker_pk, day: date) -> list:
        info = self.household_of_id.get(household_id)
        if info is None or self.rng.random() >= PARENT_SHARE:
            return []
        return [(c, "") for c in info.carers if self.allocated(c, worker_pk, day)]

    # ----- statutory visits ---------------------------------------------------------------------

    def visit_notes(self) -> None:
        """A note for each statutory visit, by the visiting worker, on the day: in the last 12
        months all of them, before it the significant ones."""
        rng = self.rng
        for visit in self.social_care.rows[sc.Visit]:
            day, child = visit["visited_on"], visit["person_id"]
            self.visits[(child, day.replace(day=1))] = (
                self.visits.get((child, day.replace(day=1)), 0) + 1
            )
            significant = rng.random() < SIGNIFICANT_SHARE
            if day < WINDOW_START and not significant:
                continue
            author = self.workers.get(visit["visited_by_id"])
            if author is None or not self.allocated(child, author.pk, day):
                self.counts["visits_without_a_note"] += 1
                continue
            seen = SEEN_OF_VISIT.get((visit["child_seen"], visit["seen_alone"]), Seen.NOT_SEEN)
            text = self.fill(rng.choice(VISIT_TEXTS[seen]), child)
            if significant:
                text = f"{self.significant_text(child)} {text}"
            self.note(
                kind=NoteKind.VISIT,
                day=day,
                author=author,
                subjects=[(child, seen.value)],
                text=text,
                about=(ABOUT_REFERRAL, visit["referral_id"])
                if visit["referral_id"]
                else self.about_referral(child, day),
                significant=significant,
                present=self.fill(rng.choice(texts.PRESENT["visit"]), child),
            )

    # ----- each case, month by month ------------------------------------------------------------

    def case_notes(self) -> None:
        rng = self.rng
        for (household_id, worker_pk, kind), spans in self.cases.items():
            author = self.workers[worker_pk]
            first = min(s for _, s, _, _ in spans) + timedelta(days=1)
            last = min(max(e for _, _, e, _ in spans) - timedelta(days=1), LAST_DAY)
            for month_start, month_end in _months(first, last):
                open_now = []
                for child, starts, ends, team_pk in spans:
                    lo = max(month_start, starts + timedelta(days=1))
                    hi = min(month_end, ends - timedelta(days=1), LAST_DAY)
                    if lo <= hi:
                        open_now.append((child, lo, hi, team_pk))
                if not open_now:
                    continue
                lo = min(o[1] for o in open_now)
                hi = max(o[2] for o in open_now)
                share = ((hi - lo).days + 1) / ((month_end - month_start).days + 1)
                recent = month_start >= WINDOW_START
                if kind == SOCIAL_CARE:
                    wanted = rng.randint(*SOCIAL_CARE_NOTES)
                    visits = max(self.visits.get((c, month_start), 0) for c, *_ in open_now)
                    others = max(1, wanted - 1 - visits)
                    self.oversight(household_id, open_now, lo, hi, share, recent)
                else:
                    others = rng.randint(*EARLY_HELP_NOTES)
                others = int(others * share + rng.random())
                for _ in range(others):
                    significant = rng.random() < SIGNIFICANT_SHARE
                    if recent or significant:
                        self.case_note(
                            kind, household_id, author, open_now, lo, hi, significant=significant
                        )

    def pick_day(self, lo: date, hi: date) -> date:
        day = lo + timedelta(days=self.rng.randint(0, (hi - lo).days))
        if day.weekday() >= 5:  # to the Friday before, or the Monday after
            friday = day - timedelta(days=day.weekday() - 4)
            monday = day + timedelta(days=7 - day.weekday())
            day = friday if friday >= lo else monday if monday <= hi else day
        return day

    def case_note(self, kind, household_id, author, open_now, lo, hi, *, significant) -> None:
        rng = self.rng
        day = self.pick_day(lo, hi)
        children = [
            c for c, a, b, _ in open_now if a <= day <= b and self.allocated(c, author.pk, day)
        ]
        if not children:
            return
        together = EARLY_HELP_FAMILY_SHARE if kind == EARLY_HELP else FAMILY_NOTE_SHARE
        if len(children) > 1 and rng.random() >= together:
            children = [rng.choice(children)]
        first = children[0]
        if kind == EARLY_HELP:
            note_kind = EARLY_HELP_KINDS.pick(rng)
            options = (
                texts.EARLY_HELP_VISITS if note_kind == NoteKind.VISIT else texts.EARLY_HELP_OTHER
            )
            about = self.about_episode(household_id, day)
        else:
            note_kind = SOCIAL_CARE_KINDS.pick(rng)
            options = TEXTS[note_kind]
            about = self.about_referral(first, day)
        if note_kind in (NoteKind.VISIT, NoteKind.OBSERVATION):
            subjects = [(c, EARLY_HELP_SEEN.pick(rng).value) for c in children]
        else:
            subjects = [(c, "") for c in children]
        if note_kind in (NoteKind.VISIT, NoteKind.PHONE_CALL, NoteKind.MEETING):
            subjects += self.parents(household_id, author.pk, day)
        text = self.fill(rng.choice(options), first)
        if significant:
            text = self.significant_text(first)
        self.note(
            kind=note_kind,
            day=day,
            author=author,
            subjects=subjects,
            text=text,
            about=about,
            household_id=household_id,
            significant=significant,
            present=self.fill(rng.choice(texts.PRESENT[note_kind.value]), first),
        )

    def oversight(self, household_id, open_now, lo, hi, share, recent) -> None:
        """The team manager's monthly oversight of the case, with a decision."""
        rng = self.rng
        if rng.random() >= share:
            return
        significant = rng.random() < SIGNIFICANT_SHARE
        if not (recent or significant):
            return
        manager = self.manager_of_team.get(open_now[0][3])
        if manager is None:
            return
        day = self.pick_day(lo, hi)
        children = [
            c for c, a, b, _ in open_now if a <= day <= b and self.allocated(c, manager.pk, day)
        ]
        if not children:
            return
        self.note(
            kind=NoteKind.MANAGEMENT_OVERSIGHT,
            day=day,
            author=manager,
            subjects=[(c, "") for c in children],
            text=rng.choice(texts.OVERSIGHT),
            decision=rng.choice(texts.OVERSIGHT_DECISIONS),
            about=self.about_referral(children[0], day),
            household_id=household_id,
            significant=significant,
        )

    # ----- supervision ---------------------------------------------------------------------------

    def supervision(self) -> None:
        workforce = self.workforce
        for key in sorted(workforce.practitioners):
            if not key.startswith(SUPERVISED_TEAMS):
                continue
            supervisor = workforce.managers.get(key)
            if supervisor is None:
                continue
            for worker in workforce.practitioners[key]:
                if worker.pk == supervisor.pk:
                    continue
                day = self.pick_day(
                    WINDOW_START, WINDOW_START + timedelta(days=SUPERVISION_DAYS[1])
                )
                while day <= LAST_DAY:
                    self.supervise(worker, supervisor, day)
                    day = self.pick_day(
                        day + timedelta(days=SUPERVISION_DAYS[0]),
                        day + timedelta(days=SUPERVISION_DAYS[1]),
                    )

    def supervise(self, worker, supervisor, day: date) -> None:
        rng = self.rng
        families: dict = {}
        for child, household_id, starts, ends in self.caseload.get(worker.pk, ()):
            if starts < day < ends and self.allocated(child, supervisor.pk, day):
                families.setdefault(household_id, set()).add(child)
        session_id = new_uuid(rng)
        self.rows[Supervision].append(
            {
                "id": session_id,
                "supervisee_id": worker.pk,
                "supervisor_id": supervisor.pk,
                "held_on": day,
                "discussion": rng.choice(texts.SUPERVISION_DISCUSSION),
                "status": NoteStatus.SUBMITTED.value,
                "submitted_at": self.moment(day) + timedelta(hours=1),
            }
        )
        chosen = sorted(families, key=str)
        rng.shuffle(chosen)
        for household_id in chosen[: rng.randint(*SUPERVISION_CASES)]:
            children = sorted(families[household_id], key=str)
            self.note(
                kind=NoteKind.SUPERVISION,
                day=day,
                author=supervisor,
                subjects=[(c, "") for c in children],
                text=self.fill(rng.choice(texts.SUPERVISION_CASES), children[0]),
                decision=rng.choice(texts.SUPERVISION_DECISIONS),
                household_id=household_id,
                supervision_id=session_id,
            )

    # ----- documents -----------------------------------------------------------------------------

    def documents(self) -> None:
        rng = self.rng
        for a in self.open_children:
            child = a.person_id
            starts = max(_day_of(a.starts_at), LAST_DAY - timedelta(days=DOCUMENT_DAYS))
            count = 2 if rng.random() < TWO_DOCUMENTS_SHARE else 1
            for kind, visibility, title, words in rng.sample(texts.DOCUMENTS, count):
                dated = starts + timedelta(days=rng.randint(0, max(0, (LAST_DAY - starts).days)))
                text = words.format(
                    school=self.school_of.get(child) or "The child's school",
                    **self.words_of.get(child, {"child": "the child", "carer": ""}),
                )
                title = self.fill(title, child)
                lines = [title, dated.strftime("%d %B %Y"), "", *textwrap.wrap(text, 80)]
                lines = [line.encode("latin-1", "replace").decode("latin-1") for line in lines]
                content = tiny_pdf(lines)
                document_id = new_uuid(rng)
                name = document_id.hex
                self.files.append((len(self.rows[Document]), content))
                self.rows[Document].append(
                    {
                        "id": document_id,
                        "kind": kind,
                        "title": title,
                        "dated": dated,
                        "visibility": visibility,
                        "file": f"documents/{name[:2]}/{name}",
                        "original_name": f"{kind.replace('_', '-')}-{dated:%Y%m%d}.pdf",
                        "content_type": "application/pdf",
                        "size": len(content),
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "text": "\n".join(lines),
                        "uploaded_by_id": a.worker.pk,
                        "household_id": None,
                    }
                )
                self.rows[DocumentSubject].append({"document_id": document_id, "person_id": child})

    # ----- all of it -----------------------------------------------------------------------------

    def generate(self) -> RecordingRows:
        self.counts["visits_without_a_note"] = 0
        self.household_of_id = {info.id: info for info in self.household_of.values()}
        self.visit_notes()
        self.case_notes()
        self.supervision()
        self.documents()
        notes = self.rows[CaseNote]
        drafts = sum(n["status"] == NoteStatus.DRAFT.value for n in notes)
        self.counts.update(
            {
                "case_notes": len(notes),
                "case_note_drafts": drafts,
                "case_notes_significant": sum(n["significant"] for n in notes),
                "case_note_subjects": len(self.rows[CaseNoteSubject]),
                "supervisions": len(self.rows[Supervision]),
                "documents": len(self.rows[Document]),
            }
        )
        return RecordingRows(self.rows, self.files, self.chronology, self.counts)


def generate(
    *, seed, households, workforce, known_from, casework, early_help, social_care, front_door
) -> RecordingRows:
    return RecordingHistory(
        seed=seed,
        households=households,
        workforce=workforce,
        known_from=known_from,
        casework=casework,
        early_help=early_help,
        social_care=social_care,
        front_door=front_door,
    ).generate()


def write(result: RecordingRows, *, inserter: FastInserter, buffers: Buffers) -> None:
    storage = storages["documents"]
    documents = result.rows[Document]
    for index, content in result.files:
        row = documents[index]
        # The same seed makes the same names: a run again replaces its own files.
        if storage.exists(row["file"]):
            storage.delete(row["file"])
        row["file"] = storage.save(row["file"], ContentFile(content))
    for model in TABLES:
        inserter.insert(model, result.rows[model])
    rows = buffers.rows[ChronologyEntry]
    for start in range(0, len(result.chronology), 20_000):
        rows.extend(result.chronology[start : start + 20_000])
        buffers.flush()
        rows = buffers.rows[ChronologyEntry]


# ----- the demo sign-ins' drafts (demo.py) ------------------------------------------------------

DEMO_DRAFTS = 2  # unfinished notes each demo practitioner finds under "Your drafts"


def demo_drafts(worker, *, purposes: tuple[str, ...], now: datetime) -> int:
    """Leave the demo worker DEMO_DRAFTS unfinished notes on children allocated to them (started
    yesterday, never submitted); returns how many drafts they have. Never adds more."""
    drafts = CaseNote.objects.filter(author=worker, status=NoteStatus.DRAFT)
    have = drafts.count()
    if have >= DEMO_DRAFTS:
        return have
    children = list(
        Allocation.objects.filter(worker=worker, purpose__in=purposes, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(person__case_note_subjects__note__in=drafts)
        .order_by("person_id")
        .values_list("person_id", "person__given_name")[: DEMO_DRAFTS - have]
    )
    kinds = (NoteKind.VISIT, NoteKind.PHONE_CALL, NoteKind.OBSERVATION)
    for i, (person_id, given_name) in enumerate(children):
        words = {"child": given_name, "carer": "their parent"}
        note = CaseNote.objects.create(
            kind=kinds[i % len(kinds)],
            occurred_at=now - timedelta(days=1, hours=i + 2),
            text=texts.DRAFTS[i % len(texts.DRAFTS)].format(**words),
            author=worker,
        )
        CaseNoteSubject.objects.create(note=note, person_id=person_id)
    return have + len(children)
