"""Family hubs: the sites, what happens there (activities and their sessions), the families
registered with the hubs, bookings and attendance, the service directory, and referrals of a
family to a service followed through to whether they attended."""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel

from . import rules


class Site(BaseModel):
    """A family hub, one of its satellite sites or an outreach venue, with its opening times."""

    class Kind(models.TextChoices):
        HUB = "hub", "Family hub"
        SATELLITE = "satellite", "Satellite site"
        OUTREACH = "outreach", "Outreach venue"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The hub a satellite or outreach venue belongs to (blank for a hub).
    hub = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="satellites"
    )
    line_1 = models.CharField("address line 1", max_length=200)
    line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    ward = models.ForeignKey("people.Ward", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField(max_length=30, blank=True)
    # [{"day": 0 (Monday) to 6, "opens": "09:00", "closes": "17:00"}, ...]; a day not listed is
    # closed.
    opening_times = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(BaseModel):
    """A programme or regular group: stay and play, an antenatal class, a parenting course."""

    class Kind(models.TextChoices):
        STAY_AND_PLAY = "stay_and_play", "Stay and play"
        ANTENATAL = "antenatal", "Antenatal class"
        INFANT_FEEDING = "infant_feeding", "Infant feeding support"
        HEALTH_CLINIC = "health_clinic", "Child health clinic"
        ORAL_HEALTH = "oral_health", "Oral health"
        SPEECH_AND_LANGUAGE = "speech_language", "Speech and language group"
        PARENTING = "parenting", "Parenting course"
        PARENT_SUPPORT = "parent_support", "Parent support group"
        SEND = "send", "Special educational needs and disabilities group"
        YOUTH = "youth", "Youth session"
        ADVICE = "advice", "Advice (money, housing, work)"
        ADULT_LEARNING = "adult_learning", "Adult learning"
        OTHER = "other", "Other"

    class Audience(models.TextChoices):
        UNIVERSAL = "universal", "Open to every family"
        TARGETED = "targeted", "By referral or invitation"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.UNIVERSAL)
    # The children it is for, in months (blank: any age); carers attend with them.
    youngest_months = models.PositiveSmallIntegerField(null=True, blank=True)
    oldest_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # The partner agency delivering it (blank: the council's family hub staff).
    delivered_by = models.ForeignKey(
        "workforce.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Session(BaseModel):
    """One session of an activity at a site: when, how many places, who runs it."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="sessions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Places: each person booked or attending (child or carer) takes one.
    capacity = models.PositiveSmallIntegerField()
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    partners = models.ManyToManyField("workforce.Agency", blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["site", "starts_at"], name="session_site_start_idx"),
            models.Index(fields=["activity", "starts_at"], name="session_activity_start_idx"),
            models.Index(fields=["starts_at"], name="session_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} at {self.site}, {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(BaseModel):
    """A family registered with the family hubs: once, whichever site they first came to.

    The family is a household in the record (people.Household); the people registered are in
    RegisteredPerson, each matched to the record so no duplicate is made."""

    class ContactBy(models.TextChoices):
        TEXT = "text", "Text message"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        POST = "post", "Post"
        NONE = "none", "Do not contact"

    # A short reference a family can give at the door or on the phone (no personal data).
    reference = models.CharField(max_length=12, unique=True)
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="hub_registrations"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="registrations")
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices)
    # The family agreed to the hubs keeping their details (needed to register) and, separately,
    # to being sent news of sessions.
    consent_to_register = models.BooleanField()
    consent_to_news = models.BooleanField(default=False)
    # Set when the family leaves (moved away, asked to be taken off): no longer registered.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(ended_at__isnull=True),
                name="one_current_hub_registration_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"Family hub registration {self.reference}"


class RegisteredPerson(BaseModel):
    """A child or carer in a family's registration."""

    class Role(models.TextChoices):
        CHILD = "child", "Child"
        CARER = "carer", "Parent or carer"
        EXPECTANT = "expectant", "Expectant parent"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="hub_registrations"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "person"], name="registered_person_once"
            ),
        ]


class Booking(BaseModel):
    """A place at a session booked for one person."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="bookings"
    )
    booked_at = models.DateTimeField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_live_booking_per_person_per_session",
            ),
        ]


class Attendance(BaseModel):
    """One person at one session: marked on the register once, however often it is saved."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="hub_attendances"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="attendances"
    )
    # Came without a booking (and, if new, was registered at the door).
    walk_in = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attended_once"),
        ]
        indexes = [models.Index(fields=["person"], name="attendance_person_idx")]


class Service(BaseModel):
    """A service in the directory a practitioner can signpost or refer a family to: the
    council's own or a partner's, entered here or loaded from an Open Referral UK feed."""

    class Source(models.TextChoices):
        LOCAL = "local", "Entered in onestory"
        OPEN_REFERRAL = "openreferral", "Open Referral UK feed"

    name = models.CharField(max_length=300)
    organisation = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Where it is delivered (blank when it is online or by phone).
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.ForeignKey("people.Ward", null=True, blank=True, on_delete=models.PROTECT)
    # Taxonomy terms, e.g. ["Parenting", "Mental health"].
    categories = models.JSONField(default=list, blank=True)
    youngest_years = models.PositiveSmallIntegerField(null=True, blank=True)
    oldest_years = models.PositiveSmallIntegerField(null=True, blank=True)
    eligibility = models.TextField(blank=True)
    cost = models.CharField(max_length=300, blank=True)
    # Accepts referrals through onestory (otherwise: signpost only).
    accepts_referrals = models.BooleanField(default=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.LOCAL)
    # The service's id in its feed (blank for a local entry).
    external_id = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_checked_on = models.DateField(null=True, blank=True)
    # The last day its owner was reminded it is stale (one reminder per stale spell).
    stale_reminded_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_service_per_feed_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceReferral(BaseModel):
    """A family referred to a directory service from the front door or an early help plan,
    accepted or declined by the service, then closed with whether the family attended."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The family members the referral is for (at least one).
    people = models.ManyToManyField("people.Person", related_name="service_referrals")
    # Where it was made from: a front-door contact or an early help episode (one of them).
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey(
        "earlyhelp.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=[(s.value, s.label) for s in rules.ReferralStatus],
        default=rules.ReferralStatus.MADE.value,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether the family took up the service (set when closed).
    attended = models.BooleanField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-made_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False) | models.Q(episode__isnull=False),
                name="service_referral_has_an_origin",
            ),
        ]
        indexes = [models.Index(fields=["status", "made_at"], name="service_referral_status_idx")]
