"""What the returns keep of their own: the identifiers other systems gave the children we
imported, the rows of returns we read but do not model, and the results of validation runs.

Case data itself (people, episodes, plans, periods of care) lives in the recording apps; the
returns only read it, except `import_return`, which writes it through one transaction per file.
"""

from django.conf import settings
from django.db import models

from onestory.core.models import BaseModel


class Return(models.TextChoices):
    CIN = "cin", "Children in need census"
    SSDA903 = "903", "SSDA903 children looked after"


class LAChildId(BaseModel):
    """The identifier another system gave a child in its returns (the census's LAchildID,
    SSDA903's CHILD). Imports match on it first, so a re-import finds the same child, and the
    exports write it back so a council's returns keep their children's identifiers when they
    move to onestory."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="la_child_id"
    )
    code = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=3, choices=Return.choices)
    imported_at = models.DateTimeField()

    def __str__(self):
        return self.code


class KeptRow(BaseModel):
    """A row of an imported return that onestory does not model (for example SSDA903's OC2,
    AD1, PlacedAdoption or PrevPerm), kept exactly as received for the child and collection
    year so that nothing is lost and the export can write it back."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=3, choices=Return.choices)
    table = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    row_number = models.PositiveIntegerField()
    values = models.JSONField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["source", "table", "year", "row_number"]
        indexes = [models.Index(fields=["source", "table", "year"], name="returns_kept_idx")]


class ValidationRun(BaseModel):
    """One run of the sector's validators (and the DfE schema) over a return: every issue found,
    and which rules crashed or were skipped, so "no errors" is only said when every rule ran."""

    source = models.CharField(max_length=3, choices=Return.choices)
    year = models.PositiveSmallIntegerField()
    ran_at = models.DateTimeField()
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validator = models.CharField(max_length=60)
    rules_run = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list)
    crashed_rules = models.JSONField(default=list)
    skipped_rules = models.JSONField(default=list)
    schema_errors = models.JSONField(default=list)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-ran_at"]
        indexes = [models.Index(fields=["source", "year", "-ran_at"], name="returns_run_idx")]
