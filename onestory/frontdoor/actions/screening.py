"""Screening a contact: who screens it, who the people named are, what partners say."""

from datetime import datetime, timedelta

from django.db import transaction

from onestory.access.models import Allocation
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.locking import bump
from onestory.people import actions as people_actions
from onestory.people import matching
from onestory.people.models import Person

from .. import rules
from ..models import (
    Contact,
    ContactPerson,
    InformationRequest,
)
from ..rules import Status
from .common import (
    PURPOSE_FRONT_DOOR,
    _audit,
    _chronology,
    _locked,
    _require_screener,
    _source_of_text,
    may_screen,
)

# --- Screening -------------------------------------------------------------------------------


def contact_assign(
    *, contact_id, to_worker, version: int, acting_user, now: datetime, request=None
) -> Contact:
    """Give a contact to a screener (themselves or another front-door worker)."""
    _require_screener(acting_user)
    if not may_screen(to_worker):
        raise DomainError("Choose a front-door worker to screen this contact.", field="worker")
    with transaction.atomic():
        contact = _locked(contact_id, version=version)
        if not rules.may("assign", contact.status):
            raise DomainError(
                f"This contact cannot be given to a screener: it is "
                f"{contact.status_enum.label.lower()}."
            )
        contact.assigned_to = to_worker
        contact.assigned_at = now
        contact.status = Status.SCREENING
        bump(contact, "assigned_to", "assigned_at", "status")
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"assigned_to": to_worker.username},
        )
    return contact


def _front_door_allocation(person_id, *, acting_user, now) -> None:
    """Let the screener's team open the record while the contact is screened."""
    open_already = Allocation.objects.filter(
        person_id=person_id, purpose=PURPOSE_FRONT_DOOR, ends_at__isnull=True
    )
    if acting_user.team_id:
        open_already = open_already.filter(team_id=acting_user.team_id)
    else:
        open_already = open_already.filter(worker=acting_user)
    if not open_already.exists():
        Allocation.objects.create(
            person_id=person_id,
            team_id=acting_user.team_id,
            worker=None if acting_user.team_id else acting_user,
            purpose=PURPOSE_FRONT_DOOR,
            starts_at=now,
            allocated_by=acting_user,
        )


def _open_named(contact_person_id, *, acting_user) -> ContactPerson:
    named = (
        ContactPerson.objects.select_for_update()
        .select_related("contact")
        .get(pk=contact_person_id)
    )
    if not named.contact.is_open:
        raise DomainError("This contact is closed: the people named in it can no longer change.")
    if named.person_id:
        raise DomainError(
            "This person has already been linked to a record. Refresh the page to see it."
        )
    return named


def contact_person_link(
    *, contact_person_id, person_id, acting_user, now: datetime, request=None
) -> ContactPerson:
    """Link a person named in a contact to the record that is them."""
    _require_screener(acting_user)
    with transaction.atomic():
        named = _open_named(contact_person_id, acting_user=acting_user)
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None:
            raise DomainError("That record no longer exists. Search again.")
        if named.contact.people.filter(person=person).exists():
            raise DomainError("This record is already linked to someone else named in the contact.")
        named.person = person
        named.link = ContactPerson.Link.EXISTING
        named.linked_by = acting_user
        named.linked_at = now
        named.save(update_fields=["person", "link", "linked_by", "linked_at", "updated_at"])
        _front_door_allocation(person.pk, acting_user=acting_user, now=now)
        contact = named.contact
        bump(contact)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            person_id=person.pk,
            detail={"linked": named.get_role_display()},
        )
        _chronology(
            contact,
            f"Named in request for support {contact.reference} from {_source_of_text(contact)} "
            f"(received {contact.received_at.astimezone(rules.LONDON):%-d %B %Y})",
            acting_user=acting_user,
            now=now,
            people=[person.pk],
        )
    return named


