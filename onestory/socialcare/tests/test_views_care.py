from datetime import date, timedelta

import pytest
from django.urls import reverse

from onestory.core.clock import now, today_in_london
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.models import CarePeriod, CareReview, Placement
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_care import child_in_care

pytestmark = pytest.mark.django_db


def _in_care(worker, days_ago=60):
    at = now()
    started = date.fromordinal(today_in_london(at).toordinal() - days_ago)
    return child_in_care(worker, now=at, starts_on=started)


def _pages(child, period):
    placement = period.placements.first()
    args = {"person_id": child.pk}
    return [
        reverse("socialcare:care", kwargs=args),
        reverse("socialcare:care-start", kwargs=args),
        reverse("socialcare:care-legal-status", kwargs=args | {"period_id": period.pk}),
        reverse("socialcare:placement-move", kwargs=args | {"period_id": period.pk}),
        reverse("socialcare:placement-edit", kwargs=args | {"placement_id": placement.pk}),
        reverse("socialcare:care-review-add", kwargs=args | {"period_id": period.pk}),
        reverse("socialcare:care-end", kwargs=args | {"period_id": period.pk}),
        reverse("socialcare:missing-add", kwargs=args),
        reverse("socialcare:health-check-add", kwargs=args),
        reverse("socialcare:unaccompanied", kwargs=args),
        reverse("socialcare:care-leaver", kwargs=args),
        reverse("socialcare:pathway-plan-start", kwargs=args),
        reverse("socialcare:care-leaver-contact-add", kwargs=args),
        reverse("socialcare:homeless-add", kwargs=args),
    ]


def test_the_childs_social_worker_and_manager_open_every_care_page(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    for url in _pages(child, period):
        assert client.get(url).status_code == 200, url
    manager = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    client.force_login(manager)
    assert client.get(reverse("socialcare:care", kwargs={"person_id": child.pk})).status_code == 200


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ANALYST, Role.SOCIAL_WORKER])
def test_others_get_404_on_every_care_page(client, sign_in, role):
    owner = worker_with_role(Role.SOCIAL_WORKER)
    child, period = _in_care(owner)
    sign_in(role, **({"agency_name": "Another school"} if role == Role.PARTNER else {}))
    for url in _pages(child, period):
        assert client.get(url).status_code == 404, url


