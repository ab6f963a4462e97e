"""Care leavers, homeless 16-17s, outside-England placements and the care record on the
child's statutory page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from onestory.core.clock import now, today_in_london
from onestory.socialcare import selectors_care
from onestory.socialcare.actions import care, placements
from onestory.socialcare.models import HomelessAssessment, Placement, Visit
from onestory.socialcare.templatetags.socialcare_care import care_record_for
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_care import CARDIFF, child_in_care, placement_details

pytestmark = pytest.mark.django_db


def _today():
    return today_in_london(now())


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def test_the_childs_statutory_page_shows_their_care(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = child_in_care(worker, now=now(), starts_on=_today() - timedelta(days=30))
    text = client.get(reverse("socialcare:child", kwargs={"person_id": child.pk})).content
    assert b"Children in care" in text
    assert b"Move to a new placement" in text


def test_the_care_record_is_only_for_those_who_record_statutory_work():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = child_in_care(worker, now=now(), starts_on=_today() - timedelta(days=30))
    assert care_record_for(child, worker, _today()).current is not None
    partner = worker_with_role(Role.PARTNER, agency_name="Another school")
    assert care_record_for(child, partner, _today()) is None
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    assert care_record_for(child, stranger, _today()) is None


def test_a_placement_in_wales_shows_as_outside_england(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, period = child_in_care(worker, now=now(), starts_on=_today() - timedelta(days=30))
    url = reverse(
        "socialcare:placement-move", kwargs={"person_id": child.pk, "period_id": period.pk}
    )
    response = client.post(
        url,
        {
            "version": period.placements.get().version,
            "starts_on": _d(_today()),
            "change_reason": "CHILD",
            "place": "K2",
            "provider": "PR4",
            "placement_postcode": CARDIFF,
            "home_postcode": "LU1 1AA",
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get(person=child, ends_on__isnull=True)
    assert placement.outside_england and placement.inside_area is None
    assert placement.distance_miles is not None
    page = client.get(reverse("socialcare:care", kwargs={"person_id": child.pk}))
    assert b"Outside England" in page.content


def test_three_placements_in_a_year_are_flagged_and_visits_are_due_from_the_last_one():
    worker = worker_with_role(Role.SOCIAL_WORKER)
    started = _today() - timedelta(days=90)
    child, period = child_in_care(worker, now=now(), starts_on=started)
    for days_ago in (60, 30):
        placements.placement_move(
            person_id=child.pk,
            period_id=period.pk,
            version=None,
            starts_on=_today() - timedelta(days=days_ago),
            change_reason="CARPL",
            placement=placement_details(),
            acting_user=worker,
            now=now(),
        )
    Visit.objects.create(
        person=child,
        kind=Visit.Kind.CHILD_IN_CARE,
        child_seen=True,
        visited_on=_today() - timedelta(days=2),
        visited_by=worker,
    )
    record = selectors_care.care_record(child, today=_today())
    assert record.placements_in_year == 3
    assert record.unstable
    assert record.visit_due.on == _today() - timedelta(days=2) + timedelta(weeks=6)
    assert record.visit_due.rag == "green"


def test_declining_care_without_the_advice_is_refused_with_input_kept(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now(), date_of_birth=_today() - timedelta(days=6000))
    url = reverse("socialcare:homeless-add", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "presented_on": _d(_today()),
            "housing_officer": "Kept officer name",
            "decision": "declined_care",
            "reason": "Wants to stay with a friend.",
            "decided_on": _d(_today()),
        },
    )
    text = response.content.decode()
    assert "told what being looked after would mean" in text
    assert "Kept officer name" in text
    assert not HomelessAssessment.objects.exists()


def test_a_homeless_young_person_becomes_looked_after_through_the_pages(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=now(), date_of_birth=_today() - timedelta(days=6000))
    url = reverse("socialcare:homeless-add", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "presented_on": _d(_today()),
            "housing_officer": "Housing officer",
            "advised_of_care_entitlements": "on",
            "decision": "looked_after",
            "reason": "Cannot go home.",
            "decided_on": _d(_today()),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("socialcare:care", kwargs={"person_id": child.pk}))
    assert b"Single period of accommodation under section 20" in page.content
    assert b"Record the placement" in page.content


def test_a_care_leavers_birthday_contact_through_the_pages(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    born = _today() - timedelta(days=18 * 365 + 30)
    child, period = child_in_care(
        worker, now=now(), starts_on=_today() - timedelta(days=400), date_of_birth=born
    )
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=_today() - timedelta(days=20),
        end_reason="E17",
        acting_user=worker,
        now=now(),
    )
    response = client.post(
        reverse("socialcare:care-leaver", kwargs={"person_id": child.pk}),
        {"personal_adviser": worker.pk},
    )
    assert response.status_code == 302
    url = reverse("socialcare:care-leaver-contact-add", kwargs={"person_id": child.pk})
    response = client.post(
        url,
        {
            "birthday_age": 18,
            "contact_on": _d(_today() - timedelta(days=200)),
            "in_touch": "NO",
            "accommodation_suitable": "unknown",
        },
    )
    assert "must be between" in response.content.decode()
    response = client.post(
        url,
        {
            "birthday_age": 18,
            "contact_on": _d(_today()),
            "in_touch": "YES",
            "activity": "F2",
            "accommodation": "E",
            "accommodation_suitable": "yes",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("socialcare:care", kwargs={"person_id": child.pk}))
    assert b"Supported lodgings" in page.content


def test_missing_health_and_unaccompanied_through_the_pages(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = child_in_care(worker, now=now(), starts_on=_today() - timedelta(days=30))
    args = {"person_id": child.pk}
    yesterday = _today() - timedelta(days=1)
    response = client.post(
        reverse("socialcare:missing-add", kwargs=args),
        {
            "kind": "M",
            "started_on": _d(yesterday),
            "started_time": "20:00",
            "ended_on": _d(yesterday),
            "ended_time": "23:30",
            "return_interview_offered": "yes",
            "return_interview_accepted": "no",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("socialcare:health-check-add", kwargs=args),
        {
            "kind": "sdq",
            "done_on": _d(yesterday),
            "score": "45",
        },
    )
    assert "0 to 40" in response.content.decode()
    response = client.post(
        reverse("socialcare:unaccompanied", kwargs=args),
        {
            "arrived_on": _d(_today() - timedelta(days=60)),
            "became_looked_after_on": _d(_today() - timedelta(days=30)),
            "national_transfer_scheme": "on",
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.unaccompanied_asylum_seeking
    text = client.get(reverse("socialcare:care", kwargs=args)).content.decode()
    assert "Offered, declined" in text
    assert "Still an unaccompanied asylum-seeking child" in text
