from datetime import UTC, date, datetime

import pytest

from onestory.core.errors import DetailsRefused
from onestory.people.models import ChronologyEntry
from onestory.socialcare.actions import homeless
from onestory.socialcare.models import CarePeriod, HomelessAssessment
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


@pytest.fixture
def young_person(worker):
    child, _ = referred_child(
        worker, now=NOW, referral_date=date(2026, 6, 1), date_of_birth=date(2009, 9, 1)
    )
    return child


def _record(worker, young_person, **overrides):
    details = {
        "presented_on": date(2026, 6, 1),
        "housing_officer": "Synthetic housing officer",
        "joint_assessment_on": date(2026, 6, 3),
        "young_persons_wishes": "Wants to live independently.",
        "advised_of_care_entitlements": True,
        "decision": HomelessAssessment.Decision.LOOKED_AFTER,
        "reason": "Cannot return home safely.",
        "decided_on": date(2026, 6, 4),
    } | overrides
    return homeless.homeless_assessment_record(
        person_id=young_person.pk, acting_user=worker, now=NOW, **details
    )


def test_a_looked_after_decision_starts_care_under_section_20(worker, young_person):
    row = _record(worker, young_person)
    period = CarePeriod.objects.get(person=young_person)
    assert row.care_period == period
    assert period.starts_on == date(2026, 6, 4)
    assert period.legal_statuses.get().status == "V2"
    assert ChronologyEntry.objects.filter(person=young_person, summary__startswith="Homeless")


def test_declining_care_needs_the_advice_recorded(worker, young_person):
    with pytest.raises(DetailsRefused) as refused:
        _record(
            worker,
            young_person,
            decision=HomelessAssessment.Decision.DECLINED_CARE,
            advised_of_care_entitlements=False,
        )
    assert (
        "told what being looked after would mean"
        in (refused.value.problems["advised_of_care_entitlements"])
    )
    assert not HomelessAssessment.objects.exists()


def test_a_decision_needs_a_reason(worker, young_person):
    with pytest.raises(DetailsRefused) as refused:
        _record(worker, young_person, reason="")
    assert "reason" in refused.value.problems


def test_a_decision_before_the_young_person_presented_is_refused(worker, young_person):
    with pytest.raises(DetailsRefused, match="before the young person presented"):
        _record(worker, young_person, joint_assessment_on=None, decided_on=date(2026, 5, 30))


def test_a_later_decision_is_recorded_on_the_assessment(worker, young_person):
    row = _record(worker, young_person, decision="", reason="", decided_on=None)
    assert not CarePeriod.objects.exists()
    homeless.homeless_decide(
        person_id=young_person.pk,
        assessment_id=row.pk,
        version=row.version,
        joint_assessment_on=date(2026, 6, 3),
        young_persons_wishes="Go home.",
        advised_of_care_entitlements=True,
        decision=HomelessAssessment.Decision.RETURNED_HOME,
        reason="Family agreed support.",
        decided_on=date(2026, 6, 5),
        acting_user=worker,
        now=NOW,
    )
    row.refresh_from_db()
    assert row.decision == "returned_home"
