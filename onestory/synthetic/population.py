"""The synthetic town: its families made in memory with plain Python and written in batches.

Everything random comes from one `random.Random(seed)`, drawn in a fixed order, and every date
is reckoned from REFERENCE_DATE rather than today, so that a seed and a scale always give the
same people with the same ids. Household shapes are in families.py, planted duplicates in
duplicates.py, and each person's chronology in chronology.py.
"""

import random
import zlib
from datetime import date, timedelta

from onestory.people.models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
)

from .bulk import Buffers
from .chronology import Chronicler
from .communities import Community, NameBank
from .drafts import (
    REFERENCE_DATE,
    YEAR,
    AddressLine,
    Draft,
    HouseholdInfo,
    cached_name_key,
    short_forms,
)
from .duplicates import DUPLICATE_RATE, DuplicatePlanter
from .families import (
    FORMER_UASC_AT_SCALE_1,
    UASC_AT_SCALE_1,
    UNBORN_AT_SCALE_1,
    FamilyMaker,
    Schools,
)
from .identifiers import new_nhs_number, new_uuid
from .names import Name, spelling_of
from .reference import postcode_geography, street_names, ward_specs
from .safety import give_contact_details

__all__ = ["REFERENCE_DATE", "YEAR", "HouseholdInfo", "TownGenerator"]

CHILD_DISABILITIES = {
    "AUT": 28,
    "LD": 18,
    "COMM": 16,
    "BEH": 10,
    "MOB": 7,
    "HEAR": 5,
    "VIS": 4,
    "PC": 3,
    "HAND": 2,
    "INC": 2,
    "CON": 3,
    "DDA": 2,
}
ADULT_DISABILITIES = {
    "MOB": 30,
    "DDA": 20,
    "LD": 10,
    "VIS": 10,
    "HEAR": 10,
    "BEH": 5,
    "CON": 5,
    "HAND": 5,
    "PC": 5,
}
CHILD_DISABILITY_RATE = 0.032
ADULT_ALIAS_RATE = 0.005
ADULT_DISABILITY_RATE = 0.03


