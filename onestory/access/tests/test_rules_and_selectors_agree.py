"""The need-to-know rule is written twice: as pure Python (rules.may_open) and as a database
filter (selectors.visible_to). These tests hold the two in step, route by route and role by role.
"""

import pytest
from django.utils import timezone

from onestory.access.models import AccessGrant
from onestory.access.rules import AccessFacts, may_open
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import (
    AccessGrantFactory,
    AllocationFactory,
    ConsentFactory,
    RecordRestrictionFactory,
)
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

ROUTES = [
    "none",
    "allocated_to_worker",
    "allocated_to_team",
    "manages_allocated_team",
    "holds_grant",
    "consent_covers_agency",
]
RESTRICTION = ["open", "restricted", "restricted_and_named"]


def test_nobody_opens_a_record_by_default():
    assert not any(may_open(AccessFacts(role=role)) for role in Role)


def test_only_case_roles_open_records_even_when_allocated():
    allowed = {role for role in Role if may_open(AccessFacts(role=role, allocated_to_worker=True))}
    assert allowed == {
        Role.FRONT_DOOR,
        Role.EARLY_HELP,
        Role.FAMILY_HUB,
        Role.PARTNER,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
    }


def test_restriction_overrides_every_other_route():
    facts = AccessFacts(
        role=Role.SOCIAL_WORKER, allocated_to_worker=True, holds_grant=True, restricted=True
    )
    assert not may_open(facts)


def test_consent_opens_records_for_partners_only():
    assert may_open(AccessFacts(role=Role.PARTNER, consent_covers_agency=True))
    assert not may_open(AccessFacts(role=Role.EARLY_HELP, consent_covers_agency=True))


def _arrange(role: Role, route: str, restriction: str):
    """A worker of this role and a record reachable only by this route; returns both."""
    person = PersonFactory()
    if route == "manages_allocated_team":
        worker = worker_with_role(role, team=TeamFactory())
        team = TeamFactory(manager=worker)
        AllocationFactory(person=person, worker=None, team=team)
    else:
        worker = worker_with_role(role)
    if route == "allocated_to_worker":
        AllocationFactory(person=person, worker=worker)
    elif route == "allocated_to_team":
        AllocationFactory(person=person, worker=None, team=worker.team)
    elif route == "holds_grant":
        AccessGrantFactory(person=person, worker=worker)
    elif route == "consent_covers_agency":
        ConsentFactory(person=person, agencies=[worker.agency])
    if restriction != "open":
        RecordRestrictionFactory(person=person)
    if restriction == "restricted_and_named":
        AccessGrantFactory(
            person=person, worker=worker, kind=AccessGrant.Kind.RESTRICTED, expires_at=None
        )
    facts = AccessFacts(
        role=role,
        restricted=restriction != "open",
        named_on_restriction=restriction == "restricted_and_named",
        **({route: True} if route != "none" else {}),
    )
    return worker, person, facts


@pytest.mark.django_db
@pytest.mark.parametrize("restriction", RESTRICTION)
@pytest.mark.parametrize("route", ROUTES)
def test_the_database_filter_agrees_with_the_rule_for_every_role(route, restriction):
    now = timezone.now()
    disagreements = []
    for role in Role:
        worker, person, facts = _arrange(role, route, restriction)
        in_database = visible_to(worker, now=now).filter(pk=person.pk).exists()
        if in_database != may_open(facts):
            disagreements.append(f"{role}: rule says {may_open(facts)}, database {in_database}")
    assert not disagreements
