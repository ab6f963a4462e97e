"""Reads of the people record. Every read starts from a record the worker may open."""

from datetime import datetime

from django.db.models import Q

from onestory.access.selectors import access_person_by_id

from .models import Address, ChronologyEntry, HouseholdMember, Person, Relationship


def person_page(user, person_id, *, now: datetime, request=None) -> dict:
    """Everything the person page shows; opening it is audited."""
    person = access_person_by_id(user, person_id, now=now, request=request, page="person")
    relationships = (
        Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
        .select_related("from_person", "to_person")
        .order_by("kind")
    )
    return {
        "person": person,
        "names": list(person.names.all()),
        "addresses": list(Address.objects.filter(person=person).select_related("ward")),
        "relationships": list(relationships),
        "households": list(HouseholdMember.objects.filter(person=person).select_related("household")),
        "chronology": list(ChronologyEntry.objects.filter(person=person).select_related("recorded_by")[:20]),
    }


def people_by_ids(ids) -> dict:
    return {p.pk: p for p in Person.objects.filter(pk__in=ids)}
