"""Letters that have left, or are about to leave, the council are accounted for: how a letter
was released, withdrawing one before release, and marking a released one as recalled."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from onestory.access.models import AuditEvent, Notification
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.documents import actions_letters as actions
from onestory.documents.default_templates import load_default_templates
from onestory.documents.models import Letter, LetterTemplate
from onestory.notify.models import Message
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from . import factories_letters as f

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


@pytest.fixture
def family():
    load_default_templates(now=NOW)
    return f.marked_family(now=NOW)


@pytest.fixture
def manager(family):
    # referred_child leaves the worker's team without a manager: this one manages it.
    return worker_with_role(
        Role.TEAM_MANAGER, team=family.worker.team, first_name="Mo", last_name="Ahmed"
    )


def _to_mother(family) -> Letter:
    [letter] = actions.letters_produce(
        child=family.child,
        template_id=LetterTemplate.objects.get(kind="conference_invitation").pk,
        about=f"conference:{family.conference.pk}",
        recipient_keys=[f"person:{family.mother.pk}"],
        acting_user=family.worker,
        now=NOW,
    )
    return letter


def _approved(family, manager) -> Letter:
    letter = _to_mother(family)
    return actions.letter_approve(
        letter_id=letter.pk, version=letter.version, acting_user=manager, now=NOW
    )


def _released(family, manager, *, method="post") -> Letter:
    letter = _approved(family, manager)
    return actions.letter_release(
        letter_id=letter.pk, version=letter.version, method=method,
        acting_user=family.worker, now=NOW,
    )  # fmt: skip


def _withdraw(letter, by, *, reason="Produced for the wrong conference", version=None):
    return actions.letter_withdraw(
        letter_id=letter.pk, version=letter.version if version is None else version,
        reason=reason, acting_user=by, now=LATER,
    )  # fmt: skip


def _recall(letter, by, *, reason="Sent to her old address", version=None):
    return actions.letter_recall(
        letter_id=letter.pk, version=letter.version if version is None else version,
        reason=reason, acting_user=by, now=LATER,
    )  # fmt: skip


def _recall_messages():
    return Notification.objects.filter(message__contains="as recalled")


def _events(letter, action):
    return AuditEvent.objects.filter(action=action, object_id=str(letter.pk))


# --- How a letter was released ----------------------------------------------------------------


def test_a_release_records_how_the_letter_went_on_the_letter(family, manager):
    released = _released(family, manager, method=Letter.ReleaseMethod.SECURE_EMAIL)
    released.refresh_from_db()
    assert released.release_method == "email"
    assert released.get_release_method_display() == "By secure e-mail"
    assert released.released_by == family.worker
    assert _events(released, "release").get().detail["method"] == "email"


def test_a_release_without_a_method_it_knows_says_to_choose_one(family, manager):
    letter = _approved(family, manager)
    with pytest.raises(DetailsRefused) as refused:
        actions.letter_release(
            letter_id=letter.pk, version=letter.version, method="carrier pigeon",
            acting_user=family.worker, now=NOW,
        )  # fmt: skip
    assert refused.value.problems == {"method": actions.NO_METHOD}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED
    assert letter.release_method == ""


def test_releasing_twice_from_the_same_page_releases_and_tells_the_recipient_once(
    family, manager, django_capture_on_commit_callbacks
):
    family.mother.email = "grace@example.org"
    family.mother.save(update_fields=["email"])
    letter = _approved(family, manager)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            released = actions.letter_release(
                letter_id=letter.pk, version=letter.version, method="post",
                acting_user=family.worker, now=NOW,
            )  # fmt: skip
    assert released.status == Letter.Status.RELEASED
    assert _events(letter, "release").count() == 1
    assert Message.objects.filter(to_person=family.mother).count() == 1


def test_approving_twice_from_the_same_page_approves_once(family, manager):
    letter = _to_mother(family)
    for _ in range(2):
        approved = actions.letter_approve(
            letter_id=letter.pk, version=letter.version, acting_user=manager, now=NOW
        )
    assert approved.status == Letter.Status.APPROVED
    assert _events(letter, "approve").count() == 1


# --- Withdrawing before release ---------------------------------------------------------------


def test_a_letter_waiting_for_approval_is_withdrawn_with_the_reason(family):
    letter = _to_mother(family)
    withdrawn = _withdraw(letter, family.worker, reason="  Produced for the wrong conference  ")
    withdrawn.refresh_from_db()
    assert withdrawn.status == Letter.Status.WITHDRAWN
    assert withdrawn.withdrawn_by == family.worker
    assert withdrawn.withdrawn_at == LATER
    assert withdrawn.withdrawn_reason == "Produced for the wrong conference"
    assert withdrawn.version == letter.version + 1
    event = _events(letter, "withdraw").get()
    assert event.person_id == family.child.pk
    assert event.actor == family.worker
    assert event.reason == "Produced for the wrong conference"


def test_withdrawing_without_a_reason_says_what_to_enter_and_changes_nothing(family):
    letter = _to_mother(family)
    with pytest.raises(DetailsRefused) as refused:
        _withdraw(letter, family.worker, reason="   ")
    assert refused.value.problems == {"reason": actions.NO_WITHDRAW_REASON}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_APPROVAL
    assert not _events(letter, "withdraw").exists()


def test_a_withdrawn_letter_can_no_longer_be_approved(family, manager):
    letter = _withdraw(_to_mother(family), family.worker)
    with pytest.raises(DomainError) as refused:
        actions.letter_approve(
            letter_id=letter.pk, version=letter.version, acting_user=manager, now=LATER
        )
    assert refused.value.message == actions.WITHDRAWN
    letter.refresh_from_db()
    assert letter.status == Letter.Status.WITHDRAWN
    assert letter.approved_by is None


def test_an_approved_letter_that_must_not_go_is_withdrawn_and_can_no_longer_be_released(
    family, manager
):
    letter = _withdraw(_approved(family, manager), manager, reason="The conference has moved")
    assert letter.approved_by == manager  # the approval stays on the record
    with pytest.raises(DomainError) as refused:
        actions.letter_release(
            letter_id=letter.pk, version=letter.version, method="post",
            acting_user=family.worker, now=LATER,
        )  # fmt: skip
    assert refused.value.message == actions.WITHDRAWN
    letter.refresh_from_db()
    assert letter.status == Letter.Status.WITHDRAWN
    assert letter.released_at is None
    assert not _events(letter, "release").exists()


def test_a_released_letter_cannot_be_withdrawn_and_is_pointed_to_recall(family, manager):
    letter = _released(family, manager)
    with pytest.raises(DomainError) as refused:
        _withdraw(letter, family.worker)
    assert refused.value.message == actions.RELEASED_NOT_WITHDRAWN
    assert "recalled" in refused.value.message
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RELEASED


def test_a_withdrawal_from_a_stale_page_is_refused(family, manager):
    letter = _to_mother(family)
    actions.letter_approve(
        letter_id=letter.pk, version=letter.version, acting_user=manager, now=NOW
    )
    with pytest.raises(StaleEdit):
        _withdraw(letter, family.worker, version=letter.version)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED


def test_withdrawing_twice_from_the_same_page_withdraws_once(family):
    letter = _to_mother(family)
    first = _withdraw(letter, family.worker)
    again = _withdraw(letter, family.worker, version=letter.version)
    assert again.pk == first.pk
    assert again.version == first.version
    assert _events(letter, "withdraw").count() == 1


def test_a_second_withdrawal_by_someone_else_is_refused(family, manager):
    letter = _withdraw(_to_mother(family), family.worker)
    with pytest.raises(DomainError) as refused:
        _withdraw(letter, manager)
    assert refused.value.message == actions.ALREADY_WITHDRAWN


def test_a_worker_who_may_not_open_the_child_cannot_withdraw_their_letter(family):
    letter = _to_mother(family)
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    with pytest.raises(DomainError, match="cannot be found"):
        _withdraw(letter, stranger)
    partner = worker_with_role(Role.PARTNER)
    with pytest.raises(DomainError) as refused:
        _withdraw(letter, partner)
    assert refused.value.message == actions.NOT_ALLOWED_LETTERS
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_APPROVAL


# --- Recalling a released letter --------------------------------------------------------------


def test_a_released_letter_is_marked_recalled_and_its_managers_are_told(family, manager):
    letter = _released(family, manager, method="post")
    recalled = _recall(letter, family.worker)
    recalled.refresh_from_db()
    assert recalled.status == Letter.Status.RECALLED
    assert recalled.recalled_by == family.worker
    assert recalled.recalled_at == LATER
    assert recalled.recalled_reason == "Sent to her old address"
    # It did leave the council: the release stays as it was.
    assert recalled.released_by == family.worker
    assert recalled.release_method == "post"
    event = _events(letter, "recall").get()
    assert event.person_id == family.child.pk
    assert event.reason == "Sent to her old address"
    [told] = _recall_messages()
    assert told.recipient == manager
    assert told.person == family.child
    assert "recalled" in told.message
    assert "Sent to her old address" in told.message
    assert "by post on 2 June 2025" in told.message


def test_the_manager_recalling_a_letter_is_not_told_of_their_own_recall(family, manager):
    letter = _released(family, manager)
    _recall(letter, manager)
    assert not _recall_messages().filter(recipient=manager).exists()


def test_recalling_without_a_reason_says_what_to_enter_and_changes_nothing(family, manager):
    letter = _released(family, manager)
    with pytest.raises(DetailsRefused) as refused:
        _recall(letter, family.worker, reason="")
    assert refused.value.problems == {"reason": actions.NO_RECALL_REASON}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RELEASED
    assert not _recall_messages().exists()


def test_a_reason_longer_than_the_limit_is_refused_with_the_limit(family, manager):
    letter = _released(family, manager)
    with pytest.raises(DetailsRefused) as refused:
        _recall(letter, family.worker, reason="x" * (actions.REASON_LIMIT + 1))
    assert str(actions.REASON_LIMIT) in refused.value.problems["reason"]


def test_only_a_released_letter_can_be_recalled(family, manager):
    letter = _approved(family, manager)
    with pytest.raises(DomainError) as refused:
        _recall(letter, family.worker)
    assert refused.value.message == actions.NOT_RELEASED_NOT_RECALLED
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED


def test_a_recall_from_a_stale_page_is_refused(family, manager):
    letter = _released(family, manager)
    _recall(letter, manager, reason="Wrong address")
    with pytest.raises(StaleEdit):
        _recall(letter, family.worker, version=letter.version)
    letter.refresh_from_db()
    assert letter.recalled_by == manager


def test_recalling_twice_from_the_same_page_recalls_and_tells_the_manager_once(family, manager):
    letter = _released(family, manager)
    _recall(letter, family.worker)
    _recall(letter, family.worker, version=letter.version)
    assert _events(letter, "recall").count() == 1
    assert _recall_messages().count() == 1


def test_a_recalled_letter_cannot_be_released_again_or_withdrawn(family, manager):
    letter = _recall(_released(family, manager), family.worker)
    with pytest.raises(DomainError) as refused:
        actions.letter_release(
            letter_id=letter.pk, version=letter.version, method="hand",
            acting_user=family.worker, now=LATER,
        )  # fmt: skip
    assert refused.value.message == actions.ALREADY_RELEASED
    with pytest.raises(DomainError) as refused:
        _withdraw(letter, family.worker)
    assert refused.value.message == actions.RELEASED_NOT_WITHDRAWN


# --- The database holds the same rules --------------------------------------------------------


def _refused_by_the_database(letter, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(**changes)


def test_the_database_refuses_a_release_that_does_not_say_how(family, manager):
    letter = _approved(family, manager)
    _refused_by_the_database(
        letter, status="released", released_at=NOW, released_by=family.worker, release_method=""
    )
    _refused_by_the_database(
        letter, status="released", released_at=NOW, released_by=family.worker,
        release_method="fax",
    )  # fmt: skip
    _refused_by_the_database(letter, status="released", released_at=NOW, release_method="post")


def test_the_database_refuses_a_method_on_a_letter_that_has_not_gone(family, manager):
    letter = _approved(family, manager)
    _refused_by_the_database(letter, release_method="post")


def test_the_database_refuses_a_withdrawal_without_who_when_and_why(family):
    letter = _to_mother(family)
    _refused_by_the_database(letter, status="withdrawn")
    _refused_by_the_database(
        letter, status="withdrawn", withdrawn_at=NOW, withdrawn_by=family.worker,
        withdrawn_reason="",
    )  # fmt: skip


def test_the_database_refuses_approving_or_releasing_a_withdrawn_letter(family, manager):
    letter = _withdraw(_to_mother(family), family.worker)
    _refused_by_the_database(letter, status="approved", approved_by=manager, approved_at=LATER)
    _refused_by_the_database(
        letter, status="released", approved_by=manager, approved_at=LATER,
        released_by=family.worker, released_at=LATER, release_method="post",
    )  # fmt: skip


def test_the_database_refuses_a_recall_without_who_when_and_why_or_without_a_release(
    family, manager
):
    released = _released(family, manager)
    _refused_by_the_database(released, status="recalled")
    _refused_by_the_database(
        released, status="recalled", recalled_by=family.worker, recalled_at=LATER,
        recalled_reason="",
    )  # fmt: skip
    _refused_by_the_database(
        released, status="recalled", recalled_by=family.worker, recalled_at=LATER,
        recalled_reason="Wrong address", release_method="",
    )  # fmt: skip
    approved = _approved(family, manager)
    _refused_by_the_database(
        approved, status="recalled", recalled_by=family.worker, recalled_at=LATER,
        recalled_reason="Wrong address",
    )  # fmt: skip


def test_the_database_refuses_a_recalled_letter_its_producer_approved(family, manager):
    letter = _recall(_released(family, manager), family.worker)
    _refused_by_the_database(letter, approved_by=family.worker)
