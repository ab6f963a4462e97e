"""Every save a statutory return will reject or query warns the worker, after it is saved, in
plain words: which return, which rule, and how to put it right. The save itself goes through."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.core.clock import today_in_london
from onestory.frontdoor.models import Referral
from onestory.people.rules import years_before
from onestory.socialcare.models import (
    Assessment,
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LegalStatus,
    Placement,
    Section47Enquiry,
)
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_care import child_in_care
from .factories_protection import (
    assessment,
    cin_plan,
    cp_plan,
    enquiry,
    strategy_discussion,
    team_pair,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = today_in_london(NOW)


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _warnings(response) -> list[str]:
    return [m.message for m in response.context["messages"] if m.level_tag == "warning"]


def _rules(response) -> list[str]:
    """The rule each warning cites, in order: "... (rule 8875) ..." -> "8875"."""
    found = []
    for message in _warnings(response):
        found.append(message.split("(rule ", 1)[1].split(")", 1)[0])
    return found


def _last_saturday() -> date:
    return TODAY - timedelta(days=(TODAY.weekday() - 5) % 7 or 7)


@pytest.fixture
def case():
    """(social worker, their manager, child, referral) referred 40 days ago."""
    worker, manager = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=TODAY - timedelta(days=40))
    return worker, manager, child, referral


# --- Children in need census ----------------------------------------------------------------------


def test_an_assessment_starting_before_the_last_was_authorised_warns_8863q(client, case):
    worker, _, child, referral = case
    assessment(
        child,
        referral,
        worker,
        started_on=TODAY - timedelta(days=30),
        status=Assessment.Status.AUTHORISED,
        authorised_on=TODAY - timedelta(days=5),
        factors=["3B"],
    )
    client.force_login(worker)
    url = reverse("socialcare:assessment-start", args=[child.pk, referral.pk])
    response = client.post(
        url, {"form_token": "a1", "started_on": _d(TODAY - timedelta(days=10))}, follow=True
    )
    assert Assessment.objects.filter(person=child).count() == 2
    assert _rules(response) == ["8863Q"]
    assert "Children in need census" in _warnings(response)[0]


def test_authorising_the_only_assessment_with_no_factors_and_an_open_episode_warns_8873q(
    client, case
):
    worker, manager, child, referral = case
    item = assessment(
        child,
        referral,
        worker,
        status=Assessment.Status.SUBMITTED,
        factors=["21"],
        outcome=Assessment.Outcome.CHILD_IN_NEED,
        analysis="Nothing of concern found; family asked for a plan.",
        completed_on=TODAY - timedelta(days=1),
    )
    client.force_login(manager)
    url = reverse("socialcare:assessment-authorise", args=[child.pk, item.pk])
    response = client.post(url, {"version": item.version, "decision": "authorise"}, follow=True)
    item.refresh_from_db()
    assert item.status == Assessment.Status.AUTHORISED
    assert _rules(response) == ["8873Q"]
    assert "stays open" in _warnings(response)[0]


def test_authorising_no_further_action_closes_the_episode_without_a_warning(client, case):
    worker, manager, child, referral = case
    item = assessment(
        child,
        referral,
        worker,
        status=Assessment.Status.SUBMITTED,
        factors=["21"],
        outcome=Assessment.Outcome.NO_FURTHER_ACTION,
        analysis="Nothing of concern found.",
        completed_on=TODAY - timedelta(days=1),
    )
    client.force_login(manager)
    url = reverse("socialcare:assessment-authorise", args=[child.pk, item.pk])
    response = client.post(url, {"version": item.version, "decision": "authorise"}, follow=True)
    assert Referral.objects.get(pk=referral.pk).closure_reason == "RC8"
    assert _warnings(response) == []


def test_a_child_in_need_plan_started_during_a_protection_plan_warns_4016(client, case):
    worker, _, child, referral = case
    cp_plan(child, referral, worker, starts_on=TODAY - timedelta(days=20))
    client.force_login(worker)
    url = reverse("socialcare:cin-plan-start", args=[child.pk, referral.pk])
    response = client.post(
        url,
        {"form_token": "p1", "starts_on": _d(TODAY), "what_needs_to_change": "A safe home."},
        follow=True,
    )
    assert ChildInNeedPlan.objects.filter(person=child).exists()
    assert _rules(response) == ["4016"]


def test_a_child_in_need_plan_ended_the_day_it_started_warns_4012q(client, case):
    worker, _, child, referral = case
    plan = cin_plan(child, referral, starts_on=TODAY - timedelta(days=3))
    client.force_login(worker)
    url = reverse("socialcare:cin-plan-end", args=[child.pk, plan.pk])
    response = client.post(
        url,
        {
            "version": plan.version,
            "ends_on": _d(plan.starts_on),
            "end_reason": "Started in error.",
        },
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.ends_on == plan.starts_on
    assert _rules(response) == ["4012Q"]
    messages = [m.level_tag for m in response.context["messages"]]
    assert messages == ["success", "warning"]


def test_closing_after_assessment_with_no_assessment_warns_8825q(client, case):
    worker, _, child, referral = case
    client.force_login(worker)
    url = reverse("socialcare:referral-close", args=[child.pk, referral.pk])
    response = client.post(
        url,
        {"version": referral.version, "closed_on": _d(TODAY), "closure_reason": "RC8"},
        follow=True,
    )
    assert Referral.objects.get(pk=referral.pk).closed_on == TODAY
    assert _rules(response) == ["8825Q"]


def test_closing_because_the_child_died_without_a_date_of_death_warns_8585q(client, case):
    worker, _, child, referral = case
    assessment(child, referral, worker, status=Assessment.Status.AUTHORISED, factors=["6A"]).save()
    client.force_login(worker)
    url = reverse("socialcare:referral-close", args=[child.pk, referral.pk])
    response = client.post(
        url,
        {"version": referral.version, "closed_on": _d(TODAY), "closure_reason": "RC2"},
        follow=True,
    )
    assert _rules(response) == ["8585Q"]
    assert "date of death" in _warnings(response)[0]


def test_closing_with_a_section_47_enquiry_still_open_warns_8868(client, case):
    worker, _, child, referral = case
    assessment(child, referral, worker, status=Assessment.Status.AUTHORISED, factors=["3B"])
    discussion = strategy_discussion(child, referral, worker, held_on=TODAY - timedelta(days=9))
    enquiry(discussion, worker)
    client.force_login(worker)
    url = reverse("socialcare:referral-close", args=[child.pk, referral.pk])
    response = client.post(
        url,
        {"version": referral.version, "closed_on": _d(TODAY), "closure_reason": "RC7"},
        follow=True,
    )
    assert Referral.objects.get(pk=referral.pk).closed_on == TODAY
    assert _rules(response) == ["8868"]


def test_a_section_47_enquiry_without_an_assessment_warns_2991q(client, case):
    worker, _, child, referral = case
    discussion = strategy_discussion(child, referral, worker, held_on=TODAY - timedelta(days=2))
    client.force_login(worker)
    url = reverse("socialcare:section47-start", args=[child.pk, discussion.pk])
    response = client.post(
        url, {"form_token": "s1", "starts_on": _d(TODAY - timedelta(days=1))}, follow=True
    )
    assert Section47Enquiry.objects.filter(person=child).exists()
    assert _rules(response) == ["2991Q"]


def test_an_initial_conference_on_a_saturday_warns_8875(client, case):
    worker, _, child, referral = case
    saturday = _last_saturday()
    discussion = strategy_discussion(child, referral, worker, held_on=saturday - timedelta(days=9))
    item = enquiry(discussion, worker, outcome=Section47Enquiry.Outcome.CONFERENCE)
    client.force_login(worker)
    url = reverse("socialcare:conference-initial", args=[child.pk, item.pk])
    response = client.post(
        url, {"form_token": "c1", "held_on": _d(saturday), "decision": "no_plan"}, follow=True
    )
    assert ChildProtectionConference.objects.filter(enquiry=item).exists()
    assert _rules(response) == ["8875"]
    assert "Saturday" in _warnings(response)[0]


def test_a_review_ending_the_plan_the_day_it_started_warns_8840_and_8841(client, case):
    worker, _, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=TODAY - timedelta(days=2))
    client.force_login(worker)
    url = reverse("socialcare:cp-review", args=[child.pk, plan.pk])
    response = client.post(
        url,
        {
            "form_token": "r1",
            "version": plan.version,
            "held_on": _d(plan.starts_on),
            "decision": "end",
            "end_reason": "no_longer_at_risk",
        },
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.ends_on == plan.starts_on
    assert _rules(response) == ["8840", "8841"]


def test_a_protection_plan_ended_the_day_it_started_warns_8840(client, case):
    worker, _, child, referral = case
    plan = cp_plan(child, referral, worker, starts_on=TODAY - timedelta(days=2))
    client.force_login(worker)
    url = reverse("socialcare:cp-plan-end", args=[child.pk, plan.pk])
    response = client.post(
        url,
        {"version": plan.version, "ends_on": _d(plan.starts_on), "end_reason": "moved"},
        follow=True,
    )
    assert ChildProtectionPlan.objects.get(pk=plan.pk).ends_on == plan.starts_on
    assert _rules(response) == ["8840"]


# --- SSDA903 -------------------------------------------------------------------------------------


def test_care_starting_in_a_temporary_placement_without_its_postcode_warns_380_and_392b(
    client, case
):
    worker, _, child, _ = case
    client.force_login(worker)
    url = reverse("socialcare:care-start", args=[child.pk])
    response = client.post(
        url,
        {
            "form_token": "cs1",
            "starts_on": _d(TODAY - timedelta(days=1)),
            "legal_status": "C1",
            "place": "T4",
            "home_postcode": "LU1 1AA",
            "placement_postcode": "",
        },
        follow=True,
    )
    assert CarePeriod.objects.filter(person=child).exists()
    assert sorted(_rules(response)) == ["380", "392b"]
    assert any("placement postcode is missing" in w for w in _warnings(response))


def _in_care(worker, legal_status="C2", days_ago=60, **child_fields):
    return child_in_care(
        worker,
        now=NOW,
        starts_on=TODAY - timedelta(days=days_ago),
        legal_status=legal_status,
        **child_fields,
    )


def _placement_post(**changes) -> dict:
    return {
        "place": "U6",
        "provider": "PR1",
        "carer": "Synthetic foster carers",
        "urn": "SC123456",
        "home_postcode": "LU1 1AA",
        "placement_postcode": "LU2 0AA",
    } | changes


def test_a_move_to_a_provider_that_cannot_provide_the_placement_warns_550(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    client.force_login(worker)
    url = reverse("socialcare:placement-move", args=[child.pk, period.pk])
    posted = _placement_post(provider="PR0") | {
        "form_token": "m1",
        "version": period.placements.get().version,
        "starts_on": _d(TODAY),
        "change_reason": "CARPL",
    }
    response = client.post(url, posted, follow=True)
    assert Placement.objects.filter(period=period).count() == 2
    assert _rules(response) == ["550"]


def test_a_move_the_returns_accept_warns_of_nothing(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    client.force_login(worker)
    url = reverse("socialcare:placement-move", args=[child.pk, period.pk])
    posted = _placement_post() | {
        "form_token": "m2",
        "version": period.placements.get().version,
        "starts_on": _d(TODAY),
        "change_reason": "CARPL",
    }
    response = client.post(url, posted, follow=True)
    assert Placement.objects.filter(period=period).count() == 2
    assert _warnings(response) == []


def test_correcting_a_placement_with_parents_to_carry_an_ofsted_number_warns_222(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    placement = period.placements.get()
    client.force_login(worker)
    url = reverse("socialcare:placement-edit", args=[child.pk, placement.pk])
    posted = _placement_post(place="P1", provider="PR0") | {"version": placement.version}
    response = client.post(url, posted, follow=True)
    assert Placement.objects.get(pk=placement.pk).place == "P1"
    assert _rules(response) == ["222"]


def test_police_protection_replaced_after_more_than_72_hours_warns_361(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, period = _in_care(worker, legal_status="L1", days_ago=10)
    client.force_login(worker)
    url = reverse("socialcare:care-legal-status", args=[child.pk, period.pk])
    response = client.post(
        url, {"status": "C1", "starts_on": _d(TODAY - timedelta(days=4))}, follow=True
    )
    assert LegalStatus.objects.filter(period=period).count() == 2
    assert _rules(response) == ["361"]
    assert "lasted 6 days" in _warnings(response)[0]


def test_care_ending_as_staying_put_before_18_warns_460(client):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    born = years_before(TODAY, 17) - timedelta(days=30)
    child, period = _in_care(worker, date_of_birth=born)
    client.force_login(worker)
    url = reverse("socialcare:care-end", args=[child.pk, period.pk])
    response = client.post(
        url, {"version": period.version, "ends_on": _d(TODAY), "end_reason": "E17"}, follow=True
    )
    assert CarePeriod.objects.get(pk=period.pk).ends_on == TODAY
    assert _rules(response) == ["460"]
    assert "under 18" in _warnings(response)[0]
