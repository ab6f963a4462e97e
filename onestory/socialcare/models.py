"""The statutory record: assessments, children in need, child protection, children in care,
care leavers, homeless 16 and 17 year olds, and the case's story and handovers.

A child in need episode is the front door's `Referral` (the census's CINdetails): everything
done under it points at it. Every row names its child (`person`) so reads are scoped by the
access rules on that child. Dates people record are Europe/London dates.
"""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import reference, rules


def _choices(codes: dict) -> list[tuple[str, str]]:
    return [(code, f"{code}: {label}") for code, label in codes.items()]


def _user(related_name: str = "+", *, null: bool = False):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _child(related_name: str):
    return models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name=related_name)


def _referral(related_name: str, *, null: bool = False):
    return models.ForeignKey(
        "frontdoor.Referral",
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


# Assessment and children in need ------------------------------------------------------------


class Assessment(BaseModel):
    """A child and family assessment: due 45 working days from the referral, authorised by a
    manager, ending with the factors identified (census codes) and an outcome."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Waiting for a manager's authorisation"
        AUTHORISED = "authorised", "Authorised"

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        EARLY_HELP = "early_help", "Step down to early help"
        CHILD_IN_NEED = "child_in_need", "Child in need plan"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion: possible harm"
        CARE = "care", "The child needs to be looked after"
        CONTINUE = "continue", "Carry on with the child's current plan"

    referral = _referral("assessments")
    person = _child("statutory_assessments")
    worker = _user()
    # Dates that start things are indexed: the performance hub counts by them for any period.
    started_on = models.DateField(db_index=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    factors = models.JSONField(default=list, blank=True)
    child_views = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    submitted_by = _user(null=True)
    authorised_on = models.DateField(null=True, blank=True)
    authorised_by = _user(null=True)
    manager_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["status", "due_on"], name="sc_assessment_due_idx")]


class ChildInNeedPlan(BaseModel):
    """A child in need plan under section 17: what must change, by whom, and its reviews."""

    referral = _referral("child_in_need_plans")
    person = _child("child_in_need_plans")
    starts_on = models.DateField(db_index=True)
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    what_needs_to_change = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]


class ChildInNeedReview(BaseModel):
    plan = models.ForeignKey(ChildInNeedPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField()
    recorded_by = _user()

    class Meta:
        ordering = ["held_on"]


class Visit(BaseModel):
    """A visit to the child by their social worker or personal adviser: whether the child was
    seen, and seen alone."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment visit"
        CHILD_IN_NEED = "child_in_need", "Child in need visit"
        CHILD_PROTECTION = "child_protection", "Child protection visit"
        CHILD_IN_CARE = "child_in_care", "Statutory visit to a child in care"
        LEAVING_CARE = "leaving_care", "Personal adviser's visit"
        OTHER = "other", "Other visit"

    person = _child("statutory_visits")
    referral = _referral("visits", null=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visited_on = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    visited_by = _user()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-visited_on"]
        indexes = [models.Index(fields=["person", "kind", "-visited_on"], name="sc_visit_idx")]


# Child protection -----------------------------------------------------------------------------


class StrategyDiscussion(BaseModel):
    """A strategy discussion about one child: who took part, from which agencies, and what it
    decided. One called at the front door is linked to the front door's record of it."""

    class Outcome(models.TextChoices):
        SECTION_47 = "section_47", "Start a section 47 enquiry"
        ASSESSMENT = "assessment", "No section 47 enquiry: carry on assessing"
        NO_FURTHER_ACTION = "nfa", "No further action"

    referral = _referral("strategy_discussions")
    person = _child("strategy_discussions")
    front_door_discussion = models.ForeignKey(
        "frontdoor.StrategyDiscussion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField()
    summary = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    recorded_by = _user()

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["front_door_discussion", "person"],
                name="sc_one_record_per_front_door_discussion",
            )
        ]


class StrategyParticipant(BaseModel):
    class AgencyKind(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "School or education"
        OTHER = "other", "Other agency"

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Section47Enquiry(BaseModel):
    """A section 47 enquiry, and whether it led to an initial child protection conference
    (target: 15 working days from the strategy discussion)."""

    class Outcome(models.TextChoices):
        CONFERENCE = "conference", "Initial child protection conference"
        NOT_REQUIRED = "not_required", "No conference needed"

    referral = _referral("section_47_enquiries")
    person = _child("section_47_enquiries")
    strategy_discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiries"
    )
    worker = _user()
    starts_on = models.DateField(db_index=True)
    conference_due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    not_required_reason = models.TextField(blank=True)
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on"]


class ChildProtectionPlan(BaseModel):
    """A child protection plan: its category of abuse at the start and now, its reviews and its
    end. `previous_plans` counts the child's earlier plans when this one began (census)."""

    class EndReason(models.TextChoices):
        NO_LONGER_AT_RISK = "no_longer_at_risk", "No longer at risk of significant harm"
        CARE = "care", "Came into care"
        MOVED = "moved", "Moved to another council's area"
        EIGHTEEN = "eighteen", "Reached 18"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    referral = _referral("child_protection_plans")
    person = _child("child_protection_plans")
    starts_on = models.DateField(db_index=True)
    initial_category = models.CharField(max_length=3, choices=_choices(reference.ABUSE_CATEGORIES))
    latest_category = models.CharField(max_length=3, choices=_choices(reference.ABUSE_CATEGORIES))
    previous_plans = models.PositiveSmallIntegerField(default=0)
    next_review_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "ends_on"], name="sc_cp_plan_idx")]


