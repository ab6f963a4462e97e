from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from onestory.core.models import BaseModel

from . import rules


class RetentionRule(BaseModel):
    """The council's rule for one class of record: kept for `years` from a trigger."""

    record_class = models.CharField(
        max_length=30,
        unique=True,
        choices=[(c.value, c.label) for c in rules.CONFIGURABLE],
    )
    trigger = models.CharField(max_length=20, choices=[(t.value, t.label) for t in rules.Trigger])
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(rules.MOST_YEARS)]
    )
    # Where the period comes from (guidance, a council decision), shown beside the rule.
    source = models.CharField(max_length=300)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["record_class"]

    def __str__(self) -> str:
        return rules.RecordClass(self.record_class).label

    @property
    def as_rule(self) -> rules.CouncilRule:
        return rules.CouncilRule(trigger=rules.Trigger(self.trigger), years=self.years)


class LegalHold(BaseModel):
    """Nothing about this person is disposed of while the hold is in place."""

    class Reason(models.TextChoices):
        LITIGATION = "litigation", "Litigation, or a claim expected"
        INQUIRY = "inquiry", "A public inquiry or review"
        EMBARGO = "embargo", "An inquiry's embargo on destruction (for example IICSA)"
        SUBJECT_ACCESS = "subject_access", "A subject access request in progress"
        OTHER = "other", "Another reason"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["person", "lifted_at"], name="legal_hold_person_idx")]

    def __str__(self) -> str:
        return f"Legal hold ({self.get_reason_display()})"

    @property
    def in_place(self) -> bool:
        return self.lifted_at is None
