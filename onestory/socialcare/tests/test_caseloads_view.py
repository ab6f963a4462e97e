"""The team caseload view: weighted caseloads per worker, flagged over the limit; the child's
page shows how many social workers they had in the last 12 months."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.socialcare import selectors
from onestory.socialcare.models import CaseloadLimit
from onestory.workforce.rules import Role

from .factories import referred_child
from .factories_casework import child_with_past_workers, give_children, team_of

pytestmark = pytest.mark.django_db


def test_a_worker_over_the_limit_is_flagged_in_the_team_caseload_view(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    busy, calm = team_of(manager, 2)
    CaseloadLimit.objects.create(limit=Decimal("3"), valid_from=today_in_london(now))
    give_children(busy, 4, now=now)
    give_children(calm, 1, now=now)

    response = client.get(reverse("socialcare:caseloads"))

    assert response.status_code == 200
    rows = {r.worker.pk: r for r in response.context["rows"]}
    assert rows[busy.pk].weighted == 4.0
    assert rows[busy.pk].status == "over"
    assert rows[calm.pk].status == "within"
    assert "Over the limit" in response.content.decode()


def test_caseloads_weigh_each_kind_of_case():
    now = timezone.now()
    from onestory.workforce.tests.factories import worker_with_role

    manager = worker_with_role(Role.TEAM_MANAGER)
    (worker,) = team_of(manager)
    child, referral = referred_child(worker, now=now)
    from onestory.socialcare.models import ChildProtectionPlan

    ChildProtectionPlan.objects.create(
        referral=referral,
        person=child,
        starts_on=today_in_london(now),
        initial_category="PHY",
        latest_category="PHY",
    )
    give_children(worker, 1, now=now)
    (load,) = selectors.caseloads([worker], now=now)
    assert load.weighted == 2.5
    assert load.by_kind == {"child_protection": 1, "assessment": 1}


def test_the_child_page_shows_three_social_workers_in_the_last_12_months(client, sign_in):
    now = timezone.now()
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = child_with_past_workers(worker, now=now, past=2)

    response = client.get(reverse("socialcare:child", args=[child.pk]))

    assert response.status_code == 200
    assert response.context["social_workers"] == 3
    assert "Social workers in the last 12 months" in response.content.decode()


def test_the_caseload_view_counts_children_with_three_or_more_social_workers(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    (worker,) = team_of(manager)
    child_with_past_workers(worker, now=now, past=2)
    child_with_past_workers(worker, now=now, past=1)

    response = client.get(reverse("socialcare:caseloads"))

    rows = {r.worker.pk: r for r in response.context["rows"]}
    assert rows[worker.pk].many_workers == 1


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.ANALYST, Role.PARTNER, Role.FRONT_DOOR, Role.EARLY_HELP]
)
def test_only_team_managers_open_caseloads(client, sign_in, role):
    sign_in(role)
    assert client.get(reverse("socialcare:caseloads")).status_code == 404
    assert client.get(reverse("socialcare:caseload-settings")).status_code == 404
    assert client.get(reverse("socialcare:allocations")).status_code == 404


def test_a_manager_sees_only_workers_of_the_teams_they_manage(client, sign_in):
    from onestory.workforce.tests.factories import worker_with_role

    manager = sign_in(Role.TEAM_MANAGER)
    mine = team_of(manager)[0]
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    response = client.get(reverse("socialcare:caseloads"))
    shown = {r.worker.pk for r in response.context["rows"]}
    assert mine.pk in shown and stranger.pk not in shown


def test_caseloads_are_computed_in_a_few_queries(django_assert_max_num_queries):
    from onestory.workforce.tests.factories import worker_with_role

    now = timezone.now()
    manager = worker_with_role(Role.TEAM_MANAGER)
    workers = team_of(manager, 3)
    for w in workers:
        give_children(w, 3, now=now)
    with django_assert_max_num_queries(10):
        selectors.caseloads(workers, now=now)


def test_the_waiting_list_audits_the_children_it_shows(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    child, referral = _unallocated_referral(manager, now)
    response = client.get(reverse("socialcare:allocations"))
    assert escape(child.full_name) in response.content.decode()
    assert AuditEvent.objects.filter(actor=manager, action="list", person_id=child.pk).exists()


def _unallocated_referral(manager, now):
    return referred_child(None, now=now, team=manager.team)
