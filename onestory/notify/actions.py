"""Sending a prompt by e-mail and text: to a person only at the e-mail address and mobile
number on their record, to a worker only at their account's e-mail. The Message rows are
written in the caller's transaction; the sending happens once it commits."""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from onestory.access import audit
from onestory.core.errors import DomainError

from .backends import backend
from .models import Message
from .prompts import PROMPTS

logger = logging.getLogger("onestory.notify")

UNKNOWN_PROMPT = "This message cannot be sent: its wording is not one of the service's prompts."
ONE_RECIPIENT = "A message goes to one worker or one person on the record."


def _addresses(*, to_person, to_user) -> list[tuple[str, str]]:
    if to_person is not None:
        found = []
        if to_person.email:
            found.append((Message.Channel.EMAIL, to_person.email))
        if to_person.mobile:
            found.append((Message.Channel.SMS, to_person.mobile))
        return found
    return [(Message.Channel.EMAIL, to_user.email)] if to_user.email else []


def send(*, to_person=None, to_user=None, prompt: str, acting_user, now: datetime) -> list:
    """Queue the prompt to every address on the record (none: nothing is sent) and send each
    once the transaction commits. Returns the Message rows."""
    if prompt not in PROMPTS:
        raise DomainError(UNKNOWN_PROMPT)
    if (to_person is None) == (to_user is None):
        raise DomainError(ONE_RECIPIENT)
    messages = []
    with transaction.atomic():
        for channel, _address in _addresses(to_person=to_person, to_user=to_user):
            message = Message(channel=channel, to_person=to_person, to_user=to_user, prompt=prompt)
            message.full_clean()
            message.save()
            audit.record(
                actor=acting_user,
                action="notify",
                at=now,
                person_id=to_person.pk if to_person is not None else None,
                obj=message,
                detail={"channel": channel, "prompt": prompt},
            )
            transaction.on_commit(partial(deliver, message.pk))
            messages.append(message)
    return messages


def deliver(message_id) -> Message:
    """Send one queued message and record whether it went (never the address or the text)."""
    message = Message.objects.select_related("to_person", "to_user").get(pk=message_id)
    if message.status != Message.Status.QUEUED:
        return message
    [address] = [
        a for c, a in _addresses(to_person=message.to_person, to_user=message.to_user)
        if c == message.channel
    ] or [""]  # fmt: skip
    try:
        if not address:
            raise ValueError("the address was removed from the record before sending")
        reference = backend().send(
            channel=message.channel,
            address=address,
            prompt=message.prompt,
            text=PROMPTS[message.prompt],
        )
    except Exception as error:  # any provider failure is recorded on the message, not raised
        logger.warning("notify message %s failed: %s", message.pk, type(error).__name__)
        message.status = Message.Status.FAILED
        message.error = type(error).__name__
        message.save(update_fields=["status", "error", "updated_at"])
        return message
    message.status = Message.Status.SENT
    message.provider_reference = reference[:100]
    message.sent_at = timezone.now()
    message.save(update_fields=["status", "provider_reference", "sent_at", "updated_at"])
    return message
