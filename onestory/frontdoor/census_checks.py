"""Checks, made as a child is referred, that mirror the children in need census rules the DfE
applies to what the front door records about the child.

Pure Python: plain values in, findings out. Each check names the rule of the sector's validator
it mirrors (csc-validator-be-cin 0.1.13, the rules for 2025/26 and 2026/27) so the warning a
worker sees and the issue the validator reports later say the same thing. The readiness page of
the returns runs the same checks over a whole collection year.
"""

from datetime import date, timedelta
from typing import NamedTuple

from onestory.core.rules import day_words

CIN = "cin"
SSDA903 = "903"
ERROR = "error"
QUERY = "query"
# The census's reference date is 31 March: the collection year named 2026 ends 31 March 2026.
CENSUS_YEAR_ENDS = (3, 31)


class Finding(NamedTuple):
    """What a return will say about a record: the validator's rule code, whether the DfE
    rejects it ("error") or asks the council about it ("query"), and in plain words what is
    wrong and how to put it right."""

    collection: str
    rule: str
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def collection_year_of(day: date) -> int:
    """The collection year a day falls in, named by the 31 March it ends on."""
    return day.year if (day.month, day.day) <= CENSUS_YEAR_ENDS else day.year + 1


def school_age_born_by(year: int) -> date:
    """Children born on or before this day are of school age in the census year `year`.

    Rule 8770Q (cin2024_25): the reference date plus 4 months and 31 days, less 6 years; from
    31 March that is always 31 August six years before the reference date's year."""
    return date(year - 6, 8, 31)


# Rule 8606: a referral no more than 40 weeks (280 days) before the birth or expected birth.
REFERRAL_BEFORE_BIRTH_DAYS = 280


def referred_child(
    *,
    referral_date: date,
    born_on: date | None,
    expected_on: date | None,
    upn: str,
    further_action: bool = True,
    census_year: int | None = None,
) -> list[Finding]:
    """What the census will say about a child referred on `referral_date`, in the census of
    `census_year` (by default the collection year of the referral)."""
    found = []
    if born_on is None and expected_on is None:
        # csc-validator-be-cin 0.1.13, rule 8525Q: a birth date or an expected birth date.
        found.append(
            Finding(
                CIN,
                "8525Q",
                QUERY,
                "Children in need census: the child has no date of birth or expected date of "
                "birth. The DfE will query this (rule 8525Q). Add the date of birth, or the "
                "expected date for an unborn child, on the child's details page.",
            )
        )
    for day, what in ((born_on, "date of birth"), (expected_on, "expected date of birth")):
        # csc-validator-be-cin 0.1.13, rule 8606: referral date more than 40 weeks before
        # the (expected) date of birth.
        if day is not None and referral_date < day - timedelta(days=REFERRAL_BEFORE_BIRTH_DAYS):
            found.append(
                Finding(
                    CIN,
                    "8606",
                    ERROR,
                    f"Children in need census: the referral ({day_words(referral_date)}) is "
                    f"more than 40 weeks before the child's {what} ({day_words(day)}). The DfE "
                    "rejects this (rule 8606). Check the child's "
                    f"{what} on their details page.",
                )
            )
    if (
        further_action
        and not (upn or "").strip()
        and born_on is not None
        and born_on <= school_age_born_by(census_year or collection_year_of(referral_date))
    ):
        # csc-validator-be-cin 0.1.13, rule 8770Q (cin2024_25): a child of school age with a
        # referral going on to further action needs a UPN or a reason UN2 to UN6.
        found.append(
            Finding(
                CIN,
                "8770Q",
                QUERY,
                "Children in need census: the child is of school age but has no unique pupil "
                "number (UPN). The DfE will query this (rule 8770Q). Ask the child's school for "
                "the UPN and add it on the child's details page.",
            )
        )
    return found