def contact_person_create_record(
    *, contact_person_id, none_of_the_matches: bool, acting_user, now: datetime, request=None
) -> ContactPerson:
    """Make a new record for a person named in a contact who is not known.

    Refused while a likely match exists that the screener has not ruled out, so that nobody is
    created twice by accident; refused too once the person is linked (a second click).
    """
    _require_screener(acting_user)
    with transaction.atomic():
        named = _open_named(contact_person_id, acting_user=acting_user)
        query = matching.prepare_query(
            given_name=named.given_name,
            family_name=named.family_name,
            date_of_birth=named.date_of_birth,
            postcode=named.postcode,
            nhs_number=named.nhs_number,
            upn=named.upn,
        )
        likely = [r for r in matching.search(query) if r.match.band == matching.match_rules.LIKELY]
        if likely and not none_of_the_matches:
            raise DomainError(
                "A record looks like the same person. Link them to it, or confirm that none of "
                "the records found is this person.",
                field="none_of_the_matches",
            )
        if not (named.given_name and named.family_name):
            raise DomainError(
                "A new record needs a first and a last name. Ask the referrer, or link an "
                "existing record."
            )
        address = None
        if named.address and named.postcode:
            address = {"line_1": named.address, "postcode": named.postcode}
        person = people_actions.person_create(
            given_name=named.given_name,
            family_name=named.family_name,
            date_of_birth=named.date_of_birth,
            nhs_number=named.nhs_number,
            upn=named.upn,
            address=address,
            acting_user=acting_user,
            now=now,
            request=request,
        )
        named.person = person
        named.link = ContactPerson.Link.NEW
        named.linked_by = acting_user
        named.linked_at = now
        named.save(update_fields=["person", "link", "linked_by", "linked_at", "updated_at"])
        _front_door_allocation(person.pk, acting_user=acting_user, now=now)
        contact = named.contact
        bump(contact)
        _chronology(
            contact,
            f"Named in request for support {contact.reference} from {_source_of_text(contact)}",
            acting_user=acting_user,
            now=now,
            people=[person.pk],
        )
    return named


def information_request_add(
    *,
    contact_id,
    agency_kind: str,
    asked_of: str,
    question: str,
    reply_within_hours: int,
    acting_user,
    now: datetime,
    request=None,
) -> InformationRequest:
    _require_screener(acting_user)
    problems = {}
    if agency_kind not in InformationRequest.AgencyKind.values:
        problems["agency_kind"] = "Choose which agency you asked."
    if not asked_of.strip():
        problems["asked_of"] = "Say who you asked, for example the police public protection unit."
    if not question.strip():
        problems["question"] = "Write down what you asked."
    if not 1 <= reply_within_hours <= 72:
        problems["reply_within_hours"] = "Choose when you need the reply by."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        contact = _locked(contact_id)
        if not contact.is_open:
            raise DomainError("This contact is closed: no more information can be asked for.")
        info = InformationRequest.objects.create(
            contact=contact,
            agency_kind=agency_kind,
            asked_of=asked_of.strip(),
            question=question.strip(),
            requested_at=now,
            requested_by=acting_user,
            due_at=now + timedelta(hours=reply_within_hours),
        )
        bump(contact)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"information_request": info.get_agency_kind_display()},
        )
    return info


def information_request_reply(
    *, information_request_id, reply: str, acting_user, now: datetime, request=None
) -> InformationRequest:
    _require_screener(acting_user)
    if not reply.strip():
        raise DomainError("Write down what the agency told you.", field="reply")
    with transaction.atomic():
        info = InformationRequest.objects.select_for_update().get(pk=information_request_id)
        if info.replied_at:
            raise DomainError("A reply to this request is already recorded.")
        info.reply = reply.strip()
        info.replied_at = now
        info.reply_recorded_by = acting_user
        info.save(update_fields=["reply", "replied_at", "reply_recorded_by", "updated_at"])
        _audit(
            info.contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"information_reply": info.get_agency_kind_display()},
        )
    return info
