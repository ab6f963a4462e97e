"""The assessment, children in need and child protection pages, as the people who use them:
who may open them, forms that keep what was typed, and refusals in plain words."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.core.clock import today_in_london
from onestory.frontdoor.models import Referral
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from ..models import Assessment, ChildInNeedPlan, StrategyDiscussion
from .factories_protection import (
    assessment,
    cin_plan,
    cp_plan,
    enquiry,
    referred_child,
    strategy_discussion,
)

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _d(day: date) -> str:
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


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("allocated", 200),
        ("manager", 200),
        (Role.SOCIAL_WORKER, 404),
        (Role.PARTNER, 404),
        (Role.ANALYST, 404),
        (Role.FRONT_DOOR, 404),
    ],
)
def test_who_may_open_the_childs_protection_pages(client, case, role, status):
    worker, child, referral = case
    item = assessment(child, referral, worker)
    if role == "allocated":
        user = worker
    elif role == "manager":
        user = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    elif role == Role.PARTNER:
        user = worker_with_role(role, agency_name="Stopsley High School")
    else:
        user = worker_with_role(role)
    client.force_login(user)
    for url in (
        reverse("socialcare:protection", args=[child.pk]),
        reverse("socialcare:assessment", args=[child.pk, item.pk]),
        reverse("socialcare:visit-add", args=[child.pk]),
        reverse("socialcare:strategy-add", args=[child.pk, referral.pk]),
    ):
        assert client.get(url).status_code == status, url


def test_a_record_of_another_child_answers_404(client, case):
    worker, child, referral = case
    other = PersonFactory()
    other_referral = Referral.objects.create(
        contact=referral.contact,
        person=other,
        referral_date=referral.referral_date,
        source="2A",
        primary_need="N1",
        assessment_due_on=referral.assessment_due_on,
    )
    item = assessment(other, other_referral, worker)
    client.force_login(worker)
    url = reverse("socialcare:assessment", args=[child.pk, item.pk])
    assert client.get(url).status_code == 404
    url = reverse("socialcare:cin-plan-start", args=[child.pk, other_referral.pk])
    assert client.get(url).status_code == 404


def test_starting_an_assessment_shows_it_with_its_due_date(client, case, today):
    worker, child, referral = case
    client.force_login(worker)
    url = reverse("socialcare:assessment-start", args=[child.pk, referral.pk])
    token = client.get(url).context["form"].initial["form_token"]
    response = client.post(url, {"form_token": token, "started_on": _d(today)}, follow=True)
    item = Assessment.objects.get(person=child)
    assert response.redirect_chain[-1][0].endswith(
        reverse("socialcare:assessment", args=[child.pk, item.pk])
    )
    assert f"{referral.assessment_due_on:%-d %B %Y}" in _page(response)


def test_no_factors_with_other_factors_is_refused_and_the_typing_kept(client, case):
    worker, child, referral = case
    item = assessment(child, referral, worker)
    client.force_login(worker)
    url = reverse("socialcare:assessment", args=[child.pk, item.pk])
    response = client.post(
        url,
        {
            "version": item.version,
            "factors": ["21", "16A"],
            "analysis": "Typed with care.",
            "save": "",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "'No factors identified' must stand alone" in page
    assert "Typed with care." in page
    item.refresh_from_db()
    assert item.factors == []


def test_only_a_manager_sees_the_authorise_page(client, case):
    worker, child, referral = case
    item = assessment(child, referral, worker, status=Assessment.Status.SUBMITTED, outcome="nfa")
    url = reverse("socialcare:assessment-authorise", args=[child.pk, item.pk])
    client.force_login(worker)
    assert client.get(url).status_code == 404
    client.force_login(worker_with_role(Role.TEAM_MANAGER, team=worker.team))
    assert client.get(url).status_code == 200


def test_a_stale_plan_edit_is_refused_with_the_input_kept(client, case, today):
    worker, child, referral = case
    plan = cin_plan(child, referral, starts_on=today - timedelta(days=10))
    stale = plan.version
    ChildInNeedPlan.objects.filter(pk=plan.pk).update(version=stale + 1)
    client.force_login(worker)
    url = reverse("socialcare:cin-plan", args=[child.pk, plan.pk])
    response = client.post(url, {"version": stale, "what_needs_to_change": "My new words."})
    page = _page(response)
    assert "Someone else changed this child in need plan" in page
    assert "My new words." in page


def test_a_strategy_discussion_without_the_police_keeps_the_participants(client, case, today):
    worker, child, referral = case
    client.force_login(worker)
    url = reverse("socialcare:strategy-add", args=[child.pk, referral.pk])
    data = {
        "form_token": "t1",
        "held_on": _d(today),
        "summary": "Discussed.",
        "outcome": "section_47",
        "participant-TOTAL_FORMS": "5",
        "participant-INITIAL_FORMS": "0",
        "participant-0-agency_kind": "social_care",
        "participant-0-name": "Asha Patel",
    }
    response = client.post(url, data)
    page = _page(response)
    assert "at least children's social care and the police" in page
    assert "Asha Patel" in page
    assert not StrategyDiscussion.objects.exists()


def test_the_statutory_page_shows_protection_with_due_dates_and_links(client, case, today):
    worker, child, referral = case
    item = assessment(child, referral, worker)
    discussion = strategy_discussion(child, referral, worker, held_on=today - timedelta(days=5))
    enquiry(discussion, worker)
    plan = cp_plan(child, referral, worker, starts_on=today - timedelta(days=2))
    client.force_login(worker)
    page = _page(client.get(reverse("socialcare:protection", args=[child.pk])))
    for url in (
        reverse("socialcare:assessment", args=[child.pk, item.pk]),
        reverse("socialcare:strategy", args=[child.pk, discussion.pk]),
        reverse("socialcare:cp-plan", args=[child.pk, plan.pk]),
        reverse("socialcare:cp-review", args=[child.pk, plan.pk]),
        reverse("socialcare:referral-close", args=[child.pk, referral.pk]),
    ):
        assert url in page
    assert f"{plan.next_review_on:%-d %B %Y}" in page
    assert f"{referral.assessment_due_on:%-d %B %Y}" in page


def test_the_childs_statutory_page_includes_the_protection_part(client, case):
    worker, child, referral = case
    client.force_login(worker)
    page = _page(client.get(reverse("socialcare:child", args=[child.pk])))
    assert reverse("socialcare:assessment-start", args=[child.pk, referral.pk]) in page
