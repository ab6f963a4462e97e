"""Contexts: who sees which, the children named on them, and how they are kept."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import RecordRestrictionFactory
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.pathways import actions
from onestory.pathways.models import Context, ContextAction, ContextLink
from onestory.pathways.rules import ContextKind
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import child, link, new_context, open_to

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return unescape(response.content.decode())


def _three_children(worker, context, *, now):
    """Three children linked to the context: one the worker may open, two they may not (one of
    them on a restricted record)."""
    council = worker_with_role(Role.SOCIAL_WORKER)
    mine = child(given_name="Tobias", family_name="Ferreira")
    theirs = child(given_name="Zebedee", family_name="Quillfeather")
    restricted = child(given_name="Ottoline", family_name="Marchbanks")
    for person in (mine, theirs, restricted):
        open_to(council, person, now=now)
        link(council, context, person, now=now)
    open_to(worker, mine, now=now)
    RecordRestrictionFactory(person=restricted)
    return mine, theirs, restricted


@pytest.mark.parametrize("role", [Role.EARLY_HELP, Role.PARTNER])
def test_a_context_names_only_the_children_the_worker_may_open_and_counts_the_rest(
    client, sign_in, role
):
    worker = sign_in(role)
    now = timezone.now()
    context = new_context(worker_with_role(Role.FRONT_DOOR), now=now)
    mine, _theirs, _restricted = _three_children(worker, context, now=now)
    response = client.get(reverse("pathways:context", args=[context.pk]))
    assert response.status_code == 200
    page = _page(response)
    assert "Tobias Ferreira" in page
    assert reverse("people:person", args=[mine.pk]) in page
    assert "2 other children linked that you cannot open" in page
    for hidden in ("Zebedee", "Quillfeather", "Ottoline", "Marchbanks"):
        assert hidden not in page
    # The child shown is audited as listed on the context's page.
    assert AuditEvent.objects.filter(
        actor=worker, person_id=mine.pk, detail__page="pathways: context"
    ).exists()


def test_the_list_shows_council_practitioners_every_context_and_partners_only_their_childrens(
    client, sign_in
):
    partner = sign_in(Role.PARTNER)
    council = worker_with_role(Role.EARLY_HELP)
    now = timezone.now()
    theirs = new_context(council, now=now, name="Retail park car park")
    other = new_context(council, now=now, name="Year 10 group chat", kind=ContextKind.ONLINE)
    _three_children(partner, theirs, now=now)
    page = _page(client.get(reverse("pathways:contexts")))
    assert "Retail park car park" in page and "Year 10 group chat" not in page
    assert client.get(reverse("pathways:context", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=partner, action="denied").exists()

    client.force_login(council)
    page = _page(client.get(reverse("pathways:contexts")))
    assert "Retail park car park" in page and "Year 10 group chat" in page
    assert client.get(reverse("pathways:context", args=[other.pk])).status_code == 200


def test_roles_that_do_not_open_case_records_see_no_contexts(client, sign_in):
    sign_in(Role.ANALYST)
    context = new_context(worker_with_role(Role.EARLY_HELP), now=timezone.now())
    assert client.get(reverse("pathways:contexts")).status_code == 404
    assert client.get(reverse("pathways:context", args=[context.pk])).status_code == 404


def test_a_council_practitioner_creates_a_context_and_links_a_child_from_their_record(
    client, sign_in
):
    worker = sign_in(Role.FRONT_DOOR)
    now = timezone.now()
    response = client.post(
        reverse("pathways:context-create"),
        {
            "form_token": new_form_token(),
            "kind": ContextKind.PEER_GROUP,
            "name": "Older boys at the skate park",
            "description": "A group of older boys offering younger ones money to carry parcels.",
            "team": str(worker.team_id),
        },
    )
    context = Context.objects.get()
    assert response["Location"] == reverse("pathways:context", args=[context.pk])
    assert (context.team, context.created_by) == (worker.team, worker)
    person = open_to(worker, child(), now=now)
    response = client.post(
        reverse("pathways:context-link", args=[person.pk]),
        {
            "form_token": new_form_token(),
            "context": str(context.pk),
            "linked_on": today_in_london(now).strftime("%d/%m/%Y"),
            "reason": "Mother found a parcel in his bag after he had been at the skate park.",
        },
    )
    assert response.status_code == 302
    assert ContextLink.objects.get().person == person
    assert ChronologyEntry.objects.get(person=person, category="pathways").summary == (
        "Linked to the context “Older boys at the skate park” (a peer group)"
    )
    person_page = _page(client.get(reverse("people:person", args=[person.pk])))
    assert "Older boys at the skate park" in person_page
    assert reverse("pathways:context", args=[context.pk]) in person_page


def test_a_context_with_missing_answers_keeps_what_was_typed(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    response = client.post(
        reverse("pathways:context-create"),
        {
            "form_token": new_form_token(),
            "kind": "",
            "name": "",
            "description": "Behind the shops",
            "team": "",
        },
    )
    assert response.status_code == 200
    page = _page(response)
    assert "Choose what kind of context this is." in page
    assert "Enter a name for the context" in page
    assert "Behind the shops</textarea>" in page
    assert not Context.objects.exists()


def test_a_partner_cannot_create_a_context_or_link_a_child(client, sign_in):
    partner = sign_in(Role.PARTNER)
    now = timezone.now()
    person = open_to(partner, child(), now=now)
    context = new_context(worker_with_role(Role.EARLY_HELP), now=now)
    assert client.get(reverse("pathways:context-create")).status_code == 404
    assert client.get(reverse("pathways:context-link", args=[person.pk])).status_code == 404
    with pytest.raises(DomainError, match="Only council practitioners"):
        link(partner, context, person, now=now)


def test_linking_needs_the_child_to_be_open_to_the_worker(sign_in):
    worker = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    context = new_context(worker, now=now)
    with pytest.raises(DomainError, match="cannot open this child's record"):
        link(worker, context, child(), now=now)


def test_notes_and_plan_actions_reach_each_linked_childs_chronology_without_their_words(
    client, sign_in
):
    worker = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    context = new_context(worker, now=now)
    first, second = (open_to(worker, child(), now=now) for _ in range(2))
    for person in (first, second):
        link(worker, context, person, now=now)
    client.post(
        reverse("pathways:context-note-add", args=[context.pk]),
        {"form_token": new_form_token(), "text": "PCSOs moved a group on at 22:00 on Friday."},
    )
    response = client.post(
        reverse("pathways:context-action-add", args=[context.pk]),
        {
            "form_token": new_form_token(),
            "action": "Ask the council to light the underpass",
            "owner_worker": "",
            "owner_agency": "",
            "owner_text": "Community safety team",
            "due_on": "",
        },
    )
    assert response.status_code == 302
    for person in (first, second):
        summaries = set(
            ChronologyEntry.objects.filter(person=person, category="pathways").values_list(
                "summary", flat=True
            )
        )
        assert "Note added to the context “Station underpass” (a place)" in summaries
        assert "Action added to the plan for the context “Station underpass” (a place)" in (
            summaries
        )
        assert not any("PCSOs" in s for s in summaries)
    page = _page(client.get(reverse("pathways:context", args=[context.pk])))
    assert "PCSOs moved a group on" in page and "Community safety team" in page


def test_a_plan_action_needs_one_owner_and_a_stale_change_is_refused(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    context = new_context(worker, now=now)
    response = client.post(
        reverse("pathways:context-action-add", args=[context.pk]),
        {"form_token": new_form_token(), "action": "Youth outreach on Friday nights"},
    )
    assert response.status_code == 200
    assert "Say who will do it" in _page(response)
    row = actions.context_action_add(
        context_id=context.pk,
        action="Youth outreach on Friday nights",
        owner_worker=worker,
        acting_user=worker,
        now=now,
    )
    actions.context_action_update(
        action_id=row.pk,
        version=row.version,
        status="in_progress",
        due_on=None,
        acting_user=worker,
        now=now,
    )
    with pytest.raises(StaleEdit):
        actions.context_action_update(
            action_id=row.pk,
            version=row.version,
            status="done",
            due_on=None,
            acting_user=worker,
            now=now,
        )
    assert ContextAction.objects.get().status == "in_progress"


def test_a_closed_context_takes_no_new_links(sign_in):
    worker = sign_in(Role.TEAM_MANAGER)
    now = timezone.now()
    context = new_context(worker, now=now)
    actions.context_update(
        context_id=context.pk,
        version=context.version,
        kind=context.kind,
        name=context.name,
        description=context.description,
        team=context.team,
        status="closed",
        acting_user=worker,
        now=now,
    )
    with pytest.raises(DomainError, match="This context is closed"):
        link(worker, context, open_to(worker, child(), now=now), now=now)
