"""Flags on a child, panel referrals, decisions and reviews, as each kind of worker meets them."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.pathways import actions, selectors
from onestory.pathways.models import PanelReferral, PathwayFlag
from onestory.pathways.rules import Decision, Pathway
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import WORRY, child, open_to, raise_flag, refer

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def test_a_social_worker_raises_a_flag_and_it_lands_in_the_childs_chronology(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    response = client.post(
        reverse("pathways:flag-raise", args=[person.pk]),
        {
            "form_token": new_form_token(),
            "pathway": Pathway.EXPLOITATION,
            "raised_on": _day(today_in_london(now)),
            "reason": WORRY,
        },
    )
    flag = PathwayFlag.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:flag", args=[person.pk, flag.pk])
    assert (flag.person, flag.pathway, flag.raised_by) == (person, "exploitation", worker)
    entry = ChronologyEntry.objects.get(person=person, category="pathways")
    assert entry.summary == "Pathway flag raised: Child sexual exploitation and trafficking"
    assert entry.recorded_by == worker
    assert AuditEvent.objects.filter(
        action="create", person_id=person.pk, detail__page="pathways"
    ).exists()
    # The person page shows the active flag, with the way to refer it.
    page = _page(client.get(reverse("people:person", args=[person.pk])))
    assert "Child sexual exploitation and trafficking" in page and "Active" in page
    assert reverse("pathways:flag-raise", args=[person.pk]) in page
    flag_page = _page(client.get(response["Location"]))
    assert "Refer to the Multi-agency child exploitation (MACE) panel" in flag_page


def test_a_flag_with_missing_answers_says_what_to_do_and_keeps_the_input(client, sign_in):
    worker = sign_in(Role.EARLY_HELP)
    person = open_to(worker, child(), now=timezone.now())
    response = client.post(
        reverse("pathways:flag-raise", args=[person.pk]),
        {"form_token": new_form_token(), "pathway": "", "raised_on": "", "reason": "Seen at"},
    )
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert "Choose the pathway this flag is for." in page
    assert "Enter the date the concern was raised." in page
    assert "Seen at</textarea>" in page
    assert not PathwayFlag.objects.exists()


def test_the_action_refuses_a_short_reason_beside_the_field(client, sign_in):
    worker = sign_in(Role.FRONT_DOOR)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    response = client.post(
        reverse("pathways:flag-raise", args=[person.pk]),
        {
            "form_token": new_form_token(),
            "pathway": Pathway.CHANNEL,
            "raised_on": _day(today_in_london(now) + timedelta(days=2)),
            "reason": "Worried",
        },
    )
    form = response.context["form"]
    assert form.errors["raised_on"] == ["The date the concern was raised cannot be in the future."]
    assert form.errors["reason"][0].startswith("Say why you are raising this flag")
    assert 'value="channel" checked' in _page(response)


def test_a_worker_who_cannot_open_the_child_gets_404_and_the_attempt_is_audited(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    someone = worker_with_role(Role.SOCIAL_WORKER)
    now = timezone.now()
    person = open_to(someone, child(), now=now)
    flag = raise_flag(someone, person, now=now)
    for url in (
        reverse("pathways:flag-raise", args=[person.pk]),
        reverse("pathways:flag", args=[person.pk, flag.pk]),
        reverse("pathways:panel-refer", args=[person.pk, flag.pk]),
    ):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(actor=worker, action="denied", person_id=person.pk).exists()
    with pytest.raises(DomainError, match="cannot open this child's record"):
        raise_flag(worker, person, now=now, pathway=Pathway.MISSING)


def test_a_flag_of_another_child_is_not_found_through_a_child_the_worker_can_open(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    mine = open_to(worker, child(), now=now)
    other = open_to(worker, child(), now=now)
    flag = raise_flag(worker, other, now=now)
    assert client.get(reverse("pathways:flag", args=[mine.pk, flag.pk])).status_code == 404


def test_a_partner_sees_the_flags_of_a_child_they_may_open_but_cannot_raise_one(client, sign_in):
    partner = sign_in(Role.PARTNER)
    council = worker_with_role(Role.EARLY_HELP)
    now = timezone.now()
    person = open_to(partner, open_to(council, child(), now=now), now=now)
    flag = raise_flag(council, person, now=now)
    page = _page(client.get(reverse("people:person", args=[person.pk])))
    assert "Gangs and youth violence" in page
    assert reverse("pathways:flag-raise", args=[person.pk]) not in page
    flag_page = client.get(reverse("pathways:flag", args=[person.pk, flag.pk]))
    assert flag_page.status_code == 200
    assert reverse("pathways:panel-refer", args=[person.pk, flag.pk]) not in _page(flag_page)
    assert client.get(reverse("pathways:flag-raise", args=[person.pk])).status_code == 404
    with pytest.raises(DomainError, match="Only council practitioners"):
        raise_flag(partner, person, now=now, pathway=Pathway.CHANNEL)


def test_a_panel_referral_with_its_decision_and_review_date(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    today = today_in_london(now)
    person = open_to(worker, child(), now=now)
    flag = raise_flag(worker, person, now=now, pathway=Pathway.CHANNEL)
    response = client.post(
        reverse("pathways:panel-refer", args=[person.pk, flag.pk]),
        {
            "form_token": new_form_token(),
            "referred_on": _day(today),
            "reason": "Sharing extremist videos in class; asking Channel for a mentor.",
        },
    )
    assert response.status_code == 302
    referral = PanelReferral.objects.get()
    assert referral.panel == "channel" and referral.status_label.startswith("Waiting")
    response = client.post(
        reverse("pathways:panel-decide", args=[person.pk, referral.pk]),
        {
            "version": referral.version,
            "decision": Decision.ACCEPTED,
            "decided_on": _day(today),
            "decision_notes": "Accepted: an intervention provider will meet him weekly.",
            "next_review_on": "",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.decision == "accepted" and referral.decided_by == worker
    # Left blank, the next review is three months after the decision.
    assert 89 <= (referral.next_review_on - today).days <= 92
    summaries = list(
        ChronologyEntry.objects.filter(person=person, category="pathways")
        .order_by("created_at")
        .values_list("summary", flat=True)
    )
    assert summaries[1] == "Referred to the Channel panel (Extremism and radicalisation (Channel))"
    assert summaries[2].startswith("Channel panel decided: Accepted: support offered; next review")
    page = _page(client.get(reverse("people:person", args=[person.pk])))
    assert "Channel panel: Accepted: support offered; next review" in page
    assert "Overdue" not in page


def test_a_review_past_its_date_shows_as_overdue_and_a_review_moves_it_on(client, sign_in):
    worker = sign_in(Role.TEAM_MANAGER)
    now = timezone.now()
    long_ago = today_in_london(now) - timedelta(days=200)
    person = open_to(worker, child(), now=now)
    flag = raise_flag(worker, person, now=now, raised_on=long_ago)
    referral = refer(worker, flag, now=now, referred_on=long_ago)
    actions.panel_decide(
        referral_id=referral.pk,
        version=referral.version,
        decision=Decision.ACCEPTED,
        decided_on=long_ago,
        decision_notes="Accepted: youth worker and disruption at the station.",
        acting_user=worker,
        now=now,
    )
    page = _page(client.get(reverse("people:person", args=[person.pk])))
    assert "Overdue" in page
    referral.refresh_from_db()
    response = client.post(
        reverse("pathways:panel-review", args=[person.pk, referral.pk]),
        {
            "form_token": new_form_token(),
            "version": referral.version,
            "held_on": _day(today_in_london(now)),
            "outcome": "Attending the youth project; no new incidents.",
            "next_review_on": "",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.next_review_on > today_in_london(now)
    assert "Overdue" not in _page(client.get(reverse("people:person", args=[person.pk])))


def test_a_decision_on_a_referral_changed_meanwhile_is_refused_and_the_answers_kept(
    client, sign_in
):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    referral = refer(worker, raise_flag(worker, person, now=now), now=now)
    stale = referral.version
    actions.panel_decide(
        referral_id=referral.pk,
        version=stale,
        decision=Decision.NO_FURTHER_ACTION,
        decided_on=today_in_london(now),
        decision_notes="No further action: the worry was not about exploitation.",
        acting_user=worker_with_role(Role.TEAM_MANAGER, team=worker.team),
        now=now,
    )
    with pytest.raises(StaleEdit):
        actions.panel_decide(
            referral_id=referral.pk,
            version=stale,
            decision=Decision.ACCEPTED,
            decided_on=today_in_london(now),
            decision_notes="Accepted.",
            acting_user=worker,
            now=now,
        )
    # The same through the page: a flag end with an out-of-date version keeps what was typed.
    flag = referral.flag
    response = client.post(
        reverse("pathways:flag-end", args=[person.pk, flag.pk]),
        {
            "version": flag.version - 1,
            "ended_on": _day(today_in_london(now)),
            "end_reason": "Moved out of the area to live with his aunt.",
        },
    )
    assert response.status_code == 200
    page = _page(response)
    assert "Someone else changed this flag after you opened it" in page
    assert "Moved out of the area to live with his aunt.</textarea>" in page
    flag.refresh_from_db()
    assert flag.is_active


def test_a_flag_is_ended_only_once_the_panel_has_let_go_of_the_case(sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    flag = raise_flag(worker, person, now=now)
    refer(worker, flag, now=now)
    with pytest.raises(DomainError, match="The panel still has this child's case"):
        actions.flag_end(
            flag_id=flag.pk,
            version=flag.version,
            ended_on=today_in_london(now),
            end_reason="Things have settled down at home.",
            acting_user=worker,
            now=now,
        )


def test_a_flag_raised_twice_from_one_form_is_one_flag(sign_in):
    worker = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    token = new_form_token()
    first = raise_flag(worker, person, now=now, form_token=token)
    again = raise_flag(worker, person, now=now, form_token=token)
    assert first == again and PathwayFlag.objects.count() == 1


def test_active_flags_are_those_open_on_the_day(sign_in):
    worker = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    today = today_in_london(now)
    person = open_to(worker, child(), now=now)
    other = open_to(worker, child(), now=now)
    youth = raise_flag(worker, person, now=now, raised_on=today - timedelta(days=30))
    ended = raise_flag(
        worker, person, now=now, pathway=Pathway.MISSING, raised_on=today - timedelta(days=30)
    )
    actions.flag_end(
        flag_id=ended.pk,
        version=ended.version,
        ended_on=today - timedelta(days=5),
        end_reason="Not gone missing for two months.",
        acting_user=worker,
        now=now,
    )
    raise_flag(worker, other, now=now, pathway=Pathway.CHANNEL)
    assert list(selectors.active_flags([person.pk], today)) == [youth]
    assert set(selectors.active_flags([person.pk], today - timedelta(days=10))) == {youth, ended}


def test_an_adults_record_offers_no_flag_and_the_action_refuses_one(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    adult = open_to(worker, child(date_of_birth=today_in_london(now).replace(year=1990)), now=now)
    page = _page(client.get(reverse("people:person", args=[adult.pk])))
    assert "Risks outside the home" in page
    assert reverse("pathways:flag-raise", args=[adult.pk]) not in page
    with pytest.raises(DomainError, match="Pathway flags are for children"):
        raise_flag(worker, adult, now=now)
