"""Reads of the people record. Every read starts from a record the worker may open."""

from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.dateformat import format as format_date

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.access.selectors import access_person_by_id, openable_ids, visible_to
from onestory.core.clock import LONDON, today_in_london
from onestory.workforce.models import Worker
from onestory.workforce.rules import MAY_EDIT_PEOPLE, Role

from . import rules
from .models import (
    Address,
    ChronologyEntry,
    Household,
    HouseholdMember,
    Person,
    PersonMerge,
    Relationship,
)

LATEST_CHRONOLOGY = 10
CHRONOLOGY_PAGE_SIZE = 50
CHANGE_HISTORY_SHOWN = 50
# A select longer than this is no help; past it the worker pastes the record's id instead.
MOST_PEOPLE_TO_CHOOSE_FROM = 500

NO_ACCESS = "a person you do not have access to"
HIDDEN_MEMBER = "Another member (you do not have access)"


def current_memberships(today: date) -> Q:
    """Household memberships in force on `today` (a membership ends on its end date)."""
    return Q(valid_to__isnull=True) | Q(valid_to__gt=today)


def housemate_ids(person, today: date) -> QuerySet:
    """The ids of the people who share a current household with this person (not them)."""
    households = HouseholdMember.objects.filter(current_memberships(today), person=person)
    return (
        HouseholdMember.objects.filter(
            current_memberships(today), household_id__in=households.values("household_id")
        )
        .exclude(person=person)
        .values("person_id")
    )


def sees_withheld_addresses(user) -> bool:
    """Whether this worker sees a withheld address (a refuge, a foster carer's or adopters'
    home) on a record they may open. A withheld address never leaves the council (ADR 17), so a
    partner agency's worker is told only that it is withheld and why."""
    return getattr(user, "role", None) != Role.PARTNER


def addresses_for(user, addresses) -> list[Address]:
    """The addresses as this worker may see them: a withheld one, to someone outside the
    council, carries only why it is withheld and its dates (`hidden` is set on it)."""
    if sees_withheld_addresses(user):
        return list(addresses)
    return [_withheld_only(a) if a.withheld else a for a in addresses]


def _withheld_only(address: Address) -> Address:
    shown = Address(
        pk=address.pk,
        person_id=address.person_id,
        withheld=address.withheld,
        valid_from=address.valid_from,
        valid_to=address.valid_to,
    )
    shown.hidden = True
    return shown


def may_change_people(user) -> bool:
    return user.role in MAY_EDIT_PEOPLE


# --- The person page ------------------------------------------------------------------------


def _relationships_and_households(user, person: Person, *, now: datetime) -> dict:
    """The person's relationships and households, with one check of which of the other people
    named this worker may open (not one per section)."""
    relationships = list(
        Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person")
        .order_by("valid_to", "kind")
    )
    others = {
        r.to_person_id if r.from_person_id == person.pk else r.from_person_id for r in relationships
    }
    today = today_in_london(now)
    memberships = list(
        HouseholdMember.objects.filter(person=person)
        .select_related("household")
        .order_by("valid_to", "-valid_from")
    )
    current = list(
        HouseholdMember.objects.filter(
            current_memberships(today), household_id__in={m.household_id for m in memberships}
        ).values_list("household_id", "person_id")
    )
    visible = openable_ids(user, others | {p for _h, p in current}, now=now)
    return {
        "relationships": _relationship_rows(person, relationships, visible),
        "households": _household_rows(memberships, current, visible, today=today),
    }


