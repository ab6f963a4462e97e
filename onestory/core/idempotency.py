"""Safe double submission: a create form carries a one-time token used once."""

import functools
import secrets

from django.db import IntegrityError, transaction

from .models import IdempotencyKey


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def previous_result(*, token: str, actor_id: int) -> str | None:
    """The id of the record an earlier submit with this token made, if any."""
    if not token:
        return None
    row = IdempotencyKey.objects.filter(key=token, actor_id=actor_id).first()
    return row.result_id if row else None


def remember_result(*, token: str, actor_id: int, result) -> None:
    """Record what a create made. Call inside the create's transaction.

    A concurrent second submit with the same token fails on the primary key and its whole
    transaction rolls back, so only one record is ever made.
    """
    if not token:
        return
    with transaction.atomic():
        try:
            IdempotencyKey.objects.create(
                key=token,
                actor_id=actor_id,
                result_type=result._meta.label,
                result_id=str(result.pk),
            )
        except IntegrityError as exc:
            raise DuplicateSubmission from exc


class DuplicateSubmission(Exception):
    """This form was already submitted; the caller looks up the earlier result."""


def once_per_form(model):
    """Make a create action safe to submit twice: the same `form_token` returns the first result.

    The token is remembered in the action's own transaction, so of two concurrent submits one
    rolls back whole and returns what the other made.
    """

    def decorate(action):
        @functools.wraps(action)
        def run(*, form_token: str = "", acting_user, **kwargs):
            earlier = previous_result(token=form_token, actor_id=acting_user.pk)
            if earlier:
                return model.objects.get(pk=earlier)
            try:
                with transaction.atomic():
                    result = action(acting_user=acting_user, **kwargs)
                    remember_result(token=form_token, actor_id=acting_user.pk, result=result)
            except DuplicateSubmission:
                earlier = previous_result(token=form_token, actor_id=acting_user.pk)
                return model.objects.get(pk=earlier)
            return result

        return run

    return decorate
