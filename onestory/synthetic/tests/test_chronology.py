"""The chronology `onestory synth` writes for everyone it makes, checked on a tiny town."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, time

import pytest
from django.db import connection
from django.db.models import Count, Min, Q

from onestory.access.models import Allocation
from onestory.core.clock import LONDON
from onestory.earlyhelp.actions.common import CHRONOLOGY_CATEGORY as EARLY_HELP
from onestory.earlyhelp.models import EpisodeMember
from onestory.familyhubs.actions.referrals import CHRONOLOGY_CATEGORY as SERVICE_REFERRAL
from onestory.familyhubs.models import Attendance, ServiceReferral
from onestory.familyhubs.rules_register import CHRONOLOGY_CATEGORY as FAMILY_HUB
from onestory.frontdoor.actions import CHRONOLOGY_CATEGORY as FRONT_DOOR
from onestory.frontdoor.actions import PURPOSE_FRONT_DOOR
from onestory.frontdoor.models import ContactPerson
from onestory.people.models import (
    Address,
    ChronologyEntry,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
)
from onestory.people.rules import CHRONOLOGY_CATEGORIES, RELATIONSHIP_KINDS
from onestory.recording.models import CaseNoteSubject
from onestory.recording.rules import CHRONOLOGY_CATEGORY as NOTE_CATEGORIES
from onestory.recording.rules import DEFAULT_CHRONOLOGY_CATEGORY as CASE_NOTE
from onestory.socialcare.actions.common import CHRONOLOGY_CATEGORY as SOCIAL_CARE
from onestory.synthetic import socialcare as socialcare_module
from onestory.synthetic.chronology import LAST_DAY
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.models import PlantedDuplicate, SyntheticRun

NOTES = {CASE_NOTE, *NOTE_CATEGORIES.values()}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_town")]


def _london_day(moment: datetime):
    return moment.astimezone(LONDON).date()


def test_everyone_has_a_chronology_that_starts_with_their_record_being_created():
    people = Person.objects.count()
    created = ChronologyEntry.objects.filter(summary="Record created")
    assert created.count() == created.values("person").distinct().count() == people
    assert not Person.objects.annotate(n=Count("chronology")).filter(n=0).exists()
    first = dict(ChronologyEntry.objects.values_list("person").annotate(first=Min("occurred_at")))
    for person_id, occurred_at in created.values_list("person_id", "occurred_at"):
        assert first[person_id] == occurred_at
    assert not created.exclude(source_type="people.person").exists()


def test_a_few_entries_a_person_and_the_run_counts_them():
    entries = ChronologyEntry.objects.count()
    assert entries == SyntheticRun.objects.get().counts["chronology_entries"]
    # Family hub attendance adds about two lines a person (the town's families come often), and
    # the last year's case notes one or two more.
    assert 2.5 < entries / Person.objects.count() < 11.5


def test_categories_are_only_those_the_product_uses():
    categories = set(ChronologyEntry.objects.values_list("category", flat=True))
    assert categories == {
        "record",
        "relationship",
        "household",
        "allocation",
        FRONT_DOOR,
        EARLY_HELP,
        SOCIAL_CARE,
        FAMILY_HUB,
        SERVICE_REFERRAL,
        *NOTES,
    }
    services = {
        "allocation",
        FRONT_DOOR,
        EARLY_HELP,
        SOCIAL_CARE,
        FAMILY_HUB,
        SERVICE_REFERRAL,
        *NOTES,
    }
    assert categories - services <= set(CHRONOLOGY_CATEGORIES)


def test_every_entry_is_before_the_reference_date_in_working_hours_and_recorded_by_the_system():
    # The front door's entries are checked in test_contacts: contacts come at any hour.
    start_of_reference_day = datetime.combine(REFERENCE_DATE, datetime.min.time(), tzinfo=LONDON)
    entries = ChronologyEntry.objects.exclude(category=FRONT_DOOR)
    assert not entries.filter(occurred_at__gte=start_of_reference_day).exists()
    for occurred_at in entries.values_list("occurred_at", flat=True):
        assert occurred_at.utcoffset().total_seconds() == 0
        assert 8 <= occurred_at.astimezone(LONDON).hour <= 17
    # Allocations, casework and family hubs' work are recorded by the practitioner who did it.
    worked = ("allocation", EARLY_HELP, SOCIAL_CARE, FAMILY_HUB, SERVICE_REFERRAL, *NOTES)
    assert not entries.exclude(category__in=worked).filter(recorded_by__isnull=False).exists()


def test_an_address_move_is_on_the_day_of_the_move():
    moves = 0
    addresses = defaultdict(list)
    for address in Address.objects.filter(person__date_of_death__isnull=True):
        addresses[address.person_id].append(address)
    entries = {
        e.source_id: e
        for e in ChronologyEntry.objects.filter(
            source_type="people.address", summary__startswith="Moved to "
        )
    }
    for person_addresses in addresses.values():
        starts = {a.valid_from: a for a in person_addresses}
        for old in person_addresses:
            new = starts.get(old.valid_to)
            if old.valid_to is None or new is None or new is old:
                continue
            entry = entries[str(new.pk)]
            assert entry.person_id == new.person_id
            assert entry.summary == f"Moved to {new.line_1}, {new.postcode}"
            assert _london_day(entry.occurred_at) == new.valid_from
            moves += 1
    assert moves >= 50


def test_every_entry_points_at_a_row_of_the_same_person():
    owners = {
        "people.person": {str(pk): pk for pk in Person.objects.values_list("pk", flat=True)},
        "people.address": {str(a): p for a, p in Address.objects.values_list("pk", "person")},
        "people.personname": {str(n): p for n, p in PersonName.objects.values_list("pk", "person")},
        "people.householdmember": {
            str(m): p for m, p in HouseholdMember.objects.values_list("pk", "person")
        },
        "access.allocation": {str(a): p for a, p in Allocation.objects.values_list("pk", "person")},
        "familyhubs.attendance": {
            str(a): p for a, p in Attendance.objects.values_list("pk", "person")
        },
    }
    for model in socialcare_module.TABLES:  # the statutory record's rows name their child
        if any(f.name == "person" for f in model._meta.get_fields()):
            owners[model._meta.label_lower] = {
                str(pk): p for pk, p in model.objects.values_list("pk", "person")
            }
    named = defaultdict(set)
    for contact, person in ContactPerson.objects.exclude(person=None).values_list(
        "contact", "person"
    ):
        named[str(contact)].add(person)
    relationships = {
        str(r): {a, b}
        for r, a, b in Relationship.objects.values_list("pk", "from_person", "to_person")
    }
    members = defaultdict(set)
    for episode, person in EpisodeMember.objects.values_list("episode", "person"):
        members[str(episode)].add(person)
    referred = defaultdict(set)
    for referral, person in ServiceReferral.people.through.objects.values_list(
        "servicereferral", "person"
    ):
        referred[str(referral)].add(person)
    subjects = defaultdict(set)
    for note, person in CaseNoteSubject.objects.values_list("note", "person"):
        subjects[str(note)].add(person)
    seen = Counter()
    for person_id, source_type, source_id in ChronologyEntry.objects.values_list(
        "person_id", "source_type", "source_id"
    ):
        seen[source_type] += 1
        if source_type == "people.relationship":
            assert person_id in relationships[source_id]
        elif source_type == "frontdoor.contact":
            assert person_id in named[source_id]
        elif source_type == "earlyhelp.episode":
            assert person_id in members[source_id]
        elif source_type == "familyhubs.servicereferral":
            assert person_id in referred[source_id]
        elif source_type == "recording.casenote":
            assert person_id in subjects[source_id]
        else:
            assert owners[source_type][source_id] == person_id
    statutory = {key for key in owners if key.startswith("socialcare.")}
    assert set(seen) - statutory == set(owners) - statutory | {
        "people.relationship",
        "frontdoor.contact",
        "earlyhelp.episode",
        "familyhubs.servicereferral",
        "recording.casenote",
    }
    assert {"socialcare.assessment", "socialcare.careperiod"} <= set(seen)


def test_relationships_are_worded_as_the_people_app_words_them_without_the_other_name():
    labels = {label.lower() for pair in RELATIONSHIP_KINDS.values() for label in pair}
    labels |= {"mother", "father", "son", "daughter", "brother", "sister", "half-brother"}
    labels |= {"half-sister", "stepfather", "stepmother", "stepson", "stepdaughter"}
    labels |= {"grandmother", "grandfather", "granddaughter", "grandson"}
    summaries = set(
        ChronologyEntry.objects.filter(category="relationship").values_list("summary", flat=True)
    )
    assert summaries
    for summary in summaries:
        prefix, _, label = summary.partition(": ")
        assert prefix == "Relationship recorded" and label in labels


def test_a_baby_s_parents_have_the_birth_in_their_chronology():
    births = 0
    born = dict(Person.objects.values_list("pk", "date_of_birth"))
    created = dict(
        ChronologyEntry.objects.filter(summary="Record created").values_list(
            "person_id", "occurred_at"
        )
    )
    entries = defaultdict(list)
    for e in ChronologyEntry.objects.filter(category="relationship"):
        entries[(e.person_id, e.source_id)].append(e)
    allocated = set(Allocation.objects.values_list("person_id", flat=True))
    parents = Relationship.objects.filter(
        kind="parent", from_person__date_of_death__isnull=True
    ).exclude(valid_from=None)
    for r in parents.exclude(from_person__in=allocated):
        child_born, parent_known = born[r.to_person_id], _london_day(created[r.from_person_id])
        born_known = _london_day(created[r.to_person_id]) == child_born
        if born_known and child_born > parent_known:
            [entry] = entries[(r.from_person_id, str(r.pk))]
            assert _london_day(entry.occurred_at) == child_born
            assert entry.summary in (
                "Relationship recorded: son",
                "Relationship recorded: daughter",
            )
            births += 1
    assert births >= 20


def test_joining_a_household_and_allocations_are_on_the_chronology():
    joined = ChronologyEntry.objects.filter(
        category="household", summary__startswith="Joined the household: "
    )
    assert joined.values("person").distinct().count() == HouseholdMember.objects.count()
    entries = {e.source_id: e for e in ChronologyEntry.objects.filter(category="allocation")}
    # The front door team's access while it screens a contact is not news on the chronology
    # (as in the product); every other allocation is.
    casework = Allocation.objects.exclude(purpose=PURPOSE_FRONT_DOOR)
    assert len(entries) == casework.count()
    last_moment = datetime.combine(LAST_DAY, time(10), tzinfo=UTC)
    for allocation in casework.select_related("team", "worker"):
        entry = entries[str(allocation.pk)]
        assert entry.occurred_at == min(allocation.starts_at, last_moment)
        assert entry.recorded_by_id == allocation.allocated_by_id
        assert entry.summary.startswith(f"Allocated to {allocation.team.name}: ")
        assert allocation.worker.get_full_name() in entry.summary


def test_a_planted_duplicate_is_created_on_its_own_after_the_original():
    created = dict(
        ChronologyEntry.objects.filter(summary="Record created").values_list(
            "person_id", "occurred_at"
        )
    )
    planted = list(PlantedDuplicate.objects.values_list("original_id", "duplicate_id"))
    assert planted
    for original, duplicate in planted:
        assert created[duplicate] >= created[original].replace(hour=0, minute=0)
        assert not ChronologyEntry.objects.filter(
            Q(person_id=duplicate) & ~Q(summary="Record created")
        ).exists()


def test_the_chronology_indexes_are_there_after_generation():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, ChronologyEntry._meta.db_table
        )
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert {("occurred_at",), ("person_id",), ("person_id", "occurred_at")} <= indexed
