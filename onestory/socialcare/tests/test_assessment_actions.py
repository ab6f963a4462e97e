"""Child and family assessments: start, findings and factors, submission, a manager's
authorisation or return, and the referral closing on a no-further-action outcome."""

from datetime import UTC, date, datetime

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from ..actions import assessment as actions
from ..models import Assessment
from .factories_protection import assessment, cin_plan, referred_child, team_pair

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
REFERRED = date(2026, 5, 1)


@pytest.fixture
def case():
    worker, manager = team_pair()
    child, referral = referred_child(worker, now=NOW, referral_date=REFERRED)
    return worker, manager, child, referral


def _update(item, worker, **changes):
    args = {
        "person_id": item.person_id,
        "assessment_id": item.pk,
        "version": item.version,
        "factors": ["3B", "4B"],
        "child_views": "Wants to stay at home.",
        "family_views": "Mother accepts help.",
        "analysis": "Domestic abuse and parental mental health affect the child.",
        "outcome": Assessment.Outcome.CHILD_IN_NEED,
        "acting_user": worker,
        "now": NOW,
    }
    return actions.assessment_update(**(args | changes))


def test_starting_an_assessment_takes_the_referrals_due_date_with_audit_and_chronology(case):
    worker, _, child, referral = case
    item = actions.assessment_start(
        person_id=child.pk,
        referral_id=referral.pk,
        started_on=date(2026, 5, 5),
        form_token=new_form_token(),
        acting_user=worker,
        now=NOW,
    )
    assert item.due_on == referral.assessment_due_on
    assert item.status == Assessment.Status.IN_PROGRESS
    assert AuditEvent.objects.filter(object_id=str(item.pk), action="create").exists()
    assert ChronologyEntry.objects.filter(person=child, source_id=str(item.pk)).exists()


def test_a_second_open_assessment_on_the_same_referral_is_refused(case):
    worker, _, child, referral = case
    assessment(child, referral, worker)
    with pytest.raises(DetailsRefused, match="already has an assessment in progress"):
        actions.assessment_start(
            person_id=child.pk,
            referral_id=referral.pk,
            started_on=REFERRED,
            acting_user=worker,
            now=NOW,
        )


def test_the_same_form_submitted_twice_makes_one_assessment(case):
    worker, _, child, referral = case
    token = new_form_token()
    kwargs = {"person_id": child.pk, "referral_id": referral.pk, "started_on": REFERRED}
    first = actions.assessment_start(**kwargs, form_token=token, acting_user=worker, now=NOW)
    second = actions.assessment_start(**kwargs, form_token=token, acting_user=worker, now=NOW)
    assert first.pk == second.pk
    assert Assessment.objects.count() == 1


def test_an_assessment_cannot_start_before_the_referral_or_in_the_future(case):
    worker, _, child, referral = case
    for day, words in ((date(2026, 4, 30), "before the referral"), (date(2026, 7, 1), "future")):
        with pytest.raises(DetailsRefused, match=words) as refused:
            actions.assessment_start(
                person_id=child.pk,
                referral_id=referral.pk,
                started_on=day,
                acting_user=worker,
                now=NOW,
            )
        assert "started_on" in refused.value.problems


def test_no_factors_must_stand_alone(case):
    worker, _, child, referral = case
    item = assessment(child, referral, worker)
    with pytest.raises(DetailsRefused) as refused:
        _update(item, worker, factors=["21", "3B"])
    assert refused.value.problems["factors"] == actions.FACTORS_ALONE


def test_submitting_needs_factors_analysis_outcome_and_a_completion_date_in_order(case):
    worker, _, child, referral = case
    item = assessment(child, referral, worker, started_on=date(2026, 5, 5))
    with pytest.raises(DetailsRefused) as refused:
        _update(item, worker, factors=[], analysis="", outcome="", submit=True, completed_on=None)
    assert set(refused.value.problems) == {"factors", "analysis", "outcome", "completed_on"}
    with pytest.raises(DetailsRefused, match="cannot be completed before it started"):
        _update(item, worker, submit=True, completed_on=date(2026, 5, 4))


