"""Pathways test data, made through the pathways' own actions, as a practitioner would."""

from datetime import date, timedelta

from onestory.access.tests.factories import AllocationFactory, ConsentFactory
from onestory.core.clock import today_in_london
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role

from .. import actions, rules

WORRY = "Seen twice near the station late at night with older young people; new phone and trainers."


def child(**fields):
    """A child of 14 (on any date the suite runs before 2030)."""
    fields.setdefault("date_of_birth", date(2012, 6, 15))
    return PersonFactory(**fields)


def open_to(worker, person, *, now):
    """Let `worker` open the child's record: consent for a partner's agency, else allocation."""
    if worker.role == Role.PARTNER:
        ConsentFactory(person=person, agencies=[worker.agency])
    else:
        AllocationFactory(person=person, worker=worker, starts_at=now - timedelta(days=1))
    return person


def raise_flag(worker, person, *, now, pathway=rules.Pathway.YOUTH_VIOLENCE, **changes):
    values = {
        "person_id": person.pk,
        "pathway": pathway,
        "raised_on": today_in_london(now),
        "reason": WORRY,
        "acting_user": worker,
        "now": now,
    }
    values.update(changes)
    return actions.flag_raise(**values)


def refer(worker, flag, *, now, **changes):
    values = {
        "flag_id": flag.pk,
        "referred_on": today_in_london(now),
        "reason": "Asking the panel for a mentor and disruption work around the station.",
        "acting_user": worker,
        "now": now,
    }
    values.update(changes)
    return actions.panel_refer(**values)


def new_context(worker, *, now, name="Station underpass", kind=rules.ContextKind.PLACE):
    return actions.context_create(
        kind=kind,
        name=name,
        description="Underpass by the bus station where older young people gather after 9pm.",
        team=worker.team,
        acting_user=worker,
        now=now,
    )


def link(worker, context, person, *, now):
    return actions.context_link_child(
        context_id=context.pk,
        person_id=person.pk,
        linked_on=today_in_london(now),
        reason="Seen at the underpass by police on two evenings.",
        acting_user=worker,
        now=now,
    )
