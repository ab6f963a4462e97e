"""Reads of case notes and supervision, always scoped to the acting worker. They fail closed.

A submitted note is seen through the people it is about: a reader sees it only if they may open
at least one of them, and is shown only those subjects (the others are counted, never named).
A draft is its author's alone."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.access.selectors import audit_views, may_open_record, openable_ids, visible_to
from onestory.core.clock import today_in_london
from onestory.earlyhelp.selectors import access_episode_by_id
from onestory.frontdoor.models import Referral
from onestory.pathways.models import ContextLink
from onestory.pathways.selectors import access_context_by_id
from onestory.people.models import HouseholdMember, Person
from onestory.people.selectors import current_memberships
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

from . import rules
from .models import CaseNote, CaseNoteSubject, Supervision
from .rules import NoteStatus

PAGE = "case note"
LATEST_SHOWN = 3


def _denied(user, requested_id, *, now: datetime, page: str, request=None):
    audit.record(
        actor=user,
        action="denied",
        at=now,
        detail={"page": page, "requested_id": str(requested_id)},
        request=request,
    )
    raise Http404("No page found")


# --- Case notes ---------------------------------------------------------------------------------


def notes_visible_to(user, *, now: datetime) -> QuerySet[CaseNote]:
    """Submitted notes about at least one person this worker may open, and their own drafts."""
    if not getattr(user, "is_authenticated", False):
        return CaseNote.objects.none()
    through_a_subject = Exists(
        CaseNoteSubject.objects.filter(note=OuterRef("pk"), person__in=visible_to(user, now=now))
    )
    return CaseNote.objects.filter(_submitted_where_or_own_draft(user, through_a_subject))


def _submitted_where_or_own_draft(user, condition=None) -> Q:
    """A condition on notes: submitted (where `condition` holds), or the worker's own draft."""
    submitted = Q(status=NoteStatus.SUBMITTED)
    if condition is not None:
        submitted &= condition
    return submitted | Q(status=NoteStatus.DRAFT, author_id=user.pk)


@dataclass
class NoteView:
    """A note as one reader may see it: the subjects they may open, and how many others."""

    note: CaseNote
    subjects: list[CaseNoteSubject]
    hidden_subjects: int
    about: "About | None" = None

    @property
    def is_draft(self) -> bool:
        return self.note.status == NoteStatus.DRAFT


def _subjects_seen_by(user, notes: list[CaseNote], *, now: datetime) -> dict:
    """For each note, its subjects this worker may open and the number of the others."""
    rows = list(
        CaseNoteSubject.objects.filter(note__in=notes)
        .select_related("person")
        .order_by("person__date_of_birth", "person__family_name")
    )
    visible = openable_ids(user, {r.person_id for r in rows}, now=now)
    seen: dict = {note.pk: ([], 0) for note in notes}
    for row in rows:
        shown, hidden = seen[row.note_id]
        if row.person_id in visible:
            shown.append(row)
        else:
            seen[row.note_id] = (shown, hidden + 1)
    return seen


def note_views(user, notes, *, now: datetime) -> list[NoteView]:
    notes = list(notes)
    seen = _subjects_seen_by(user, notes, now=now)
    return [NoteView(note, *seen[note.pk]) for note in notes]


