"""Contacts (requests for support), screening, threshold decisions, referrals and the council's
levels of need."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


class LevelOfNeed(BaseModel):
    """One of the council's levels of need, as named from a date. Renaming adds a new row, so
    earlier decisions keep the name they were made under."""

    level = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in range(1, 5)])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "valid_from"], name="level_once_per_date")
        ]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.name}"


class SignOffSetting(BaseModel):
    """Whether decisions with this outcome need a manager's sign-off, from a date."""

    outcome = models.CharField(max_length=20, choices=[(o.value, o.label) for o in rules.Outcome])
    needs_sign_off = models.BooleanField()
    valid_from = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["outcome", "-valid_from", "-created_at"]


class Contact(BaseModel):
    """A request for support: someone is worried about a child. Saved as it arrives."""

    class Channel(models.TextChoices):
        ONLINE = "online", "Online request for support"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        STEP_UP = "step_up", "Step up from early help"
        STEP_DOWN = "step_down", "Step down from children's social care"
        IMPORTED = "import", "Imported from a statutory return"

    reference = models.CharField(max_length=20, unique=True)
    received_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_recorded"
    )
    # The worker who raised the worry, when they sign in to onestory (partners online, step up).
    referrer_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_referred",
    )
    referrer_name = models.CharField(max_length=200)
    referrer_job_title = models.CharField(max_length=200, blank=True)
    referrer_agency = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_agency_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200)
    referral_source = models.CharField(max_length=3, choices=list(rules.REFERRAL_SOURCES.items()))
    what_happened = models.TextField()
    family_knows = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=[(c.value, c.label) for c in rules.Consent])
    consent_explanation = models.TextField(blank=True)
    immediate_danger = models.BooleanField(default=False)
    # What early help or social care carried over on a step up or step down.
    handover_summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in rules.Status],
        default=rules.Status.RECEIVED,
        db_index=True,
    )
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_assigned",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Set when processing after the save failed: the contact is kept and flagged in the queue.
    needs_attention = models.CharField(max_length=300, blank=True)
    closed_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "immediate_danger", "due_at"], name="contact_queue_idx"),
            models.Index(fields=["referrer_worker", "-received_at"], name="contact_referrer_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_enum(self) -> rules.Status:
        return rules.Status(self.status)

    @property
    def is_open(self) -> bool:
        return self.status_enum in rules.OPEN_STATUSES


class ContactPerson(BaseModel):
    """A person named in a contact, as the referrer described them, and the record they are."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        PARENT = "parent", "Parent or carer"
        OTHER_ADULT = "adult", "Other adult in the household"
        OTHER = "other", "Other person of concern"

    class Link(models.TextChoices):
        EXISTING = "existing", "Linked to an existing record"
        NEW = "new", "New record made at the front door"
        CARRIED = "carried", "Carried over from the record"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=10, choices=Role.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=12, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    relationship_to_child = models.CharField(max_length=100, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_mentions",
    )
    link = models.CharField(max_length=10, choices=Link.choices, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    # Records that matched at intake: ids, scores and reasons, never copied personal details.
    suggestions = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contact", "position"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.position + 1}"

    @property
    def typed_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


class InformationRequest(BaseModel):
    """A question the front door put to a partner agency while screening, and the reply."""

    class AgencyKind(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        SCHOOL = "school", "School or education"
        HOUSING = "housing", "Housing"
        PROBATION = "probation", "Probation"
        OTHER = "other", "Other agency"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="info_requests")
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    asked_of = models.CharField(max_length=200)
    question = models.TextField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["requested_at"]


class Decision(BaseModel):
    """What the front door decided a contact needs, why, and (where configured) the sign-off."""

    class SignOff(models.TextChoices):
        NOT_NEEDED = "not_needed", "No sign-off needed"
        WAITING = "waiting", "Waiting for sign-off"
        AGREED = "agreed", "Signed off"
        RETURNED = "returned", "Returned to the screener"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=[(o.value, o.label) for o in rules.Outcome])
    level = models.ForeignKey(LevelOfNeed, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    primary_need = models.CharField(
        max_length=2, choices=list(rules.PRIMARY_NEEDS.items()), blank=True
    )
    signposting = models.TextField(blank=True)
    early_help_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    social_work_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referrer_message = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    sign_off = models.CharField(max_length=20, choices=SignOff.choices)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField(blank=True)
    # When the decision took effect and the referrer was told (after sign-off, where needed).
    final_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]

    @property
    def outcome_enum(self) -> rules.Outcome:
        return rules.Outcome(self.outcome)


class Referral(BaseModel):
    """A child accepted as a referral to children's social care (counted in the CIN census)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    referral_date = models.DateField(db_index=True)
    source = models.CharField(max_length=3, choices=list(rules.REFERRAL_SOURCES.items()))
    primary_need = models.CharField(max_length=2, choices=list(rules.PRIMARY_NEEDS.items()))
    is_re_referral = models.BooleanField(default=False)
    previous_referral = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    social_work_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment_due_on = models.DateField()
    # The census's ReferralNFA and closure (RC codes); set when the referral is closed.
    no_further_action = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="one_referral_per_child")
        ]
        indexes = [models.Index(fields=["person", "-referral_date"], name="referral_person_idx")]


class StrategyDiscussion(BaseModel):
    """A same-day strategy discussion called because a child may be suffering significant harm."""

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="strategy_discussion"
    )
    due_at = models.DateTimeField()
    social_work_team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    agencies_present = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
