"""Early help episodes for tests, opened through the actions a practitioner would use."""

import datetime
from datetime import timedelta

from onestory.access.tests.factories import AllocationFactory, ConsentFactory
from onestory.core.clock import today_in_london
from onestory.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)

from .. import actions


def family(*, children: int = 1, adults: int = 1, **child_fields):
    """A household of children (the first with `child_fields`) and adults."""
    household = HouseholdFactory()
    kids = [PersonFactory(**(child_fields if i == 0 else {})) for i in range(children)]
    grown = [PersonFactory(date_of_birth=datetime.date(1985, 5, 1)) for _ in range(adults)]
    for person in [*kids, *grown]:
        HouseholdMemberFactory(household=household, person=person)
    return household, kids, grown


def open_episode(worker, *, now, children: int = 1, adults: int = 1, **child_fields):
    """An episode opened by `worker` (a partner, or early help) for a new family, with consent.

    A partner's agency first holds consent for the child, as a school would; anyone else has
    the child allocated to them.
    """
    _, kids, grown = family(children=children, adults=adults, **child_fields)
    if worker.role == "partner":
        ConsentFactory(person=kids[0], agencies=[worker.agency])
    else:
        AllocationFactory(person=kids[0], worker=worker, starts_at=now - timedelta(days=1))
    return actions.open_by_agency(
        child=kids[0],
        others=[*kids[1:], *grown],
        consent_given_by="Mother",
        consent_given_on=today_in_london(now),
        acting_user=worker,
        now=now,
    )
