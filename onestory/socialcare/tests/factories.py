"""Statutory test data: a child referred to children's social care and allocated to a worker.

The contact comes through the front door's own intake action; the referral row is made as the
front door's decision makes it (frontdoor.actions.decisions._refer), so tests of statutory work
start where a social worker's work starts.
"""

from datetime import date, timedelta
from itertools import count

from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import today_in_london
from onestory.frontdoor.actions.common import PURPOSE_REFERRAL
from onestory.frontdoor.models import Referral
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .. import rules
from ..actions.common import holidays_around

_schools = count(1)


def referred_child(
    social_worker,
    *,
    now,
    referral_date: date | None = None,
    child=None,
    kind: rules.CaseKind = rules.CaseKind.ASSESSMENT,
    team=None,
    **child_fields,
):
    """(child, referral): a child referred on `referral_date` (default: today), allocated to
    `social_worker` and their team since then. With social_worker=None the child waits for a
    social worker in `team`, allocated to the team only (as the front door leaves it)."""
    team = team or social_worker.team
    referral_date = referral_date or today_in_london(now)
    referrer = worker_with_role(Role.PARTNER, agency_name=f"Referring school {next(_schools)}")
    contact = submit(referrer, now=now)
    if child is None:
        child = PersonFactory(**({"date_of_birth": date(2016, 5, 4)} | child_fields))
    referral = Referral.objects.create(
        contact=contact,
        person=child,
        referral_date=referral_date,
        source="2A",
        primary_need="N1",
        social_work_team=team,
        assessment_due_on=rules.assessment_due_on(referral_date, holidays_around(referral_date)),
    )
    AllocationFactory(
        person=child,
        worker=social_worker,
        team=team,
        purpose=rules.ALLOCATION_PURPOSES[kind] if social_worker else PURPOSE_REFERRAL,
        starts_at=now - timedelta(days=max(1, (today_in_london(now) - referral_date).days)),
    )
    return child, referral