def test_another_childs_period_answers_404(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = _in_care(worker)
    other_period = CarePeriod.objects.create(person=PersonFactory(), starts_on=date(2026, 1, 5))
    url = reverse(
        "socialcare:placement-move", kwargs={"person_id": child.pk, "period_id": other_period.pk}
    )
    assert client.get(url).status_code == 404


def test_the_care_page_shows_the_placement_distance_and_review_due(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = _in_care(worker)
    page = client.get(reverse("socialcare:care", kwargs={"person_id": child.pk}))
    text = page.content.decode()
    assert "0.9 miles" in text
    assert "Inside the council&#x27;s area" in text
    assert "Next review due" in text
    assert "Next statutory visit due" in text


def test_starting_care_without_a_referral_is_refused_on_the_form(client, sign_in):
    from onestory.access.tests.factories import AllocationFactory

    worker = sign_in(Role.SOCIAL_WORKER)
    child = PersonFactory()
    AllocationFactory(person=child, worker=worker, team=worker.team)
    url = reverse("socialcare:care-start", kwargs={"person_id": child.pk})
    response = client.post(
        url, {"starts_on": "01/01/2026", "legal_status": "V2", "place": "U6", "provider": "PR1"}
    )
    assert "Record the referral at the front door first" in response.content.decode()


def test_a_move_to_a_made_up_postcode_keeps_what_was_typed(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    url = reverse(
        "socialcare:placement-move", kwargs={"person_id": child.pk, "period_id": period.pk}
    )
    today = today_in_london(now())
    response = client.post(
        url,
        {
            "version": period.placements.get().version,
            "starts_on": f"{today:%d/%m/%Y}",
            "change_reason": "CARPL",
            "place": "U4",
            "provider": "PR4",
            "carer": "Kept name",
            "placement_postcode": "LU9 9ZZ",
            "home_postcode": "LU1 1AA",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "not a real postcode" in text
    assert "Kept name" in text
    assert Placement.objects.filter(person=child).count() == 1


def test_a_move_and_a_review_through_the_pages(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    today = today_in_london(now())
    url = reverse(
        "socialcare:placement-move", kwargs={"person_id": child.pk, "period_id": period.pk}
    )
    response = client.post(
        url,
        {
            "version": period.placements.get().version,
            "starts_on": f"{today:%d/%m/%Y}",
            "change_reason": "CARPL",
            "place": "U4",
            "provider": "PR4",
            "placement_postcode": "MK9 1AA",
            "home_postcode": "LU1 1AA",
        },
    )
    assert response.status_code == 302
    assert Placement.objects.filter(person=child, ends_on__isnull=True).get().inside_area is False
    url = reverse(
        "socialcare:care-review-add", kwargs={"person_id": child.pk, "period_id": period.pk}
    )
    response = client.post(url, {"held_on": f"{today:%d/%m/%Y}", "participation": "PN1"})
    assert response.status_code == 302
    assert CareReview.objects.filter(person=child).exists()


def test_a_stale_leaving_care_save_is_refused_with_input_kept(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, period = _in_care(worker)
    CarePeriod.objects.filter(pk=period.pk).update(version=period.version + 1)
    today = today_in_london(now())
    url = reverse("socialcare:care-end", kwargs={"person_id": child.pk, "period_id": period.pk})
    response = client.post(
        url, {"version": period.version, "ends_on": f"{today:%d/%m/%Y}", "end_reason": "E4A"}
    )
    assert "Someone else changed this period of care" in response.content.decode()
    assert 'value="E4A" selected' in response.content.decode()


def test_a_child_not_in_care_can_be_started(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now())
    today = today_in_london(now())
    url = reverse("socialcare:care-start", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "starts_on": f"{today:%d/%m/%Y}",
            "legal_status": "V2",
            "place": "U6",
            "provider": "PR1",
            "placement_postcode": "LU2 0AA",
            "home_postcode": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CarePeriod.objects.get(person=child).legal_statuses.get().status == "V2"


def test_a_second_submit_of_the_same_care_start_form_makes_one_period(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now())
    today = today_in_london(now())
    url = reverse("socialcare:care-start", kwargs={"person_id": child.pk})
    posted = {
        "form_token": "one-token",
        "starts_on": f"{today:%d/%m/%Y}",
        "legal_status": "V2",
        "place": "U6",
        "provider": "PR1",
        "placement_postcode": "LU2 0AA",
    }
    assert client.post(url, posted).status_code == 302
    assert client.post(url, posted).status_code == 302
    assert CarePeriod.objects.filter(person=child).count() == 1


def test_a_stale_pathway_plan_save_is_refused_with_the_words_kept(client, sign_in):
    from onestory.socialcare.actions import care, leaving_care

    worker = sign_in(Role.SOCIAL_WORKER)
    at = now()
    today = today_in_london(at)
    child, period = child_in_care(
        worker,
        now=at,
        starts_on=today - timedelta(days=300),
        date_of_birth=today - timedelta(days=17 * 365),
    )
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=today,
        end_reason="E5",
        acting_user=worker,
        now=at,
    )
    leaving_care.care_leaver_record(
        person_id=child.pk,
        version=None,
        personal_adviser_id=worker.pk,
        support_to_25=False,
        acting_user=worker,
        now=at,
    )
    plan = leaving_care.pathway_plan_start(
        person_id=child.pk, starts_on=today, summary="First words.", acting_user=worker, now=at
    )
    leaving_care.pathway_plan_edit(
        person_id=child.pk,
        plan_id=plan.pk,
        version=1,
        summary="Someone else's words.",
        ends_on=None,
        acting_user=worker,
        now=at,
    )
    url = reverse(
        "socialcare:pathway-plan-edit", kwargs={"person_id": child.pk, "plan_id": plan.pk}
    )
    response = client.post(url, {"version": 1, "summary": "My careful words."})
    text = response.content.decode()
    assert "Someone else changed this pathway plan" in text
    assert "My careful words." in text