def test_a_submitted_assessment_waits_for_a_manager(case):
    worker, _, child, referral = case
    item = assessment(child, referral, worker)
    item = _update(item, worker, submit=True, completed_on=date(2026, 6, 10))
    assert item.status == Assessment.Status.SUBMITTED
    assert item.completed_on == date(2026, 6, 10)
    assert item.factors == ["3B", "4B"]


def test_a_stale_save_is_refused(case):
    worker, _, child, referral = case
    item = assessment(child, referral, worker)
    _update(item, worker)
    with pytest.raises(StaleEdit):
        _update(item, worker, analysis="Typed on top of the first save.")


def test_only_a_team_manager_authorises(case):
    worker, _, child, referral = case
    item = assessment(child, referral, worker, status=Assessment.Status.SUBMITTED)
    with pytest.raises(DomainError, match="team manager"):
        actions.assessment_authorise(
            person_id=child.pk,
            assessment_id=item.pk,
            version=item.version,
            decision=actions.AUTHORISE,
            acting_user=worker,
            now=NOW,
        )


def test_a_partner_cannot_record_an_assessment(case):
    _, _, child, referral = case
    partner = worker_with_role(Role.PARTNER, agency_name="Stopsley High School")
    with pytest.raises(DomainError, match="Only social workers"):
        actions.assessment_start(
            person_id=child.pk,
            referral_id=referral.pk,
            started_on=REFERRED,
            acting_user=partner,
            now=NOW,
        )


def test_returning_needs_a_comment_and_reopens_the_assessment(case):
    worker, manager, child, referral = case
    item = assessment(
        child,
        referral,
        worker,
        status=Assessment.Status.SUBMITTED,
        completed_on=date(2026, 6, 10),
        outcome=Assessment.Outcome.CHILD_IN_NEED,
    )
    kwargs = {
        "person_id": child.pk,
        "assessment_id": item.pk,
        "decision": actions.RETURN,
        "acting_user": manager,
    }
    with pytest.raises(DetailsRefused) as refused:
        actions.assessment_authorise(**kwargs, version=item.version, comment=" ", now=NOW)
    assert "comment" in refused.value.problems
    item = actions.assessment_authorise(
        **kwargs, version=item.version, comment="Add the father's views.", now=NOW
    )
    assert item.status == Assessment.Status.IN_PROGRESS
    assert item.completed_on is None
    assert item.manager_comment == "Add the father's views."


def test_authorising_no_further_action_closes_the_referral_rc8(case):
    worker, manager, child, referral = case
    item = assessment(
        child,
        referral,
        worker,
        status=Assessment.Status.SUBMITTED,
        completed_on=date(2026, 6, 10),
        outcome=Assessment.Outcome.NO_FURTHER_ACTION,
        factors=["21"],
    )
    actions.assessment_authorise(
        person_id=child.pk,
        assessment_id=item.pk,
        version=item.version,
        decision=actions.AUTHORISE,
        acting_user=manager,
        now=NOW,
    )
    item.refresh_from_db()
    referral.refresh_from_db()
    assert item.status == Assessment.Status.AUTHORISED
    assert item.authorised_by == manager
    assert (referral.closed_on, referral.closure_reason) == (date(2026, 6, 15), "RC8")
    assert ChronologyEntry.objects.filter(person=child, summary__contains="closed").exists()


def test_authorising_early_help_closes_with_rc9_unless_a_plan_is_open(case):
    worker, manager, child, referral = case
    item = assessment(
        child,
        referral,
        worker,
        status=Assessment.Status.SUBMITTED,
        completed_on=date(2026, 6, 10),
        outcome=Assessment.Outcome.EARLY_HELP,
    )
    plan = cin_plan(child, referral, starts_on=date(2026, 5, 10))
    kwargs = {
        "person_id": child.pk,
        "assessment_id": item.pk,
        "decision": actions.AUTHORISE,
        "acting_user": manager,
        "now": NOW,
    }
    with pytest.raises(DomainError, match="child in need plan"):
        actions.assessment_authorise(**kwargs, version=item.version)
    plan.ends_on = date(2026, 6, 1)
    plan.save()
    actions.assessment_authorise(**kwargs, version=item.version)
    referral.refresh_from_db()
    assert referral.closure_reason == "RC9"
