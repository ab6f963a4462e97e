"""The front door's actions: what they save, what they refuse, and what they tell people."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onestory.access.models import Allocation, AuditEvent, Notification
from onestory.access.selectors import visible_to
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import new_form_token
from onestory.frontdoor import actions
from onestory.frontdoor.models import Contact, Decision, Referral, StrategyDiscussion
from onestory.people import matching
from onestory.people.models import ChronologyEntry, Person
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import submit

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


@pytest.fixture
def people():
    screener = worker_with_role(Role.FRONT_DOOR)
    manager = worker_with_role(Role.TEAM_MANAGER, team=screener.team)
    screener.team.manager = manager
    screener.team.save()
    return {
        "screener": screener,
        "other_screener": worker_with_role(Role.FRONT_DOOR, team=screener.team),
        "manager": manager,
        "school": worker_with_role(Role.PARTNER),
        "early_help": TeamFactory(kind=Team.Kind.EARLY_HELP, name="Early help north"),
        "social_work": TeamFactory(kind=Team.Kind.SOCIAL_WORK, name="Social work north"),
    }


def _child():
    child = PersonFactory(given_name="Amara", family_name="Okafor", date_of_birth=date(2016, 5, 4))
    AddressFactory(person=child, postcode="LU4 9AB")
    return child


def _decide(contact, user, *, outcome="early_help", level=2, **changes):
    contact.refresh_from_db()
    values = {
        "contact_id": contact.pk,
        "version": contact.version,
        "outcome": outcome,
        "level": level,
        "rationale": "Parents asked for help with routines; no sign of significant harm.",
        "referrer_message": "The family will be offered early help.",
        "acting_user": user,
        "now": MONDAY + timedelta(hours=2),
    }
    values.update(changes)
    return actions.contact_decide(**values)


def _link_all(contact, user, person_ids):
    for named, person_id in zip(contact.people.order_by("position"), person_ids, strict=False):
        actions.contact_person_link(
            contact_person_id=named.pk,
            person_id=person_id,
            acting_user=user,
            now=MONDAY + timedelta(hours=1),
        )


def test_a_request_is_saved_with_its_clock_and_matched_after_the_save(
    people, django_capture_on_commit_callbacks
):
    child = _child()
    with django_capture_on_commit_callbacks(execute=True):
        contact = submit(people["school"], now=MONDAY)
    contact.refresh_from_db()
    assert contact.status == "received"
    assert contact.referral_source == "2A"  # from a school
    assert contact.referrer_worker == people["school"]
    assert contact.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    first = contact.people.get(position=0)
    assert first.suggestions[0]["person_id"] == str(child.pk)
    assert first.suggestions[0]["band"] == "Likely match"
    assert AuditEvent.objects.filter(action="create", object_id=str(contact.pk)).exists()


def test_a_request_sent_twice_makes_one_contact(people):
    token = new_form_token()
    first = submit(people["school"], now=MONDAY, form_token=token)
    second = submit(people["school"], now=MONDAY, form_token=token)
    assert first.pk == second.pk
    assert Contact.objects.count() == 1


def test_a_request_missing_facts_is_refused_with_every_problem(people):
    with pytest.raises(DetailsRefused) as refused:
        submit(
            people["school"],
            now=MONDAY,
            what_happened=" ",
            consent="refused",
            people=[{"role": "parent", "given_name": "Grace", "family_name": "Okafor"}],
        )
    assert {"what_happened", "consent_explanation", "people"} <= set(refused.value.problems)
    assert Contact.objects.count() == 0


def test_when_matching_fails_the_contact_is_kept_and_marked_for_attention(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("matching is down")

    monkeypatch.setattr(matching, "search", broken)
    with django_capture_on_commit_callbacks(execute=True):
        contact = submit(people["school"], now=MONDAY)
    contact.refresh_from_db()
    assert contact.needs_attention.startswith("Matching at intake failed")
    assert contact.people.count() == 2


def test_immediate_danger_tells_the_front_door_at_once(people):
    submit(people["school"], now=MONDAY, immediate_danger=True)
    told = Notification.objects.filter(recipient=people["screener"])
    assert told.filter(message__startswith="Immediate danger").exists()


def test_linking_a_child_opens_their_record_to_the_front_door_and_adds_to_their_story(people):
    child = _child()
    contact = submit(people["school"], now=MONDAY)
    assert not visible_to(people["screener"], now=MONDAY).filter(pk=child.pk).exists()
    _link_all(contact, people["screener"], [child.pk])
    assert (
        visible_to(people["screener"], now=MONDAY + timedelta(hours=1)).filter(pk=child.pk).exists()
    )
    assert ChronologyEntry.objects.filter(person=child, category="front door").exists()


def test_a_new_record_is_refused_while_a_likely_match_is_not_ruled_out(people):
    _child()
    contact = submit(people["school"], now=MONDAY)
    named = contact.people.get(position=0)
    with pytest.raises(DomainError, match="looks like the same person"):
        actions.contact_person_create_record(
            contact_person_id=named.pk,
            none_of_the_matches=False,
            acting_user=people["screener"],
            now=MONDAY,
        )
    actions.contact_person_create_record(
        contact_person_id=named.pk,
        none_of_the_matches=True,
        acting_user=people["screener"],
        now=MONDAY,
    )
    with pytest.raises(DomainError, match="already been linked"):
        actions.contact_person_create_record(
            contact_person_id=named.pk,
            none_of_the_matches=True,
            acting_user=people["screener"],
            now=MONDAY,
        )
    assert Person.objects.filter(given_name="Amara", family_name="Okafor").count() == 2


def test_a_decision_waits_until_every_child_is_linked(people):
    contact = submit(people["school"], now=MONDAY)
    with pytest.raises(DomainError, match="Link every child"):
        _decide(contact, people["screener"], early_help_team=people["early_help"])


def test_early_help_allocates_the_family_and_tells_the_school(people):
    child, mother = _child(), PersonFactory(given_name="Grace", family_name="Okafor")
    contact = submit(people["school"], now=MONDAY)
    _link_all(contact, people["screener"], [child.pk, mother.pk])
    _decide(contact, people["screener"], early_help_team=people["early_help"])
    contact.refresh_from_db()
    assert contact.status == "decided"
    allocated = Allocation.objects.filter(team=people["early_help"], ends_at__isnull=True)
    assert set(allocated.values_list("person_id", flat=True)) == {child.pk, mother.pk}
    # The front door's own access ended with the decision.
    assert not Allocation.objects.filter(
        purpose=actions.PURPOSE_FRONT_DOOR, ends_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient=people["school"], message__contains=contact.reference
    ).exists()
    assert ChronologyEntry.objects.filter(person=child, summary__contains="Early help").exists()


def test_a_second_screener_deciding_the_same_contact_is_refused(people):
    child = _child()
    contact = submit(people["school"], now=MONDAY)
    _link_all(contact, people["screener"], [child.pk])
    contact.refresh_from_db()
    stale_version = contact.version
    _decide(contact, people["screener"], early_help_team=people["early_help"])
    with pytest.raises(DomainError, match="decided this contact"):
        _decide(
            contact,
            people["other_screener"],
            early_help_team=people["early_help"],
            version=stale_version,
        )
    assert Decision.objects.count() == 1


def test_no_further_action_waits_for_a_managers_sign_off(people):
    child = _child()
    contact = submit(people["school"], now=MONDAY)
    _link_all(contact, people["screener"], [child.pk])
    decision = _decide(
        contact,
        people["screener"],
        outcome="nfa",
        level=1,
        signposting="Family hub stay-and-play; the school nurse.",
    )
    contact.refresh_from_db()
    assert contact.status == "sign_off"
    assert not Notification.objects.filter(recipient=people["school"]).exists()
    with pytest.raises(DomainError, match="Only a front door manager"):
        actions.decision_sign_off(
            decision_id=decision.pk,
            agree=True,
            comment="",
            acting_user=people["other_screener"],
            now=MONDAY,
        )
    actions.decision_sign_off(
        decision_id=decision.pk,
        agree=True,
        comment="",
        acting_user=people["manager"],
        now=MONDAY + timedelta(hours=3),
    )
    contact.refresh_from_db()
    assert contact.status == "decided"
    assert Notification.objects.filter(recipient=people["school"]).exists()


def test_a_returned_decision_goes_back_to_the_screener_to_decide_again(people):
    child = _child()
    contact = submit(people["school"], now=MONDAY)
    _link_all(contact, people["screener"], [child.pk])
    decision = _decide(
        contact, people["screener"], outcome="nfa", level=1, signposting="Family hub"
    )
    with pytest.raises(DomainError, match="Say why"):
        actions.decision_sign_off(
            decision_id=decision.pk,
            agree=False,
            comment=" ",
            acting_user=people["manager"],
            now=MONDAY,
        )
    actions.decision_sign_off(
        decision_id=decision.pk,
        agree=False,
        comment="Ask the police what they know first.",
        acting_user=people["manager"],
        now=MONDAY,
    )
    contact.refresh_from_db()
    assert contact.status == "screening"
    _decide(contact, people["screener"], early_help_team=people["early_help"])
    contact.refresh_from_db()
    assert contact.status == "decided"


def test_a_strategy_discussion_refers_the_child_and_is_due_today(people):
    child = _child()
    contact = submit(people["school"], now=MONDAY, immediate_danger=True)
    _link_all(contact, people["screener"], [child.pk])
    _decide(
        contact,
        people["screener"],
        outcome="strategy",
        level=4,
        primary_need="N1",
        social_work_team=people["social_work"],
    )
    discussion = StrategyDiscussion.objects.get(contact=contact)
    assert discussion.due_at == datetime(2026, 11, 24, 0, 0, tzinfo=LONDON)
    referral = Referral.objects.get(contact=contact)
    assert referral.person == child and referral.source == "2A" and referral.primary_need == "N1"
    # 45 working days: 25 and 28 December and 1 January are bank holidays.
    assert referral.assessment_due_on == date(2027, 1, 28)
    assert not referral.is_re_referral


def test_a_second_referral_within_twelve_months_is_a_re_referral(people):
    child = _child()
    first = submit(people["school"], now=MONDAY - timedelta(days=200))
    _link_all(first, people["screener"], [child.pk])
    _decide(
        first,
        people["screener"],
        outcome="referral",
        level=4,
        primary_need="N4",
        social_work_team=people["social_work"],
        now=MONDAY - timedelta(days=199),
    )
    second = submit(people["school"], now=MONDAY)
    _link_all(second, people["screener"], [child.pk])
    _decide(
        second,
        people["screener"],
        outcome="referral",
        level=4,
        primary_need="N1",
        social_work_team=people["social_work"],
    )
    latest = Referral.objects.get(contact=second)
    assert latest.is_re_referral
    assert latest.previous_referral == Referral.objects.get(contact=first)


def test_a_contact_can_be_closed_without_a_decision_with_a_reason(people):
    contact = submit(people["school"], now=MONDAY)
    with pytest.raises(DomainError):
        actions.contact_close(
            contact_id=contact.pk,
            version=contact.version,
            reason="dup",
            acting_user=people["screener"],
            now=MONDAY,
        )
    actions.contact_close(
        contact_id=contact.pk,
        version=contact.version,
        reason="Repeats contact FD-ABCDEFGH about the same worry.",
        acting_user=people["screener"],
        now=MONDAY,
    )
    contact.refresh_from_db()
    assert contact.status == "closed"


def test_step_up_carries_the_family_over_without_retyping(people):
    practitioner = worker_with_role(Role.EARLY_HELP)
    child, mother = _child(), PersonFactory(given_name="Grace", family_name="Okafor")
    for person in (child, mother):
        Allocation.objects.create(
            person=person,
            team=practitioner.team,
            starts_at=MONDAY,
            purpose="Lead professional (early help)",
        )
    contact = actions.step_up(
        child_ids=[child.pk],
        adult_ids=[mother.pk],
        what_has_changed="Mother's new partner has a history of violence.",
        handover_summary="Twelve weeks of support; attendance improved.",
        consent="given",
        acting_user=practitioner,
        now=MONDAY + timedelta(hours=1),
        form_token=new_form_token(),
    )
    carried = list(contact.people.order_by("position"))
    assert [p.person_id for p in carried] == [child.pk, mother.pk]
    assert carried[0].date_of_birth == date(2016, 5, 4) and carried[0].postcode == "LU4 9AB"
    assert contact.referral_source == "5D"
    # The front door can decide at once: everyone is already linked.
    _decide(
        contact,
        people["screener"],
        outcome="referral",
        level=4,
        primary_need="N1",
        social_work_team=people["social_work"],
    )


def test_step_up_is_refused_for_people_the_worker_cannot_open(people):
    practitioner = worker_with_role(Role.EARLY_HELP)
    stranger = _child()
    with pytest.raises(DomainError, match="whose records you can open"):
        actions.step_up(
            child_ids=[stranger.pk],
            adult_ids=[],
            what_has_changed="Worse.",
            handover_summary="",
            consent="given",
            acting_user=practitioner,
            now=MONDAY,
        )


def test_step_down_hands_the_family_to_early_help_with_the_summary(people):
    social_worker = worker_with_role(Role.SOCIAL_WORKER)
    child = _child()
    Allocation.objects.create(
        person=child,
        worker=social_worker,
        starts_at=MONDAY,
        purpose="Social worker (child in need)",
    )
    contact = actions.step_down(
        child_ids=[child.pk],
        adult_ids=[],
        early_help_team=people["early_help"],
        level=3,
        handover_summary="Plan ended: home conditions good; mother engaging with the hub.",
        rationale="Needs are now complex but not statutory: early help can lead.",
        acting_user=social_worker,
        now=MONDAY,
        form_token=new_form_token(),
    )
    assert contact.status == "decided"
    assert Allocation.objects.filter(person=child, team=people["early_help"]).exists()
    assert contact.decisions.get().level.level == 3


def test_deciding_one_contact_keeps_the_front_door_open_to_a_child_in_another(people):
    child = _child()
    first = submit(people["school"], now=MONDAY)
    second = submit(people["school"], now=MONDAY + timedelta(minutes=5))
    _link_all(first, people["screener"], [child.pk])
    _link_all(second, people["screener"], [child.pk])
    _decide(first, people["screener"], early_help_team=people["early_help"])
    later = MONDAY + timedelta(hours=3)
    assert visible_to(people["other_screener"], now=later).filter(pk=child.pk).exists()
    actions.contact_close(
        contact_id=second.pk,
        version=Contact.objects.get(pk=second.pk).version,
        reason="Repeats the contact decided this morning.",
        acting_user=people["screener"],
        now=later,
    )
    assert not visible_to(people["other_screener"], now=later).filter(pk=child.pk).exists()