def _relationship_rows(person: Person, relationships: list, visible: set) -> list[dict]:
    rows = []
    for r in relationships:
        seen_from_subject = r.from_person_id == person.pk
        other = r.to_person if seen_from_subject else r.from_person
        if r.has_parental_responsibility:
            responsibility = (
                f"{person.full_name} has parental responsibility"
                if seen_from_subject
                else "Has parental responsibility"
            )
        else:
            responsibility = ""
        rows.append(
            {
                "label": rules.relationship_label_for(
                    r.kind, seen_from_subject=seen_from_subject, other_sex=other.sex
                ),
                "other": other if other.pk in visible else None,
                "responsibility": responsibility,
                "alleged_harm": (
                    (
                        f"{person.full_name} is alleged to have harmed them"
                        if seen_from_subject
                        else f"Alleged to have harmed {person.full_name}"
                    )
                    if r.alleged_harm
                    else ""
                ),
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "current": r.valid_to is None,
            }
        )
    return rows


def _household_rows(memberships: list, current: list, visible: set, *, today: date) -> list[dict]:
    openable = {h for h, p in current if p in visible}
    return [
        {
            "household": m.household,
            "current": m.valid_to is None or m.valid_to > today,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "may_open": m.household_id in openable,
        }
        for m in memberships
    ]


def person_page(user, person_id, *, now: datetime, request=None) -> dict:
    """Everything the person page shows; opening it is audited."""
    person = access_person_by_id(user, person_id, now=now, request=request, page="person")
    today = today_in_london(now)
    addresses = addresses_for(user, Address.objects.filter(person=person).select_related("ward"))
    names = list(person.names.order_by("valid_to", "kind", "-valid_from"))
    return {
        "person": person,
        "merged_records": PersonMerge.objects.filter(kept=person, undone_at__isnull=True).count(),
        "today": today,
        "age": rules.age_description(
            date_of_birth=person.date_of_birth,
            expected_date_of_birth=person.expected_date_of_birth,
            estimated_age_years=person.estimated_age_years,
            date_of_death=person.date_of_death,
            today=today,
        ),
        "names": names,
        "preferred_name": min(
            (n for n in names if n.kind == "preferred" and n.valid_to is None),
            key=lambda n: n.pk,
            default=None,
        ),
        "disabilities": [rules.DISABILITY.get(code, code) for code in person.disabilities],
        "current_addresses": [a for a in addresses if a.valid_to is None],
        "past_addresses": [a for a in addresses if a.valid_to is not None],
        **_relationships_and_households(user, person, now=now),
        "chronology": list(
            ChronologyEntry.objects.filter(person=person)
            .select_related("recorded_by")
            .order_by("-occurred_at", "-created_at")[:LATEST_CHRONOLOGY]
        ),
        "change_history": change_history(person)[:CHANGE_HISTORY_SHOWN],
        "may_change": may_change_people(user),
        "now": now,  # the page's sections read the record as of this moment
    }


def display_value(field: str, value) -> str:
    """A stored detail as the page shows it: labels for codes, dates in words."""
    if value in (None, "", []):
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return format_date(value, "j F Y")
    if field == "disabilities":
        return ", ".join(rules.DISABILITY.get(code, code) for code in value)
    choices = dict(Person._meta.get_field(field).choices or [])
    return str(choices.get(value, value))


def change_history(person: Person) -> list[dict]:
    """Who changed which detail from what to what, and when; newest first."""
    records = list(
        person.history.select_related("history_user").order_by("history_date", "history_id")
    )
    rows = []
    fields = list(rules.PERSON_DETAIL_LABELS)
    for older, newer in zip([None, *records], records, strict=False):
        who = newer.history_user
        if older is None:
            rows.append({"at": newer.history_date, "who": who, "created": True})
            continue
        for change in newer.diff_against(older, included_fields=fields).changes:
            rows.append(
                {
                    "at": newer.history_date,
                    "who": who,
                    "field": rules.sentence_case(rules.PERSON_DETAIL_LABELS[change.field]),
                    "before": display_value(change.field, change.old),
                    "after": display_value(change.field, change.new),
                }
            )
    rows.reverse()
    return rows


# --- The chronology page --------------------------------------------------------------------


