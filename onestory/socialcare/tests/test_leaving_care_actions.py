from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.people.models import ChronologyEntry
from onestory.socialcare.actions import care, leaving_care
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_care import child_in_care

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
BORN = date(2008, 5, 20)  # 18 on 20 May 2026


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def _care_leaver(worker, *, support_to_25=False):
    child, period = child_in_care(worker, now=NOW, starts_on=date(2025, 1, 6), date_of_birth=BORN)
    care.care_end(
        person_id=child.pk,
        period_id=period.pk,
        version=period.version,
        ends_on=date(2026, 5, 20),
        end_reason="E17",
        acting_user=worker,
        now=NOW,
    )
    row = leaving_care.care_leaver_record(
        person_id=child.pk,
        version=None,
        personal_adviser_id=worker.pk,
        support_to_25=support_to_25,
        acting_user=worker,
        now=NOW,
    )
    return child, row


def test_the_category_comes_from_the_care_history(worker):
    child, row = _care_leaver(worker)
    assert row.category == "former_relevant"
    assert row.personal_adviser == worker
    assert ChronologyEntry.objects.filter(person=child, summary__startswith="Care leaver")


def test_a_young_person_never_in_care_is_not_a_care_leaver(worker):
    from .factories import referred_child

    child, _ = referred_child(worker, now=NOW, date_of_birth=BORN)
    with pytest.raises(DomainError, match="not owed leaving-care support"):
        leaving_care.care_leaver_record(
            person_id=child.pk,
            version=None,
            personal_adviser_id=worker.pk,
            support_to_25=False,
            acting_user=worker,
            now=NOW,
        )


def test_pathway_plan_is_due_for_review_in_six_months_and_reviews_move_it_on(worker):
    child, _ = _care_leaver(worker)
    plan = leaving_care.pathway_plan_start(
        person_id=child.pk,
        starts_on=date(2026, 5, 1),
        summary="University in September.",
        acting_user=worker,
        now=NOW,
    )
    assert plan.next_review_on == date(2026, 11, 1)
    leaving_care.pathway_review_record(
        person_id=child.pk,
        plan_id=plan.pk,
        held_on=date(2026, 6, 10),
        summary="On track.",
        acting_user=worker,
        now=NOW,
    )
    plan.refresh_from_db()
    assert plan.next_review_on == date(2026, 12, 10)
    assert AuditEvent.objects.filter(person_id=child.pk, action="create").count() >= 3


def test_a_second_save_of_the_pathway_plan_is_refused(worker):
    child, _ = _care_leaver(worker)
    plan = leaving_care.pathway_plan_start(
        person_id=child.pk, starts_on=date(2026, 5, 1), summary="Plan.", acting_user=worker, now=NOW
    )
    leaving_care.pathway_plan_edit(
        person_id=child.pk,
        plan_id=plan.pk,
        version=1,
        summary="First edit.",
        ends_on=None,
        acting_user=worker,
        now=NOW,
    )
    with pytest.raises(StaleEdit):
        leaving_care.pathway_plan_edit(
            person_id=child.pk,
            plan_id=plan.pk,
            version=1,
            summary="Second edit.",
            ends_on=None,
            acting_user=worker,
            now=NOW,
        )


def test_a_plan_ending_before_it_started_is_refused(worker):
    child, _ = _care_leaver(worker)
    plan = leaving_care.pathway_plan_start(
        person_id=child.pk, starts_on=date(2026, 5, 1), summary="Plan.", acting_user=worker, now=NOW
    )
    with pytest.raises(DetailsRefused, match=r"cannot end before it started \(1 May 2026\)"):
        leaving_care.pathway_plan_edit(
            person_id=child.pk,
            plan_id=plan.pk,
            version=1,
            summary="Plan.",
            ends_on=date(2026, 4, 1),
            acting_user=worker,
            now=NOW,
        )


def test_a_birthday_contact_inside_the_window_is_recorded(worker):
    child, _ = _care_leaver(worker)
    row = leaving_care.contact_record(
        person_id=child.pk,
        birthday_age=18,
        contact_on=date(2026, 6, 1),
        in_touch="YES",
        activity="F2",
        accommodation="Z",
        accommodation_suitable=True,
        acting_user=worker,
        now=NOW,
    )
    assert row.birthday_age == 18


def test_a_contact_outside_the_birthdays_window_is_refused_with_the_window(worker):
    child, _ = _care_leaver(worker)
    with pytest.raises(DetailsRefused) as refused:
        leaving_care.contact_record(
            person_id=child.pk,
            birthday_age=18,
            contact_on=date(2026, 1, 10),
            in_touch="NO",
            acting_user=worker,
            now=NOW,
        )
    assert refused.value.problems["contact_on"].startswith(
        "A contact for the 18th birthday must be between 20 February 2026 and 20 June 2026"
    )


def test_birthdays_after_21_need_support_to_25(worker):
    child, _ = _care_leaver(worker)
    with pytest.raises(DetailsRefused, match="once support to 25 is agreed"):
        leaving_care.contact_record(
            person_id=child.pk,
            birthday_age=22,
            contact_on=date(2026, 6, 1),
            in_touch="NO",
            acting_user=worker,
            now=NOW,
        )
