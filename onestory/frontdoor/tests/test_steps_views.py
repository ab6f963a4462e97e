"""Step up, step down and the strategy discussion pages, as each kind of worker sees them."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import Allocation, AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.core.clock import LONDON
from onestory.core.idempotency import new_form_token
from onestory.frontdoor import actions
from onestory.frontdoor.models import Contact, StrategyDiscussion
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import submit

pytestmark = pytest.mark.django_db

CHANGED = "Mother's new partner moved in; he has a history of violence."


def _page(response) -> str:
    return unescape(response.content.decode())


def _family(worker, *, purpose="Lead professional (early help)"):
    """A child, a younger sibling and their mother, all open to `worker`, and a lodger who is
    not; they share a household."""
    child = PersonFactory(given_name="Amara", family_name="Okafor", date_of_birth=date(2016, 5, 4))
    sibling = PersonFactory(given_name="Kemi", family_name="Okafor", date_of_birth=date(2019, 1, 9))
    mother = PersonFactory(given_name="Grace", family_name="Okafor", date_of_birth=date(1988, 2, 2))
    lodger = PersonFactory(given_name="Zebedee", family_name="Quillfeather")
    household = HouseholdFactory(name="Okafor household")
    for person in (child, sibling, mother, lodger):
        HouseholdMemberFactory(household=household, person=person)
    for person in (child, sibling, mother):
        AllocationFactory(person=person, worker=worker, purpose=purpose)
    return {"child": child, "sibling": sibling, "mother": mother, "lodger": lodger}


def _step_up_data(family, **changes):
    data = {
        "form_token": new_form_token(),
        "child_ids": [str(family["child"].pk)],
        "adult_ids": [str(family["mother"].pk)],
        "what_has_changed": CHANGED,
        "handover_summary": "Twelve weeks of family support; school attendance improved.",
        "consent": "given",
        "consent_explanation": "",
    }
    data.update(changes)
    return data


# --- Step up -----------------------------------------------------------------------------------


def test_the_step_up_page_offers_the_household_and_drafts_the_handover(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    ChronologyEntry.objects.create(
        person=family["child"],
        occurred_at=timezone.now() - timedelta(days=3),
        category="early help",
        summary="Home visit: mother worried about her new partner",
    )
    response = client.get(reverse("frontdoor:step-up", args=[family["child"].pk]))
    assert response.status_code == 200
    page = _page(response)
    assert 'value="{}" checked'.format(family["child"].pk) in page
    assert "Kemi Okafor" in page and "Grace Okafor" in page
    # The lodger's record is not open to this worker: not offered, not named.
    assert "Quillfeather" not in page
    form = response.context["form"]
    assert [p for p, _ in form.fields["adult_ids"].choices] == [str(family["mother"].pk)]
    draft = form.initial["handover_summary"]
    assert "Lead professional (early help)" in draft
    assert "Home visit: mother worried about her new partner" in draft
    # Each household member shown is audited, as on the family page.
    assert AuditEvent.objects.filter(
        actor=practitioner, person_id=family["mother"].pk, detail__page="step up"
    ).exists()


def test_an_early_help_practitioner_steps_up_a_child_they_can_open(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    response = client.post(
        reverse("frontdoor:step-up", args=[family["child"].pk]), _step_up_data(family)
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    assert contact.channel == Contact.Channel.STEP_UP
    assert contact.referrer_worker == practitioner
    assert contact.what_happened == CHANGED
    assert contact.handover_summary.startswith("Twelve weeks of family support")
    carried = list(contact.people.order_by("position"))
    assert [(p.person_id, p.role, p.link) for p in carried] == [
        (family["child"].pk, "child", "carried"),
        (family["mother"].pk, "parent", "carried"),
    ]
    page = _page(client.get(response["Location"]))
    assert f"Stepped up to the front door: contact {contact.reference}" in page


def test_a_step_up_sent_twice_makes_one_contact(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    data = _step_up_data(family)
    url = reverse("frontdoor:step-up", args=[family["child"].pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1


def test_a_worker_who_cannot_open_the_child_gets_the_missing_page(client, sign_in):
    sign_in(Role.EARLY_HELP)
    stranger = PersonFactory(given_name="Ottoline", family_name="Marchbanks")
    url = reverse("frontdoor:step-up", args=[stranger.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"child_ids": [str(stranger.pk)], "what_has_changed": CHANGED})
    assert response.status_code == 404
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("role", [Role.FRONT_DOOR, Role.SOCIAL_WORKER, Role.ANALYST])
def test_roles_that_do_not_step_up_get_the_missing_page(client, sign_in, role):
    worker = sign_in(role)
    family = _family(worker)
    assert client.get(reverse("frontdoor:step-up", args=[family["child"].pk])).status_code == 404


def test_a_step_up_without_what_has_changed_is_shown_again_with_what_was_typed(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    response = client.post(
        reverse("frontdoor:step-up", args=[family["child"].pk]),
        _step_up_data(
            family,
            what_has_changed="  ",
            handover_summary="Typed by hand: attendance is down to 60%.",
            adult_ids=[str(family["mother"].pk)],
        ),
    )
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page
    assert 'href="#id_what_has_changed"' in page
    assert "Say what has changed and why early help is not enough." in page
    assert "Typed by hand: attendance is down to 60%." in page
    assert 'value="{}" checked'.format(family["mother"].pk) in page
    assert Contact.objects.count() == 0


def test_consent_not_asked_needs_a_reason(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    response = client.post(
        reverse("frontdoor:step-up", args=[family["child"].pk]),
        _step_up_data(family, consent="not_sought"),
    )
    assert response.status_code == 200
    assert "Say why consent was refused or not asked for." in _page(response)
    assert 'href="#id_consent_explanation"' in _page(response)


# --- Step down ---------------------------------------------------------------------------------


def test_a_social_worker_steps_down_and_the_family_is_allocated_to_early_help(client, sign_in):
    social_worker = sign_in(Role.SOCIAL_WORKER)
    family = _family(social_worker, purpose="Social worker (child in need)")
    early_help = TeamFactory(kind=Team.Kind.EARLY_HELP, name="Early help north")
    TeamFactory(kind=Team.Kind.FAMILY_HUB, name="Hub south")
    url = reverse("frontdoor:step-down", args=[family["child"].pk])
    form = client.get(url).context["form"]
    assert {str(t) for t in form.fields["early_help_team"].queryset} == {
        "Early help north",
        "Hub south",
    }
    assert [value for value, _ in form.fields["level"].choices] == [2, 3]
    response = client.post(
        url,
        {
            "form_token": new_form_token(),
            "child_ids": [str(family["child"].pk), str(family["sibling"].pk)],
            "adult_ids": [str(family["mother"].pk)],
            "early_help_team": str(early_help.pk),
            "level": "3",
            "handover_summary": "Plan ended: home conditions good; mother engaging with the hub.",
            "rationale": "Needs are now complex but not statutory: early help can lead.",
        },
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    assert contact.channel == Contact.Channel.STEP_DOWN and contact.status == "decided"
    assert contact.decisions.get().level.level == 3
    for person in (family["child"], family["sibling"], family["mother"]):
        assert Allocation.objects.filter(
            person=person, team=early_help, ends_at__isnull=True
        ).exists()
    assert not Allocation.objects.filter(person=family["lodger"], team=early_help).exists()


def test_a_step_down_missing_its_team_and_reasons_shows_every_problem(client, sign_in):
    social_worker = sign_in(Role.SOCIAL_WORKER)
    family = _family(social_worker)
    response = client.post(
        reverse("frontdoor:step-down", args=[family["child"].pk]),
        {"form_token": new_form_token(), "child_ids": [str(family["child"].pk)]},
    )
    assert response.status_code == 200
    page = _page(response)
    for message in (
        "Choose the early help team that will take the family.",
        "Choose the level of need.",
        "Explain why early help is now the right help.",
    ):
        assert message in page
    assert Contact.objects.count() == 0


def test_an_early_help_practitioner_cannot_step_down(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    url = reverse("frontdoor:step-down", args=[family["child"].pk])
    assert client.get(url).status_code == 404


# --- Links on the person page ------------------------------------------------------------------


def test_the_childs_record_links_to_step_up_for_early_help_and_down_for_social_workers(
    client, sign_in
):
    practitioner = sign_in(Role.EARLY_HELP)
    family = _family(practitioner)
    page = _page(client.get(reverse("people:person", args=[family["child"].pk])))
    assert reverse("frontdoor:step-up", args=[family["child"].pk]) in page
    assert "Step down to early help" not in page
    # Not on an adult's record.
    page = _page(client.get(reverse("people:person", args=[family["mother"].pk])))
    assert "Step up to the front door" not in page

    social_worker = sign_in(Role.SOCIAL_WORKER)
    AllocationFactory(person=family["child"], worker=social_worker)
    page = _page(client.get(reverse("people:person", args=[family["child"].pk])))
    assert reverse("frontdoor:step-down", args=[family["child"].pk]) in page
    assert "Step up to the front door" not in page


# --- The strategy discussion -------------------------------------------------------------------


@pytest.fixture
def strategy():
    """A contact the front door decided needs a strategy discussion, three hours ago."""
    screener = worker_with_role(Role.FRONT_DOOR)
    social_work = TeamFactory(kind=Team.Kind.SOCIAL_WORK, name="Social work north")
    decided_at = timezone.now() - timedelta(hours=3)
    child = PersonFactory(given_name="Amara", family_name="Okafor", date_of_birth=date(2016, 5, 4))
    contact = submit(
        worker_with_role(Role.PARTNER),
        now=decided_at - timedelta(minutes=30),
        immediate_danger=True,
        people=[{"role": "child", "given_name": "Amara", "family_name": "Okafor"}],
    )
    actions.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=decided_at - timedelta(minutes=10),
    )
    contact.refresh_from_db()
    actions.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome="strategy",
        level=4,
        rationale="Bruising and a disclosure: significant harm is suspected.",
        referrer_message="A strategy discussion is being held today.",
        primary_need="N1",
        social_work_team=social_work,
        acting_user=screener,
        now=decided_at,
    )
    return {"contact": contact, "screener": screener, "team": social_work, "child": child}


def _held(hours_ago=1, **changes):
    held = (timezone.now() - timedelta(hours=hours_ago)).astimezone(LONDON)
    data = {
        "held_on": held.strftime("%d/%m/%Y"),
        "held_time": held.strftime("%H:%M"),
        "agencies_present": ["social_care", "police", "health"],
        "summary": "Police hold previous call-outs to the address; health saw bruising.",
        "outcome": "section_47",
    }
    data.update(changes)
    return held, data


def test_a_screener_records_the_strategy_discussion_and_it_shows_on_the_contact(client, strategy):
    client.force_login(strategy["screener"])
    contact = strategy["contact"]
    url = reverse("frontdoor:strategy-discussion", args=[contact.pk])
    assert client.get(url).status_code == 200
    held, data = _held()
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    discussion = StrategyDiscussion.objects.get(contact=contact)
    assert discussion.held_at == held.replace(second=0, microsecond=0)
    assert discussion.agencies_present == ["social_care", "police", "health"]
    assert discussion.outcome == "section_47" and discussion.recorded_by == strategy["screener"]
    page = _page(client.get(response["Location"]))
    assert "Strategy discussion recorded: start a section 47 enquiry." in page
    assert f"Held {held:%-d %B %Y %H:%M}" in page
    # The include the contact page shows under "Strategy discussion".
    shown = unescape(
        render_to_string(
            "frontdoor/includes/strategy_link.html",
            {
                "contact": contact,
                "view": "screen",
                "strategy_discussion": discussion,
                "user": strategy["screener"],
            },
        )
    )
    assert "Start a section 47 enquiry" in shown
    assert "Children's social care, Police, Health" in shown
    # Recorded once: the page now leads back to the contact.
    assert client.get(url)["Location"] == reverse("frontdoor:contact", args=[contact.pk])


def test_a_strategy_discussion_without_the_police_is_refused_with_what_was_typed(client, strategy):
    client.force_login(strategy["screener"])
    _, data = _held(agencies_present=["social_care", "health"])
    response = client.post(
        reverse("frontdoor:strategy-discussion", args=[strategy["contact"].pk]), data
    )
    assert response.status_code == 200
    page = _page(response)
    assert "needs at least children's social care and the police" in page
    assert 'href="#id_agencies_present"' in page
    assert "Police hold previous call-outs to the address" in page
    assert StrategyDiscussion.objects.get().held_at is None


def test_a_strategy_discussion_cannot_be_held_in_the_future(client, strategy):
    client.force_login(strategy["screener"])
    _, data = _held(hours_ago=-2)
    response = client.post(
        reverse("frontdoor:strategy-discussion", args=[strategy["contact"].pk]), data
    )
    assert response.status_code == 200
    assert "The time it was held must be in the past." in _page(response)
    assert 'href="#id_held_on"' in _page(response)


def test_only_a_social_worker_in_the_discussions_team_may_record_it(client, strategy):
    contact = strategy["contact"]
    url = reverse("frontdoor:strategy-discussion", args=[contact.pk])
    elsewhere = worker_with_role(Role.SOCIAL_WORKER)
    AllocationFactory(person=strategy["child"], worker=elsewhere)
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    in_team = worker_with_role(Role.SOCIAL_WORKER, team=strategy["team"])
    client.force_login(in_team)
    assert client.get(url).status_code == 200
    shown = render_to_string(
        "frontdoor/includes/strategy_link.html",
        {
            "contact": contact,
            "view": "read",
            "strategy_discussion": StrategyDiscussion.objects.get(),
            "user": in_team,
        },
    )
    assert url in shown
    shown = render_to_string(
        "frontdoor/includes/strategy_link.html",
        {
            "contact": contact,
            "view": "read",
            "strategy_discussion": StrategyDiscussion.objects.get(),
            "user": elsewhere,
        },
    )
    assert url not in shown


def test_a_contact_without_a_strategy_discussion_has_no_page_to_record_one(client, sign_in):
    sign_in(Role.FRONT_DOOR)
    contact = submit(worker_with_role(Role.PARTNER), now=timezone.now())
    url = reverse("frontdoor:strategy-discussion", args=[contact.pk])
    assert client.get(url).status_code == 404
