"""Who may see a person's record, and the append-only trail of who did.

A worker sees a record when it is allocated to them or their team, when they hold a
time-limited grant (including a break-the-glass opening), or, for partner agencies, when
recorded consent covers their agency. A restricted record is seen only by its named people.
"""

import pgtrigger
from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel


class Allocation(BaseModel):
    """A record allocated to a worker or a team (for example as lead professional)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="allocations"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    team = models.ForeignKey(
        "workforce.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    purpose = models.CharField(max_length=100, default="Allocated worker")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(worker__isnull=False) | models.Q(team__isnull=False),
                name="allocation_has_worker_or_team",
            )
        ]
        indexes = [
            models.Index(fields=["worker", "ends_at"]),
            models.Index(fields=["team", "ends_at"]),
        ]


class AccessGrant(BaseModel):
    """A time-limited right for one worker to open one record, given with a reason."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Granted by a manager"
        BREAK_GLASS = "break_glass", "Break the glass"
        RESTRICTED = "restricted", "Named on a restricted record"

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="access_grants"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["worker", "kind", "expires_at"])]


class Consent(BaseModel):
    """Consent to share a person's information: who gave it, for whom, for what, and when."""

    class Status(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(max_length=10, choices=Status.choices)
    given_by = models.CharField(
        max_length=200,
        help_text="Who gave or refused consent, for example the young person or their mother",
    )
    agencies = models.ManyToManyField("workforce.Agency", related_name="consents")
    purposes = models.JSONField(default=list, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)


class RecordRestriction(BaseModel):
    """Marks a record as restricted: only workers named on it (restricted grants) may open it."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="restriction"
    )
    reason = models.TextField()
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


class Notification(BaseModel):
    """A message to a worker inside the service (for example: a record was opened by break the
    glass)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class AuditEvent(models.Model):
    """One look at or change to a record: who, when, what, why and from where.

    Never updated or deleted.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"
        VALIDATE = "validate", "Checked a return"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        MERGE = "merge", "Merged"
        UNMERGE = "unmerge", "Merge undone"
        DENIED = "denied", "Refused access"
        BREAK_GLASS = "break_glass", "Broke the glass"
        GRANT = "grant", "Granted access"
        REVOKE = "revoke", "Took away access"
        CONSENT = "consent", "Recorded consent"
        RESTRICT = "restrict", "Restricted the record"
        UNRESTRICT = "unrestrict", "Lifted the restriction"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        SAVE = "save", "Saved a draft"
        SUBMIT = "submit", "Submitted"
        COMPLETE = "complete", "Completed"
        APPROVE = "approve", "Approved"
        RELEASE = "release", "Released"
        WITHDRAW = "withdraw", "Withdrew"
        RECALL = "recall", "Recalled"
        DOWNLOAD = "download", "Downloaded"
        NOTIFY = "notify", "Notified"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    # The person whose record this concerns; kept as a plain id so the trail outlives merges.
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    # What was seen or changed, without copying personal details: field names, counts, page names.
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person_id", "-at"], name="audit_person_idx")]
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"
