"""Child in need plans, the front door's strategy discussion, closing an episode and the
statutory page's protection part, through their pages."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from onestory.core.clock import today_in_london
from onestory.frontdoor.models import StrategyDiscussion as FrontDoorDiscussion
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from ..models import ChildInNeedPlan, ChildInNeedReview, LocalStandard, StrategyDiscussion, Visit
from ..selectors import local_standard
from .factories_protection import cin_plan, cp_plan, referred_child

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def today():
    return today_in_london(timezone.now())


@pytest.fixture
def case(today):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, referral = referred_child(
        worker, now=timezone.now(), referral_date=today - timedelta(days=30)
    )
    return worker, child, referral


def test_a_child_in_need_plan_is_started_reviewed_and_ended(client, case, today):
    worker, child, referral = case
    client.force_login(worker)
    url = reverse("socialcare:cin-plan-start", args=[child.pk, referral.pk])
    token = client.get(url).context["form"].initial["form_token"]
    client.post(
        url,
        {"form_token": token, "starts_on": _d(today), "what_needs_to_change": "Safe home."},
    )
    plan = ChildInNeedPlan.objects.get(person=child)
    url = reverse("socialcare:cin-review-add", args=[child.pk, plan.pk])
    response = client.post(
        url, {"form_token": "r1", "held_on": _d(today - timedelta(days=1)), "summary": "Early."}
    )
    assert "The review cannot be before the plan started" in _page(response)
    assert "Early." in _page(response)
    client.post(url, {"form_token": "r2", "held_on": _d(today), "summary": "Going well."})
    assert ChildInNeedReview.objects.filter(plan=plan).count() == 1
    url = reverse("socialcare:cin-plan-end", args=[child.pk, plan.pk])
    client.post(url, {"version": plan.version + 1, "ends_on": _d(today), "end_reason": "Done."})
    plan.refresh_from_db()
    assert plan.ends_on == today


def test_the_front_door_discussion_is_used_with_one_button(client, case):
    worker, child, referral = case
    FrontDoorDiscussion.objects.create(
        contact=referral.contact,
        due_at=timezone.now(),
        held_at=datetime.combine(referral.referral_date, datetime.min.time(), tzinfo=UTC),
        agencies_present=["social_care", "police"],
        summary="Same day.",
        outcome="section_47",
    )
    client.force_login(worker)
    page = _page(client.get(reverse("socialcare:strategy-add", args=[child.pk, referral.pk])))
    assert "Use the front door's strategy discussion" in page
    url = reverse("socialcare:strategy-from-front-door", args=[child.pk, referral.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"form_token": "fd1"}, follow=True)
    discussion = StrategyDiscussion.objects.get(person=child)
    assert discussion.front_door_discussion is not None
    assert "Start the section 47 enquiry" in _page(response)


def test_closing_is_refused_on_the_page_while_a_plan_is_open(client, case, today):
    worker, child, referral = case
    cp_plan(child, referral, worker, starts_on=today - timedelta(days=3))
    client.force_login(worker)
    url = reverse("socialcare:referral-close", args=[child.pk, referral.pk])
    assert "cannot close yet" in _page(client.get(url))
    response = client.post(
        url, {"version": referral.version, "closed_on": _d(today), "closure_reason": "RC7"}
    )
    assert "open child protection plan" in _page(response)
    referral.refresh_from_db()
    assert referral.closed_on is None


def test_a_visit_page_starts_on_the_kind_asked_for_and_records_it(client, case, today):
    worker, child, _ = case
    client.force_login(worker)
    url = reverse("socialcare:visit-add", args=[child.pk]) + "?kind=child_in_care"
    response = client.get(url)
    assert response.context["form"].initial["kind"] == "child_in_care"
    client.post(
        url,
        {
            "form_token": "v1",
            "kind": "child_in_care",
            "visited_on": _d(today),
            "child_seen": "yes",
            "seen_alone": "no",
        },
    )
    visit = Visit.objects.get(person=child)
    assert (visit.kind, visit.child_seen, visit.seen_alone) == ("child_in_care", True, False)


def test_the_protection_part_shows_nothing_to_someone_who_cannot_open_the_child(case, today):
    worker, child, referral = case
    cin_plan(child, referral, starts_on=today)
    template = Template('{% include "socialcare/includes/overview_protection.html" %}')
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    shown = template.render(Context({"person": child, "user": worker, "today": today}))
    hidden = template.render(Context({"person": child, "user": stranger, "today": today}))
    assert "Child in need plan" in shown
    assert "Child in need plan" not in hidden


def test_the_councils_standard_falls_back_to_the_default():
    LocalStandard.objects.filter(key="cp_visit_working_days").delete()
    assert local_standard("cp_visit_working_days", timezone.now().date()) == 10
