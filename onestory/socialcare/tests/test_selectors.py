"""Shared casework reads: the child's current worker, social workers in the last 12 months,
the kind of case, and the weights, limits and local standards valid on a day."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import today_in_london
from onestory.socialcare import rules, selectors
from onestory.socialcare.models import (
    CareLeaver,
    CaseloadLimit,
    CaseWeight,
    ChildInNeedPlan,
    LocalStandard,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child

pytestmark = pytest.mark.django_db


def test_a_social_worker_is_the_current_worker_before_a_personal_adviser():
    now = timezone.now()
    worker = worker_with_role(Role.SOCIAL_WORKER)
    adviser = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now)
    AllocationFactory(
        person=child, worker=adviser, purpose=selectors.LEAVING_CARE_PURPOSE, starts_at=now
    )
    assert selectors.current_case_holder(child, now=now).worker == worker


def test_social_workers_in_the_last_year_leave_out_older_workers_and_personal_advisers():
    now = timezone.now()
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now)
    purpose = rules.ALLOCATION_PURPOSES[rules.CaseKind.CHILD_IN_NEED]
    AllocationFactory(
        person=child,
        purpose=purpose,
        starts_at=now - timedelta(days=800),
        ends_at=now - timedelta(days=400),
    )
    AllocationFactory(
        person=child,
        purpose=purpose,
        starts_at=now - timedelta(days=380),
        ends_at=now - timedelta(days=300),
    )
    AllocationFactory(person=child, purpose=selectors.LEAVING_CARE_PURPOSE, starts_at=now)
    counts = selectors.social_workers_in_last_year([child.pk], today=today_in_london(now))
    assert counts == {child.pk: 2}


def test_the_case_kind_is_the_heaviest_open_record():
    now = timezone.now()
    today = today_in_london(now)
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, referral = referred_child(worker, now=now)
    assert selectors.case_kinds([child.pk], today=today)[child.pk] == rules.CaseKind.ASSESSMENT
    ChildInNeedPlan.objects.create(
        referral=referral, person=child, starts_on=today, what_needs_to_change="x"
    )
    CareLeaver.objects.create(person=child, category="relevant")
    assert selectors.case_kinds([child.pk], today=today)[child.pk] == rules.CaseKind.CHILD_IN_NEED


def test_weights_limits_and_standards_are_the_latest_valid_on_the_day():
    today = today_in_london(timezone.now())
    team_a = worker_with_role(Role.TEAM_MANAGER).team
    team_b = worker_with_role(Role.TEAM_MANAGER).team
    CaseWeight.objects.create(kind="care_leaver", weight=Decimal("0.5"), valid_from=today)
    CaseWeight.objects.create(
        kind="care_leaver", weight=Decimal("0.25"), valid_from=today + timedelta(days=30)
    )
    CaseloadLimit.objects.create(limit=Decimal("20"), valid_from=today)
    CaseloadLimit.objects.create(team=team_a, limit=Decimal("15"), valid_from=today)
    LocalStandard.objects.create(key="cp_visit_working_days", value=5, valid_from=today)

    assert selectors.weights_on(today)["care_leaver"] == 0.5
    assert selectors.weights_on(today + timedelta(days=30))["care_leaver"] == 0.25
    assert selectors.limits_on([team_a.pk, team_b.pk], today) == {team_a.pk: 15.0, team_b.pk: 20.0}
    assert selectors.standards_on(today)["cp_visit_working_days"] == 5
    assert selectors.standards_on(today - timedelta(days=1))["cp_visit_working_days"] == 10
