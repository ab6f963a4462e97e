"""Every write for letters: the council's templates (refused when saved if they name a field
that does not exist), producing one letter per recipient from the one record it is for,
approval by a second person, release (and how it went), withdrawal before release and recall
after it. Each is audited in its own transaction."""

from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import Notification
from onestory.access.selectors import visible_to
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import DuplicateSubmission, previous_result, remember_result
from onestory.core.locking import bump, locked
from onestory.notify import actions as notify

from . import rules
from .fields import FIELDS, build_record, long_date
from .models import Letter, LetterTemplate
from .rendering import render_letter
from .selectors_letters import (
    MAY_EDIT_TEMPLATES,
    MAY_PRODUCE,
    TEMPLATE_NEEDS,
    about_object,
    managers_to_tell_of_a_recall,
    recipients_for,
)

NOT_ALLOWED_TEMPLATES = "Only team managers and administrators can change letter templates."
NO_NAME = "Enter the template's name, for example Invitation to a child protection conference."
NO_BODY = "Enter the template's wording."
NO_KINDS = "Choose at least one kind of recipient the template may be produced for."
UNKNOWN_KIND = "Choose kinds of recipient from the list."
NOT_ALLOWED_LETTERS = "Only council practitioners can produce, approve and release letters."
NO_TEMPLATE = "Choose a template that is in use."
WRONG_ABOUT = "Choose what the letter is about: a {needs} on this child's record."
NO_RECIPIENTS = "Choose at least one person to send it to."
NOT_ON_RECORD = "Choose recipients from the record only. Reload the page and choose again."
WRONG_RECIPIENT_KIND = "This template is not for {kind}: choose another template or recipient."
NOT_WAITING = "This letter is not waiting for approval."
OWN_LETTER = "You produced this letter: someone else must approve it."
NOT_APPROVED = "This letter cannot be released until someone other than its producer approves it."
ALREADY_RELEASED = "This letter has already been released."
NO_METHOD = "Choose how the letter is being sent."
WITHDRAWN = "This letter has been withdrawn, so it cannot be approved or released."
NO_WITHDRAW_REASON = (
    "Enter why the letter is being withdrawn, for example ‘Produced for the wrong parent’."
)
ALREADY_WITHDRAWN = "This letter has already been withdrawn."
RELEASED_NOT_WITHDRAWN = (
    "This letter has already been released, so it cannot be withdrawn. If it should not have "
    "gone, mark it as recalled and say why."
)
NO_RECALL_REASON = "Enter why the letter is being recalled, for example ‘Sent to an old address’."
NOT_RELEASED_NOT_RECALLED = (
    "Only a letter that has been released can be recalled. Withdraw it instead, so it is "
    "never released."
)
ALREADY_RECALLED = "This letter has already been marked as recalled."
REASON_TOO_LONG = "Keep the reason to {limit} characters or fewer."
REASON_LIMIT = 2000

PAGE = "letter"


def _template_details(*, name, kind, body, recipient_kinds) -> dict:
    problems = {}
    if not (name or "").strip():
        problems["name"] = NO_NAME
    if not (body or "").strip():
        problems["body"] = NO_BODY
    else:
        found = rules.template_problems(body, FIELDS)
        if found:
            problems["body"] = " ".join(found)
    kinds = [str(k) for k in recipient_kinds or []]
    if not kinds:
        problems["recipient_kinds"] = NO_KINDS
    elif not set(kinds) <= set(rules.RECIPIENT_KINDS):
        problems["recipient_kinds"] = UNKNOWN_KIND
    if problems:
        raise DetailsRefused(problems)
    return {"name": name.strip(), "kind": kind, "body": body, "recipient_kinds": kinds}


def _may_edit_templates(user) -> None:
    if user.role not in MAY_EDIT_TEMPLATES:
        raise DomainError(NOT_ALLOWED_TEMPLATES)


