"""Messages sent outside the service by e-mail or text: only a prompt to sign in, never case
content, and only to an address or number held on the record."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel


class Message(BaseModel):
    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Whom it went to: a worker (their account) or a person on the record, never typed free.
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The prompt's key (notify.prompts), which names the provider's template.
    prompt = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    provider_reference = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_user__isnull=False, to_person__isnull=True)
                | models.Q(to_user__isnull=True, to_person__isnull=False),
                name="message_to_one_user_or_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.prompt}"