def access_note_by_id(
    user, note_id, *, now: datetime, request=None, page: str = PAGE, audited: bool = True
) -> NoteView:
    """The note, if this worker may read it (the same 404 for missing and forbidden, and a
    refusal is audited); every subject shown is audited as viewed."""
    note = (
        notes_visible_to(user, now=now)
        .select_related("author", "supervision", "household")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        _denied(user, note_id, now=now, page=page, request=request)
    view = note_views(user, [note], now=now)[0]
    view.about = about_of(note)
    if audited:
        audit_views(
            user,
            [s.person for s in view.subjects],
            now=now,
            page=page,
            request=request,
            action="view",
        )
    return view


def access_draft_by_id(user, note_id, *, now: datetime, request=None) -> CaseNote:
    """A note this worker wrote (draft or submitted); anyone else gets a 404."""
    note = CaseNote.objects.filter(pk=note_id, author_id=user.pk).first()
    if note is None:
        _denied(user, note_id, now=now, page="case note draft", request=request)
    return note


def person_notes(user, person: Person, *, now: datetime) -> QuerySet[CaseNote]:
    """The notes about this person the worker may read (their own drafts included), newest
    first: none unless they may open the record, and then every submitted note about them."""
    if not may_open_record(user, person, now=now):
        return CaseNote.objects.none()
    return (
        CaseNote.objects.filter(subjects__person=person)
        .filter(_submitted_where_or_own_draft(user))
        .select_related("author")
        .order_by("-occurred_at", "-created_at")
    )


def about_notes(user, about_type: str, about_id, *, now: datetime) -> QuerySet[CaseNote]:
    return (
        notes_visible_to(user, now=now)
        .filter(about_type=about_type, about_id=str(about_id))
        .select_related("author")
        .order_by("-occurred_at", "-created_at")
    )


def drafts_of(user, *, now: datetime) -> list[NoteView]:
    """The worker's unfinished notes, the most recently saved first."""
    drafts = CaseNote.objects.filter(author_id=user.pk, status=NoteStatus.DRAFT).order_by(
        "-updated_at"
    )
    return note_views(user, drafts, now=now)


@dataclass
class Offer:
    """A person a note may be about, offered to its writer."""

    person: Person
    is_child: bool

    @property
    def seen_field(self) -> str:
        return f"seen_{self.person.pk}"


def offered_people(user, note: CaseNote, *, now: datetime) -> list[Offer]:
    """Who the writer may link this note to: its subjects, the family it was started from, the
    people of the record it belongs to, and everyone who lives with any of them, of whom only
    the records this worker may open (children first)."""
    today = today_in_london(now)
    base = set(note.subjects.values_list("person_id", flat=True))
    if note.household_id:
        base |= set(
            HouseholdMember.objects.filter(
                current_memberships(today), household_id=note.household_id
            ).values_list("person_id", flat=True)
        )
    if note.about_type:
        base |= set(_about_people_ids(note.about_type, note.about_id, today=today))
    households = HouseholdMember.objects.filter(
        current_memberships(today), person_id__in=base
    ).values("household_id")
    family = set(
        HouseholdMember.objects.filter(
            current_memberships(today), household_id__in=households
        ).values_list("person_id", flat=True)
    )
    people = visible_to(user, now=now).filter(pk__in=base | family)
    offers = [
        Offer(
            person=p,
            is_child=rules.is_child(
                date_of_birth=p.date_of_birth,
                expected_date_of_birth=p.expected_date_of_birth,
                estimated_age_years=p.estimated_age_years,
                today=today,
            ),
        )
        for p in people
    ]
    return sorted(
        offers,
        key=lambda o: (
            not o.is_child,
            o.person.date_of_birth is None,
            o.person.date_of_birth,
            o.person.family_name,
        ),
    )


# --- The record a note belongs to ------------------------------------------------------------


@dataclass
class About:
    about_type: str
    about_id: str
    label: str
    url: str
    people_ids: set = field(default_factory=set)


def _about_people_ids(about_type: str, about_id, *, today) -> list:
    if about_type == "earlyhelp.episode":
        from onestory.earlyhelp.models import EpisodeMember

        return list(
            EpisodeMember.objects.filter(episode_id=about_id).values_list("person_id", flat=True)
        )
    if about_type == "socialcare.referral":
        return list(Referral.objects.filter(pk=about_id).values_list("person_id", flat=True))
    if about_type == "pathways.context":
        return list(
            ContextLink.objects.filter(context_id=about_id, ended_on__isnull=True).values_list(
                "person_id", flat=True
            )
        )
    return []


def about_of(note: CaseNote) -> About | None:
    """What the note belongs to, for its page (a reference and a link, no personal data)."""
    if not note.about_type:
        return None
    return _describe(note.about_type, note.about_id)


def _describe(about_type: str, about_id) -> About | None:
    if about_type == "earlyhelp.episode":
        from onestory.earlyhelp.models import Episode

        episode = Episode.objects.filter(pk=about_id).first()
        if episode is None:
            return None
        return About(
            about_type,
            str(about_id),
            f"Early help episode {episode.reference}",
            reverse("earlyhelp:episode", kwargs={"episode_id": episode.pk}),
        )
    if about_type == "socialcare.referral":
        referral = Referral.objects.filter(pk=about_id).first()
        if referral is None:
            return None
        return About(
            about_type,
            str(about_id),
            f"Referral of {referral.referral_date:%-d %B %Y}",
            reverse("socialcare:child", kwargs={"person_id": referral.person_id}),
        )
    if about_type == "pathways.context":
        from onestory.pathways.models import Context

        context = Context.objects.filter(pk=about_id).first()
        if context is None:
            return None
        return About(
            about_type,
            str(about_id),
            f"Context: {context.name}",
            reverse("pathways:context", kwargs={"context_id": context.pk}),
        )
    return None


def access_about(user, about_type: str, about_id, *, now: datetime, request=None) -> About:
    """The episode, referral or context a note is started from, if this worker may see it,
    with the people it concerns whose records they may open; 404 otherwise."""
    page = "case note"
    if about_type not in rules.ABOUT_TYPES:
        _denied(user, about_id, now=now, page=page, request=request)
    if about_type == "earlyhelp.episode":
        access_episode_by_id(
            user, about_id, now=now, request=request, page=page, shows_members=False
        )
    elif about_type == "pathways.context":
        access_context_by_id(user, about_id, now=now, request=request, page=page)
    about = _describe(about_type, about_id)
    people = set(_about_people_ids(about_type, about_id, today=today_in_london(now)))
    visible = openable_ids(user, people, now=now)
    if about is None or not visible:
        # A referral is seen through its child; an episode or context whose people this
        # worker cannot open offers nobody to write about.
        _denied(user, about_id, now=now, page=page, request=request)
    about.people_ids = visible
    return about


# --- Supervision --------------------------------------------------------------------------------


def supervisees_of(user) -> QuerySet[Worker]:
    """The workers this manager supervises: the active members of the teams they manage."""
    if getattr(user, "role", None) != Role.TEAM_MANAGER:
        return Worker.objects.none()
    return (
        Worker.objects.filter(team__manager=user, is_active=True)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
    )


def caseload_of(worker, *, viewer, now: datetime) -> QuerySet[Person]:
    """The children allocated to this worker now, of whom those the viewer may open."""
    allocated = Allocation.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        person=OuterRef("pk"),
        worker=worker,
        starts_at__lte=now,
    )
    return (
        visible_to(viewer, now=now).filter(Exists(allocated)).order_by("family_name", "given_name")
    )