def template_create(
    *, name, kind, body, recipient_kinds, acting_user, now: datetime, form_token: str = ""
) -> LetterTemplate:
    """A new template; safe to submit twice (the same form token returns the first)."""
    _may_edit_templates(acting_user)
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return LetterTemplate.objects.get(pk=earlier)
    details = _template_details(name=name, kind=kind, body=body, recipient_kinds=recipient_kinds)
    try:
        with transaction.atomic():
            template = LetterTemplate(**details, updated_by=acting_user)
            full_clean_or_refuse(template)
            template.save()
            audit.record(
                actor=acting_user, action="create", at=now, obj=template,
                detail={"page": "letter template"},
            )  # fmt: skip
            remember_result(token=form_token, actor_id=acting_user.pk, result=template)
    except DuplicateSubmission:
        return LetterTemplate.objects.get(
            pk=previous_result(token=form_token, actor_id=acting_user.pk)
        )
    return template


def template_update(
    *, template_id, version: int, name, kind, body, recipient_kinds, active: bool,
    acting_user, now: datetime,
) -> LetterTemplate:  # fmt: skip
    """Change a template's wording; refused if someone else saved it since the form opened."""
    _may_edit_templates(acting_user)
    details = _template_details(name=name, kind=kind, body=body, recipient_kinds=recipient_kinds)
    with transaction.atomic():
        template = locked(LetterTemplate, template_id, version=version, what="template")
        for field, value in details.items():
            setattr(template, field, value)
        template.active = active
        template.updated_by = acting_user
        full_clean_or_refuse(template)
        bump(template, *details, "active", "updated_by")
        audit.record(
            actor=acting_user, action="update", at=now, obj=template,
            detail={"page": "letter template", "version": template.version},
        )  # fmt: skip
    return template


def _may_work_on_letters(user) -> None:
    if user.role not in MAY_PRODUCE:
        raise DomainError(NOT_ALLOWED_LETTERS)


def letters_produce(
    *, child, template_id, about: str, recipient_keys, acting_user, now: datetime,
    request=None, form_token: str = "",
) -> list[Letter]:  # fmt: skip
    """One letter per chosen recipient, each rendered for its recipient from the one record it
    is for and fixed as produced. `child` was opened through access_person_by_id. Submitted
    twice with the same form token, the second returns the first letter made."""
    _may_work_on_letters(acting_user)
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return [Letter.objects.get(pk=earlier)]
    template = LetterTemplate.objects.filter(pk=template_id, active=True).first()
    if template is None:
        raise DetailsRefused({"template": NO_TEMPLATE})
    about_row = about_object(child, about)
    needs = TEMPLATE_NEEDS.get(template.kind)
    if needs and (about_row is None or not about.startswith(f"{needs}:")):
        raise DetailsRefused({"about": WRONG_ABOUT.format(needs=needs)})
    record = build_record(
        child=child, about=about_row, today=today_in_london(now), worker=acting_user
    )
    offered = {r.key: r for r in recipients_for(record, now=now)}
    keys = list(dict.fromkeys(recipient_keys or []))
    if not keys:
        raise DetailsRefused({"recipients": NO_RECIPIENTS})
    if not set(keys) <= set(offered):
        raise DetailsRefused({"recipients": NOT_ON_RECORD})
    for key in keys:
        kind = offered[key].kind
        if kind not in template.recipient_kinds:
            raise DetailsRefused(
                {"recipients": WRONG_RECIPIENT_KIND.format(kind=kind.label.lower())}
            )
    letters = []
    try:
        with transaction.atomic():
            for key in keys:
                recipient = offered[key]
                needs_approval = rules.needs_approval(recipient.kind)
                letter = Letter(
                    template=template,
                    template_version=template.version,
                    person=child,
                    about_type=about.partition(":")[0] if about_row else "",
                    about_id=str(about_row.pk) if about_row else "",
                    reference=record.reference,
                    recipient_kind=recipient.kind,
                    recipient_person=recipient.person,
                    recipient_name=recipient.name,
                    recipient_address=recipient.address,
                    html=render_letter(
                        title=template.name, body=template.body, record=record, recipient=recipient
                    ),
                    needs_approval=needs_approval,
                    status=Letter.Status.AWAITING_APPROVAL
                    if needs_approval
                    else Letter.Status.PRODUCED,
                    produced_by=acting_user,
                )
                full_clean_or_refuse(letter)
                letter.save()
                audit.record(
                    actor=acting_user, action="create", at=now, person_id=child.pk, obj=letter,
                    detail={"page": PAGE, "template": str(template.pk),
                            "recipient_kind": recipient.kind},
                    request=request,
                )  # fmt: skip
                letters.append(letter)
            remember_result(token=form_token, actor_id=acting_user.pk, result=letters[0])
    except DuplicateSubmission:
        return [Letter.objects.get(pk=previous_result(token=form_token, actor_id=acting_user.pk))]
    return letters


