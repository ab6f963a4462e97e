"""The demo social worker's statutory caseload (demo.py), on the tiny town."""

import pytest

from onestory.access.models import Allocation
from onestory.socialcare import models as sc
from onestory.socialcare import rules

from .conftest import after_reference_date

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_town")
def test_the_demo_social_worker_holds_protection_care_and_an_assessment():
    from onestory.workforce.models import Worker

    worker = Worker.objects.get(username="socialworker")
    now = after_reference_date()
    mine = set(
        Allocation.objects.filter(worker=worker, purpose__in=rules.SOCIAL_WORKER_PURPOSES)
        .filter(starts_at__lte=now)
        .exclude(ends_at__lte=now)
        .values_list("person_id", flat=True)
    )
    plans = sc.ChildProtectionPlan.objects.filter(person__in=mine, ends_on__isnull=True)
    assert plans.exclude(next_review_on=None).exists()
    assert sc.Visit.objects.filter(person__in=plans.values("person"), kind="child_protection")
    in_care = sc.CarePeriod.objects.filter(person__in=mine, ends_on__isnull=True)
    assert any(
        sc.Placement.objects.filter(period=p).count() >= 2 and p.reviews.exists() for p in in_care
    )
    assert sc.Assessment.objects.filter(person__in=mine, status="in_progress").exists()
    assert Worker.objects.get(username="manager").pk == worker.team.manager_id
