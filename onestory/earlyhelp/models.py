"""Early help: a family's episode of help, the assessment, the Team Around the Family, the action
plan, reviews with distance travelled, closure, and Supporting Families claims."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from onestory.core.models import BaseModel

from . import rules


def _choices(enum, labels) -> list[tuple[str, str]]:
    return [(member.value, labels[member]) for member in enum]


class ReviewCadence(BaseModel):
    """How often the council reviews early help plans, from a date (a council setting)."""

    weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    valid_from = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-valid_from", "-created_at"]


class Episode(BaseModel):
    """A family's episode of early help, from opening to closure."""

    class Source(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door decision"
        STEP_DOWN = "step_down", "Stepped down from children's social care"
        AGENCY = "agency", "Opened by an agency working with the family"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    contact = models.OneToOneField(
        "frontdoor.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="early_help_episode",
        help_text="The front-door contact decided as early help that this episode answers",
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The agencies working with the family under the consent the episode rests on.
    agencies = models.ManyToManyField("workforce.Agency", related_name="+", blank=True)
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what_the_family_wants = models.TextField(blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(default=rules.DEFAULT_REVIEW_WEEKS)
    next_review_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_reason = models.CharField(
        max_length=20, choices=_choices(rules.Closure, rules.CLOSURE_LABELS), blank=True
    )
    closure_summary = models.TextField(blank=True)
    step_up_contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["status", "team"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_given_by and self.consent_given_on)


class EpisodeMember(BaseModel):
    """A member of the family the episode helps: the children it is about and the adults."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Parent or carer"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    # The consent row this member's sharing rests on (ended when the episode closes).
    consent = models.ForeignKey(
        "access.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="member_once_per_episode")
        ]


class LeadProfessional(BaseModel):
    """Who led the episode and when: the lead professional can be from any agency and can change,
    with a handover note."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="leads")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    handover_note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]


class Assessment(BaseModel):
    """The early help assessment: needs and strengths on the framework, and the family's voice.

    A draft is saved as the practitioner types; completing it needs consent, a lead professional
    and the family's agreement.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_saved_at = models.DateTimeField()
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    family_story = models.TextField(blank=True, help_text="What the family says is happening")
    child_words = models.TextField(blank=True)
    parent_views = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    analysis = models.TextField(blank=True, help_text="What needs to change, and why")
    family_agreed = models.BooleanField(default=False)
    agreed_by = models.CharField(max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]


class AssessmentFactor(BaseModel):
    """One line of the needs framework in an assessment: present or not, how serious, the
    evidence, and whose view it is."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(max_length=40, choices=[(f.code, f.label) for f in rules.FRAMEWORK])
    presence = models.CharField(
        max_length=10,
        choices=[
            (rules.Presence.YES, "Yes"),
            (rules.Presence.NO, "No"),
            (rules.Presence.NOT_KNOWN, "Not known yet"),
        ],
        blank=True,
    )
    severity = models.CharField(
        max_length=10, choices=_choices(rules.Severity, rules.SEVERITY_LABELS), blank=True
    )
    evidence = models.TextField(blank=True)
    view = models.CharField(
        max_length=20, choices=_choices(rules.View, rules.VIEW_LABELS), blank=True
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"], name="factor_once_per_assessment"
            )
        ]


class Meeting(BaseModel):
    """A Team Around the Family meeting: who was invited and came, what was decided, minutes."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    decisions = models.TextField()
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_at"]


class MeetingInvitee(BaseModel):
    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Did not attend"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A family member, an invitee from outside the service, or a worker here.
    family_member = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices)


class PlanAction(BaseModel):
    """A SMART action in the family's plan: what, towards which need, who owns it, by when."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        STOPPED = "stopped", "No longer needed"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="actions")
    need = models.CharField(
        max_length=40, choices=[(f.code, f.label) for f in rules.NEEDS], blank=True
    )
    action = models.TextField(help_text="What will be done, specifically")
    success_looks_like = models.TextField(help_text="How everyone will know it has worked")
    owner_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_family_member = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overdue_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.STOPPED)


class Review(BaseModel):
    """A review of the plan: what has changed, the family's view, and when the next one is due."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    what_has_changed = models.TextField()
    family_views = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]


class Score(BaseModel):
    """Distance travelled on one need: 1–10 from the family's and the practitioner's view, at the
    start (no review) and at each review."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="scores")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="scores"
    )
    need = models.CharField(max_length=40, choices=[(f.code, f.label) for f in rules.NEEDS])
    family_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    practitioner_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    scored_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["scored_on", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "need"], name="score_once_per_review"),
            models.UniqueConstraint(
                fields=["episode", "need"],
                condition=models.Q(review__isnull=True),
                name="start_score_once_per_need",
            ),
        ]


class SupportingFamiliesClaim(BaseModel):
    """A result claimed for a family under the Supporting Families programme, so that no family
    is claimed twice."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="sf_claim")
    claimed_on = models.DateField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    headlines = models.JSONField(default=list)
