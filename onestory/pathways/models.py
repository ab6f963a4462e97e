"""Pathways: flags on a child for a risk outside the home, the referral to the panel for that
risk, its decision and reviews, missing episodes; and contexts (a place, peer group, school or
online space) linked to many children, with their own notes and plan."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class PathwayFlag(BaseModel):
    """A worry that a child is on one pathway, from the day it was raised until it ends."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="pathway_flags"
    )
    pathway = models.CharField(max_length=20, choices=_choices(rules.Pathway))
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "pathway"],
                condition=models.Q(ended_on__isnull=True),
                name="pathway_flag_once_active",
            )
        ]
        indexes = [models.Index(fields=["person", "ended_on"], name="pathway_flag_person_idx")]

    def __str__(self) -> str:
        return self.pathway_enum.label

    @property
    def pathway_enum(self) -> rules.Pathway:
        return rules.Pathway(self.pathway)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class PanelReferral(BaseModel):
    """A flag taken to the panel for its pathway: the referral, the decision and the next review.

    The panel holds the case from an "accepted" decision until a review closes it; every other
    decision closes it on the day it is made (`closed_on`).
    """

    flag = models.ForeignKey(PathwayFlag, on_delete=models.CASCADE, related_name="referrals")
    panel = models.CharField(max_length=20, choices=_choices(rules.Panel))
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    decision = models.CharField(
        max_length=20, choices=_choices(rules.Decision), blank=True, default=""
    )
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["flag"],
                condition=models.Q(closed_on__isnull=True),
                name="panel_referral_once_open",
            )
        ]

    def __str__(self) -> str:
        return self.panel_enum.label

    @property
    def panel_enum(self) -> rules.Panel:
        return rules.Panel(self.panel)

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_held_by_panel(self) -> bool:
        """Accepted and not yet closed: the panel reviews it."""
        return self.is_decided and self.is_open

    @property
    def status_label(self) -> str:
        if not self.is_decided:
            return "Waiting for the panel's decision"
        if self.is_open:
            return rules.Decision(self.decision).label
        if self.decision in rules.KEEPS_CASE_OPEN:
            return "Closed by the panel"
        return rules.Decision(self.decision).label


class PanelReview(BaseModel):
    """A panel's review of a case it holds, and when it looks again (none when it closes it)."""

    referral = models.ForeignKey(PanelReferral, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    outcome = models.TextField()
    closes_case = models.BooleanField(default=False)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]


class MissingEpisode(BaseModel):
    """One time a child with a "Missing children" flag went missing, their return, and the
    return interview offered to them."""

    flag = models.ForeignKey(PathwayFlag, on_delete=models.CASCADE, related_name="missing_episodes")
    went_missing_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    interview_offered_on = models.DateField(null=True, blank=True)
    interview_held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-went_missing_at"]


class Context(BaseModel):
    """A place, peer group, school or online space where several children meet a risk outside
    the home. It describes the context, not the children: they are linked from their records."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=20, choices=_choices(rules.ContextKind))
    name = models.CharField(max_length=rules.CONTEXT_NAME_MAX)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return rules.ContextKind(self.kind).label

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ContextLink(BaseModel):
    """A child linked to a context, from when to when, and why."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="context_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_on = models.DateField()
    reason = models.TextField()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-linked_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["context", "person"],
                condition=models.Q(ended_on__isnull=True),
                name="context_link_once_current",
            )
        ]
        indexes = [models.Index(fields=["person", "ended_on"], name="context_link_person_idx")]

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class ContextNote(BaseModel):
    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-written_at", "-created_at"]


class ContextAction(BaseModel):
    """One step of a context's plan: what, who (a worker, an agency or a name), by when."""

    context = models.ForeignKey(Context, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_text = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=_choices(rules.ActionStatus),
        default=rules.ActionStatus.NOT_STARTED,
    )
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_worker__isnull=False)
                | models.Q(owner_agency__isnull=False)
                | ~models.Q(owner_text=""),
                name="context_action_has_owner",
            )
        ]

    @property
    def owner_label(self) -> str:
        if self.owner_worker_id:
            worker = self.owner_worker
            return worker.get_full_name() or worker.username
        if self.owner_agency_id:
            return str(self.owner_agency)
        return self.owner_text

    @property
    def status_label(self) -> str:
        return rules.ActionStatus(self.status).label

    @property
    def is_finished(self) -> bool:
        return self.status in rules.FINISHED_ACTIONS
