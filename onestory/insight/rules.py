"""The performance hub's pure rules: periods, rates and shares, and the case audit's grades.
No Django import."""

from dataclasses import dataclass
from datetime import date, timedelta

from onestory.core.rules import day_words
from onestory.people.rules import years_before

PER_10000 = 10_000

# Ofsted's four-point judgement scale (Inspecting local authority children's services, ILACS),
# used by councils' case audit tools.
GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}

# Themes an auditor can tag a case with; a council's own list would replace this one.
THEMES = {
    "voice_of_child": "Voice of the child",
    "management_oversight": "Management oversight",
    "timeliness": "Timeliness",
    "plan_quality": "Quality of the plan",
    "assessment_quality": "Quality of the assessment",
    "multi_agency": "Multi-agency working",
    "recording": "Recording",
    "drift_and_delay": "Drift and delay",
    "diversity_identity": "Identity and diversity",
    "risk_outside_home": "Risk outside the home",
}


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included. Snapshot measures count on `end`."""

    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("A period must start on or before the day it ends.")

    @classmethod
    def year_ending(cls, end: date) -> "Period":
        """The year ending on `end` (for 31 March 2023: 1 April 2022 to 31 March 2023)."""
        return cls(years_before(end, 1) + timedelta(days=1), end)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def label(self) -> str:
        return f"{day_words(self.start)} to {day_words(self.end)}"


def share(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None when the denominator is zero (nothing to divide by)."""
    return numerator / denominator if denominator else None


def rate_per_10000(count: int, population: int) -> float | None:
    return count * PER_10000 / population if population else None