def _letter_for_change(letter_id, *, version, acting_user, now, repeat=None):
    """The letter, locked, if this worker may open its child's record. `repeat` says whether
    the letter already shows this very change by this worker (the same form sent twice): then
    it is handed back as done, with True, instead of being refused as a stale save."""
    _may_work_on_letters(acting_user)
    letter = locked(Letter, letter_id, what="letter")
    if not visible_to(acting_user, now=now).filter(pk=letter.person_id).exists():
        raise DomainError("This letter cannot be found. It may have been removed.")
    if repeat is not None and repeat(letter):
        return letter, True
    if letter.version != version:
        raise StaleEdit("letter")
    return letter, False


def _reason(text, *, missing: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise DetailsRefused({"reason": missing})
    if len(reason) > REASON_LIMIT:
        raise DetailsRefused({"reason": REASON_TOO_LONG.format(limit=REASON_LIMIT)})
    return reason


def letter_approve(*, letter_id, version: int, acting_user, now: datetime, request=None) -> Letter:
    """A second person approves a letter for release outside the council. Approving twice
    (the same page sent again) leaves the first approval as it was."""
    with transaction.atomic():
        letter, done = _letter_for_change(
            letter_id, version=version, acting_user=acting_user, now=now,
            repeat=lambda row: row.status == Letter.Status.APPROVED
            and row.approved_by_id == acting_user.pk,
        )  # fmt: skip
        if done:
            return letter
        if letter.status == Letter.Status.WITHDRAWN:
            raise DomainError(WITHDRAWN)
        if letter.status != Letter.Status.AWAITING_APPROVAL:
            raise DomainError(NOT_WAITING)
        if letter.produced_by_id == acting_user.pk:
            raise DomainError(OWN_LETTER)
        letter.status = Letter.Status.APPROVED
        letter.approved_by = acting_user
        letter.approved_at = now
        full_clean_or_refuse(letter)
        bump(letter, "status", "approved_by", "approved_at")
        audit.record(
            actor=acting_user, action="approve", at=now, person_id=letter.person_id, obj=letter,
            detail={"page": PAGE}, request=request,
        )  # fmt: skip
    return letter


def letter_release(
    *, letter_id, version: int, method: str, acting_user, now: datetime, request=None
) -> Letter:
    """Record that the letter went and how (post, secure e-mail, by hand or another way), and
    tell the recipient, where the record holds an e-mail address or mobile number for them,
    that it is on its way. Sent twice, the second leaves the release (and the prompt) as the
    first made it."""
    if method not in Letter.ReleaseMethod.values:
        raise DetailsRefused({"method": NO_METHOD})
    with transaction.atomic():
        letter, done = _letter_for_change(
            letter_id, version=version, acting_user=acting_user, now=now,
            repeat=lambda row: row.status == Letter.Status.RELEASED
            and row.released_by_id == acting_user.pk and row.release_method == method,
        )  # fmt: skip
        if done:
            return letter
        if letter.status == Letter.Status.WITHDRAWN:
            raise DomainError(WITHDRAWN)
        if letter.status in Letter.LEFT_THE_COUNCIL:
            raise DomainError(ALREADY_RELEASED)
        ready = letter.status == Letter.Status.APPROVED or (
            letter.status == Letter.Status.PRODUCED and not letter.needs_approval
        )
        if not ready:
            raise DomainError(NOT_APPROVED)
        letter.status = Letter.Status.RELEASED
        letter.released_by = acting_user
        letter.released_at = now
        letter.release_method = method
        full_clean_or_refuse(letter)
        bump(letter, "status", "released_by", "released_at", "release_method")
        audit.record(
            actor=acting_user, action="release", at=now, person_id=letter.person_id, obj=letter,
            detail={"page": PAGE, "method": method}, request=request,
        )  # fmt: skip
        if letter.recipient_person is not None:
            notify.send(
                to_person=letter.recipient_person,
                prompt="document_ready",
                acting_user=acting_user,
                now=now,
            )
    return letter


def letter_withdraw(
    *, letter_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> Letter:
    """Withdraw a letter that has not been released (produced by mistake, or approved but not
    to go), with the reason: it can no longer be approved or released. A released letter is
    recalled instead. Sent twice, the second leaves the first withdrawal as it was."""
    reason = _reason(reason, missing=NO_WITHDRAW_REASON)
    with transaction.atomic():
        letter, done = _letter_for_change(
            letter_id, version=version, acting_user=acting_user, now=now,
            repeat=lambda row: row.status == Letter.Status.WITHDRAWN
            and row.withdrawn_by_id == acting_user.pk and row.withdrawn_reason == reason,
        )  # fmt: skip
        if done:
            return letter
        if letter.status == Letter.Status.WITHDRAWN:
            raise DomainError(ALREADY_WITHDRAWN)
        if letter.status in Letter.LEFT_THE_COUNCIL:
            raise DomainError(RELEASED_NOT_WITHDRAWN)
        letter.status = Letter.Status.WITHDRAWN
        letter.withdrawn_by = acting_user
        letter.withdrawn_at = now
        letter.withdrawn_reason = reason
        full_clean_or_refuse(letter)
        bump(letter, "status", "withdrawn_by", "withdrawn_at", "withdrawn_reason")
        audit.record(
            actor=acting_user, action="withdraw", at=now, person_id=letter.person_id, obj=letter,
            reason=reason, detail={"page": PAGE}, request=request,
        )  # fmt: skip
    return letter


def letter_recall(
    *, letter_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> Letter:
    """Mark a released letter as recalled (it went to the wrong address, or should not have
    gone), with the reason. The release stays recorded as it was; the team managers of the
    child's record, and the worker's own manager, are told. Sent twice, the second leaves the
    first recall as it was."""
    reason = _reason(reason, missing=NO_RECALL_REASON)
    with transaction.atomic():
        letter, done = _letter_for_change(
            letter_id, version=version, acting_user=acting_user, now=now,
            repeat=lambda row: row.status == Letter.Status.RECALLED
            and row.recalled_by_id == acting_user.pk and row.recalled_reason == reason,
        )  # fmt: skip
        if done:
            return letter
        if letter.status == Letter.Status.RECALLED:
            raise DomainError(ALREADY_RECALLED)
        if letter.status != Letter.Status.RELEASED:
            raise DomainError(NOT_RELEASED_NOT_RECALLED)
        letter.status = Letter.Status.RECALLED
        letter.recalled_by = acting_user
        letter.recalled_at = now
        letter.recalled_reason = reason
        full_clean_or_refuse(letter)
        bump(letter, "status", "recalled_by", "recalled_at", "recalled_reason")
        audit.record(
            actor=acting_user, action="recall", at=now, person_id=letter.person_id, obj=letter,
            reason=reason, detail={"page": PAGE, "method": letter.release_method},
            request=request,
        )  # fmt: skip
        child = letter.person
        message = (
            f"{acting_user.get_full_name() or acting_user.username} marked a released letter "
            f"on {child.full_name}’s record as recalled: {letter.template.name} for "
            f"{letter.recipient_name}, sent {letter.get_release_method_display().lower()} on "
            f"{long_date(today_in_london(letter.released_at))}. Their reason: {reason}"
        )
        Notification.objects.bulk_create(
            [
                Notification(recipient=manager, message=message, person=child)
                for manager in managers_to_tell_of_a_recall(letter, acting_user, now=now)
            ]
        )
    return letter
