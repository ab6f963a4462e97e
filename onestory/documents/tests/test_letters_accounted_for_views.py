"""The letter pages show how a letter went, let a worker withdraw one before release or mark a
released one as recalled, and the approval queue audits every child it lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent, Notification
from onestory.documents import actions_letters as actions
from onestory.documents.default_templates import load_default_templates
from onestory.documents.models import Letter, LetterTemplate
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from . import factories_letters as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def at():
    return timezone.now() - timedelta(minutes=5)


@pytest.fixture
def family(sign_in, at):
    load_default_templates(now=at)
    worker = sign_in(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro")
    return f.marked_family(now=at, worker=worker)


@pytest.fixture
def manager(family):
    return worker_with_role(
        Role.TEAM_MANAGER, team=family.worker.team, first_name="Mo", last_name="Ahmed"
    )


def _produce(family, at, *people) -> list[Letter]:
    return actions.letters_produce(
        child=family.child,
        template_id=LetterTemplate.objects.get(kind="conference_invitation").pk,
        about=f"conference:{family.conference.pk}",
        recipient_keys=[f"person:{p.pk}" for p in people],
        acting_user=family.worker,
        now=at,
    )


def _released(family, manager, at, *, method="post") -> Letter:
    [letter] = _produce(family, at, family.mother)
    letter = actions.letter_approve(
        letter_id=letter.pk, version=letter.version, acting_user=manager, now=at
    )
    return actions.letter_release(
        letter_id=letter.pk, version=letter.version, method=method,
        acting_user=family.worker, now=at,
    )  # fmt: skip


def _text(response) -> str:
    return response.content.decode()


# --- How it went ------------------------------------------------------------------------------


def test_the_letter_page_and_the_records_list_show_how_the_letter_went(client, family, manager, at):
    letter = _released(family, manager, at, method="email")
    page = _text(client.get(reverse("documents:letter", args=[letter.pk])))
    assert "How it was sent" in page
    assert "By secure e-mail" in page
    listed = _text(client.get(reverse("documents:person-letters", args=[family.child.pk])))
    assert "By secure e-mail on" in listed


def test_releasing_from_the_page_records_the_method_chosen(client, family, manager, at):
    [letter] = _produce(family, at, family.mother)
    actions.letter_approve(letter_id=letter.pk, version=letter.version, acting_user=manager, now=at)
    response = client.post(
        reverse("documents:letter-release", args=[letter.pk]),
        {"version": letter.version + 1, "method": "hand"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.release_method == "hand"


def test_releasing_without_choosing_how_says_so(client, family, manager, at):
    [letter] = _produce(family, at, family.mother)
    actions.letter_approve(letter_id=letter.pk, version=letter.version, acting_user=manager, now=at)
    response = client.post(
        reverse("documents:letter-release", args=[letter.pk]), {"version": letter.version + 1}
    )
    assert response.status_code == 400
    assert actions.NO_METHOD in _text(response)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED


# --- Withdrawing ------------------------------------------------------------------------------


def test_a_worker_withdraws_a_letter_with_the_reason_and_the_record_shows_it(client, family, at):
    [letter] = _produce(family, at, family.father)
    page = client.get(reverse("documents:letter", args=[letter.pk]))
    assert reverse("documents:letter-withdraw", args=[letter.pk]) in _text(page)
    url = reverse("documents:letter-withdraw", args=[letter.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Why is the letter being withdrawn?" in _text(form)
    response = client.post(
        url, {"version": letter.version, "reason": "Produced for the wrong conference"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.WITHDRAWN
    page = _text(client.get(reverse("documents:letter", args=[letter.pk])))
    assert "Produced for the wrong conference" in page
    assert "Withdrawn" in page
    assert "Approve the letter" not in page
    assert "Release the letter" not in page
    listed = _text(client.get(reverse("documents:person-letters", args=[family.child.pk])))
    assert "Withdrawn" in listed
    assert AuditEvent.objects.filter(
        action="view", object_id=str(letter.pk), detail__page="withdraw a letter"
    ).exists()
    assert AuditEvent.objects.filter(
        action="withdraw", object_id=str(letter.pk), person_id=family.child.pk
    ).exists()


def test_withdrawing_without_a_reason_says_what_to_enter(client, family, at):
    [letter] = _produce(family, at, family.father)
    response = client.post(
        reverse("documents:letter-withdraw", args=[letter.pk]),
        {"version": letter.version, "reason": "  "},
    )
    assert response.status_code == 200
    assert actions.NO_WITHDRAW_REASON in _text(response)
    assert "govuk-error-summary" in _text(response)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_APPROVAL


def test_a_stale_withdrawal_keeps_what_was_typed_and_can_be_sent_again(client, family, manager, at):
    [letter] = _produce(family, at, family.father)
    actions.letter_approve(letter_id=letter.pk, version=letter.version, acting_user=manager, now=at)
    url = reverse("documents:letter-withdraw", args=[letter.pk])
    response = client.post(url, {"version": letter.version, "reason": "The conference has moved"})
    assert response.status_code == 200
    text = _text(response)
    assert "Someone else changed this letter" in text
    assert "The conference has moved" in text
    assert f'name="version" value="{letter.version + 1}"' in text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED
    again = client.post(url, {"version": letter.version, "reason": "The conference has moved"})
    assert again.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.WITHDRAWN


def test_withdrawing_twice_from_the_same_page_withdraws_once(client, family, at):
    [letter] = _produce(family, at, family.father)
    url = reverse("documents:letter-withdraw", args=[letter.pk])
    data = {"version": letter.version, "reason": "Produced by mistake"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert AuditEvent.objects.filter(action="withdraw", object_id=str(letter.pk)).count() == 1


def test_the_withdraw_page_of_a_released_letter_goes_back_to_the_letter_saying_why(
    client, family, manager, at
):
    letter = _released(family, manager, at)
    response = client.get(reverse("documents:letter-withdraw", args=[letter.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("documents:letter", args=[letter.pk])
    assert actions.RELEASED_NOT_WITHDRAWN in _text(response)


# --- Recalling --------------------------------------------------------------------------------


def test_a_worker_marks_a_released_letter_recalled_and_the_manager_sees_it(
    client, family, manager, at
):
    letter = _released(family, manager, at)
    page = _text(client.get(reverse("documents:letter", args=[letter.pk])))
    url = reverse("documents:letter-recall", args=[letter.pk])
    assert url in page
    assert reverse("documents:letter-withdraw", args=[letter.pk]) not in page
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": letter.version, "reason": "Sent to an old address"})
    assert response.status_code == 302
    page = _text(client.get(reverse("documents:letter", args=[letter.pk])))
    assert "Recalled" in page
    assert "Sent to an old address" in page
    assert "By post" in page  # it did go
    listed = _text(client.get(reverse("documents:person-letters", args=[family.child.pk])))
    assert "Recalled" in listed
    assert "recalled on" in listed
    assert AuditEvent.objects.filter(
        action="recall", object_id=str(letter.pk), person_id=family.child.pk
    ).exists()
    client.force_login(manager)
    home = _text(client.get(reverse("access:home")))
    assert "as recalled" in home
    assert "Sent to an old address" in home
    assert Notification.objects.filter(recipient=manager, person=family.child).exists()


def test_recalling_without_a_reason_says_what_to_enter(client, family, manager, at):
    letter = _released(family, manager, at)
    response = client.post(
        reverse("documents:letter-recall", args=[letter.pk]), {"version": letter.version}
    )
    assert response.status_code == 200
    assert actions.NO_RECALL_REASON in _text(response)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RELEASED


def test_the_recall_page_of_a_letter_not_released_goes_back_to_the_letter_saying_why(
    client, family, at
):
    [letter] = _produce(family, at, family.mother)
    response = client.get(reverse("documents:letter-recall", args=[letter.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("documents:letter", args=[letter.pk])
    assert actions.NOT_RELEASED_NOT_RECALLED in _text(response)


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["letter-withdraw", "letter-recall", "letter"])
def test_a_worker_who_may_not_open_the_child_gets_not_found_and_the_attempt_is_audited(
    client, family, manager, at, page
):
    released = _released(family, manager, at)
    [waiting] = _produce(family, at, family.father)
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    client.force_login(stranger)
    for letter in (released, waiting):
        url = reverse(f"documents:{page}", args=[letter.pk])
        assert client.get(url).status_code == 404
        posted = client.post(url, {"version": letter.version, "reason": "Not mine to change"})
        assert posted.status_code in (404, 405)
        denied = AuditEvent.objects.filter(
            actor=stranger, action="denied", detail__requested_id=str(letter.pk)
        )
        assert denied.exists()
        assert denied.first().person_id == family.child.pk
    released.refresh_from_db()
    waiting.refresh_from_db()
    assert released.status == Letter.Status.RELEASED
    assert waiting.status == Letter.Status.AWAITING_APPROVAL


def test_a_partner_professional_cannot_reach_withdraw_or_recall(client, family, at):
    [letter] = _produce(family, at, family.father)
    client.force_login(worker_with_role(Role.PARTNER))
    for page in ("letter-withdraw", "letter-recall"):
        assert client.get(reverse(f"documents:{page}", args=[letter.pk])).status_code == 404


# --- The approval queue -----------------------------------------------------------------------


def test_the_approval_queue_audits_each_child_listed_once(client, family, manager, at):
    _produce(family, at, family.mother, family.father)
    other = f.marked_family(now=at, worker=family.worker)
    [withdrawn] = actions.letters_produce(
        child=other.child,
        template_id=LetterTemplate.objects.get(kind="conference_invitation").pk,
        about=f"conference:{other.conference.pk}",
        recipient_keys=[f"person:{other.mother.pk}"],
        acting_user=family.worker,
        now=at,
    )
    actions.letter_withdraw(
        letter_id=withdrawn.pk, version=withdrawn.version, reason="Produced by mistake",
        acting_user=family.worker, now=at,
    )  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("documents:letter-approvals"))
    assert response.status_code == 200
    text = _text(response)
    assert "for Daniel Okafor" in text
    listed = AuditEvent.objects.filter(actor=manager, detail__page="letters to approve")
    assert [(e.action, e.person_id) for e in listed] == [("list", family.child.pk)]
    # The withdrawn letter is not waiting for anyone, so its child is neither listed nor audited.
    assert str(withdrawn.pk) not in text


def test_an_empty_approval_queue_audits_nobody(client, family, manager):
    client.force_login(manager)
    assert client.get(reverse("documents:letter-approvals")).status_code == 200
    assert not AuditEvent.objects.filter(detail__page="letters to approve").exists()
