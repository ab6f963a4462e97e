"""Every write to the people record.

Each action runs in one transaction, writes its audit row inside it, and adds the event to the
person's chronology. Time comes in as `now`; the Europe/London date of `now` is "today".
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import once_per_form

from . import rules
from .models import (
    Address,
    ChronologyEntry,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Postcode,
    Relationship,
)

RECORDED_BY_TEAM = "Recorded by this team"


class PersonDetailsRefused(DetailsRefused):
    """One or more details break a rule; `problems` maps each field to its message."""


def _chronology(person, *, now, acting_user, category, summary, source=None) -> ChronologyEntry:
    return ChronologyEntry.objects.create(
        person=person,
        occurred_at=now,
        category=category,
        summary=summary[:500],
        recorded_by=acting_user,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
    )


def _stamp(instance, *, acting_user, now):
    """Tell django-simple-history who made this change, and when."""
    instance._history_user = acting_user
    instance._history_date = now
    return instance


def _check_identifiers(values: dict) -> dict:
    """Normalise NHS number, UPN and disabilities; refuse ones that cannot be right."""
    problems = {}
    cleaned = dict(values)
    if cleaned.get("nhs_number"):
        nhs = rules.normalise_nhs_number(cleaned["nhs_number"])
        if nhs is None:
            problems["nhs_number"] = (
                "Enter a real NHS number: 10 digits, like 485 777 3456. Check it against a letter "
                "from the NHS, or leave it blank."
            )
        cleaned["nhs_number"] = nhs or cleaned["nhs_number"]
    if cleaned.get("upn"):
        upn = rules.normalise_upn(cleaned["upn"])
        if upn is None:
            problems["upn"] = (
                "Enter a real unique pupil number: a letter, then 12 digits or 11 digits and a "
                "letter, like A123456789012. Check it with the school, or leave it blank."
            )
        cleaned["upn"] = upn or cleaned["upn"]
    if "disabilities" in cleaned:
        codes = list(cleaned["disabilities"] or [])
        if problem := rules.disabilities_problem(codes):
            problems["disabilities"] = problem
        else:
            cleaned["disabilities"] = rules.ordered_disabilities(codes)
    if problems:
        raise PersonDetailsRefused(problems)
    return cleaned


def _check_dates(person: Person, *, today: date) -> None:
    problems = rules.person_details_problems(
        date_of_birth=person.date_of_birth,
        expected_date_of_birth=person.expected_date_of_birth,
        estimated_age_years=person.estimated_age_years,
        date_of_death=person.date_of_death,
        today=today,
    )
    if problems:
        raise PersonDetailsRefused(problems)


def _full_clean(instance, **kwargs) -> None:
    full_clean_or_refuse(instance, PersonDetailsRefused, **kwargs)


# --- People ---------------------------------------------------------------------------------


@once_per_form(Person)
def person_create(
    *,
    given_name: str,
    family_name: str,
    middle_names: str = "",
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    estimated_age_years: int | None = None,
    sex: str = "U",
    gender_identity: str = "",
    ethnicity: str = "NOBT",
    first_language: str = "",
    disabilities: list[str] | None = None,
    nhs_number: str = "",
    upn: str = "",
    immigration_status: str = "",
    unaccompanied_asylum_seeking: bool = False,
    email: str = "",
    mobile: str = "",
    address: dict | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> Person:
    """Record a new person; their legal name and (optionally) current address with it.

    The creator's team (or the creator, without a team) is allocated the record, "Recorded by
    this team", so they can open what they made. A form submitted twice with the same
    `form_token` makes one record: the second call returns the first record.
    """
    today = today_in_london(now)
    values = _check_identifiers(
        {
            "given_name": given_name.strip(),
            "middle_names": middle_names.strip(),
            "family_name": family_name.strip(),
            "date_of_birth": date_of_birth,
            "expected_date_of_birth": expected_date_of_birth,
            "estimated_age_years": estimated_age_years,
            "sex": sex,
            "gender_identity": gender_identity.strip(),
            "ethnicity": ethnicity,
            "first_language": first_language.strip(),
            "disabilities": list(disabilities or []),
            "nhs_number": nhs_number.strip(),
            "upn": upn.strip(),
            "immigration_status": immigration_status,
            "unaccompanied_asylum_seeking": unaccompanied_asylum_seeking,
            "email": email.strip(),
            "mobile": mobile.strip(),
        }
    )
    person = Person(**values)
    _check_dates(person, today=today)
    _full_clean(person, exclude=["merged_into"])
    with transaction.atomic():
        _stamp(person, acting_user=acting_user, now=now).save()
        _stamp(
            PersonName(
                person=person,
                kind="legal",
                given_name=person.given_name,
                family_name=person.family_name,
            ),
            acting_user=acting_user,
            now=now,
        ).save()
        if acting_user.team_id:
            allocation = Allocation(team_id=acting_user.team_id)
        else:
            allocation = Allocation(worker=acting_user)
        allocation.person = person
        allocation.purpose = RECORDED_BY_TEAM
        allocation.starts_at = now
        allocation.allocated_by = acting_user
        allocation.save()
        new_address = None
        if address:
            new_address = _address_add(
                person=person, acting_user=acting_user, now=now, today=today, **address
            )
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            person_id=person.pk,
            obj=person,
            detail={"with_address": new_address is not None},
            request=request,
        )
        _chronology(
            person,
            now=now,
            acting_user=acting_user,
            category="record",
            summary="Record created",
            source=person,
        )
        if new_address is not None:
            _chronology(
                person, now=now, acting_user=acting_user, category="record",
                summary=f"Address added: {new_address}", source=new_address,
            )
    return person


def person_update(
    *,
    person: Person,
    version: int,
    changes: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Person:
    """Change a person's details, refusing the save if someone else saved since `version`.

    When the legal name changes, the old legal name is kept as a previous name. The audit row
    names the fields changed, never their values; the change history keeps the values.
    """
    unknown = set(changes) - set(rules.PERSON_DETAIL_LABELS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    today = today_in_london(now)
    changes = _check_identifiers(
        {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    )
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != version:
            raise StaleEdit("person's details")
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        old_given, old_family = current.given_name, current.family_name
        for name in changed:
            setattr(current, name, changes[name])
        _check_dates(current, today=today)
        _full_clean(current, exclude=["merged_into"])
        current.version += 1
        _stamp(current, acting_user=acting_user, now=now).save(
            update_fields=[*changed, "version", "updated_at"]
        )
        if {"given_name", "family_name"} & set(changed):
            _legal_name_changed(
                current, old_given=old_given, old_family=old_family, acting_user=acting_user,
                now=now, today=today,
            )
        labels = [rules.PERSON_DETAIL_LABELS[name] for name in changed]
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            person_id=current.pk,
            obj=current,
            detail={"fields": changed},
            request=request,
        )
        _chronology(
            current,
            now=now,
            acting_user=acting_user,
            category="record",
            summary=rules.details_changed_summary(labels),
            source=current,
        )
    return current


def _legal_name_changed(person, *, old_given, old_family, acting_user, now, today) -> None:
    legal = list(person.names.filter(kind="legal", valid_to__isnull=True))
    if not legal:
        legal = [PersonName(person=person, given_name=old_given, family_name=old_family)]
    for name in legal:
        name.kind = "previous"
        name.valid_to = today
        _stamp(name, acting_user=acting_user, now=now).save()
    _stamp(
        PersonName(
            person=person,
            kind="legal",
            given_name=person.given_name,
            family_name=person.family_name,
            valid_from=today,
        ),
        acting_user=acting_user,
        now=now,
    ).save()


@once_per_form(PersonName)
def name_add(
    *,
    person: Person,
    kind: str,
    given_name: str,
    family_name: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> PersonName:
    """Record another name a person is or was known by (preferred, previous, also known as)."""
    if kind not in rules.NAME_KINDS_ADDED_BY_HAND:
        raise DomainError(
            "To change a person's legal name, change their details instead.", field="kind"
        )
    if not (given_name.strip() or family_name.strip()):
        raise DomainError("Enter a first name or a last name, or both.", field="given_name")
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(
            "The date they stopped using this name must be after the date they started.",
            field="valid_to",
        )
    with transaction.atomic():
        name = PersonName(
            person=person,
            kind=kind,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
        )
        _full_clean(name)
        _stamp(name, acting_user=acting_user, now=now).save()
        audit.record(
            actor=acting_user, action="create", at=now, person_id=person.pk, obj=name,
            detail={"kind": kind}, request=request,
        )
        _chronology(
            person, now=now, acting_user=acting_user, category="record",
            summary=f"{rules.NAME_KINDS[kind]} added: {name}", source=name,
        )
    return name


# --- Addresses ------------------------------------------------------------------------------


def _address_add(
    *,
    person: Person,
    line_1: str,
    postcode: str,
    line_2: str = "",
    town: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    withheld: str = "",
    acting_user,
    now: datetime,
    today: date,
) -> Address:
    normalised = rules.normalise_postcode(postcode)
    if normalised is None:
        raise DomainError(
            "Enter a real postcode, like LU1 2AB. If they have no fixed address, enter the "
            "postcode of where they stay most nights.",
            field="postcode",
        )
    if not line_1.strip():
        raise DomainError("Enter the first line of the address.", field="line_1")
    problem = rules.address_dates_problem(valid_from=valid_from, valid_to=valid_to, today=today)
    if problem:
        raise DomainError(problem[1], field=problem[0])
    lookup = Postcode.objects.filter(postcode=normalised).select_related("ward").first()
    address = Address(
        person=person,
        line_1=line_1.strip(),
        line_2=line_2.strip(),
        town=town.strip(),
        postcode=normalised,
        ward=lookup.ward if lookup else None,
        lsoa=lookup.lsoa if lookup else "",
        valid_from=valid_from,
        valid_to=valid_to,
        withheld=withheld,
    )
    if valid_to is None:
        # A new current address ends the one before it, on the day before the move.
        ends_on = (valid_from or today) - timedelta(days=1)
        for old in Address.objects.select_for_update().filter(person=person, valid_to__isnull=True):
            if old.valid_from and ends_on < old.valid_from:
                raise DomainError(
                    "The date they started living here must be after they moved to their current "
                    f"address ({old.valid_from:%-d %B %Y}). Check the date, or add this as a past "
                    "address with the date they left.",
                    field="valid_from",
                )
            old.valid_to = ends_on
            old.version += 1
            _stamp(old, acting_user=acting_user, now=now).save(
                update_fields=["valid_to", "version", "updated_at"]
            )
    _full_clean(address)
    _stamp(address, acting_user=acting_user, now=now).save()
    return address


@once_per_form(Address)
def address_add(
    *,
    person: Person,
    line_1: str,
    postcode: str,
    line_2: str = "",
    town: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    withheld: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Address:
    """Record where a person lives or lived. Ward and LSOA come from the postcode lookup. A
    withheld address (a refuge, a foster carer's home...) is kept out of the chronology's words.

    A current address (no end date) ends the person's previous current address on the day
    before `valid_from` (or before today, when the move date is not known).
    """
    today = today_in_london(now)
    with transaction.atomic():
        address = _address_add(
            person=person, line_1=line_1, line_2=line_2, town=town, postcode=postcode,
            valid_from=valid_from, valid_to=valid_to, withheld=withheld,
            acting_user=acting_user, now=now, today=today,
        )
        audit.record(
            actor=acting_user, action="create", at=now, person_id=person.pk, obj=address,
            detail={"current": address.valid_to is None, "withheld": bool(withheld)},
            request=request,
        )
        what = "Address added" if address.valid_to is None else "Past address added"
        where = (
            f"withheld ({rules.ADDRESS_WITHHELD[withheld].lower()})" if withheld else str(address)
        )
        _chronology(
            person, now=now, acting_user=acting_user, category="record",
            summary=f"{what}: {where}", source=address,
        )
    return address


def address_end(
    *,
    address: Address,
    version: int,
    valid_to: date,
    acting_user,
    now: datetime,
    request=None,
) -> Address:
    """Record that a person no longer lives at an address."""
    today = today_in_london(now)
    with transaction.atomic():
        current = Address.objects.select_for_update().get(pk=address.pk)
        if current.version != version:
            raise StaleEdit("address")
        if current.valid_to is not None:
            raise DomainError("This address has already been ended.", field="valid_to")
        problem = rules.address_dates_problem(
            valid_from=current.valid_from, valid_to=valid_to, today=today
        )
        if problem:
            raise DomainError(problem[1], field="valid_to")
        current.valid_to = valid_to
        current.version += 1
        _stamp(current, acting_user=acting_user, now=now).save(
            update_fields=["valid_to", "version", "updated_at"]
        )
        audit.record(
            actor=acting_user, action="update", at=now, person_id=current.person_id, obj=current,
            detail={"fields": ["valid_to"]}, request=request,
        )
        _chronology(
            current.person, now=now, acting_user=acting_user, category="record",
            summary=f"Moved out of {current} on {valid_to:%-d %B %Y}", source=current,
        )
    return current


# --- Relationships --------------------------------------------------------------------------


@once_per_form(Relationship)
def relationship_add(
    *,
    from_person: Person,
    to_person: Person,
    kind: str,
    has_parental_responsibility: bool = False,
    alleged_harm: bool = False,
    valid_from: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> Relationship:
    """Record that `from_person` is the <kind> of `to_person` (and, with `alleged_harm`, that
    `from_person` is alleged to have harmed `to_person`). It reads from both records."""
    if kind not in rules.RELATIONSHIP_KINDS:
        raise DomainError("Choose how these two people are related.", field="kind")
    if from_person.pk == to_person.pk:
        raise DomainError(
            "A person cannot have a relationship with themselves. Choose someone else.",
            field="other_person",
        )
    if valid_from and valid_from > today_in_london(now):
        raise DomainError(
            "The date the relationship started must be today or in the past.", field="valid_from"
        )
    same = Q(from_person=from_person, to_person=to_person)
    if kind in rules.SYMMETRIC_RELATIONSHIPS:
        same |= Q(from_person=to_person, to_person=from_person)
    with transaction.atomic():
        if Relationship.objects.filter(same, kind=kind, valid_to__isnull=True).exists():
            raise DomainError(
                "This relationship is already recorded. Check the relationships on the record.",
                field="other_person",
            )
        relationship = Relationship(
            from_person=from_person,
            to_person=to_person,
            kind=kind,
            has_parental_responsibility=has_parental_responsibility,
            alleged_harm=alleged_harm,
            valid_from=valid_from,
        )
        _full_clean(relationship)
        _stamp(relationship, acting_user=acting_user, now=now).save()
        for subject, seen_from_subject, other in (
            (from_person, True, to_person),
            (to_person, False, from_person),
        ):
            audit.record(
                actor=acting_user, action="create", at=now, person_id=subject.pk,
                obj=relationship, detail={"kind": kind, "alleged_harm": alleged_harm},
                request=request,
            )
            # Names stay out: a later reader of this chronology may not be able to open `other`.
            label = rules.relationship_label_for(
                kind, seen_from_subject=seen_from_subject, other_sex=other.sex
            )
            _chronology(
                subject, now=now, acting_user=acting_user, category="relationship",
                summary=f"Relationship recorded: {label.lower()}", source=relationship,
            )
    return relationship


# --- Households -----------------------------------------------------------------------------


@once_per_form(Household)
def household_create(
    *,
    name: str,
    members: list[Person],
    valid_from: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> Household:
    """Start a family or household with its first members (at least one)."""
    if not name.strip():
        raise DomainError("Enter a name for the household, like The Smith family.", field="name")
    if not members:
        raise DomainError("A household needs at least one member.")
    with transaction.atomic():
        household = Household(name=name.strip())
        _full_clean(household)
        _stamp(household, acting_user=acting_user, now=now).save()
        audit.record(
            actor=acting_user, action="create", at=now, person_id=members[0].pk, obj=household,
            request=request,
        )
        for person in members:
            _member_add(household, person, valid_from=valid_from, acting_user=acting_user,
                        now=now, request=request)
    return household


def _member_add(household, person, *, valid_from, acting_user, now, request) -> HouseholdMember:
    if HouseholdMember.objects.filter(
        household=household, person=person, valid_to__isnull=True
    ).exists():
        raise DomainError(
            f"{person.full_name} is already a member of this household.", field="person"
        )
    member = HouseholdMember(household=household, person=person, valid_from=valid_from)
    _stamp(member, acting_user=acting_user, now=now).save()
    audit.record(
        actor=acting_user, action="create", at=now, person_id=person.pk, obj=member,
        detail={"household": str(household.pk)}, request=request,
    )
    _chronology(
        person, now=now, acting_user=acting_user, category="household",
        summary=f"Joined the household: {household.name}", source=member,
    )
    return member


@once_per_form(HouseholdMember)
def household_add_member(
    *,
    household: Household,
    person: Person,
    valid_from: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> HouseholdMember:
    """Add a person to a family or household."""
    if valid_from and valid_from > today_in_london(now):
        raise DomainError(
            "The date they joined the household must be today or in the past.", field="valid_from"
        )
    with transaction.atomic():
        return _member_add(household, person, valid_from=valid_from, acting_user=acting_user,
                           now=now, request=request)


def household_remove_member(
    *,
    member: HouseholdMember,
    acting_user,
    now: datetime,
    request=None,
) -> HouseholdMember:
    """Record that a person has left a household (today). Their past membership is kept."""
    today = today_in_london(now)
    with transaction.atomic():
        current = HouseholdMember.objects.select_for_update().select_related(
            "household", "person"
        ).get(pk=member.pk)
        if current.valid_to is not None:
            raise DomainError("This person has already left the household.")
        current.valid_to = max(today, current.valid_from or today)
        current.version += 1
        _stamp(current, acting_user=acting_user, now=now).save(
            update_fields=["valid_to", "version", "updated_at"]
        )
        audit.record(
            actor=acting_user, action="update", at=now, person_id=current.person_id, obj=current,
            detail={"fields": ["valid_to"], "household": str(current.household_id)},
            request=request,
        )
        _chronology(
            current.person, now=now, acting_user=acting_user, category="household",
            summary=f"Left the household: {current.household.name}", source=current,
        )
    return current
