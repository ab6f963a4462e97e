"""Registering a family with the family hubs, changing how to contact them, adding a member and
ending the registration.

A family registers once, whichever site they first come to. Each person is either a record the
practitioner confirmed at the door (linked: no new record is made) or a new record made through
the people actions, so the record stays one story. Every write is one transaction with its
audit row, and a line in each person's chronology.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, F

from onestory.access import audit
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people import actions as people_actions
from onestory.people.models import Address, ChronologyEntry, HouseholdMember, Person
from onestory.people.rules import normalise_postcode

from .. import rules_register
from ..models import Booking, RegisteredPerson, Registration, Site

NO_CONSENT = (
    "Tick to confirm the family agreed to the family hubs keeping their details. Without their "
    "agreement they cannot be registered: they are still welcome at sessions open to everyone."
)
NO_CHILD = (
    "Add at least one child, or a baby on the way: family hubs register families with children."
)
NO_PEOPLE = "Add at least one child and one parent or carer."
ENDED = "This family's registration has ended: register them again if they come back."
ALREADY_ENDED = "This registration has already ended."
SAME_PERSON_TWICE = "The same person is chosen twice. Choose each person once."
NO_ADDRESS = "Enter the family's address: the first line and the postcode."


class AlreadyRegistered(DomainError):
    """A person is already in a current registration: use that family rather than a new one."""

    def __init__(self, name: str, registration: Registration, *, field: str | None = None):
        super().__init__(
            f"{name} is already registered with family {registration.reference}. Open that "
            "family to add to it, or end that registration first.",
            field=field,
        )
        self.registration = registration


def _hub_chronology(person_ids, summary: str, *, source, acting_user, now: datetime) -> None:
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=rules_register.CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=source._meta.label_lower,
                source_id=str(source.pk),
            )
            for person_id in person_ids
        ]
    )


def _unique_reference() -> str:
    for _ in range(20):
        reference = rules_register.new_reference()
        if not Registration.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("No free family hub reference after 20 tries")


def _refuse_if_registered(person: Person, *, field: str | None) -> None:
    current = (
        RegisteredPerson.objects.filter(person=person, registration__ended_at__isnull=True)
        .select_related("registration")
        .first()
    )
    if current is not None:
        raise AlreadyRegistered(person.full_name, current.registration, field=field)


def _new_person(details: dict, *, address: dict | None, field_prefix: str, acting_user, now):
    values = {
        "given_name": details["given_name"].strip()
        or (rules_register.UNBORN_GIVEN_NAME if details.get("expected_date_of_birth") else ""),
        "family_name": details["family_name"],
        "date_of_birth": details.get("date_of_birth"),
        "expected_date_of_birth": details.get("expected_date_of_birth"),
        "sex": details.get("sex") or "U",
        "ethnicity": details.get("ethnicity") or "NOBT",
    }
    try:
        return people_actions.person_create(
            **values, address=address, acting_user=acting_user, now=now
        )
    except DomainError as refusal:
        problems = getattr(refusal, "problems", None) or {refusal.field: refusal.message}
        raise DetailsRefused(
            {
                (f"{field_prefix}{name}" if name and name not in _ADDRESS_FIELDS else name): text
                for name, text in problems.items()
            }
        ) from refusal


_ADDRESS_FIELDS = {"line_1", "line_2", "town", "postcode", "valid_from", "valid_to"}


def _address_differs(person: Person, address: dict) -> bool:
    current = Address.objects.filter(person=person, valid_to__isnull=True).first()
    if current is None:
        return True
    return (
        current.postcode != normalise_postcode(address["postcode"])
        or current.line_1.strip().lower() != address["line_1"].strip().lower()
    )


def _household_for(matched: list[Person]):
    """The record's household to register, when every person confirmed at the door lives in the
    same one and it is not registered already; otherwise None (a new household is made)."""
    if not matched:
        return None
    ids = [p.pk for p in matched]
    shared = (
        HouseholdMember.objects.filter(person_id__in=ids, valid_to__isnull=True)
        .values("household_id")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n=len(ids))
        .values_list("household_id", flat=True)
    )
    free = [
        h
        for h in shared
        if not Registration.objects.filter(household_id=h, ended_at__isnull=True).exists()
    ]
    if len(free) == 1:
        return free[0]
    return None


@once_per_form(Registration)
def registration_create(
    *,
    site: Site,
    people: list[dict],
    address: dict,
    contact_by: str,
    consent_to_register: bool,
    phone: str = "",
    email: str = "",
    consent_to_news: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Registration:
    """Register a family: its people, the address they gave, how to contact them and their
    consent. Safe to submit twice (the same `form_token` returns the first registration).

    `people` are dicts of role ("child", "carer" or "expectant"), given_name, family_name,
    date_of_birth or expected_date_of_birth, sex, ethnicity, and `person`: the record the
    practitioner confirmed is the same person (None: a new record is made). A person already in
    a current registration is refused (AlreadyRegistered). Confirmed records whose current
    address differs get the address the family gave as their current one (the old one is kept
    as past); the family joins the record's household when all the confirmed people share one,
    otherwise a new household.
    """
    if not consent_to_register:
        raise DomainError(NO_CONSENT, field="consent_to_register")
    if not people:
        raise DomainError(NO_PEOPLE)
    if not any(p["role"] == RegisteredPerson.Role.CHILD for p in people):
        raise DomainError(NO_CHILD)
    if not (address.get("line_1", "").strip() and address.get("postcode", "").strip()):
        raise DomainError(NO_ADDRESS, field="line_1")
    if problem := rules_register.contact_problem(contact_by=contact_by, phone=phone, email=email):
        raise DomainError(problem[1], field=problem[0])
    matched_ids = [p["person"].pk for p in people if p.get("person") is not None]
    if len(matched_ids) != len(set(matched_ids)):
        raise DomainError(SAME_PERSON_TWICE)
    address = {k: address.get(k, "") for k in ("line_1", "line_2", "town", "postcode")}
    with transaction.atomic():
        matched = []
        for index, details in enumerate(people):
            if details.get("person") is not None:
                person = Person.objects.select_for_update().get(pk=details["person"].pk)
                if person.merged_into_id is not None:
                    raise DomainError(
                        "That record has been merged into another. Search again.",
                        field=f"person-{index}-match",
                    )
                _refuse_if_registered(person, field=f"person-{index}-match")
                matched.append(person)
        household_id = _household_for(matched)
        registered: list[tuple[Person, str]] = []
        for index, details in enumerate(people):
            person = details.get("person")
            if person is None:
                person = _new_person(
                    details,
                    address=address,
                    field_prefix=f"person-{index}-",
                    acting_user=acting_user,
                    now=now,
                )
            elif _address_differs(person, address):
                people_actions.address_add(
                    person=person, **address, acting_user=acting_user, now=now, request=request
                )
            registered.append((person, details["role"]))
        if household_id is None:
            first = next((p for p, r in registered if r != RegisteredPerson.Role.CHILD), None)
            name = f"{(first or registered[0][0]).family_name} family"
            household = people_actions.household_create(
                name=name,
                members=[p for p, _ in registered],
                acting_user=acting_user,
                now=now,
                request=request,
            )
        else:
            household = HouseholdMember.objects.get(
                household_id=household_id, person=matched[0], valid_to__isnull=True
            ).household
            current = set(
                household.members.filter(valid_to__isnull=True).values_list("person_id", flat=True)
            )
            for person, _ in registered:
                if person.pk not in current:
                    people_actions.household_add_member(
                        household=household,
                        person=person,
                        acting_user=acting_user,
                        now=now,
                        request=request,
                    )
        registration = Registration(
            reference=_unique_reference(),
            household=household,
            site=site,
            registered_at=now,
            registered_by=acting_user,
            phone=phone.strip(),
            email=email.strip(),
            contact_by=contact_by,
            consent_to_register=True,
            consent_to_news=consent_to_news,
        )
        full_clean_or_refuse(registration)
        registration.save()
        for person, role in registered:
            member = RegisteredPerson(registration=registration, person=person, role=role)
            full_clean_or_refuse(member, exclude=["registration", "person"])
            member.save()
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            obj=registration,
            detail={
                "page": "family hub registration",
                "people": len(registered),
                "matched": len(matched),
            },
            request=request,
        )
        _hub_chronology(
            [p.pk for p, _ in registered],
            rules_register.registration_summary(site.name),
            source=registration,
            acting_user=acting_user,
            now=now,
        )
    return registration


def _locked(registration: Registration, version: int | None) -> Registration:
    """The registration, locked, refused if it has ended or changed since `version`."""
    current = locked(Registration, registration.pk, version=version, what="family's registration")
    if current.ended_at is not None:
        raise DomainError(ENDED)
    return current


def registration_update(
    *,
    registration: Registration,
    version: int,
    phone: str,
    email: str,
    contact_by: str,
    consent_to_news: bool,
    acting_user,
    now: datetime,
    request=None,
) -> Registration:
    """Change how to contact a family and whether they want news of sessions, refusing the save
    if someone else saved the registration since `version`."""
    if problem := rules_register.contact_problem(contact_by=contact_by, phone=phone, email=email):
        raise DomainError(problem[1], field=problem[0])
    with transaction.atomic():
        current = _locked(registration, version)
        changes = {
            "phone": phone.strip(),
            "email": email.strip(),
            "contact_by": contact_by,
            "consent_to_news": consent_to_news,
        }
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        full_clean_or_refuse(current)
        bump(current, *changed)
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=current,
            detail={"page": "family hub registration", "fields": changed},
            request=request,
        )
    return current


@once_per_form(RegisteredPerson)
def registered_person_add(
    *,
    registration: Registration,
    details: dict,
    acting_user,
    now: datetime,
    request=None,
) -> RegisteredPerson:
    """Add someone to a registered family (a new baby, a partner moving in): the record the
    practitioner confirmed (`details["person"]`) or a new one living at the family's address.
    Safe to submit twice."""
    from ..selectors_register import family_address

    with transaction.atomic():
        current = _locked(registration, None)
        person = details.get("person")
        if person is not None:
            person = Person.objects.select_for_update().get(pk=person.pk)
            if person.merged_into_id is not None:
                raise DomainError(
                    "That record has been merged into another. Search again.",
                    field="person-0-match",
                )
            _refuse_if_registered(person, field="person-0-match")
        else:
            home = family_address(current)
            address = (
                {
                    "line_1": home.line_1,
                    "line_2": home.line_2,
                    "town": home.town,
                    "postcode": home.postcode,
                }
                if home is not None
                else None
            )
            person = _new_person(
                details,
                address=address,
                field_prefix="person-0-",
                acting_user=acting_user,
                now=now,
            )
        if not current.household.members.filter(person=person, valid_to__isnull=True).exists():
            people_actions.household_add_member(
                household=current.household,
                person=person,
                acting_user=acting_user,
                now=now,
                request=request,
            )
        member = RegisteredPerson(registration=current, person=person, role=details["role"])
        full_clean_or_refuse(member, exclude=["registration", "person"])
        member.save()
        bump(current)
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            person_id=person.pk,
            obj=member,
            detail={"page": "family hub registration", "registration": str(current.pk)},
            request=request,
        )
        _hub_chronology(
            [person.pk],
            rules_register.registration_summary(current.site.name),
            source=current,
            acting_user=acting_user,
            now=now,
        )
    return member


def registration_end(
    *,
    registration: Registration,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> Registration:
    """End a family's registration (they moved away, or asked to be taken off): their bookings
    of sessions still to come are cancelled, and what they attended stays on the record."""
    with transaction.atomic():
        current = locked(
            Registration, registration.pk, version=version, what="family's registration"
        )
        if current.ended_at is not None:
            raise DomainError(ALREADY_ENDED)
        current.ended_at = now
        bump(current, "ended_at")
        cancelled = Booking.objects.filter(
            registration=current, cancelled_at__isnull=True, session__starts_at__gt=now
        ).update(cancelled_at=now, version=F("version") + 1, updated_at=now)
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=current,
            detail={
                "page": "family hub registration",
                "fields": ["ended_at"],
                "bookings_cancelled": cancelled,
            },
            request=request,
        )
        _hub_chronology(
            list(current.people.values_list("person_id", flat=True)),
            rules_register.registration_ended_summary(),
            source=current,
            acting_user=acting_user,
            now=now,
        )
    return current
