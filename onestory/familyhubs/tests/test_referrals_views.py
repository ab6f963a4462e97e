"""The referral pages as the practitioners using them: making a referral from an early help plan
or a front-door contact, the referral's page, the service's answer, the close and the list."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.core.idempotency import new_form_token
from onestory.familyhubs.models import ServiceReferral
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import ServiceFactory
from .factories_referrals import REASON, children_of, decided_contact, early_help_family, refer

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _create_url(**query) -> str:
    from urllib.parse import urlencode

    return f"{reverse('familyhubs:referral-create')}?{urlencode(query)}"


@pytest.fixture
def service():
    return ServiceFactory(
        name="Incredible Years parenting group",
        organisation="Luton Parenting Partnership",
        phone="01582 000111",
        categories=["Parenting"],
    )


# --- The plan page and making a referral ---------------------------------------------------------


def test_the_plan_offers_a_referral_and_lists_the_familys_referrals(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    episode = early_help_family(lead, now=now)
    episode_page = reverse("earlyhelp:episode", args=[episode.pk])

    page = _page(client.get(episode_page))
    assert "Referrals to services" in page
    assert "No referral to a service from this episode yet." in page
    assert (
        _create_url(episode=str(episode.pk)).replace("&", "&amp;")
        in client.get(episode_page).content.decode()
    )

    refer(lead, service, now=now, episode=episode)
    page = _page(client.get(episode_page))
    assert "Incredible Years parenting group" in page
    assert "Waiting for the service" in page
    for child in children_of(episode):
        assert escape(child.full_name) in page


def test_searching_the_directory_shows_who_takes_referrals_and_who_is_signpost_only(
    client, sign_in, service
):
    lead = sign_in(Role.EARLY_HELP)
    episode = early_help_family(lead, now=timezone.now())
    ServiceFactory(
        name="Parenting helpline",
        accepts_referrals=False,
        phone="0808 800 2222",
        categories=["Parenting"],
    )
    ServiceFactory(
        name="Debt advice clinic",
        organisation="Citizens Advice Luton",
        description="Help with debts and benefits.",
        categories=["Money"],
    )

    response = client.get(_create_url(episode=str(episode.pk), q="parenting"))

    page = _page(response)
    assert response.status_code == 200
    assert "Incredible Years parenting group" in page
    assert f"service={service.pk}" in page
    assert "Parenting helpline" in page and "Signpost only" in page and "0808 800 2222" in page
    assert "Debt advice clinic" not in page
    page = _page(client.get(_create_url(episode=str(episode.pk), category="Money")))
    assert "Debt advice clinic" in page and "Incredible Years" not in page


def test_a_referral_is_made_from_the_plan_with_the_children_ticked(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    episode = early_help_family(lead, now=timezone.now())
    children = children_of(episode)
    parent = episode.members.get(role="adult").person
    url = _create_url(episode=str(episode.pk), service=str(service.pk))

    form = client.get(url)
    page = form.content.decode()
    for child in children:
        assert f'value="{child.pk}" checked' in page
    assert f'value="{parent.pk}" checked' not in page and f'value="{parent.pk}"' in page

    token = new_form_token()
    data = {"form_token": token, "people": [str(children[0].pk)], "reason": REASON}
    response = client.post(url, data)
    again = client.post(url, data)  # a double click

    referral = ServiceReferral.objects.get()
    assert response.status_code == 302 and again.status_code == 302
    assert response["Location"] == reverse("familyhubs:referral", args=[referral.pk])
    assert list(referral.people.all()) == [children[0]]
    page = _page(client.get(response["Location"]))
    assert "The family is referred to Incredible Years parenting group." in page
    assert REASON in page and "Record the service's answer" in page


def test_a_referral_form_with_problems_keeps_what_was_typed(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    episode = early_help_family(lead, now=timezone.now())
    url = _create_url(episode=str(episode.pk), service=str(service.pk))

    response = client.post(url, {"form_token": new_form_token(), "reason": "Needs help at home"})

    page = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose at least one member of the family to refer." in page
    assert "Needs help at home" in page
    assert not ServiceReferral.objects.exists()


def test_a_signpost_only_service_offers_no_referral_form(client, sign_in):
    lead = sign_in(Role.EARLY_HELP)
    episode = early_help_family(lead, now=timezone.now())
    helpline = ServiceFactory(name="Parenting helpline", accepts_referrals=False)
    url = _create_url(episode=str(episode.pk), service=str(helpline.pk))

    page = _page(client.get(url))
    assert "does not take referrals through onestory" in page
    assert "Make the referral" not in page
    client.post(url, {"form_token": new_form_token(), "people": [], "reason": "x"})
    assert not ServiceReferral.objects.exists()


def test_referring_needs_a_family_the_worker_works_with(client, sign_in, service):
    lead = worker_with_role(Role.EARLY_HELP)
    episode = early_help_family(lead, now=timezone.now())
    sign_in(Role.EARLY_HELP)  # another team's practitioner

    assert client.get(_create_url(episode=str(episode.pk))).status_code == 404
    assert client.get(reverse("familyhubs:referral-create")).status_code == 404
    assert client.get(_create_url(episode="not-an-id")).status_code == 404
    assert AuditEvent.objects.filter(action="denied", detail__requested_id=str(episode.pk)).exists()


# --- The referral's page, the answer and the close ---------------------------------------------


def test_a_referral_is_followed_through_to_attendance(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    episode = early_help_family(lead, now=now, children=1)
    referral = refer(lead, service, now=now, episode=episode)
    page_url = reverse("familyhubs:referral", args=[referral.pk])

    decide = reverse("familyhubs:referral-decide", args=[referral.pk])
    response = client.post(decide, {"version": referral.version, "answer": "declined"})
    assert "Enter why the service declined the referral" in _page(response)
    response = client.post(decide, {"version": referral.version, "answer": "accepted"})
    assert response["Location"] == page_url
    page = _page(client.get(page_url))
    assert "Accepted by the service" in page and "Close the referral" in page

    referral.refresh_from_db()
    close = reverse("familyhubs:referral-close", args=[referral.pk])
    response = client.post(close, {"version": referral.version, "attended": "yes"})
    assert "Enter what came of the referral" in _page(response)
    response = client.post(
        close,
        {"version": referral.version, "attended": "yes", "outcome": "Went every week."},
    )
    assert response["Location"] == page_url
    page = _page(client.get(page_url))
    assert "Closed: attended" in page and "Went every week." in page
    assert "Record the service's answer" not in page and "Close the referral<" not in page
    # Once closed, the step's page sends the worker back to the referral.
    assert client.get(close)["Location"] == page_url


def test_an_answer_saved_on_top_of_anothers_keeps_the_input_and_says_so(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    referral = refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    opened = referral.version
    ServiceReferral.objects.filter(pk=referral.pk).update(version=opened + 1)

    response = client.post(
        reverse("familyhubs:referral-decide", args=[referral.pk]),
        {"version": opened, "answer": "declined", "declined_reason": "No places left"},
    )

    page = _page(response)
    assert "Someone else changed this referral after you opened it" in page
    assert "No places left" in page
    assert f'value="{opened + 1}"' in page


def test_the_referral_page_is_hidden_from_those_who_may_not_see_the_family(
    client, sign_in, service
):
    lead = worker_with_role(Role.EARLY_HELP)
    now = timezone.now()
    referral = refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    sign_in(Role.EARLY_HELP)

    for name in ("familyhubs:referral", "familyhubs:referral-decide", "familyhubs:referral-close"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404


def test_a_worker_who_sees_but_does_not_follow_up_gets_no_buttons(client, sign_in, service):
    from onestory.access.tests.factories import AllocationFactory

    lead = worker_with_role(Role.EARLY_HELP)
    now = timezone.now()
    episode = early_help_family(lead, now=now, children=1)
    referral = refer(lead, service, now=now, episode=episode)
    social_worker = sign_in(Role.SOCIAL_WORKER)
    child = children_of(episode)[0]
    AllocationFactory(person=child, worker=social_worker, starts_at=now - timedelta(days=1))

    response = client.get(reverse("familyhubs:referral", args=[referral.pk]))
    page = _page(response)
    assert response.status_code == 200 and escape(child.full_name) in page
    assert "Record the service's answer" not in page
    assert client.get(reverse("familyhubs:referral-decide", args=[referral.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        actor=social_worker, action="view", person_id=child.pk, detail__page="service referral"
    ).exists()


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_waiting_referrals_first_and_marks_the_overdue(client, sign_in, service):
    lead = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    long_ago = now - timedelta(days=40)
    old = refer(lead, service, now=long_ago, episode=early_help_family(lead, now=long_ago))
    accepted = refer(
        lead,
        ServiceFactory(name="Speech and language drop-in"),
        now=now,
        episode=early_help_family(lead, now=now),
    )
    ServiceReferral.objects.filter(pk=accepted.pk).update(status="accepted", decided_at=now)

    response = client.get(reverse("familyhubs:referrals"))

    page = _page(response)
    assert response.status_code == 200
    waiting_at = page.index("Waiting for the service's answer")
    assert waiting_at < page.index("Incredible Years") < page.index("Accepted: did the family")
    assert page.index("Accepted: did the family") < page.index("Speech and language drop-in")
    assert "Overdue" in page and "1 referral overdue" in page
    assert old.made_by == lead
    assert AuditEvent.objects.filter(actor=lead, action="list", detail__page="service referrals")


def test_the_list_leaves_out_other_teams_referrals(client, sign_in, service):
    lead = worker_with_role(Role.EARLY_HELP)
    now = timezone.now()
    refer(lead, service, now=now, episode=early_help_family(lead, now=now))
    sign_in(Role.EARLY_HELP)

    page = _page(client.get(reverse("familyhubs:referrals")))
    assert "Incredible Years" not in page and "None waiting." in page


# --- The front door ------------------------------------------------------------------------------


def test_the_front_door_refers_from_a_contact_it_decided_as_early_help(client, sign_in, service):
    screener = sign_in(Role.FRONT_DOOR)
    contact, child, parent = decided_contact(
        screener, worker_with_role(Role.PARTNER), now=timezone.now()
    )

    page = _page(client.get(reverse("frontdoor:contact", args=[contact.pk])))
    assert "Referrals to services" in page and "Refer to a service" in page

    url = _create_url(contact=str(contact.pk), service=str(service.pk))
    form = client.get(url).content.decode()
    assert f'value="{child.pk}" checked' in form and f'value="{parent.pk}"' in form
    response = client.post(
        url, {"form_token": new_form_token(), "people": [str(child.pk)], "reason": REASON}
    )
    referral = ServiceReferral.objects.get()
    assert response["Location"] == reverse("familyhubs:referral", args=[referral.pk])
    assert referral.contact == contact
    page = _page(client.get(reverse("frontdoor:contact", args=[contact.pk])))
    assert "Incredible Years parenting group" in page


def test_a_contact_not_yet_decided_offers_no_referral(client, sign_in, service):
    screener = sign_in(Role.FRONT_DOOR)
    contact, _, _ = decided_contact(
        screener, worker_with_role(Role.PARTNER), now=timezone.now(), outcome="nfa"
    )
    page = _page(client.get(reverse("frontdoor:contact", args=[contact.pk])))
    assert "Refer to a service" not in page
    assert client.get(_create_url(contact=str(contact.pk))).status_code == 404