class TownGenerator(FamilyMaker, DuplicatePlanter):
    """Makes the households of every ward until each ward has its children."""

    def __init__(self, *, seed: int, scale: float, buffers: Buffers):
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.buffers = buffers
        self.bank = NameBank()
        self.schools = Schools()
        self.nhs_issued: set[str] = set()
        self.households: list[HouseholdInfo] = []
        self.stats = {
            "children": 0,
            "adults": 0,
            "unborn": 0,
            "uasc": 0,
            "deaths": 0,
            "former_uasc": 0,
            "planted_duplicates": 0,
        }
        geography = postcode_geography()
        self.postcodes_by_ward: dict[str, list[str]] = {}
        shared: dict[tuple[int, int], int] = {}
        for east, north, _, _ in geography.values():
            shared[(east, north)] = shared.get((east, north), 0) + 1
        for postcode, (east, north, ward, _) in geography.items():
            # A grid reference shared by many postcodes marks PO boxes and large users, not homes.
            if shared[(east, north)] <= 20:
                self.postcodes_by_ward.setdefault(ward, []).append(postcode)
        self.geography = geography
        self.all_postcodes = sorted(p for pcs in self.postcodes_by_ward.values() for p in pcs)
        self.streets = street_names()
        self.pending: list[Draft] = []
        self.relationships: list[tuple] = []
        self.chronicle = Chronicler(seed=seed, buffers=buffers)
        # Household memberships of the household being written, by person id, for the chronology.
        self.memberships: dict = {}

    # ----- small helpers -------------------------------------------------------------------

    def weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days_ago(self, days: int) -> date:
        return REFERENCE_DATE - timedelta(days=days)

    def address_in(self, ward: str | None, valid_from: date, valid_to: date | None) -> AddressLine:
        pool = self.postcodes_by_ward.get(ward) if ward else None
        postcode = self.rng.choice(pool or self.all_postcodes)
        _, _, ward_code, lsoa = self.geography[postcode]
        crc = zlib.crc32(postcode.encode())
        street = self.streets[crc % len(self.streets)]
        suffix = (
            "Road",
            "Street",
            "Avenue",
            "Close",
            "Way",
            "Crescent",
            "Drive",
            "Lane",
            "Gardens",
            "Grove",
        )[(crc >> 8) % 10]
        if (crc >> 16) % 4 == 0:
            block = ("Court", "House")[(crc >> 20) % 2]
            line_1 = f"Flat {self.rng.randint(1, 36)}, {street} {block}"
        else:
            line_1 = f"{self.rng.randint(1, 180)} {street} {suffix}"
        return AddressLine(line_1, "", postcode, ward_code, lsoa, valid_from, valid_to)

    def address_history(self, ward: str, moved_in: date) -> list[AddressLine]:
        """The household's current address and, for some, one or two earlier ones (newest first)."""
        history = [self.address_in(ward, moved_in, None)]
        moves = 2 if self.chance(0.12) else (1 if self.chance(0.40) else 0)
        end = moved_in
        for _ in range(moves):
            start = end - timedelta(days=self.rng.randint(300, 6 * YEAR))
            # Most moves are within the town, often within the same ward.
            history.append(self.address_in(ward if self.chance(0.5) else None, start, end))
            end = start
        return history

    def disabilities(self, child: bool) -> list[str]:
        rate = CHILD_DISABILITY_RATE if child else ADULT_DISABILITY_RATE
        if not self.chance(rate):
            return []
        table = CHILD_DISABILITIES if child else ADULT_DISABILITIES
        codes = [self.weighted(table)]
        if self.chance(0.2):
            second = self.weighted(table)
            if second not in codes:
                codes.append(second)
        return codes

    # ----- people --------------------------------------------------------------------------

    def new_person(
        self,
        community: Community,
        sex: str,
        *,
        dob: date | None,
        family: tuple[Name | None, str],
        child: bool,
        ethnicity: str,
        language: str,
        given: tuple[Name | None, str] | None = None,
        nhs_chance: float | None = None,
    ) -> Draft:
        young = dob is not None and dob.year >= 2005
        given_name, given_spelling = given or self.bank.given(
            community.given_names, sex, young=young, rng=self.rng
        )
        middle = ""
        names = []
        if self.chance(community.middle_name):
            _, middle = self.bank.given(community.given_names, sex, young=young, rng=self.rng)
            if middle == given_spelling:
                middle = ""
        muhammad = self.bank.section(community.given_names, "male").names[0]
        if (
            sex == "M"
            and given is None
            and community.muhammad_first
            and given_name is not muhammad
            and self.chance(community.muhammad_first)
        ):
            # "Muhammad Zain Khan", known as Zain. (Each such list starts with Mohammed.)
            middle, given_spelling = given_spelling, spelling_of(muhammad, self.rng)
            given_name = muhammad
            names.append(("preferred", middle, family[1], None, None))
        elif given_name and self.chance(0.04):
            forms = short_forms(given_name, given_spelling)
            if forms:
                names.append(("preferred", self.rng.choice(forms), family[1], None, None))
        if not child and self.chance(ADULT_ALIAS_RATE):
            # Rarely, an adult also known by another name (an English name, or another surname).
            _, other_given = self.bank.given("british", sex, young=False, rng=self.rng)
            _, other_family = self.bank.family(community.family_names[0][0], self.rng)
            if self.chance(0.5):
                names.append(("alias", other_given, family[1], None, None))
            else:
                names.append(("alias", given_spelling, other_family, None, None))
        if ethnicity and self.chance(0.01):
            ethnicity = "NOBT" if self.chance(0.75) else "REFU"
        if nhs_chance is None:
            nhs_chance = 0.975 if child else (0.975 if community.key == "british" else 0.95)
        person = Person(
            id=new_uuid(self.rng),
            given_name=given_spelling,
            middle_names=middle,
            family_name=family[1],
            date_of_birth=dob,
            sex=sex,
            ethnicity=ethnicity,
            first_language=language,
            disabilities=self.disabilities(child),
            nhs_number=new_nhs_number(self.rng, self.nhs_issued) if self.chance(nhs_chance) else "",
        )
        draft = Draft(
            person=person, community=community.key, given=given_name, family=family[0], names=names
        )
        self.pending.append(draft)
        self.stats["children" if child else "adults"] += 1
        return draft

    def relate(self, a: Draft, b: Draft, kind: str, since: date | None, pr: bool = False) -> None:
        self.relationships.append((a, b, kind, since, pr))

    def siblings(self, children: list[Draft], kind: str = "sibling") -> None:
        for i, older in enumerate(children):
            for younger in children[i + 1 :]:
                self.relate(older, younger, kind, younger.person.date_of_birth)

    # ----- households ----------------------------------------------------------------------

    def generate(self, children_by_ward: dict[str, int]) -> None:
        self.children_left = sum(children_by_ward.values())
        self.unborn_wanted = max(1, round(UNBORN_AT_SCALE_1 * self.scale))
        for spec in ward_specs():
            remaining = children_by_ward.get(spec.code, 0)
            while remaining > 0:
                made = self.household(spec, remaining)
                remaining -= made
                self.children_left -= made
                self.buffers.maybe_flush()
        uasc_total = max(1, round(UASC_AT_SCALE_1 * self.scale))
        wards = [w.code for w in ward_specs()]
        while self.stats["uasc"] < uasc_total:
            self.foster_household(self.rng.choice(wards), uasc_total - self.stats["uasc"])
        former = round(FORMER_UASC_AT_SCALE_1 * self.scale)
        while self.stats["former_uasc"] < former:
            self.former_uasc_household(self.rng.choice(wards), former - self.stats["former_uasc"])
        self.buffers.flush()

    def emit_household(self, members: list[Draft], kids: list[Draft], moved_in: date):
        named = kids[0] if kids else members[0]
        household_id = new_uuid(self.rng)
        name = f"{named.person.family_name} household"
        self.buffers.add_row(Household, id=household_id, name=name)
        for draft in members:
            born = draft.person.date_of_birth
            since = max(moved_in, born) if born else None
            member_id = new_uuid(self.rng)
            self.buffers.add_row(
                HouseholdMember,
                id=member_id,
                household_id=household_id,
                person_id=draft.person.id,
                valid_from=since,
                valid_to=draft.person.date_of_death,
            )
            self.memberships[draft.person.id] = (member_id, name, since, draft.person.date_of_death)
        return household_id

    def emit_pending(self) -> None:
        """Write the drafts of the household just made, their relationships, and some duplicates."""
        drafts, relationships = self.pending, self.relationships
        self.pending, self.relationships = [], []
        for draft in drafts:
            self.emit_person(draft)
        self.memberships = {}
        for a, b, kind, since, pr in relationships:
            relationship_id = new_uuid(self.rng)
            self.buffers.add_row(
                Relationship,
                id=relationship_id,
                from_person_id=a.person.id,
                to_person_id=b.person.id,
                kind=kind,
                valid_from=since,
                has_parental_responsibility=pr,
            )
            self.chronicle.relationship(relationship_id, a, b, kind, since)
        for draft in drafts:
            if draft.person.date_of_birth is not None and self.chance(DUPLICATE_RATE):
                self.plant_duplicate(draft)

    def emit_person(self, draft: Draft, *, duplicate_of: Draft | None = None) -> None:
        person = draft.person
        if duplicate_of is None:
            give_contact_details(person, seed=self.seed)
        self.buffers.add(person)
        rows = [("legal", person.given_name, person.family_name, None, None), *draft.names]
        names, addresses = [], []
        for kind, given, family, valid_from, valid_to in rows:
            name_id = new_uuid(self.rng)
            names.append((name_id, kind, given, family, valid_from, valid_to))
            self.buffers.add_row(
                PersonName,
                id=name_id,
                person_id=person.id,
                kind=kind,
                given_name=given,
                family_name=family,
                valid_from=valid_from,
                valid_to=valid_to,
                given_name_key=cached_name_key(given),
                family_name_key=cached_name_key(family),
            )
        for line in draft.addresses:
            address_id = new_uuid(self.rng)
            addresses.append((address_id, line))
            self.buffers.add_row(
                Address,
                id=address_id,
                person_id=person.id,
                line_1=line.line_1,
                line_2=line.line_2,
                town="Luton",
                postcode=line.postcode,
                ward_id=line.ward,
                lsoa=line.lsoa,
                valid_from=line.valid_from,
                valid_to=line.valid_to,
            )
        self.chronicle.person(
            draft,
            names=names,
            addresses=addresses,
            membership=self.memberships.get(person.id),
            duplicate_of=duplicate_of,
        )