def chronology_categories(person_ids) -> list[tuple[str, str]]:
    codes = (
        ChronologyEntry.objects.filter(person_id__in=person_ids)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    return [(code, rules.chronology_category_label(code)) for code in codes]


# What makes one line of a family's chronology: the same event written on several members'
# records (one entry each) is shown once, with the names of those it concerns.
_EVENT = ("occurred_at", "category", "summary", "source_type", "source_id", "recorded_by")


def chronology_entries(
    person_ids,
    *,
    category="",
    date_from=None,
    date_to=None,
    significant_only=False,
    page_number=1,
):
    """The chronology of these people, newest first, one line per event, paginated; only the
    significant events for the summary view."""
    entries = ChronologyEntry.objects.filter(person_id__in=person_ids)
    if significant_only:
        entries = entries.filter(significant=True)
    if category:
        entries = entries.filter(category=category)
    if date_from:
        entries = entries.filter(occurred_at__gte=datetime.combine(date_from, time(), LONDON))
    if date_to:
        next_day = date_to + timedelta(days=1)
        entries = entries.filter(occurred_at__lt=datetime.combine(next_day, time(), LONDON))
    events = (
        entries.values(*_EVENT).annotate(people=Count("id")).order_by("-occurred_at", "summary")
    )
    paginator = Paginator(events, CHRONOLOGY_PAGE_SIZE)
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    concerned: dict = {}
    if len(person_ids) > 1 and rows:
        for entry in entries.filter(
            occurred_at__in={r["occurred_at"] for r in rows},
            source_id__in={r["source_id"] for r in rows},
        ).select_related("person"):
            key = tuple(
                getattr(entry, f if f != "recorded_by" else "recorded_by_id") for f in _EVENT
            )
            concerned.setdefault(key, []).append(entry.person.full_name)
    workers = Worker.objects.in_bulk({r["recorded_by"] for r in rows if r["recorded_by"]})
    return {
        "page": page,
        "entries": [
            {
                "entry": {**row, "recorded_by": workers.get(row["recorded_by"])},
                "category": rules.chronology_category_label(row["category"]),
                "people": sorted(concerned.get(tuple(row[f] for f in _EVENT), [])),
            }
            for row in rows
        ],
    }


# --- Families and households ----------------------------------------------------------------


def access_household_by_id(user, household_id, *, now: datetime, request=None, page="family"):
    """The household and its current members, if the worker may open at least one of them.

    Returns (household, members, visible_ids). Opening is audited once for each member the
    worker can see. Missing and forbidden give the same 404, and a refusal is audited.
    """
    today = today_in_london(now)
    household = Household.objects.filter(pk=household_id).first()
    members = []
    if household is not None:
        members = list(
            HouseholdMember.objects.filter(current_memberships(today), household=household)
            .select_related("person")
            .order_by("person__date_of_birth", "person__family_name")
        )
    visible = openable_ids(user, {m.person_id for m in members}, now=now)
    if household is None or not rules.may_open_household(visible_current_members=len(visible)):
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": page, "requested_id": str(household_id)},
            request=request,
        )
        raise Http404("No household found")
    with transaction.atomic():
        for member in members:
            if member.person_id in visible:
                audit.record(
                    actor=user,
                    action="view",
                    at=now,
                    person_id=member.person_id,
                    obj=household,
                    detail={"page": page},
                    request=request,
                )
    return household, members, visible


