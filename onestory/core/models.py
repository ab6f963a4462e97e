"""Base model shared by every domain app."""

import uuid

from django.conf import settings
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


class FormDraft(models.Model):
    """What someone has typed into a form and not yet sent, saved as they type (core.drafts).

    Private to its author: only they are ever given it back, on the same form. It is not part of
    the record, so it has no audit trail of its own; the form's page audited the record it shows.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The form's page and the form's name: "/social-care/…/assessment/#AssessmentForm". Record ids
    # only, never personal data.
    key = models.CharField(max_length=300)
    # [[name, value], …] as the browser's FormData gives them (a name may repeat: checkboxes).
    fields = models.JSONField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_formdraft_one_per_form")
        ]

    def __str__(self) -> str:
        return self.key
