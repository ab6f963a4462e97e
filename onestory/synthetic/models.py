"""What the synthetic local authority generator made, kept so that quality can be measured.

Nothing here is product data: it records the truth behind the synthetic records (which two
records are the same person) so that matching and de-duplication can be scored.
"""

from django.db import models


class SyntheticRun(models.Model):
    seed = models.BigIntegerField()
    scale = models.FloatField()
    generated_at = models.DateTimeField()
    seconds = models.FloatField()
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Synthetic run: seed {self.seed}, scale {self.scale:g}"


class PlantedDuplicate(models.Model):
    """`duplicate` is a second record of the same person as `original`, entered with variations."""

    original = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    duplicate = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # e.g. ["typo_in_family_name", "nickname", "day_month_swapped", "new_family_name",
    #       "missing_nhs_number"]
    variations = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["duplicate"], name="planted_duplicate_once")]

    def __str__(self) -> str:
        return f"Planted duplicate: {', '.join(self.variations)}"
