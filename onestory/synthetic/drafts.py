"""The records the generator builds people from, and the constants every part of it shares."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import NamedTuple

from nicknames import NickNamer

from onestory.people.models import Person
from onestory.people.rules import name_key

from .names import Name

# Every date is reckoned from here, not from today, so that a seed always gives the same town.
REFERENCE_DATE = date(2026, 11, 1)
YEAR = 365


@cache
def cached_name_key(name: str) -> str:
    return name_key(name)


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def short_forms(name: Name | None, spelling: str) -> list[str]:
    """Short forms from the hand-written lists, else from the nicknames package (English names)."""
    forms = list(name.short_forms) if name else []
    if not forms:
        forms = sorted(n.title() for n in _nicknamer().nicknames_of(spelling.lower()))
    return [f for f in forms if f.casefold() != spelling.casefold() and len(f) > 1]


@dataclass(eq=False)
class Draft:
    """A person being made, with what the generator needs to know about them afterwards."""

    person: Person
    community: str
    given: Name | None
    family: Name | None
    names: list = field(default_factory=list)  # (kind, given, family, valid_from, valid_to)
    addresses: list = field(default_factory=list)  # address tuples, newest first
    school: str | None = None  # agency name of the child's current school
    step_family_name: str | None = None
    known_from: date | None = None  # when the record was created (set as it is written)


class PersonBrief(NamedTuple):
    """What the front-door history needs to know about a person once the town is written."""

    id: object
    given_name: str
    family_name: str
    sex: str
    date_of_birth: date | None
    date_of_death: date | None
    nhs_number: str
    upn: str
    relation: str  # an adult's relationship to the household's children: "Mother", "Stepfather"
    addresses: tuple  # (valid_from, valid_to, line_1, postcode), newest first


def brief(draft: "Draft", relation: str = "") -> PersonBrief:
    person = draft.person
    return PersonBrief(
        person.id,
        person.given_name,
        person.family_name,
        person.sex,
        person.date_of_birth,
        person.date_of_death,
        person.nhs_number,
        person.upn,
        relation,
        tuple((a.valid_from, a.valid_to, a.line_1, a.postcode) for a in draft.addresses),
    )


@dataclass
class HouseholdInfo:
    """What the casework and front-door steps need to know about a household."""

    id: object
    ward: str
    structure: str
    children: list  # (person id, date of birth or None, school agency name or None, is unborn)
    carers: list  # person ids of the adults who live there
    carer_label: str  # who usually gives consent: "Mother", "Father", "Grandmother", ...
    uasc: bool = False
    people: dict = field(default_factory=dict)  # person id -> PersonBrief, for everyone here
    # Young adults who were children here during the history (as `children`; never carers).
    grown: list = field(default_factory=list)
    arrived: dict = field(default_factory=dict)  # person id -> the day one who came alone arrived


@dataclass
class AddressLine:
    line_1: str
    line_2: str
    postcode: str
    ward: str
    lsoa: str
    valid_from: date
    valid_to: date | None
