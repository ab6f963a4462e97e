"""Base model shared by every domain app."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """A record with an unguessable id (safe to show in a URL) and created/updated times.

    `version` is the optimistic lock: an edit form carries the version it was read at and the
    action refuses the save when the stored version has moved on.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """Remembers the result of a create submitted with a one-time form token.

    A double-clicked or re-sent form finds its key here and is sent to the record it already made.
    """

    key = models.CharField(max_length=64, primary_key=True)
    actor_id = models.BigIntegerField()
    result_type = models.CharField(max_length=100)
    result_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.result_type} {self.result_id}"
