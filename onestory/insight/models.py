"""The performance hub's own records: child population estimates (the denominators of every
rate), case audits (quality assurance) and board reports' commentary. Measures themselves are
computed from the live record, never stored."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


class PopulationEstimate(models.Model):
    """Children (0 to 17) living in the authority, or in one ward, in one year, optionally of one
    ethnic group or of one single year of age: the denominator of rates per 10,000, of
    disproportionality and of reach by age group.

    A council loads the ONS mid-year estimates (and the census's ethnic groups); the synthetic
    local authority loads its own counts, and says so in `source`.
    """

    year = models.PositiveSmallIntegerField(help_text="The mid-year (30 June) the estimate is for.")
    ward = models.ForeignKey(
        "people.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # One of people.rules.ETHNICITY's codes, or blank for all children.
    ethnicity = models.CharField(max_length=4, blank=True)
    # A single year of age (0 to 17), as the ONS mid-year estimates give the authority's children,
    # or blank for all ages. Ages are loaded for the whole authority only (no ward or ethnicity).
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    children = models.PositiveIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["-year", "ward", "ethnicity", "age"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "ward", "ethnicity"],
                condition=models.Q(ward__isnull=False),
                name="one_ward_estimate_per_year_ethnicity",
            ),
            models.UniqueConstraint(
                fields=["year", "ethnicity"],
                condition=models.Q(ward__isnull=True, age__isnull=True),
                name="one_authority_estimate_per_year_ethnicity",
            ),
            models.UniqueConstraint(
                fields=["year", "age"],
                condition=models.Q(age__isnull=False),
                name="one_authority_estimate_per_year_age",
            ),
            models.CheckConstraint(
                condition=models.Q(age__isnull=True)
                | models.Q(age__lte=17, ward__isnull=True, ethnicity=""),
                name="age_estimates_are_for_the_authority_aged_0_to_17",
            ),
        ]

    def __str__(self) -> str:
        age = "all ages" if self.age is None else f"aged {self.age}"
        return (
            f"{self.year} {self.ward_id or 'all'} {self.ethnicity or 'all'} {age}: {self.children}"
        )


class CaseAuditTemplate(BaseModel):
    """The council's audit tool: the questions an auditor grades each case against."""

    name = models.CharField(max_length=200)
    # [{"key": "voice_of_child", "text": "Is the child's voice heard and acted on?"}, ...]
    questions = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseAudit(BaseModel):
    """One case chosen for audit, and the auditor's grading of it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for audit"
        COMPLETED = "completed", "Completed"

    template = models.ForeignKey(CaseAuditTemplate, on_delete=models.PROTECT, related_name="audits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The team holding the case when it was chosen: results roll up by it.
    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A sample drawn together shares a batch id (one "audit month").
    batch = models.UUIDField(db_index=True)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_audits"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    overall_grade = models.CharField(max_length=30, choices=list(rules.GRADES.items()), blank=True)
    # {question key: grade}
    grades = models.JSONField(default=dict, blank=True)
    themes = models.JSONField(default=list, blank=True)
    strengths = models.TextField(blank=True)
    improvements = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["auditor", "status"], name="case_audit_auditor_idx")]

    def __str__(self) -> str:
        return f"Case audit due {self.due_on}"


class BoardReport(BaseModel):
    """A board report for a period: its commentary, kept so it can be written over several days."""

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    # {section key: commentary text}
    commentary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-created_at"]

    def __str__(self) -> str:
        return self.title


class RecordsCoverage(BaseModel):
    """The day from which the council's records are complete: a council that moved to onestory
    from another system often brought only the cases open on the day it moved, with their start
    days, so a year before that day would be undercounted. Measures for a period beginning
    before it are marked "records complete only from …" and left off trend lines. One row (or
    none: then only each source's first record limits the figures)."""

    complete_from = models.DateField()
    # How the record came to begin there, for analysts and inspectors (no personal data).
    note = models.CharField(max_length=500, blank=True)
    # Always True: the unique constraint keeps the row the only one.
    only = models.BooleanField(default=True, editable=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["only"], name="one_records_coverage"),
        ]

    def __str__(self) -> str:
        return f"Records complete from {self.complete_from}"
