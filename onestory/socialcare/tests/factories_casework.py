"""Casework test data: social workers in a manager's team, and children with past social
workers."""

from datetime import timedelta

from onestory.access.tests.factories import AllocationFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .. import rules
from .factories import referred_child


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
