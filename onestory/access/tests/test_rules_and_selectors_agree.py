"""The need-to-know rule is written twice: as pure Python (rules.may_open) and as a database
filter (selectors.visible_to; caseload_of, the same filter read from the worker's own
allocations, grants and consents; openable_ids, which trusts a record the page has opened).
These tests hold them in step, route by route and role by role.
"""

import datetime

import pytest
from django.utils import timezone

from onestory.access.models import AccessGrant
from onestory.access.rules import AccessFacts, may_open
from onestory.access.selectors import (
    access_person_by_id,
    caseload_of,
    may_open_record,
    openable_ids,
    visible_to,
)
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
        in_caseload = person.pk in set(caseload_of(worker, now=now).values_list("pk", flat=True))
        if in_database != may_open(facts) or in_caseload != may_open(facts):
            disagreements.append(
                f"{role}: rule says {may_open(facts)}, database {in_database}, "
                f"caseload {in_caseload}"
            )
    assert not disagreements


@pytest.mark.django_db
def test_a_whole_caseload_is_the_people_the_filter_lets_the_worker_open():
    """A search of everything a team manager may open finds exactly the records they may open:
    their own, their team's, their colleagues', a managed team's and its workers', their
    grants; not ended allocations, revoked or expired grants, restricted or merged records."""
    now = timezone.now()
    past = now - datetime.timedelta(days=1)
    manager = worker_with_role(Role.TEAM_MANAGER)
    colleague = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    managed = TeamFactory(manager=manager)
    managed_worker = worker_with_role(Role.SOCIAL_WORKER, team=managed)
    opens = [
        AllocationFactory(worker=manager).person,
        AllocationFactory(worker=colleague).person,
        AllocationFactory(worker=None, team=manager.team).person,
        AllocationFactory(worker=None, team=managed).person,
        AllocationFactory(worker=managed_worker).person,
        AccessGrantFactory(worker=manager).person,
    ]
    named = AllocationFactory(worker=manager).person
    RecordRestrictionFactory(person=named)
    AccessGrantFactory(person=named, worker=manager, kind=AccessGrant.Kind.RESTRICTED)
    opens.append(named)
    AllocationFactory(worker=manager, ends_at=past)
    AccessGrantFactory(worker=manager, revoked_at=past)
    AccessGrantFactory(worker=manager, expires_at=past)
    RecordRestrictionFactory(person=AllocationFactory(worker=manager).person)
    merged = AllocationFactory(worker=manager).person
    merged.merged_into = opens[0]
    merged.save()
    AllocationFactory(worker=worker_with_role(Role.SOCIAL_WORKER))  # another team's child

    caseload = set(caseload_of(manager, now=now).values_list("pk", flat=True))

    assert caseload == {p.pk for p in opens}
    assert caseload == set(visible_to(manager, now=now).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_filter_built_once_for_a_moment_still_follows_the_worker_and_the_records():
    """A page builds the filter once for its moment; a change of team, a new allocation or an
    allocation ended since is still seen by the next use at that moment."""
    now = timezone.now()
    worker = worker_with_role(Role.SOCIAL_WORKER)
    own = AllocationFactory(worker=None, team=worker.team)
    assert visible_to(worker, now=now).filter(pk=own.person_id).exists()

    later = AllocationFactory(worker=worker)
    assert visible_to(worker, now=now).filter(pk=later.person_id).exists()
    later.ends_at = now - datetime.timedelta(seconds=1)
    later.save()
    assert not visible_to(worker, now=now).filter(pk=later.person_id).exists()

    worker.team = TeamFactory()
    worker.save()
    assert not visible_to(worker, now=now).filter(pk=own.person_id).exists()


@pytest.mark.django_db
def test_a_record_the_page_opened_is_trusted_by_its_sections_and_nothing_else(
    django_assert_num_queries,
):
    """The person page opens (and audits) the record once; its notes, documents and episodes
    ask whether the worker may open it and are answered without a second check. Another
    record, another moment or another worker is still checked against the database."""
    now = timezone.now()
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = AllocationFactory(worker=worker).person
    sibling = AllocationFactory(worker=worker).person
    stranger = PersonFactory()
    person = access_person_by_id(worker, child.pk, now=now)

    with django_assert_num_queries(0):
        assert may_open_record(worker, person, now=now)
    with django_assert_num_queries(1):
        assert openable_ids(worker, {child.pk, sibling.pk, stranger.pk}, now=now) == {
            child.pk,
            sibling.pk,
        }
    with django_assert_num_queries(1):
        assert may_open_record(worker, person, now=now + datetime.timedelta(seconds=1))
    outsider = worker_with_role(Role.SOCIAL_WORKER)
    assert not may_open_record(outsider, person, now=now)
    assert openable_ids(outsider, {child.pk}, now=now) == set()
