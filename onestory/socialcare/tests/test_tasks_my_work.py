"""Tasks: each statutory clock sets a task for the child's worker, computed in bulk; "My work"
shows a worker their own, overdue first, and a manager their team's by worker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.socialcare import rules, selectors_tasks
from onestory.socialcare.models import (
    Assessment,
    CareLeaver,
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionPlan,
    MissingEpisode,
    Placement,
    Visit,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_casework import team_of

pytestmark = pytest.mark.django_db


def _whats(tasks):
    return {t.what for t in tasks}


def test_each_open_statutory_record_sets_a_task_for_the_childs_worker():
    now = timezone.now()
    today = today_in_london(now)
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, referral = referred_child(worker, now=now, kind=rules.CaseKind.CHILD_IN_CARE)
    Assessment.objects.create(
        referral=referral,
        person=child,
        worker=worker,
        started_on=today - timedelta(days=70),
        due_on=today - timedelta(days=5),
    )
    ChildProtectionPlan.objects.create(
        referral=referral,
        person=child,
        starts_on=today - timedelta(days=30),
        initial_category="NEG",
        latest_category="NEG",
        next_review_on=today + timedelta(days=60),
    )
    ChildInNeedPlan.objects.create(
        referral=referral,
        person=child,
        starts_on=today - timedelta(days=10),
        what_needs_to_change="School attendance",
    )
    period = CarePeriod.objects.create(person=child, starts_on=today - timedelta(days=3))
    Placement.objects.create(
        period=period, person=child, place="U1", starts_on=today - timedelta(days=3)
    )
    Visit.objects.create(
        person=child,
        kind=Visit.Kind.CHILD_PROTECTION,
        visited_on=today - timedelta(days=2),
        child_seen=True,
        visited_by=worker,
    )
    MissingEpisode.objects.create(
        person=child,
        period=period,
        kind="M",
        started_at=now - timedelta(days=6),
        ended_at=now - timedelta(days=5),
        recorded_by=worker,
    )

    tasks = selectors_tasks.tasks_for_children([child.pk], now=now)

    assert _whats(tasks) >= {
        "Assessment due",
        "Child protection review conference due",
        "Child protection visit due",
        "Child in need review due",
        "Child in need visit due",
        "Review of the child in care due",
        "Statutory visit to the child in care due",
        "Offer a return interview",
    }
    assert all(t.worker_id == worker.pk for t in tasks)
    assert tasks[0].overdue  # overdue first
    assessment = next(t for t in tasks if t.what == "Assessment due")
    assert assessment.rag == rules.Rag.RED
    visit = next(t for t in tasks if t.what == "Statutory visit to the child in care due")
    assert visit.due_on == today - timedelta(days=3) + timedelta(days=7)


def test_a_submitted_assessment_is_a_task_for_the_manager_not_the_worker():
    now = timezone.now()
    today = today_in_london(now)
    manager = worker_with_role(Role.TEAM_MANAGER)
    (worker,) = team_of(manager)
    child, referral = referred_child(worker, now=now)
    Assessment.objects.create(
        referral=referral,
        person=child,
        worker=worker,
        started_on=today,
        due_on=today + timedelta(days=40),
        status=Assessment.Status.SUBMITTED,
    )
    assert "Authorise the assessment" not in _whats(
        selectors_tasks.tasks_of_worker(worker, now=now)
    )
    assert "Authorise the assessment" in _whats(selectors_tasks.tasks_of_worker(manager, now=now))


def test_a_care_leaver_without_birthday_contact_is_a_task_for_their_personal_adviser():
    now = timezone.now()
    today = today_in_london(now)
    adviser = worker_with_role(Role.SOCIAL_WORKER)
    born = today.replace(year=today.year - 19) + timedelta(days=20)  # 19th birthday in 20 days
    child, _ = referred_child(adviser, now=now, kind=rules.CaseKind.CARE_LEAVER, date_of_birth=born)
    leaver = CareLeaver.objects.create(
        person=child, category="former_relevant", personal_adviser=adviser
    )
    CareLeaver.objects.filter(pk=leaver.pk).update(created_at=now - timedelta(days=400))
    tasks = selectors_tasks.tasks_for_children([child.pk], now=now)
    birthday = [t for t in tasks if "birthday" in t.what]
    assert [t.what for t in birthday][-1] == "Contact for the 19th birthday due"
    assert birthday[-1].worker_id == adviser.pk


def test_tasks_are_computed_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    now = timezone.now()
    today = today_in_london(now)
    worker = worker_with_role(Role.SOCIAL_WORKER)
    children = []
    for _ in range(4):
        child, referral = referred_child(worker, now=now)
        ChildInNeedPlan.objects.create(
            referral=referral, person=child, starts_on=today, what_needs_to_change="x"
        )
        children.append(child.pk)
    with django_assert_max_num_queries(20):
        tasks = selectors_tasks.tasks_for_children(children, now=now)
    assert len(tasks) == 8


def test_my_work_shows_the_workers_own_tasks_overdue_first_and_audits_the_list(client, sign_in):
    now = timezone.now()
    today = today_in_london(now)
    worker = sign_in(Role.SOCIAL_WORKER)
    # Names no generated person has, so the page is searched for these two children only.
    child, referral = referred_child(
        worker, now=now, given_name="Perpetua", family_name="Wolstenholme"
    )
    Assessment.objects.create(
        referral=referral,
        person=child,
        worker=worker,
        started_on=today - timedelta(days=70),
        due_on=today - timedelta(days=1),
    )
    other, other_referral = referred_child(
        worker_with_role(Role.SOCIAL_WORKER),
        now=now,
        given_name="Ignatius",
        family_name="Prendergast",
    )
    Assessment.objects.create(
        referral=other_referral,
        person=other,
        worker=worker,
        started_on=today,
        due_on=today + timedelta(days=30),
    )

    response = client.get(reverse("socialcare:my-work"))

    assert response.status_code == 200
    page = response.content.decode()
    assert escape(child.full_name) in page and escape(other.full_name) not in page
    assert "Overdue" in page and "1 task overdue" in page
    assert AuditEvent.objects.filter(actor=worker, action="list", person_id=child.pk).exists()


def test_a_manager_sees_their_teams_tasks_by_worker_and_filters_by_worker(client, sign_in):
    now = timezone.now()
    today = today_in_london(now)
    manager = sign_in(Role.TEAM_MANAGER)
    first, second = team_of(manager, 2)
    for worker in (first, second):
        child, referral = referred_child(worker, now=now)
        Assessment.objects.create(
            referral=referral,
            person=child,
            worker=worker,
            started_on=today - timedelta(days=70),
            due_on=today - timedelta(days=1),
        )
    response = client.get(reverse("socialcare:my-work"))
    groups = {g.worker.pk: g for g in response.context["team"]}
    assert groups[first.pk].overdue == 1 and groups[second.pk].overdue == 1

    response = client.get(reverse("socialcare:my-work"), {"worker": str(first.pk)})
    assert [g.worker.pk for g in response.context["team"]] == [first.pk]

    stranger = worker_with_role(Role.SOCIAL_WORKER)
    response = client.get(reverse("socialcare:my-work"), {"worker": str(stranger.pk)})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER, Role.FRONT_DOOR, Role.EARLY_HELP])
def test_other_roles_get_404_for_my_work(client, sign_in, role):
    sign_in(role)
    assert client.get(reverse("socialcare:my-work")).status_code == 404


def test_a_child_without_a_date_of_birth_still_shows(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now(), date_of_birth=None)
    assert client.get(reverse("socialcare:child", args=[child.pk])).status_code == 200
