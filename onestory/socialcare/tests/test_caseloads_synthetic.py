"""The team caseload view over the synthetic local authority: weighted caseloads per worker,
flagged where they pass the limit, and the child's page counting social workers in 12 months."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from onestory.core.clock import today_in_london
from onestory.socialcare import rules, selectors
from onestory.socialcare.models import CaseloadLimit
from onestory.workforce.models import Worker

TINY, SEED = 0.01, 7


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=TINY, seed=SEED, stdout=io.StringIO())
        call_command("demo_users", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_synthetic_towns_caseloads_are_weighted_and_flag_workers_over_the_limit(town, client):
    manager = Worker.objects.get(username="manager")
    client.force_login(manager)
    rows = client.get(reverse("socialcare:caseloads")).context["rows"]
    held = [r for r in rows if r.children]
    assert held, "the demo manager's team holds children"
    for row in held:
        assert row.weighted > 0
        assert row.status == rules.caseload_status(row.weighted, row.limit)

    busiest = max(held, key=lambda r: r.weighted)
    CaseloadLimit.objects.create(
        team=manager.team, limit=busiest.weighted - 1, valid_from=today_in_london(timezone.now())
    )
    response = client.get(reverse("socialcare:caseloads"))
    rows = {r.worker.pk: r for r in response.context["rows"]}
    assert rows[busiest.worker.pk].status == rules.CaseloadStatus.OVER
    assert "Over the limit" in response.content.decode()

    child = selectors.held_children([busiest.worker.pk], now=timezone.now())[busiest.worker.pk][0]
    page = client.get(reverse("socialcare:child", args=[child]))
    assert page.status_code == 200
    assert page.context["social_workers"] >= 1


@pytest.mark.django_db
def test_my_work_in_the_synthetic_town_takes_a_bounded_number_of_queries(
    town, client, django_assert_max_num_queries
):
    client.force_login(Worker.objects.get(username="manager"))
    with django_assert_max_num_queries(80):
        response = client.get(reverse("socialcare:my-work"))
    assert response.status_code == 200
    client.force_login(Worker.objects.get(username="socialworker"))
    with django_assert_max_num_queries(60):
        response = client.get(reverse("socialcare:my-work"))
    assert response.status_code == 200