class ChildProtectionConference(BaseModel):
    """An initial or review child protection conference and what it decided."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial child protection conference"
        REVIEW = "review", "Review child protection conference"

    class Decision(models.TextChoices):
        PLAN = "plan", "A child protection plan"
        NO_PLAN = "no_plan", "No child protection plan"
        CONTINUE = "continue", "The plan continues"
        END = "end", "The plan ends"

    referral = _referral("child_protection_conferences")
    person = _child("child_protection_conferences")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    enquiry = models.ForeignKey(
        Section47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        ChildProtectionPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    due_on = models.DateField()
    held_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    category = models.CharField(
        max_length=3, choices=_choices(reference.ABUSE_CATEGORIES), blank=True
    )
    chair = models.CharField(max_length=200, blank=True)
    child_views = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["-held_on"]


# Children in care -----------------------------------------------------------------------------


class CarePeriod(BaseModel):
    """A period of being looked after, from the day care began to the day it ended."""

    person = _child("care_periods")
    referral = _referral("care_periods", null=True)
    starts_on = models.DateField(db_index=True)
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(
        max_length=4, choices=_choices(reference.CARE_END_REASONS), blank=True
    )
    # Why the child came into care: the census's primary need code (SSDA903's CIN).
    category_of_need = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "ends_on"], name="sc_care_period_idx")]


class LegalStatus(BaseModel):
    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="legal_statuses")
    status = models.CharField(max_length=2, choices=_choices(reference.LEGAL_STATUSES))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]


class Placement(BaseModel):
    """Where a child in care lives: the kind of placement, who provides it, and how far it is
    from home (straight-line miles between the postcodes, and whether it is in the council's
    area)."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="placements")
    person = _child("placements")
    place = models.CharField(max_length=3, choices=_choices(reference.PLACEMENT_TYPES))
    provider = models.CharField(
        max_length=3, choices=_choices(reference.PLACEMENT_PROVIDERS), blank=True
    )
    carer = models.CharField(max_length=200, blank=True)
    # The Ofsted unique reference number of a registered placement, where it has one.
    urn = models.CharField(max_length=10, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    change_reason = models.CharField(
        max_length=6, choices=_choices(reference.PLACEMENT_CHANGE_REASONS), blank=True
    )
    # Meant to last until the child is 18 (reg. 28(3): visits may then be 3-monthly).
    long_term = models.BooleanField(default=False)
    home_postcode = models.CharField(max_length=10, blank=True)
    placement_postcode = models.CharField(max_length=10, blank=True)
    distance_miles = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    # The ONS code of the council whose area the placement is in ("" when not known), and
    # whether that is this council's area (None when the postcode is outside England).
    placement_area_code = models.CharField(max_length=9, blank=True)
    inside_area = models.BooleanField(null=True, blank=True)
    outside_england = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["person", "ends_on"], name="sc_placement_idx")]


class CareReview(BaseModel):
    """A review of a child in care's plan, chaired by an independent reviewing officer."""

    period = models.ForeignKey(CarePeriod, on_delete=models.CASCADE, related_name="reviews")
    person = _child("care_reviews")
    due_on = models.DateField()
    held_on = models.DateField()
    participation = models.CharField(max_length=3, choices=_choices(reference.REVIEW_PARTICIPATION))
    chair = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["held_on"]


class MissingEpisode(BaseModel):
    """A time a child in care went missing or was away without authorisation, and the return
    interview offered when they came back."""

    person = _child("missing_episodes")
    period = models.ForeignKey(
        CarePeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="missing"
    )
    kind = models.CharField(max_length=1, choices=list(reference.MISSING_KINDS.items()))
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    return_interview_offered = models.BooleanField(null=True, blank=True)
    return_interview_accepted = models.BooleanField(null=True, blank=True)
    return_interview_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["-started_at"]


