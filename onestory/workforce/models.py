"""Agencies, teams and the workers who sign in."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from onestory.core.models import BaseModel

from .rules import ROLE_LABELS, Role


class Agency(BaseModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council service"
        SCHOOL = "school", "School"
        GP_PRACTICE = "gp", "GP practice"
        HEALTH_VISITING = "health_visiting", "Health visiting"
        SCHOOL_NURSING = "school_nursing", "School nursing"
        HOSPITAL = "hospital", "Hospital"
        POLICE = "police", "Police"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A national identifier where one exists: school URN, GP ODS code, police force code.
    code = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    class Kind(models.TextChoices):
        FRONT_DOOR = "frontdoor", "Front door (MASH)"
        EARLY_HELP = "earlyhelp", "Early help"
        SOCIAL_WORK = "socialwork", "Social work"
        CHILDREN_IN_CARE = "cla", "Children in care"
        LEAVING_CARE = "leavingcare", "Leaving care"
        FAMILY_HUB = "familyhub", "Family hub"
        PERFORMANCE = "performance", "Performance and insight"
        PARTNER = "partner", "Partner agency team"
        SYSTEMS = "systems", "Systems and information governance"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    manager = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")
        ]

    def __str__(self) -> str:
        return self.name


class Worker(AbstractUser):
    """A person who signs in: tied to one agency, one team and one role."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="workers"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    job_title = models.CharField(max_length=200, blank=True)
    # Engaged through an employment agency rather than employed by the council: the DfE's
    # children's social work workforce collection counts agency workers apart.
    is_agency_staff = models.BooleanField("agency staff", default=False)
    # The optimistic lock, as on BaseModel: AbstractUser does not inherit from it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
