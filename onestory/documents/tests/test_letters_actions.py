"""Producing letters from the record, approval by a second person and release."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.documents import actions_letters as actions
from onestory.documents.default_templates import load_default_templates
from onestory.documents.models import Letter, LetterTemplate
from onestory.notify.models import Message
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from . import factories_letters as f

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


@pytest.fixture
def family():
    load_default_templates(now=NOW)
    return f.marked_family(now=NOW)


def _invitation():
    return LetterTemplate.objects.get(kind=LetterTemplate.Kind.CONFERENCE_INVITATION)


def _produce(family, keys, *, by=None, token=""):
    return actions.letters_produce(
        child=family.child, template_id=_invitation().pk,
        about=f"conference:{family.conference.pk}", recipient_keys=keys,
        acting_user=by or family.worker, now=NOW, form_token=token,
    )  # fmt: skip


def test_one_letter_per_parent_each_with_only_what_they_may_be_told(family):
    mother, father = _produce(family, [f"person:{family.mother.pk}", f"person:{family.father.pk}"])
    assert mother.recipient_name == family.mother.full_name
    assert f.REFUGE in mother.html  # her own address, as the letter is addressed to her
    assert f.REFUGE not in father.html
    assert "[withheld]" in father.html
    assert father.recipient_kind == "parent_alleged_harm"
    for letter in (mother, father):
        assert letter.status == Letter.Status.AWAITING_APPROVAL
        assert letter.reference == family.contact.reference
        assert AuditEvent.objects.filter(action="create", object_id=str(letter.pk)).exists()


def test_producing_twice_with_the_same_form_makes_the_letters_once(family):
    token = new_form_token()
    _produce(family, [f"person:{family.mother.pk}"], token=token)
    _produce(family, [f"person:{family.mother.pk}"], token=token)
    assert Letter.objects.count() == 1


def test_recipients_come_only_from_the_record(family):
    with pytest.raises(DetailsRefused) as refused:
        _produce(family, ["person:00000000-0000-0000-0000-000000000000"])
    assert refused.value.problems == {"recipients": actions.NOT_ON_RECORD}


def test_an_invitation_needs_the_conference_it_is_for(family):
    with pytest.raises(DetailsRefused) as refused:
        actions.letters_produce(
            child=family.child, template_id=_invitation().pk, about="",
            recipient_keys=[f"person:{family.mother.pk}"], acting_user=family.worker, now=NOW,
        )  # fmt: skip
    assert "conference" in refused.value.problems["about"]


def test_release_without_approval_is_refused(family):
    [letter] = _produce(family, [f"person:{family.mother.pk}"])
    with pytest.raises(DomainError, match="approves"):
        actions.letter_release(
            letter_id=letter.pk, version=letter.version, method="post",
            acting_user=family.worker, now=NOW,
        )  # fmt: skip
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_APPROVAL


def test_the_producer_cannot_approve_their_own_letter(family):
    [letter] = _produce(family, [f"person:{family.mother.pk}"])
    with pytest.raises(DomainError, match="someone else"):
        actions.letter_approve(
            letter_id=letter.pk, version=letter.version, acting_user=family.worker, now=NOW
        )


def test_the_database_refuses_a_release_nobody_else_approved(family):
    [letter] = _produce(family, [f"person:{family.mother.pk}"])
    with pytest.raises(IntegrityError):
        Letter.objects.filter(pk=letter.pk).update(
            status=Letter.Status.RELEASED, released_at=NOW, approved_by=family.worker,
            approved_at=NOW,
        )  # fmt: skip


def test_a_colleague_approves_and_the_letter_is_released_with_a_prompt_to_the_recipient(
    family, django_capture_on_commit_callbacks
):
    family.mother.email = "grace@example.org"
    family.mother.save(update_fields=["email"])
    manager = worker_with_role(Role.TEAM_MANAGER, team=family.worker.team)
    [letter] = _produce(family, [f"person:{family.mother.pk}"])
    approved = actions.letter_approve(
        letter_id=letter.pk, version=letter.version, acting_user=manager, now=NOW
    )
    assert approved.approved_by == manager
    with django_capture_on_commit_callbacks(execute=True):
        released = actions.letter_release(
            letter_id=letter.pk, version=approved.version, method="post",
            acting_user=family.worker, now=NOW,
        )  # fmt: skip
    assert released.status == Letter.Status.RELEASED
    event = AuditEvent.objects.get(action="release", object_id=str(letter.pk))
    assert event.detail["method"] == "post"
    message = Message.objects.get(to_person=family.mother)
    assert message.prompt == "document_ready"
    assert message.status == Message.Status.SENT


def test_an_approval_on_a_stale_page_is_refused(family):
    manager = worker_with_role(Role.TEAM_MANAGER, team=family.worker.team)
    colleague = worker_with_role(Role.SOCIAL_WORKER, team=family.worker.team)
    [letter] = _produce(family, [f"person:{family.mother.pk}"])
    actions.letter_approve(
        letter_id=letter.pk, version=letter.version, acting_user=manager, now=NOW
    )
    # The colleague opened the letter before the manager approved it. (The manager sending
    # the same page twice is a double submit, not a stale page: test_letters_accounted_for.)
    with pytest.raises(StaleEdit):
        actions.letter_approve(
            letter_id=letter.pk, version=letter.version, acting_user=colleague, now=NOW
        )


def test_a_copy_for_council_staff_is_released_without_approval(family):
    [letter] = _produce(family, [f"worker:{family.worker.pk}"])
    assert not letter.needs_approval
    released = actions.letter_release(
        letter_id=letter.pk, version=letter.version, method="hand",
        acting_user=family.worker, now=NOW,
    )  # fmt: skip
    assert released.status == Letter.Status.RELEASED
    assert f.REFUGE in letter.html