class HealthCheck(BaseModel):
    class Kind(models.TextChoices):
        HEALTH = "health", "Health assessment"
        DENTAL = "dental", "Dental check"
        STRENGTHS = "sdq", "Strengths and difficulties questionnaire"

    person = _child("health_checks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    done_on = models.DateField()
    # The strengths and difficulties questionnaire's total (0 to 40).
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["-done_on"]


class UnaccompaniedChild(BaseModel):
    """An unaccompanied asylum-seeking child: the dates the returns need (SSDA903 UASC table and
    the census's factor 9A)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="unaccompanied"
    )
    arrived_on = models.DateField(null=True, blank=True)
    became_looked_after_on = models.DateField(null=True, blank=True)
    national_transfer_scheme = models.BooleanField(default=False)
    age_assessed = models.BooleanField(default=False)
    # When the child stopped being an unaccompanied asylum-seeking child (SSDA903's DUC).
    status_ceased_on = models.DateField(null=True, blank=True)
    ceased_reason = models.TextField(blank=True)


# Care leavers -----------------------------------------------------------------------------------


class CareLeaver(BaseModel):
    """A young person owed leaving-care support: their category and personal adviser."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="care_leaver"
    )
    category = models.CharField(
        max_length=20, choices=list(reference.LEAVING_CARE_CATEGORIES.items())
    )
    personal_adviser = _user(null=True)
    # Support to 25 on request (Children and Social Work Act 2017, s. 3).
    support_to_25 = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)


class PathwayPlan(BaseModel):
    person = _child("pathway_plans")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    summary = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]


class PathwayPlanReview(BaseModel):
    plan = models.ForeignKey(PathwayPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField()
    recorded_by = _user()

    class Meta:
        ordering = ["held_on"]


class CareLeaverContact(BaseModel):
    """What was known of a care leaver around a birthday (SSDA903 OC3): in touch, what they are
    doing, where they live and whether it suits them."""

    person = _child("care_leaver_contacts")
    birthday_age = models.PositiveSmallIntegerField()
    contact_on = models.DateField()
    in_touch = models.CharField(max_length=4, choices=_choices(reference.IN_TOUCH))
    activity = models.CharField(max_length=2, choices=_choices(reference.ACTIVITIES), blank=True)
    accommodation = models.CharField(
        max_length=1, choices=_choices(reference.ACCOMMODATION_KINDS), blank=True
    )
    accommodation_suitable = models.BooleanField(null=True, blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["birthday_age"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "birthday_age"], name="sc_one_contact_per_birthday"
            )
        ]


# Homeless 16 and 17 year olds -----------------------------------------------------------------


class HomelessAssessment(BaseModel):
    """The joint housing and children's services assessment of a homeless 16 or 17 year old,
    and whether they become looked after (section 20) and why."""

    class Decision(models.TextChoices):
        LOOKED_AFTER = "looked_after", "Accommodated under section 20: becomes looked after"
        DECLINED_CARE = "declined_care", "Offered care, declined with full advice: housing helps"
        NOT_IN_NEED = "not_in_need", "Not a child in need of accommodation"
        RETURNED_HOME = "returned_home", "Returned home or to family with support"

    person = _child("homeless_assessments")
    referral = _referral("homeless_assessments", null=True)
    presented_on = models.DateField()
    housing_officer = models.CharField(max_length=200)
    social_worker = _user()
    joint_assessment_on = models.DateField(null=True, blank=True)
    young_persons_wishes = models.TextField(blank=True)
    # Told what being looked after would mean for them, so any refusal is informed.
    advised_of_care_entitlements = models.BooleanField(default=False)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    care_period = models.ForeignKey(
        CarePeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-presented_on"]


# The case's story, handovers and workload ------------------------------------------------------


class StorySoFar(BaseModel):
    """A one-page summary of a child's story, kept current by their worker."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="story")
    text = models.TextField()
    updated_by = _user()

    class Meta:
        verbose_name_plural = "stories so far"


class Handover(BaseModel):
    """A child's case moving to a new worker: the summary written for them, and why it moved."""

    person = _child("handovers")
    from_worker = _user(null=True)
    to_worker = _user()
    to_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(
        max_length=6, choices=_choices(reference.SOCIAL_WORKER_CHANGE_REASONS)
    )
    summary = models.TextField()
    handed_over_at = models.DateTimeField()
    recorded_by = _user()

    class Meta:
        ordering = ["-handed_over_at"]


class CaseWeight(BaseModel):
    """How much a kind of case counts in a worker's caseload, from a date (set by the council)."""

    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in rules.CaseKind])
    weight = models.DecimalField(max_digits=4, decimal_places=2)
    valid_from = models.DateField()

    class Meta:
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="sc_one_weight_a_day")
        ]


class CaseloadLimit(BaseModel):
    """The weighted caseload a full-time worker should not pass, council-wide or for a team."""

    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    limit = models.DecimalField(max_digits=5, decimal_places=1)
    valid_from = models.DateField()

    class Meta:
        ordering = ["-valid_from"]


class LocalStandard(BaseModel):
    """A council's own timescale where the law sets none (visits to children on protection and
    child in need plans, child in need reviews), from a date."""

    class Key(models.TextChoices):
        CP_VISIT_WORKING_DAYS = "cp_visit_working_days", "Child protection visits (working days)"
        CIN_VISIT_WORKING_DAYS = "cin_visit_working_days", "Child in need visits (working days)"
        CIN_REVIEW_MONTHS = "cin_review_months", "Child in need plan reviews (months)"

    key = models.CharField(max_length=30, choices=Key.choices)
    value = models.PositiveSmallIntegerField()
    valid_from = models.DateField()

    class Meta:
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="sc_one_standard_a_day")
        ]
