"""Casework test data: social workers in a manager's team, and children with past social
workers."""

import itertools
from datetime import date, timedelta

from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import today_in_london
from onestory.frontdoor.models import Referral
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .. import rules
from ..actions.common import holidays_around

_schools = itertools.count()


def referred_child(
    social_worker,
    *,
    now,
    kind=rules.CaseKind.ASSESSMENT,
    team=None,
    referral_date=None,
    **child_fields,
):
    """(child, referral): as tests.factories.referred_child, but safe to call many times in one
    test (each referral comes from its own school). With social_worker=None the child waits for
    a social worker in `team`, allocated to the team only (as the front door leaves it)."""
    referral_date = referral_date or today_in_london(now)
    referrer = worker_with_role(Role.PARTNER, agency_name=f"Casework School {next(_schools)}")
    contact = submit(referrer, now=now)
    child = PersonFactory(**({"date_of_birth": date(2016, 5, 4)} | child_fields))
    team = team or social_worker.team
    referral = Referral.objects.create(
        contact=contact,
        person=child,
        referral_date=referral_date,
        source="2A",
        primary_need="N1",
        social_work_team=team,
        assessment_due_on=rules.assessment_due_on(referral_date, holidays_around(referral_date)),
    )
    starts = now - timedelta(days=max(1, (today_in_london(now) - referral_date).days))
    AllocationFactory(
        person=child,
        worker=social_worker,
        team=team,
        purpose=rules.ALLOCATION_PURPOSES[kind] if social_worker else "Statutory referral",
        starts_at=starts,
    )
    return child, referral


def team_of(manager, count: int = 1, **kwargs):
    """`count` social workers in the manager's team."""
    return [worker_with_role(Role.SOCIAL_WORKER, team=manager.team, **kwargs) for _ in range(count)]


def child_with_past_workers(social_worker, *, now, past: int, **child_fields):
    """A referred child held by `social_worker`, who had `past` other social workers earlier in
    the last 12 months (each for a month)."""
    child, referral = referred_child(social_worker, now=now, **child_fields)
    for months_ago in range(past):
        other = worker_with_role(Role.SOCIAL_WORKER, team=social_worker.team)
        AllocationFactory(
            person=child,
            worker=other,
            team=other.team,
            purpose=rules.ALLOCATION_PURPOSES[rules.CaseKind.ASSESSMENT],
            starts_at=now - timedelta(days=60 + 30 * months_ago),
            ends_at=now - timedelta(days=31 + 30 * months_ago),
        )
    return child, referral


def give_children(social_worker, count: int, *, now, kind=rules.CaseKind.ASSESSMENT):
    return [referred_child(social_worker, now=now, kind=kind)[0] for _ in range(count)]
