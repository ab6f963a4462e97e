"""Case notes and the people and workers they need."""

import datetime

from onestory.access.tests.factories import AllocationFactory
from onestory.people.tests.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from ..actions import notes as actions

NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)


def child_of(worker, **kwargs):
    """A child allocated to this worker."""
    person = PersonFactory(date_of_birth=datetime.date(2016, 4, 1), **kwargs)
    AllocationFactory(person=person, worker=worker)
    return person


def family_of(worker):
    """A mother and two children in one household, all allocated to the worker."""
    household = HouseholdFactory()
    mother = PersonFactory(date_of_birth=datetime.date(1988, 2, 2), given_name="Dana")
    AllocationFactory(person=mother, worker=worker)
    children = [child_of(worker, given_name=name) for name in ("Amira", "Bilal")]
    for person in (mother, *children):
        HouseholdMemberFactory(household=household, person=person)
    return household, mother, children


def social_worker(**kwargs):
    return worker_with_role(Role.SOCIAL_WORKER, **kwargs)


def draft_about(worker, people, *, now=NOW, **kwargs):
    return actions.note_start(
        person_ids=[p.pk for p in people], acting_user=worker, now=now, **kwargs
    )


def note_data(note, **changes) -> dict:
    """What the form sends: the note as it is, with these changes."""
    data = {
        "kind": note.kind,
        "occurred_at": note.occurred_at,
        "present": note.present,
        "text": note.text,
        "decision": note.decision,
        "significant": note.significant,
        "subjects": {str(s.person_id): s.seen for s in note.subjects.all()},
    }
    data.update(changes)
    return data


def submitted_note(worker, people, *, text="Visited the family at home.", now=NOW, **changes):
    note = draft_about(worker, people, now=now)
    seen = {str(p.pk): "seen_alone" for p in people}
    return actions.note_submit(
        note_id=note.pk,
        version=note.version,
        data=note_data(note, text=text, subjects=seen, **changes),
        acting_user=worker,
        now=now,
    )
