"""Reads of uploaded documents, always scoped to the acting worker. A worker sees a document
when they may open one of the people it is on AND its visibility lets them: everyone who may
open the record; council staff only (no partner agencies); or the case team (the allocated
workers, the managers of their teams, and whoever added it). Whoever added a document always
sees it. Removed documents are never shown."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.access.selectors import identifying_details_hidden_from, may_open_record, visible_to
from onestory.people.models import HouseholdMember, Person
from onestory.people.selectors import current_memberships
from onestory.workforce.rules import CASE_ROLES, Role

from .models import Document, DocumentSubject

MAY_REMOVE_ANY = frozenset({Role.TEAM_MANAGER})


def _active_allocation(now: datetime) -> Q:
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def _on_the_case_team(user, *, now: datetime) -> Exists:
    """A condition on documents: the worker is allocated to one of its people (themselves or
    through their team), or manages the team of someone allocated."""
    mine = Q(worker_id=user.pk)
    if user.team_id:
        mine |= Q(worker__isnull=True, team_id=user.team_id)
    managed = list(user.managed_teams.values_list("id", flat=True))
    if managed:
        mine |= Q(team_id__in=managed) | Q(worker__team_id__in=managed)
    allocated = Allocation.objects.filter(
        mine, _active_allocation(now), person_id=OuterRef("person_id")
    )
    return Exists(DocumentSubject.objects.filter(Exists(allocated), document=OuterRef("pk")))


def _visibility_allows(user, *, now: datetime) -> Q:
    """A condition on documents: their visibility lets this worker see them (on a record they
    may open)."""
    allowed = Q(visibility=Document.Visibility.RECORD) | Q(uploaded_by_id=user.pk)
    if user.role != Role.PARTNER:
        allowed |= Q(visibility=Document.Visibility.COUNCIL)
    allowed |= Q(visibility=Document.Visibility.CASE_TEAM) & _on_the_case_team(user, now=now)
    return allowed & Q(removed_at__isnull=True)


def _may_see_documents(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in CASE_ROLES


def documents_visible_to(user, *, now: datetime) -> QuerySet[Document]:
    """The documents this worker may see and download now."""
    if not _may_see_documents(user):
        return Document.objects.none()
    on_open_record = Exists(
        DocumentSubject.objects.filter(
            document=OuterRef("pk"), person__in=visible_to(user, now=now)
        )
    )
    return Document.objects.filter(_visibility_allows(user, now=now), on_open_record)


def documents_on(user, person: Person, *, now: datetime) -> QuerySet[Document]:
    """The documents on this person's record the worker may see, newest first: none unless
    they may open the record (a document is on a person once, so each is listed once)."""
    if not _may_see_documents(user) or not may_open_record(user, person, now=now):
        return Document.objects.none()
    return Document.objects.filter(_visibility_allows(user, now=now), subjects__person=person)


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    # The people it is on whom this worker may know about ("and 1 other" for the rest).
    named: list
    others: int
    may_remove: bool


def rows_for(user, documents, *, now: datetime) -> list[DocumentRow]:
    """Documents with the people they are on, naming only those the worker may see."""
    documents = list(documents)
    subjects = DocumentSubject.objects.filter(document__in=documents).select_related("person")
    by_document: dict = {}
    for subject in subjects:
        by_document.setdefault(subject.document_id, []).append(subject.person)
    everyone = {p.pk for people in by_document.values() for p in people}
    hidden = identifying_details_hidden_from(user, everyone, now=now)
    rows = []
    for document in documents:
        people = by_document.get(document.pk, [])
        named = sorted((p for p in people if p.pk not in hidden), key=lambda p: p.full_name)
        rows.append(
            DocumentRow(
                document=document,
                named=named,
                others=len(people) - len(named),
                may_remove=may_remove(user, document),
            )
        )
    return rows


def may_remove(user, document: Document) -> bool:
    """Whoever added a document, or a team manager who may see it, may take it off the record."""
    return document.uploaded_by_id == user.pk or user.role in MAY_REMOVE_ANY


def record_to_return_to(user, document: Document, *, now: datetime) -> Person:
    """A record the document is on that this worker may open (there is one: they may see it)."""
    return (
        visible_to(user, now=now)
        .filter(document_subjects__document=document)
        .order_by("family_name", "given_name")
        .first()
    )


def access_document_by_id(
    user, document_id, *, now: datetime, request=None, page: str = "document"
) -> Document:
    """The document, if this worker may see it; the same 404 for missing and forbidden, and a
    refused attempt is audited."""
    document = documents_visible_to(user, now=now).filter(pk=document_id).first()
    if document is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": page, "requested_document": str(document_id)},
            request=request,
        )
        raise Http404("No document found")
    return document


def audit_download(user, document: Document, *, now: datetime, request=None) -> None:
    """One export row per person the downloaded document is on."""
    for person_id in document.subjects.values_list("person_id", flat=True):
        audit.record(
            actor=user,
            action="export",
            at=now,
            person_id=person_id,
            obj=document,
            detail={"page": "document download", "size": document.size},
            request=request,
        )


@dataclass(frozen=True)
class Offered:
    person: Person
    label: str
    is_this_person: bool


def people_to_add_to(user, person: Person, *, now: datetime, today) -> list[Offered]:
    """Who a document added from this person's record may be on: them, and the people in
    their current household whose records the worker may open."""
    households = HouseholdMember.objects.filter(current_memberships(today), person=person)
    housemates = (
        visible_to(user, now=now)
        .filter(
            Exists(
                HouseholdMember.objects.filter(
                    current_memberships(today),
                    person=OuterRef("pk"),
                    household_id__in=households.values("household_id"),
                )
            )
        )
        .exclude(pk=person.pk)
        .order_by("date_of_birth", "given_name")
    )
    return [Offered(person, f"{person.full_name} (this record)", True)] + [
        Offered(other, other.full_name, False) for other in housemates
    ]


def household_of(person: Person, chosen_ids, *, today):
    """The household a document is on: this person's current household that the other people
    chosen live in too (none when the document is on this person alone)."""
    others = set(chosen_ids) - {person.pk}
    if not others:
        return None
    shared = HouseholdMember.objects.filter(
        current_memberships(today), household=OuterRef("household_id"), person_id__in=others
    )
    member = (
        HouseholdMember.objects.filter(current_memberships(today), Exists(shared), person=person)
        .select_related("household")
        .order_by("created_at")
        .first()
    )
    return member.household if member else None
