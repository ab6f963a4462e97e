"""When a record may be disposed of: plain dates in, a plain date out (no Django here).

Two classes have periods set in law and are not configurable:

- A child looked after (the care record): kept until the 75th anniversary of the child's date
  of birth, or, if the child dies before their 18th birthday, for 15 years from the date of
  death. Source: The Care Planning, Placement and Case Review (England) Regulations 2010
  reg 50 (formerly the Arrangements for Placement of Children (General) Regulations 1991
  reg 9); IRMS Retention Guidelines for Local Authorities, children's social care.
- Adoption: the adoption agency's case record is kept for 100 years from the date of the
  adoption order. Source: The Adoption Agencies Regulations 2005 reg 42; The Disclosure of
  Adoption Information (Post-Commencement Adoptions) Regulations 2005.

Every other class follows a council's rule (a period in years from a trigger), edited by the
data protection officer; the defaults are in the retention app's data migration.

"N years after" a 29 February falls on 28 February in a year that is not a leap year (the
anniversary is not allowed to slip into March): the same answer as dateutil's relativedelta and
PostgreSQL's `date + interval 'N years'` give. docs/adr/0021-retention-and-disposal.md says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# The Care Planning, Placement and Case Review (England) Regulations 2010 reg 50(2)(a): the
# care record is kept until the 75th anniversary of the child's date of birth.
CARE_RECORD_YEARS_FROM_BIRTH = 75
# The same regulation, reg 50(2)(b): if the child dies before attaining 18, 15 years from the
# date of death.
CARE_RECORD_YEARS_FROM_DEATH = 15
ADULTHOOD_YEARS = 18  # Children Act 1989 s.105: a child is a person under 18.
# The Adoption Agencies Regulations 2005 reg 42(1): 100 years from the date of the adoption
# order.
ADOPTION_RECORD_YEARS = 100


class RecordClass(StrEnum):
    CHILD_LOOKED_AFTER = "child_looked_after"
    ADOPTION = "adoption"
    CHILD_IN_NEED = "child_in_need"
    EARLY_HELP = "early_help"
    FRONT_DOOR_CONTACT = "front_door_contact"

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


CLASS_LABELS = {
    RecordClass.CHILD_LOOKED_AFTER: "Child looked after (care record)",
    RecordClass.ADOPTION: "Adoption record",
    RecordClass.CHILD_IN_NEED: "Child in need or child protection (referral)",
    RecordClass.EARLY_HELP: "Early help episode",
    RecordClass.FRONT_DOOR_CONTACT: "Front-door contact that went no further",
}
# Classes whose period is set in law: no council rule applies to them.
STATUTORY = frozenset({RecordClass.CHILD_LOOKED_AFTER, RecordClass.ADOPTION})
CONFIGURABLE = tuple(c for c in RecordClass if c not in STATUTORY)
STATUTORY_ORDER = (RecordClass.CHILD_LOOKED_AFTER, RecordClass.ADOPTION)


class Trigger(StrEnum):
    CLOSURE = "closure"  # the day the case or contact was closed
    BIRTHDAY = "birthday"  # the child's date of birth (a period of 25 years: the 25th birthday)

    @property
    def label(self) -> str:
        return TRIGGER_LABELS[self]


TRIGGER_LABELS = {
    Trigger.CLOSURE: "the day it was closed",
    Trigger.BIRTHDAY: "the child's date of birth",
}
# The triggers each configurable class can be reckoned from (the facts its records hold).
TRIGGERS_FOR = {
    RecordClass.CHILD_IN_NEED: (Trigger.CLOSURE, Trigger.BIRTHDAY),
    RecordClass.EARLY_HELP: (Trigger.CLOSURE,),
    RecordClass.FRONT_DOOR_CONTACT: (Trigger.CLOSURE,),
}
MOST_YEARS = 150  # hand-set: a longer period is a typing slip, not a policy


@dataclass(frozen=True)
class Facts:
    """What a record's disposal date depends on; None where the record does not say."""

    date_of_birth: date | None = None
    date_of_death: date | None = None
    closed_on: date | None = None
    adoption_order_on: date | None = None


@dataclass(frozen=True)
class CouncilRule:
    trigger: Trigger
    years: int


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without one."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not is_leap_year(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def care_record_disposal(*, date_of_birth: date | None, date_of_death: date | None) -> date | None:
    """75th birthday, or 15 years after a death before the 18th birthday; None without a date
    of birth (the record is kept until someone finds it)."""
    if date_of_birth is None:
        return None
    if date_of_death is not None and date_of_death < add_years(date_of_birth, ADULTHOOD_YEARS):
        return add_years(date_of_death, CARE_RECORD_YEARS_FROM_DEATH)
    return add_years(date_of_birth, CARE_RECORD_YEARS_FROM_BIRTH)


def adoption_record_disposal(*, adoption_order_on: date | None) -> date | None:
    if adoption_order_on is None:
        return None
    return add_years(adoption_order_on, ADOPTION_RECORD_YEARS)


def council_rule_disposal(rule: CouncilRule, facts: Facts) -> date | None:
    start = facts.closed_on if rule.trigger == Trigger.CLOSURE else facts.date_of_birth
    if start is None:
        return None
    return add_years(start, rule.years)


def disposal_date(record_class: RecordClass, facts: Facts, rule: CouncilRule | None) -> date | None:
    """The first day the record may be disposed of, or None when it cannot yet be worked out
    (a date it needs is missing, or the case is still open)."""
    if record_class == RecordClass.CHILD_LOOKED_AFTER:
        return care_record_disposal(
            date_of_birth=facts.date_of_birth, date_of_death=facts.date_of_death
        )
    if record_class == RecordClass.ADOPTION:
        return adoption_record_disposal(adoption_order_on=facts.adoption_order_on)
    if rule is None:
        raise ValueError(f"{record_class} needs the council's rule")
    return council_rule_disposal(rule, facts)


def is_due(disposal_on: date | None, today: date) -> bool:
    """Due on the disposal date itself: "keep until the 75th birthday" ends on that day."""
    return disposal_on is not None and disposal_on <= today


def describe(record_class: RecordClass, rule: CouncilRule | None) -> str:
    """The rule in words, shown beside each record on the disposal schedule."""
    if record_class == RecordClass.CHILD_LOOKED_AFTER:
        return (
            f"{CARE_RECORD_YEARS_FROM_BIRTH}th birthday, or {CARE_RECORD_YEARS_FROM_DEATH} years "
            "after a death before 18 (Care Planning, Placement and Case Review Regulations "
            "2010 reg 50)"
        )
    if record_class == RecordClass.ADOPTION:
        return (
            f"{ADOPTION_RECORD_YEARS} years from the adoption order (Adoption Agencies "
            "Regulations 2005 reg 42)"
        )
    if rule is None:
        return "No rule set"
    return f"{rule.years} years from {rule.trigger.label} (the council's rule)"