def supervisions_visible_to(user) -> QuerySet[Supervision]:
    """The supervision sessions a worker may read: their own, those they gave, and, for a
    manager, those of the workers in the teams they manage."""
    if not getattr(user, "is_authenticated", False):
        return Supervision.objects.none()
    mine = Q(supervisee_id=user.pk) | Q(supervisor_id=user.pk)
    if getattr(user, "role", None) == Role.TEAM_MANAGER:
        mine |= Q(supervisee__team__in=user.managed_teams.all())
    return Supervision.objects.filter(mine).select_related("supervisee", "supervisor")


@dataclass
class SupervisionView:
    supervision: Supervision
    cases: list[NoteView]
    hidden_cases: int


def access_supervision_by_id(
    user, supervision_id, *, now: datetime, request=None
) -> SupervisionView:
    """The session, if this worker may read it; the cases discussed are shown only for the
    children the reader may open (the others are counted). Each child shown is audited."""
    page = "supervision"
    supervision = supervisions_visible_to(user).filter(pk=supervision_id).first()
    if supervision is None:
        _denied(user, supervision_id, now=now, page=page, request=request)
    notes = note_views(
        user,
        supervision.cases.filter(status=NoteStatus.SUBMITTED).order_by("created_at"),
        now=now,
    )
    shown = [n for n in notes if n.subjects]
    audit.record(
        actor=user, action="view", at=now, obj=supervision, detail={"page": page}, request=request
    )
    audit_views(
        user,
        [s.person for n in shown for s in n.subjects],
        now=now,
        page=page,
        request=request,
        action="view",
    )
    return SupervisionView(supervision, shown, len(notes) - len(shown))
