"""Checking a return now, from the readiness page: the sector's validators run on a fresh export
of the collection year (onestory.returns.validation.validate_export, which saves the
ValidationRun), once per submitted form.

The run takes 10 to 60 seconds, so the form's one-time token is claimed (and committed) before
it starts: a second submit of the same form, even while the first is still running, finds the
claim and runs nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from onestory.core.errors import DomainError
from onestory.core.models import IdempotencyKey

from .models import ValidationRun

RESULT_TYPE = ValidationRun._meta.label
NOT_SET_UP = (
    "The validators are not set up on this server yet, so the return cannot be checked here. "
    "Ask the system administrator to run `make validators`."
)


@dataclass
class Checked:
    """What a submit of the form came to: the run it made, or the run an earlier submit of the
    same form made (`repeat`), or nothing yet because that earlier submit is still running."""

    run: ValidationRun | None
    repeat: bool = False

    @property
    def still_running(self) -> bool:
        return self.repeat and self.run is None


def check_now(*, source: str, year: int, form_token: str, acting_user, now: datetime) -> Checked:
    """Validate the return for the collection year `year` now, unless this form already did."""
    if not form_token:
        raise DomainError("This form has expired. Open the page again and check the return.")
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                key=form_token, actor_id=acting_user.pk, result_type=RESULT_TYPE, result_id=""
            )
    except IntegrityError:
        claim = IdempotencyKey.objects.filter(key=form_token, actor_id=acting_user.pk).first()
        if claim is None:
            raise DomainError("This form has expired. Open the page again.") from None
        run = ValidationRun.objects.filter(pk=claim.result_id).first() if claim.result_id else None
        return Checked(run=run, repeat=True)
    try:
        run = _validate_export(source, year, acting_user=acting_user, now=now)
    except BaseException:
        # Nothing was checked: let the same form try again.
        IdempotencyKey.objects.filter(key=form_token, actor_id=acting_user.pk).delete()
        raise
    IdempotencyKey.objects.filter(key=form_token, actor_id=acting_user.pk).update(
        result_id=str(run.pk)
    )
    return Checked(run=run)


def _validate_export(source: str, year: int, *, acting_user, now: datetime) -> ValidationRun:
    try:
        from . import validation

        validate_export = validation.validate_export
    except (ImportError, AttributeError):
        raise DomainError(NOT_SET_UP) from None
    return validate_export(source, year, acting_user=acting_user, now=now)
