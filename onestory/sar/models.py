"""Subject access requests: a person (or someone for them) asks for everything the council holds
about them. The request, its due date, the bundle made for it and every withholding decision."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


class SubjectAccessRequest(BaseModel):
    """One request, logged by the data protection officer. Its bundle's HTML is fixed when built,
    and rebuilt until it is released."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Released"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester = models.CharField(
        "who asked", max_length=20, choices=[(r.value, r.label) for r in rules.Requester]
    )
    # The representative's name and how they are related (blank when the person asked).
    requester_name = models.CharField("the requester's name", max_length=200, blank=True)
    received_on = models.DateField("date received")
    identity_verified = models.BooleanField("identity verified")
    identity_evidence = models.CharField("how identity was verified", max_length=300, blank=True)
    due_on = models.DateField("due")
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    bundle_html = models.TextField(blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "received_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extension_months__lte=rules.MAX_EXTENSION_MONTHS),
                name="sar_extension_at_most_two_months",
            ),
            # A released request carries who released it, when, and the bundle that went.
            models.CheckConstraint(
                condition=~models.Q(status="released")
                | models.Q(released_at__isnull=False, released_by__isnull=False,
                           built_at__isnull=False),
                name="sar_released_has_release_and_bundle",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Subject access request received {self.received_on:%d %B %Y}"


class Withholding(models.Model):
    """One decision to leave something out of a bundle: which part, what kind of item, why, and
    how many times (never the withheld text itself)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="withholdings"
    )
    section = models.CharField(max_length=100)
    item = models.CharField("what kind of item", max_length=200)
    reason = models.CharField(max_length=30, choices=[(r.value, r.label) for r in rules.Reason])
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["section", "item", "reason"]

    def __str__(self) -> str:
        return f"{self.section}: {self.item} ({self.reason})"
