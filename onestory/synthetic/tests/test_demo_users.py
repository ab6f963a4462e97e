"""`onestory demo_users`: every demo sign-in works and sees the work it was given."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.access.selectors import visible_to
from onestory.synthetic.casework import CHILD_IN_NEED_PURPOSES, PURPOSE_EARLY_HELP
from onestory.synthetic.demo import DEMO_PASSWORD, DEMO_USERS
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

from .conftest import after_reference_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_town")]


def _worker(username: str) -> Worker:
    return Worker.objects.get(username=username)


def _allocated(worker, purposes) -> set:
    return set(
        Allocation.objects.filter(
            worker=worker, purpose__in=purposes, ends_at__isnull=True
        ).values_list("person_id", flat=True)
    )


@pytest.mark.parametrize("username", [u.username for u in DEMO_USERS])
def test_each_demo_user_can_sign_in_with_the_demo_password(username):
    user = authenticate(
        request=RequestFactory().post("/"), username=username, password=DEMO_PASSWORD
    )
    assert user is not None and user.username == username


def test_demo_users_have_the_roles_they_are_named_for():
    roles = dict(
        Worker.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
            "username", "role"
        )
    )
    assert roles == {u.username: u.role.value for u in DEMO_USERS}
    assert _worker("admin").is_staff and not _worker("socialworker").is_staff
    school = _worker("school")
    assert school.agency.kind == "school" and school.role == Role.PARTNER


def test_social_worker_sees_their_allocated_children_and_their_parents():
    worker = _worker("socialworker")
    children = _allocated(worker, CHILD_IN_NEED_PURPOSES)
    everyone = set(Allocation.objects.filter(worker=worker).values_list("person_id", flat=True))
    assert len(children) >= 15 and everyone > children
    visible = set(visible_to(worker, now=after_reference_date()).values_list("id", flat=True))
    assert everyone <= visible


def test_manager_manages_the_social_worker_s_team_and_is_named_on_a_restricted_record():
    manager, worker = _worker("manager"), _worker("socialworker")
    assert worker.team.manager == manager
    named = AccessGrant.objects.filter(worker=manager, kind=AccessGrant.Kind.RESTRICTED)
    restricted = RecordRestriction.objects.filter(person__in=named.values("person"))
    assert restricted.exists()
    now = after_reference_date()
    assert set(visible_to(manager, now=now).values_list("id", flat=True)) >= _allocated(
        worker, CHILD_IN_NEED_PURPOSES
    )
    assert visible_to(manager, now=now).filter(pk=restricted.first().person_id).exists()
    # Someone not named on the record cannot open it.
    assert (
        not visible_to(_worker("frontdoor"), now=now)
        .filter(pk=restricted.first().person_id)
        .exists()
    )


def test_early_help_worker_sees_about_ten_children_as_lead_professional():
    worker = _worker("earlyhelp")
    children = _allocated(worker, (PURPOSE_EARLY_HELP,))
    assert len(children) >= 10
    assert children <= set(
        visible_to(worker, now=after_reference_date()).values_list("id", flat=True)
    )


def test_school_sees_exactly_the_pupils_whose_families_consented():
    school = _worker("school")
    consented = set(
        Consent.objects.filter(agencies=school.agency, status=Consent.Status.GIVEN).values_list(
            "person_id", flat=True
        )
    )
    assert len(consented) >= 8
    visible = set(visible_to(school, now=after_reference_date()).values_list("id", flat=True))
    assert visible == consented - set(RecordRestriction.objects.values_list("person_id", flat=True))


@pytest.mark.parametrize("username", ["analyst", "admin", "dpo"])
def test_roles_without_casework_open_no_records(username):
    assert not visible_to(_worker(username), now=after_reference_date()).exists()


def test_running_demo_users_again_changes_nothing():
    before = (
        Allocation.objects.count(),
        Consent.objects.count(),
        RecordRestriction.objects.count(),
        Worker.objects.count(),
    )
    call_command("demo_users", stdout=io.StringIO())
    after = (
        Allocation.objects.count(),
        Consent.objects.count(),
        RecordRestriction.objects.count(),
        Worker.objects.count(),
    )
    assert after == before


def test_prints_a_table_of_the_sign_ins_with_their_roles(demo_town):
    for spec in DEMO_USERS:
        assert spec.username in demo_town and spec.role.label in demo_town
    assert DEMO_PASSWORD in demo_town


def test_each_demo_allocation_is_in_the_persons_chronology_under_the_demo_worker():
    from onestory.people.models import ChronologyEntry

    worker = _worker("socialworker")
    name = worker.get_full_name()
    for person_id in _allocated(worker, CHILD_IN_NEED_PURPOSES):
        latest = (
            ChronologyEntry.objects.filter(person_id=person_id, category="allocation")
            .order_by("-occurred_at")
            .first()
        )
        assert latest is not None and name in latest.summary
