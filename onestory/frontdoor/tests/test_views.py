"""The front door's pages, as each kind of worker sees them."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.tests.factories import AllocationFactory
from onestory.frontdoor import actions
from onestory.frontdoor.models import Contact
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import submit

pytestmark = pytest.mark.django_db


def _request_data(**changes):
    data = {
        "form_token": "token-1",
        "referrer_name": "Priya Shah",
        "referrer_job_title": "Designated safeguarding lead",
        "referrer_contact": "01632 960123",
        "what_happened": "Said her stepfather hit her with a belt last night.",
        "family_knows": "Mother knows we are calling.",
        "consent": "not_sought",
        "consent_explanation": "Possible significant harm: consent not needed.",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "20",
        "people-0-role": "child",
        "people-0-given_name": "Tilly",
        "people-0-family_name": "Brennan",
        "people-0-date_of_birth": "04/05/2015",
        "people-0-postcode": "LU2 7AA",
        "people-1-role": "parent",
        "people-1-given_name": "",
        "people-1-family_name": "",
    }
    data.update(changes)
    return data


def _front_door_manager():
    team = TeamFactory(kind=Team.Kind.FRONT_DOOR, name="MASH")
    return worker_with_role(Role.TEAM_MANAGER, team=team)


def test_a_school_sends_a_request_and_sees_its_acknowledgement(client, sign_in):
    sign_in(Role.PARTNER)
    response = client.post(reverse("frontdoor:request"), _request_data())
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:request-sent", args=[contact.pk])
    page = client.get(response["Location"]).content.decode()
    assert contact.reference in page
    assert contact.people.count() == 1  # the empty parent row is left out
    assert contact.channel == "online" and contact.referral_source == "2A"


def test_sending_the_same_form_twice_makes_one_contact(client, sign_in):
    sign_in(Role.PARTNER)
    client.post(reverse("frontdoor:request"), _request_data())
    client.post(reverse("frontdoor:request"), _request_data())
    assert Contact.objects.count() == 1


def test_a_request_missing_facts_is_shown_again_with_what_was_typed(client, sign_in):
    sign_in(Role.PARTNER)
    response = client.post(
        reverse("frontdoor:request"),
        _request_data(
            what_happened="",
            consent="refused",
            consent_explanation="",
            **{"people-0-role": "parent"},
        ),
    )
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Say what has happened and why you are worried." in page
    assert "Name at least one child you are worried about." in page
    assert 'value="Tilly"' in page and "Possible significant harm" not in page
    assert Contact.objects.count() == 0


def test_add_another_person_keeps_what_was_typed_and_adds_a_row(client, sign_in):
    sign_in(Role.PARTNER)
    response = client.post(reverse("frontdoor:request"), _request_data(add_person="1"))
    page = response.content.decode()
    assert 'name="people-TOTAL_FORMS" value="3"' in page
    assert 'value="Tilly"' in page
    assert Contact.objects.count() == 0


def test_a_partner_sees_their_own_request_and_its_outcome_but_not_the_reasoning(client):
    school = worker_with_role(Role.PARTNER)
    screener = worker_with_role(Role.FRONT_DOOR)
    child = PersonFactory(given_name="Tilly", family_name="Brennan")
    contact = submit(school, now=timezone.now() - timedelta(hours=2))
    named = contact.people.get(position=0)
    actions.contact_person_link(
        contact_person_id=named.pk,
        person_id=child.pk,
        acting_user=screener,
        now=timezone.now() - timedelta(hours=1),
    )
    contact.refresh_from_db()
    actions.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome="early_help",
        level=2,
        rationale="Secret reasoning about the family's history with children's services.",
        referrer_message="The family will be offered early help by the north team.",
        early_help_team=TeamFactory(kind=Team.Kind.EARLY_HELP),
        acting_user=screener,
        now=timezone.now(),
    )
    client.force_login(school)
    page = unescape(client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode())
    assert "offered early help by the north team" in page
    assert "Secret reasoning" not in page
    assert "Open record" not in page
    mine = client.get(reverse("frontdoor:my-requests")).content.decode()
    assert contact.reference in mine and "Early help" in mine


def test_another_partner_cannot_open_the_request(client):
    contact = submit(worker_with_role(Role.PARTNER), now=timezone.now())
    client.force_login(worker_with_role(Role.PARTNER, agency_name="Another school"))
    assert client.get(reverse("frontdoor:contact", args=[contact.pk])).status_code == 404
    assert client.get(reverse("frontdoor:request-sent", args=[contact.pk])).status_code == 404


def test_the_queue_puts_immediate_danger_first_then_the_least_time_left(client, sign_in):
    school = worker_with_role(Role.PARTNER)
    at = timezone.now()
    older = submit(school, now=at - timedelta(hours=5))
    newer = submit(school, now=at - timedelta(hours=1))
    danger = submit(school, now=at, immediate_danger=True)
    sign_in(Role.FRONT_DOOR)
    page = client.get(reverse("frontdoor:queue")).content.decode()
    positions = [page.index(c.reference) for c in (danger, older, newer)]
    assert positions == sorted(positions)
    assert "Immediate danger" in page


def test_a_long_queue_is_read_a_page_at_a_time_most_urgent_first(client, sign_in, monkeypatch):
    monkeypatch.setattr("onestory.frontdoor.selectors.QUEUE_PAGE_SIZE", 2)
    school = worker_with_role(Role.PARTNER)
    at = timezone.now()
    oldest = submit(school, now=at - timedelta(hours=5))
    older = submit(school, now=at - timedelta(hours=3))
    newest = submit(school, now=at - timedelta(hours=1))
    danger = submit(school, now=at, immediate_danger=True)
    sign_in(Role.FRONT_DOOR)
    url = reverse("frontdoor:queue")

    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    beyond = client.get(url, {"page": "99"}).content.decode()

    assert danger.reference in first and oldest.reference in first
    assert older.reference not in first and newest.reference not in first
    assert "Showing 1 to 2 of 4 contacts" in first and "Page 1 of 2" in first
    assert older.reference in second and newest.reference in second
    assert danger.reference not in second and "Showing 3 to 4 of 4 contacts" in second
    assert older.reference in beyond  # a page past the end shows the last page
    mine = client.get(url, {"assigned": "nobody"}).content.decode()
    assert 'href="?assigned=nobody&amp;page=2"' in mine


def test_managers_outside_the_front_door_do_not_see_the_queue(client, sign_in):
    sign_in(Role.TEAM_MANAGER)  # a social work manager
    assert client.get(reverse("frontdoor:queue")).status_code == 404
    client.force_login(_front_door_manager())
    assert client.get(reverse("frontdoor:queue")).status_code == 200


def test_the_screener_finds_the_child_links_them_and_decides(client, sign_in):
    child = PersonFactory(given_name="Tilly", family_name="Brennan")
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=timezone.now(),
        people=[
            {
                "role": "child",
                "given_name": "Tilly",
                "family_name": "Brennan",
                "date_of_birth": child.date_of_birth,
            }
        ],
    )
    named = contact.people.get()
    sign_in(Role.FRONT_DOOR)
    page = client.get(reverse("frontdoor:person-link", args=[contact.pk, named.pk]))
    assert "Likely match" in page.content.decode()
    response = client.post(
        reverse("frontdoor:person-link", args=[contact.pk, named.pk]),
        {"person_id": str(child.pk), "link": "1"},
    )
    assert response.status_code == 302
    named.refresh_from_db()
    assert named.person == child
    team = TeamFactory(kind=Team.Kind.EARLY_HELP, name="Early help south")
    contact.refresh_from_db()
    response = client.post(
        reverse("frontdoor:contact-decide", args=[contact.pk]),
        {
            "version": contact.version,
            "outcome": "early_help",
            "level": "2",
            "rationale": "Mother asked for help with routines after a bereavement.",
            "referral_source": "2A",
            "early_help_team": str(team.pk),
            "referrer_message": "",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    decision = contact.decisions.get()
    assert contact.status == "decided"
    assert "Early help south" in decision.referrer_message  # the drafted message names the team


def test_a_decision_missing_its_reason_keeps_what_was_chosen(client, sign_in):
    child = PersonFactory()
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=timezone.now(),
        people=[
            {"role": "child", "given_name": child.given_name, "family_name": child.family_name}
        ],
    )
    screener = sign_in(Role.FRONT_DOOR)
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=timezone.now(),
    )
    contact.refresh_from_db()
    response = client.post(
        reverse("frontdoor:contact-decide", args=[contact.pk]),
        {
            "version": contact.version,
            "outcome": "referral",
            "level": "4",
            "rationale": "Too short",
            "referral_source": "2A",
            "primary_need": "N1",
        },
    )
    page = unescape(response.content.decode())
    assert "Explain the decision" in page
    assert "Choose the social work team" in page
    assert 'value="referral" checked' in page


def test_a_decision_on_a_contact_changed_meanwhile_is_refused_and_kept(client, sign_in):
    child = PersonFactory()
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=timezone.now(),
        people=[
            {"role": "child", "given_name": child.given_name, "family_name": child.family_name}
        ],
    )
    screener = sign_in(Role.FRONT_DOOR)
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=timezone.now(),
    )
    contact.refresh_from_db()
    opened_at = contact.version
    actions.information_request_add(
        contact_id=contact.pk,
        agency_kind="police",
        asked_of="Public protection unit",
        question="Known?",
        reply_within_hours=2,
        acting_user=screener,
        now=timezone.now(),
    )
    team = TeamFactory(kind=Team.Kind.EARLY_HELP)
    answers = {
        "version": opened_at,
        "outcome": "early_help",
        "level": "2",
        "rationale": "Mother asked for help with routines after a bereavement.",
        "referral_source": "2A",
        "early_help_team": str(team.pk),
    }
    response = client.post(reverse("frontdoor:contact-decide", args=[contact.pk]), answers)
    page = unescape(response.content.decode())
    assert "Someone else changed this contact" in page
    assert "Mother asked for help with routines" in page
    assert not contact.decisions.exists()
    answers["version"] = Contact.objects.get(pk=contact.pk).version
    response = client.post(reverse("frontdoor:contact-decide", args=[contact.pk]), answers)
    assert response.status_code == 302 and contact.decisions.count() == 1


def test_a_partner_who_may_open_the_child_reads_the_contact_without_the_police_information(
    client, sign_in
):
    child = PersonFactory()
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=timezone.now(),
        people=[
            {"role": "child", "given_name": child.given_name, "family_name": child.family_name}
        ],
    )
    screener = worker_with_role(Role.FRONT_DOOR)
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=timezone.now(),
    )
    for kind, reply in (("police", "Two call-outs in May"), ("health", "Missed two appointments")):
        asked = actions.information_request_add(
            contact_id=contact.pk,
            agency_kind=kind,
            asked_of=f"The {kind} service",
            question="Known?",
            reply_within_hours=2,
            acting_user=screener,
            now=timezone.now(),
        )
        actions.information_request_reply(
            information_request_id=asked.pk, reply=reply, acting_user=screener, now=timezone.now()
        )
    school = sign_in(Role.PARTNER, agency_name="Synthetic Academy")
    AllocationFactory(person=child, worker=school)

    page = unescape(client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode())

    assert "Missed two appointments" in page
    assert "Two call-outs in May" not in page
    social_worker = sign_in(Role.SOCIAL_WORKER)
    AllocationFactory(person=child, worker=social_worker)
    page = unescape(client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode())
    assert "Two call-outs in May" in page and "Missed two appointments" in page
