"""The optimistic lock every edit shares: read the row locked for the transaction, refuse the
save when it changed since the form was opened, and move the version on when saving."""

from django.db import models

from .errors import DomainError, StaleEdit


def locked(model: type[models.Model], pk, *, version: int | None = None, what: str = "record"):
    """The row, locked for this transaction (only its own table's row, so a nullable related
    row never stops the lock on PostgreSQL); refused if it changed since the form was read."""
    row = model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise DomainError(f"This {what} cannot be found. It may have been removed.")
    if version is not None and row.version != version:
        raise StaleEdit(what)
    return row


def bump(row, *fields: str) -> None:
    """Save the changed fields and move the optimistic lock on."""
    row.version += 1
    row.save(update_fields=[*fields, "version", "updated_at"])
