from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.actions import care, care_events, placements
from onestory.socialcare.models import CarePeriod, HealthCheck, Placement
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_care import (
    CARDIFF,
    EDINBURGH,
    MILTON_KEYNES,
    child_in_care,
    placement_details,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
STARTED = date(2026, 3, 2)


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def test_coming_into_care_starts_the_period_legal_status_and_placement(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    assert period.referral.person == child
    assert period.legal_statuses.get().status == "C2"
    placement = period.placements.get()
    assert placement.inside_area is True
    assert placement.outside_england is False
    assert placement.distance_miles == Decimal("0.9")
    assert AuditEvent.objects.filter(object_id=str(period.pk), action="create").exists()
    assert ChronologyEntry.objects.filter(person=child, summary__startswith="Came into care")


def test_coming_into_care_needs_an_open_referral(worker):
    child = PersonFactory()
    with pytest.raises(DomainError, match="Record the referral at the front door first"):
        care.care_start(
            person_id=child.pk,
            starts_on=STARTED,
            legal_status="V2",
            placement=placement_details(),
            acting_user=worker,
            now=NOW,
        )
    assert not CarePeriod.objects.exists()


def test_a_partner_cannot_record_care(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=STARTED)
    with pytest.raises(DomainError):
        care_events.health_check_record(
            person_id=child.pk,
            kind="health",
            done_on=STARTED,
            acting_user=worker_with_role(Role.PARTNER, agency_name="Other school"),
            now=NOW,
        )


def test_a_move_ends_the_placement_with_its_reason_and_works_out_the_distance(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    first = period.placements.get()
    new = placements.placement_move(
        person_id=child.pk,
        period_id=period.pk,
        version=first.version,
        starts_on=date(2026, 5, 1),
        change_reason="CARPL",
        placement=placement_details(placement_postcode=MILTON_KEYNES, provider="PR4"),
        acting_user=worker,
        now=NOW,
    )
    first.refresh_from_db()
    assert first.ends_on == date(2026, 5, 1)
    assert first.change_reason == "CARPL"
    assert new.inside_area is False
    assert new.placement_area_code == "E06000042"
    assert new.distance_miles > 10


def test_a_move_before_the_current_placement_began_is_refused(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    first = period.placements.get()
    with pytest.raises(DetailsRefused) as refused:
        placements.placement_move(
            person_id=child.pk,
            period_id=period.pk,
            version=first.version,
            starts_on=date(2026, 3, 1),
            change_reason="CARPL",
            placement=placement_details(),
            acting_user=worker,
            now=NOW,
        )
    assert (
        "before the current placement began (2 March 2026)" in refused.value.problems["starts_on"]
    )


def test_a_move_needs_the_reason_for_the_change(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    with pytest.raises(DetailsRefused) as refused:
        placements.placement_move(
            person_id=child.pk,
            period_id=period.pk,
            version=None,
            starts_on=date(2026, 4, 1),
            change_reason="",
            placement=placement_details(),
            acting_user=worker,
            now=NOW,
        )
    assert "change_reason" in refused.value.problems


def test_a_placement_in_scotland_is_recorded_as_outside_england(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    new = placements.placement_move(
        person_id=child.pk,
        period_id=period.pk,
        version=None,
        starts_on=date(2026, 4, 1),
        change_reason="CARPL",
        placement=placement_details(placement_postcode=EDINBURGH),
        acting_user=worker,
        now=NOW,
    )
    assert new.outside_england is True
    assert new.inside_area is None
    assert new.distance_miles > 200


def test_a_made_up_or_badly_typed_postcode_is_refused_saying_how_to_fix_it(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    for typed, words in (("LU9 9ZZ", "not a real postcode"), ("12345", "like LU1 1AA")):
        with pytest.raises(DetailsRefused) as refused:
            placements.placement_move(
                person_id=child.pk,
                period_id=period.pk,
                version=None,
                starts_on=date(2026, 4, 1),
                change_reason="CARPL",
                placement=placement_details(placement_postcode=typed),
                acting_user=worker,
                now=NOW,
            )
        assert words in refused.value.problems["placement_postcode"]
    assert Placement.objects.filter(person=child).count() == 1


def test_a_stale_placement_edit_is_refused(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    placement = period.placements.get()
    placements.placement_edit(
        person_id=child.pk,
        placement_id=placement.pk,
        version=1,
        placement=placement_details(carer="New name"),
        acting_user=worker,
        now=NOW,
    )
    with pytest.raises(StaleEdit):
        placements.placement_edit(
            person_id=child.pk,
            placement_id=placement.pk,
            version=1,
            placement=placement_details(placement_postcode=CARDIFF),
            acting_user=worker,
            now=NOW,
        )


def test_a_review_records_when_it_was_due_and_before_care_is_refused(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    review = care_events.review_record(
        person_id=child.pk,
        period_id=period.pk,
        held_on=date(2026, 3, 25),
        participation="PN1",
        acting_user=worker,
        now=NOW,
    )
    assert review.due_on == date(2026, 3, 30)
    assert care_events.review_due_on(period) == date(2026, 6, 25)
    with pytest.raises(DetailsRefused, match="before care began"):
        care_events.review_record(
            person_id=child.pk,
            period_id=period.pk,
            held_on=date(2026, 3, 1),
            participation="PN1",
            acting_user=worker,
            now=NOW,
        )


def test_leaving_care_ends_the_placement_and_legal_status_the_same_day(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=date(2026, 6, 1),
        end_reason="E4A",
        acting_user=worker,
        now=NOW,
    )
    period.refresh_from_db()
    assert period.end_reason == "E4A"
    assert period.placements.get().ends_on == date(2026, 6, 1)
    assert period.legal_statuses.get().ends_on == date(2026, 6, 1)
    assert ChronologyEntry.objects.filter(person=child, summary__startswith="Left care")


def test_leaving_care_before_it_began_or_in_the_future_is_refused(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    with pytest.raises(DetailsRefused, match="cannot end before it began"):
        care.care_end(
            person_id=child.pk,
            period_id=period.pk,
            version=period.version,
            ends_on=date(2026, 3, 1),
            end_reason="E4A",
            acting_user=worker,
            now=NOW,
        )
    with pytest.raises(DetailsRefused, match="future"):
        care.care_end(
            person_id=child.pk,
            period_id=period.pk,
            version=period.version,
            ends_on=date(2026, 7, 1),
            end_reason="E4A",
            acting_user=worker,
            now=NOW,
        )


def test_legal_status_change_ends_the_current_status(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED, legal_status="C1")
    care.legal_status_change(
        person_id=child.pk,
        period_id=period.pk,
        status="C2",
        starts_on=date(2026, 5, 5),
        acting_user=worker,
        now=NOW,
    )
    first, second = period.legal_statuses.order_by("starts_on")
    assert first.ends_on == date(2026, 5, 5)
    assert second.status == "C2" and second.ends_on is None


def test_missing_episode_with_return_interview(worker):
    child, period = child_in_care(worker, now=NOW, starts_on=STARTED)
    row = care_events.missing_record(
        person_id=child.pk,
        kind="M",
        started_at=datetime(2026, 6, 1, 20, tzinfo=UTC),
        ended_at=datetime(2026, 6, 2, 9, tzinfo=UTC),
        return_interview_offered=True,
        return_interview_accepted=True,
        return_interview_on=date(2026, 6, 3),
        acting_user=worker,
        now=NOW,
    )
    assert row.period == period
    with pytest.raises(DetailsRefused, match="come back before"):
        care_events.missing_record(
            person_id=child.pk,
            kind="M",
            started_at=datetime(2026, 6, 1, 20, tzinfo=UTC),
            ended_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
            return_interview_offered=None,
            return_interview_accepted=None,
            return_interview_on=None,
            acting_user=worker,
            now=NOW,
        )


def test_sdq_score_must_be_0_to_40(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=STARTED)
    with pytest.raises(DetailsRefused, match="0 to 40"):
        care_events.health_check_record(
            person_id=child.pk, kind="sdq", done_on=STARTED, score=41, acting_user=worker, now=NOW
        )
    care_events.health_check_record(
        person_id=child.pk, kind="sdq", done_on=STARTED, score=14, acting_user=worker, now=NOW
    )
    assert HealthCheck.objects.get(person=child).score == 14


def test_unaccompanied_child_sets_the_persons_flag(worker):
    child, _ = child_in_care(worker, now=NOW, starts_on=STARTED)
    care_events.unaccompanied_record(
        person_id=child.pk,
        version=None,
        arrived_on=date(2026, 2, 20),
        became_looked_after_on=STARTED,
        national_transfer_scheme=True,
        age_assessed=False,
        acting_user=worker,
        now=NOW,
    )
    child.refresh_from_db()
    assert child.unaccompanied_asylum_seeking is True
    with pytest.raises(DetailsRefused, match="before they arrived"):
        care_events.unaccompanied_record(
            person_id=child.pk,
            version=1,
            arrived_on=date(2026, 3, 20),
            became_looked_after_on=STARTED,
            national_transfer_scheme=True,
            age_assessed=False,
            acting_user=worker,
            now=NOW,
        )