def family_page(user, household_id, *, now: datetime, request=None) -> dict:
    """The household's members, their relationships to each other and where they live."""
    household, members, visible = access_household_by_id(
        user, household_id, now=now, request=request
    )
    today = today_in_london(now)
    member_ids = {m.person_id for m in members}
    relationships = list(
        Relationship.objects.filter(
            from_person_id__in=member_ids, to_person_id__in=member_ids, valid_to__isnull=True
        ).select_related("from_person", "to_person")
    )
    addresses = {}
    current_addresses = Address.objects.filter(person_id__in=visible, valid_to__isnull=True)
    for address in addresses_for(user, current_addresses.select_related("ward")):
        addresses.setdefault(address.person_id, []).append(address)
    rows = []
    for member in members:
        if member.person_id not in visible:
            continue
        person = member.person
        related = []
        for r in relationships:
            if person.pk not in (r.from_person_id, r.to_person_id):
                continue
            seen_from_subject = r.from_person_id == person.pk
            other = r.to_person if seen_from_subject else r.from_person
            related.append(
                {
                    "label": rules.relationship_label_for(
                        r.kind, seen_from_subject=seen_from_subject, other_sex=other.sex
                    ),
                    "other": other if other.pk in visible else None,
                }
            )
        rows.append(
            {
                "member": member,
                "person": person,
                "age": rules.age_description(
                    date_of_birth=person.date_of_birth,
                    expected_date_of_birth=person.expected_date_of_birth,
                    estimated_age_years=person.estimated_age_years,
                    date_of_death=person.date_of_death,
                    today=today,
                ),
                "relationships": related,
                "addresses": addresses.get(person.pk, []),
            }
        )
    return {
        "household": household,
        "members": rows,
        # Members the worker cannot open are shown as one line each, and nothing else.
        "hidden_members": [HIDDEN_MEMBER] * (len(members) - len(rows)),
        "may_change": may_change_people(user),
    }


def household_member_for_change(household, members, visible, member_id) -> HouseholdMember:
    """One current member the worker can open, from what access_household_by_id returned."""
    for member in members:
        if str(member.pk) == str(member_id) and member.person_id in visible:
            return member
    raise Http404("No member found")


# --- Choosing people and households ---------------------------------------------------------


def people_to_choose_from(
    user, *, now: datetime, exclude=(), request=None
) -> tuple[QuerySet[Person], list[Person]]:
    """The records this worker can open, for picking a related person or a household member.

    Returns every such record (to check a choice or a pasted id against) and the first
    MOST_PEOPLE_TO_CHOOSE_FROM of them by name, for the list; each one listed is audited.
    """
    people = (
        visible_to(user, now=now)
        .exclude(pk__in=list(exclude))
        .order_by("family_name", "given_name", "date_of_birth")
    )
    shown = list(people[:MOST_PEOPLE_TO_CHOOSE_FROM])
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                actor=user,
                action="list",
                person_id=person.pk,
                object_type=person._meta.label_lower,
                object_id=str(person.pk),
                detail={"page": "choose a person"},
                **audit.client_of(request),
            )
            for person in shown
        ]
    )
    return people, shown


def households_to_choose_from(user, person: Person, *, now: datetime) -> QuerySet[Household]:
    """Households the worker can open that this person is not a current member of."""
    today = today_in_london(now)
    openable = HouseholdMember.objects.filter(
        current_memberships(today), person__in=visible_to(user, now=now).values("pk")
    ).values("household_id")
    already = HouseholdMember.objects.filter(current_memberships(today), person=person).values(
        "household_id"
    )
    return Household.objects.filter(pk__in=openable).exclude(pk__in=already).order_by("name")


def address_of(person: Person, address_id) -> Address:
    address = Address.objects.filter(pk=address_id, person=person).first()
    if address is None:
        raise Http404("No address found")
    return address


def people_by_ids(ids) -> dict:
    return {p.pk: p for p in Person.objects.filter(pk__in=ids)}


def edit_conflicts(person: Person, submitted: dict) -> tuple[int, list[dict]]:
    """After a stale save: the record's version now, and where it differs from the input."""
    fresh = Person.objects.get(pk=person.pk)
    rows = [
        {
            "field": rules.sentence_case(rules.PERSON_DETAIL_LABELS[name]),
            "now": display_value(name, getattr(fresh, name)),
            "yours": display_value(name, value),
        }
        for name, value in submitted.items()
        if name in rules.PERSON_DETAIL_LABELS and getattr(fresh, name) != value
    ]
    return fresh.version, rows
