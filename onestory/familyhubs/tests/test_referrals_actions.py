"""Referring a family to a directory service and following the referral through: what is saved,
what is refused and why, and who may record each step."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.earlyhelp import actions as earlyhelp
from onestory.familyhubs import rules_referrals
from onestory.familyhubs.actions import referrals as actions
from onestory.familyhubs.models import ServiceReferral
from onestory.familyhubs.selectors_referrals import may_follow_up, referrals_visible_to
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import ServiceFactory
from .factories_referrals import children_of, decided_contact, early_help_family, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return worker_with_role(Role.EARLY_HELP, first_name="Priya", last_name="Shah")


@pytest.fixture
def service():
    return ServiceFactory(name="Incredible Years parenting group")


def _decide(referral, worker, *, accepted=True, reason="", version=None):
    return actions.referral_decide(
        referral_id=referral.pk,
        version=referral.version if version is None else version,
        accepted=accepted,
        declined_reason=reason,
        acting_user=worker,
        now=timezone.now(),
    )


def _close(referral, worker, *, attended=True, outcome="Went to all ten sessions."):
    return actions.referral_close(
        referral_id=referral.pk,
        version=referral.version,
        attended=attended,
        outcome=outcome,
        acting_user=worker,
        now=timezone.now(),
    )


# --- Making a referral -------------------------------------------------------------------------


def test_a_lead_professional_refers_the_children_from_the_plan(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    children = children_of(episode)

    referral = refer(lead, service, now=now, episode=episode)

    assert referral.status == "made"
    assert set(referral.people.all()) == set(children)
    assert referral.household == episode.household
    assert referral.made_by == lead
    for child in children:
        entry = ChronologyEntry.objects.get(person=child, category="service referral")
        assert entry.summary == "Referred to Incredible Years parenting group"
        assert entry.source_id == str(referral.pk)
    parent = episode.members.get(role="adult").person
    assert not ChronologyEntry.objects.filter(person=parent, category="service referral").exists()
    created = AuditEvent.objects.get(action="create", object_id=str(referral.pk))
    assert created.detail["origin"] == "episode" and created.detail["people"] == 2
    assert "Incredible" not in str(created.detail) and REASON_WORD not in str(created.detail)


REASON_WORD = "tantrums"


def test_a_referral_submitted_twice_is_made_once(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    token = new_form_token()
    first = refer(lead, service, now=now, episode=episode, form_token=token)
    second = refer(lead, service, now=now, episode=episode, form_token=token)
    assert first.pk == second.pk
    assert ServiceReferral.objects.count() == 1
    assert ChronologyEntry.objects.filter(category="service referral").count() == 2


def test_a_signpost_only_service_is_refused_with_what_to_do_instead(lead):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    signpost = ServiceFactory(accepts_referrals=False)
    with pytest.raises(DetailsRefused) as refused:
        refer(lead, signpost, now=now, episode=episode)
    assert refused.value.problems == {"service": actions.SIGNPOST_ONLY}
    assert "contact details" in actions.SIGNPOST_ONLY
    assert not ServiceReferral.objects.exists()


def test_a_referral_without_people_or_a_reason_says_what_is_missing(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    with pytest.raises(DetailsRefused) as refused:
        refer(lead, service, now=now, episode=episode, people=[], reason="  ")
    assert refused.value.problems == {"people": actions.NO_PEOPLE, "reason": actions.NO_REASON}


def test_only_the_familys_own_members_can_be_referred(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    stranger = early_help_family(lead, now=now, children=1)
    with pytest.raises(DetailsRefused) as refused:
        refer(lead, service, now=now, episode=episode, people=children_of(stranger))
    assert refused.value.problems == {"people": actions.NOT_IN_FAMILY}


def test_a_worker_who_cannot_see_the_episode_cannot_refer_from_it(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    elsewhere = worker_with_role(Role.EARLY_HELP)  # another team: no allocation, no consent
    with pytest.raises(DomainError, match="Only the practitioners working with this family"):
        refer(elsewhere, service, now=now, episode=episode)


def test_a_closed_episode_refers_no_more(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    earlyhelp.close_episode(
        episode_id=episode.pk,
        version=episode.version,
        reason="needs_met",
        summary="Routines are settled; the family no longer need help.",
        acting_user=lead,
        now=now,
    )
    with pytest.raises(DomainError, match="closed"):
        refer(lead, service, now=now, episode=episode)


def test_the_front_door_refers_from_a_contact_decided_as_early_help(service):
    screener = worker_with_role(Role.FRONT_DOOR)
    school = worker_with_role(Role.PARTNER)
    now = timezone.now()
    contact, child, parent = decided_contact(screener, school, now=now)

    referral = refer(screener, service, now=now, contact=contact, people=[child, parent])

    assert referral.contact == contact and referral.episode is None
    assert set(referral.people.all()) == {child, parent}
    with pytest.raises(DomainError):
        refer(school, service, now=now, contact=contact)  # the referrer does not screen


def test_a_contact_still_waiting_for_sign_off_cannot_be_referred_from(service):
    screener = worker_with_role(Role.FRONT_DOOR)
    now = timezone.now()
    contact, child, _ = decided_contact(
        screener, worker_with_role(Role.PARTNER), now=now, outcome="nfa"
    )
    assert contact.status == "sign_off"
    with pytest.raises(DomainError, match="no further action or early help"):
        refer(screener, service, now=now, contact=contact, people=[child])


# --- Following it through ----------------------------------------------------------------------


def test_an_accepted_referral_is_closed_with_whether_the_family_attended(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now, children=1)
    referral = refer(lead, service, now=now, episode=episode)

    referral = _decide(referral, lead)
    assert referral.status == "accepted" and referral.decided_by == lead
    referral = _close(referral, lead, attended=True)

    assert referral.status == "closed" and referral.attended is True
    assert referral.outcome == "Went to all ten sessions."
    child = children_of(episode)[0]
    summaries = list(
        ChronologyEntry.objects.filter(person=child, category="service referral")
        .order_by("created_at")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Referred to Incredible Years parenting group",
        "Referral to Incredible Years parenting group accepted by the service",
        "Referral to Incredible Years parenting group closed: the family attended. "
        "Went to all ten sessions.",
    ]
    updates = AuditEvent.objects.filter(action="update", object_id=str(referral.pk))
    assert [e.detail["status"] for e in updates.order_by("at", "id")] == ["accepted", "closed"]


def test_closing_before_the_service_answers_is_refused_with_the_reason(lead, service):
    now = timezone.now()
    referral = refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    with pytest.raises(DomainError, match="has not answered yet"):
        _close(referral, lead)
    referral.refresh_from_db()
    assert referral.status == "made"


def test_a_declined_referral_keeps_the_services_reason_and_is_finished(lead, service):
    now = timezone.now()
    referral = refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    with pytest.raises(DetailsRefused) as refused:
        _decide(referral, lead, accepted=False, reason=" ")
    assert refused.value.problems == {"declined_reason": actions.NO_DECLINED_REASON}

    referral = _decide(referral, lead, accepted=False, reason="The group is full until spring.")
    assert referral.status == "declined"
    assert referral.declined_reason == "The group is full until spring."
    with pytest.raises(DomainError, match="cannot be closed: it is declined"):
        _close(referral, lead)
    with pytest.raises(DomainError, match="already recorded"):
        _decide(referral, lead)


def test_an_answer_on_top_of_someone_elses_is_refused(lead, service):
    now = timezone.now()
    referral = refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    opened_at = referral.version
    _decide(referral, lead)
    with pytest.raises(StaleEdit):
        _decide(referral, lead, accepted=False, reason="Full", version=opened_at)
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_who_may_follow_a_referral_up(lead, service):
    now = timezone.now()
    episode = early_help_family(lead, now=now, children=1)
    referral = refer(lead, service, now=now, episode=episode)
    child = children_of(episode)[0]
    colleague = worker_with_role(Role.EARLY_HELP, team=lead.team)
    manager = worker_with_role(Role.TEAM_MANAGER, team=lead.team)
    social_worker = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(person=child, worker=social_worker, starts_at=now - timedelta(days=1))
    partner = worker_with_role(Role.PARTNER)

    def sees(worker):
        return referrals_visible_to(worker, now=now).filter(pk=referral.pk).exists()

    assert sees(colleague) and may_follow_up(colleague, referral)
    assert sees(manager) and may_follow_up(manager, referral)
    # A social worker allocated the child sees the referral but does not follow it up.
    assert sees(social_worker) and not may_follow_up(social_worker, referral)
    assert not sees(partner)
    with pytest.raises(DomainError, match="Only the practitioners"):
        _decide(referral, social_worker)
    with pytest.raises(DomainError, match="Only the practitioners"):
        _decide(referral, partner)


# --- When a referral is overdue ------------------------------------------------------------------


def test_a_referral_is_overdue_after_twenty_working_days_without_a_step():
    monday = date(2026, 11, 2)
    holidays = set()
    four_weeks_on = monday + timedelta(days=28)  # 20 working days later
    assert not rules_referrals.is_overdue("made", monday, four_weeks_on, holidays)
    assert rules_referrals.is_overdue("made", monday, four_weeks_on + timedelta(days=1), holidays)
    assert rules_referrals.is_overdue(
        "accepted", monday, four_weeks_on + timedelta(days=1), holidays
    )
    assert not rules_referrals.is_overdue(
        "closed", monday, four_weeks_on + timedelta(days=9), holidays
    )
    # A bank holiday is not a working day: the referral has a day longer.
    assert not rules_referrals.is_overdue(
        "made", monday, four_weeks_on + timedelta(days=1), {monday + timedelta(days=3)}
    )


def test_an_accepted_referral_waits_from_the_day_it_was_accepted():
    made, accepted = date(2026, 1, 5), date(2026, 2, 2)
    assert rules_referrals.last_step_on("accepted", made_on=made, decided_on=accepted) == accepted
    assert rules_referrals.last_step_on("made", made_on=made, decided_on=None) == made
