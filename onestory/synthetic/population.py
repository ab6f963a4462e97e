"""The families of the synthetic town, made in memory with plain Python and written in batches.

Everything random comes from one `random.Random(seed)`, drawn in a fixed order, and every date
is reckoned from REFERENCE_DATE rather than today, so that a seed and a scale always give the
same people with the same ids.
"""

import random
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from nicknames import NickNamer

from onestory.people.models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
)
from onestory.people.rules import age_in_years, name_key

from .bulk import FastInserter
from .communities import (
    COMMUNITIES,
    MIXED_CODES,
    STRUCTURES,
    UASC_ORIGINS,
    WARD_PROFILES,
    Community,
    NameBank,
)
from .identifiers import new_nhs_number, new_uuid, typo, upn
from .models import PlantedDuplicate
from .names import Name, feminine_polish, spelling_of
from .reference import agency_specs, postcode_geography, street_names, ward_specs

REFERENCE_DATE = date(2026, 11, 1)
YEAR = 365
# Share of people entered a second time as a separate record (the brief: about 1.5%).
DUPLICATE_RATE = 0.015
UNBORN_RATE = 0.0025  # per household with a mother under 42: "a few" unborn children
CHILD_DEATH_RATE = 0.0001
GRANDPARENT_DEATH_RATE = 0.01
# Unaccompanied asylum-seeking children at scale 1 (hand-set; unverified for Luton).
UASC_AT_SCALE_1 = 35

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
ADULT_DISABILITY_RATE = 0.03


@cache
def _cached_key(name: str) -> str:
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


@dataclass
class HouseholdInfo:
    """What the casework step needs to know about a household."""

    id: object
    ward: str
    structure: str
    children: list  # (person id, date of birth or None, school agency name or None, is unborn)
    carers: list  # person ids of the adults who live there
    carer_label: str  # who usually gives consent: "Mother", "Father", "Grandmother", ...
    uasc: bool = False


@dataclass
class AddressLine:
    line_1: str
    line_2: str
    postcode: str
    ward: str
    lsoa: str
    valid_from: date
    valid_to: date | None


class Schools:
    """Primary and secondary schools by ward, and the serial numbers of the UPNs they issue."""

    def __init__(self):
        self.by_ward: dict[str, dict[str, list[dict]]] = {}
        self.all: dict[str, list[dict]] = {}
        for spec in agency_specs():
            if spec["kind"] != "school":
                continue
            self.by_ward.setdefault(spec["ward"], {}).setdefault(spec["phase"], []).append(spec)
            self.all.setdefault(spec["phase"], []).append(spec)
        self.serials: dict[tuple[str, int], int] = {}

    def pick(self, ward: str, phase: str, rng: random.Random) -> dict:
        local = self.by_ward.get(ward, {}).get(phase)
        if local and rng.random() < 0.8:
            return rng.choice(local)
        return rng.choice(self.all[phase])

    def next_upn(self, school: dict, start_year: int) -> str:
        """The next unused UPN issued by this school in this year (serials 001 to 999)."""
        primaries = self.all["primary"]
        candidates = [school] + [s for s in primaries if s is not school]
        for candidate in candidates:
            establishment = candidate["code"][3:]
            key = (establishment, start_year % 100)
            serial = self.serials.get(key, 0) + 1
            if serial <= 999:
                self.serials[key] = serial
                return upn(establishment, start_year, serial)
        raise RuntimeError("Every school has issued 999 UPNs this year")


class Buffers:
    """Rows waiting to be written, flushed in batches so that memory stays flat.

    Rows are dicts of {attname: value}; model instances are accepted and read through __dict__.
    """

    ORDER = (
        Person,
        PersonName,
        Address,
        Household,
        HouseholdMember,
        Relationship,
        PlantedDuplicate,
    )

    def __init__(self, inserter: FastInserter, flush_every: int = 5000):
        self.inserter = inserter
        self.flush_every = flush_every
        self.rows = {model: [] for model in self.ORDER}
        self.counts = dict.fromkeys(self.ORDER, 0)

    def add(self, obj) -> None:
        self.rows[type(obj)].append(obj.__dict__)

    def add_row(self, model, **values) -> None:
        self.rows[model].append(values)

    def maybe_flush(self) -> None:
        if len(self.rows[Person]) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                self.counts[model] += self.inserter.insert(model, rows)
                self.rows[model] = []


class TownGenerator:
    """Makes the households of every ward until each ward has its children."""

    def __init__(self, *, seed: int, scale: float, buffers: Buffers):
        self.rng = random.Random(seed)
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

    def half_siblings(self, older: list[Draft], younger: list[Draft]) -> None:
        for a in older:
            for b in younger:
                self.relate(a, b, "half_sibling", b.person.date_of_birth)

    # ----- households ----------------------------------------------------------------------

    def community_for(self, profile: str) -> Community:
        multipliers = WARD_PROFILES[profile]
        weights = {k: c.share * multipliers[k] for k, c in COMMUNITIES.items()}
        return COMMUNITIES[self.weighted(weights)]

    def children_count(self, community: Community, remaining: int) -> int:
        n = self.rng.choices(range(1, 7), weights=community.children)[0]
        if n == 6:
            n = self.rng.choice((6, 6, 6, 7, 8))
        return max(1, min(n, remaining))

    def child_ages(self, n: int) -> list[int]:
        """Ages in days at the reference date, oldest first, all under 18."""
        gaps = [
            0 if self.chance(0.02) else int(self.rng.triangular(300, 2600, 800))
            for _ in range(n - 1)
        ]
        limit = 17 * YEAR
        if sum(gaps) > limit:
            gaps = [g * limit // sum(gaps) for g in gaps]
        youngest = self.rng.randrange(0, 18 * YEAR - 10 - sum(gaps))
        ages, age = [youngest], youngest
        for gap in reversed(gaps):
            age += gap
            ages.append(age)
        return sorted(ages, reverse=True)

    def family_name(self, community: Community) -> tuple[Name, str]:
        sources = community.family_names
        stem = (
            sources[0][0]
            if len(sources) == 1
            else self.rng.choices([s for s, _ in sources], weights=[w for _, w in sources])[0]
        )
        return self.bank.family(stem, self.rng)

    def womans_name(
        self, community: Community, name: tuple[Name | None, str]
    ) -> tuple[Name | None, str]:
        if community.feminine_family_names:
            return name[0], feminine_polish(name[1])
        return name

    def is_womens_name(self, community: Community, name: Name | None) -> bool:
        stem = community.given_names
        return (
            name is not None
            and self.bank.has(stem, "family_female")
            and any(name is n for n in self.bank.section(stem, "family_female").names)
        )

    def adult_dob(self, age_days: int) -> date:
        return self.days_ago(max(age_days, 18 * YEAR + 30))

    def generate(self, children_by_ward: dict[str, int]) -> None:
        for spec in ward_specs():
            remaining = children_by_ward.get(spec.code, 0)
            while remaining > 0:
                remaining -= self.household(spec, remaining)
                self.buffers.maybe_flush()
        uasc_total = max(1, round(UASC_AT_SCALE_1 * self.scale))
        wards = [w.code for w in ward_specs()]
        while self.stats["uasc"] < uasc_total:
            self.foster_household(self.rng.choice(wards), uasc_total - self.stats["uasc"])
        self.buffers.flush()

    def household(self, spec, remaining: int) -> int:
        """One household with children in this ward; returns how many children it has."""
        rng = self.rng
        community = self.community_for(spec.profile)
        structure = rng.choices(STRUCTURES, weights=community.structures)[0]
        n = self.children_count(community, remaining)
        ages = self.child_ages(n)
        oldest = ages[0]
        first_birth = int(
            min(
                42,
                max(
                    16, rng.gauss(community.first_birth_age - (2 if "lone" in structure else 0), 5)
                ),
            )
            * YEAR
        )
        first_birth = min(first_birth, ages[-1] + 46 * YEAR - oldest)
        mother_age = oldest + max(first_birth, 16 * YEAR)
        code = self.weighted(community.ethnicity)
        heritage = (
            self.weighted(community.heritage_languages) if community.heritage_languages else None
        )

        adult_languages: list[str] = []

        def language(child: bool) -> str:
            if child and adult_languages and all(lang == "English" for lang in adult_languages):
                return "English"  # parents whose first language is English raise English speakers
            english = community.child_english if child else community.adult_english
            chosen = "English" if heritage is None or self.chance(english) else heritage
            if not child:
                adult_languages.append(chosen)
            return chosen

        moved_in = self.days_ago(rng.randint(30, max(31, min(15 * YEAR, mother_age - 18 * YEAR))))
        history = self.address_history(spec.code, moved_in)
        self.pending, self.relationships = [], []
        members: list[Draft] = []
        elsewhere: list[Draft] = []  # parents who live somewhere else

        other = community
        if structure in ("two_parent", "multi_generational") and self.chance(
            community.mixed_couple
        ):
            other = COMMUNITIES[self.weighted(community.partner_communities)]
        child_code = code
        if other is not community:
            child_code = MIXED_CODES.get(frozenset({community.key, other.key}), "MOTH")

        def make_children(count_ages, family, sex_community=community) -> list[Draft]:
            kids = []
            for age in count_ages:
                sex = "M" if self.chance(0.51) else "F"
                fam = family if sex == "M" else self.womans_name(sex_community, family)
                kids.append(
                    self.new_person(
                        sex_community,
                        sex,
                        dob=self.days_ago(age),
                        family=fam,
                        child=True,
                        ethnicity=child_code,
                        language=language(True),
                    )
                )
            return kids

        def mother_named(children_family, married: bool) -> Draft:
            maiden = self.womans_name(community, self.family_name(community))
            current, previous = maiden, None
            if married and self.chance(community.takes_husbands_name):
                current, previous = self.womans_name(community, children_family), maiden
            elif self.chance(community.womens_family_name):
                current = self.bank.womens_family(community.given_names, self.rng) or maiden
            mum = self.new_person(
                community,
                "F",
                dob=self.adult_dob(mother_age),
                family=current,
                child=False,
                ethnicity=code,
                language=language(False),
            )
            if previous and previous[1] != current[1]:
                married_on = self.days_ago(oldest + rng.randint(0, 5 * YEAR))
                mum.names.append(("previous", mum.person.given_name, previous[1], None, married_on))
            return mum

        def father_for(family, age_days: int, fam_community: Community = community) -> Draft:
            ethnic = code if fam_community is community else self.weighted(fam_community.ethnicity)
            return self.new_person(
                fam_community,
                "M",
                dob=self.adult_dob(age_days),
                family=family,
                child=False,
                ethnicity=ethnic,
                language=language(False) if fam_community is community else "English",
            )

        father_age = mother_age + int(max(-3, min(15, rng.gauss(2.5, 3.5))) * YEAR)
        father_age = max(father_age, oldest + 17 * YEAR)
        carer_label = "Mother"
        kids: list[Draft] = []

        if structure in ("two_parent", "multi_generational") and not (
            structure == "multi_generational" and self.chance(0.25)
        ):
            family = self.family_name(other)
            father = father_for(family, father_age, other)
            mother = mother_named(family, married=True)
            kids = make_children(ages, family, other if other is not community else community)
            for kid in kids:
                self.relate(mother, kid, "parent", kid.person.date_of_birth, True)
                self.relate(father, kid, "parent", kid.person.date_of_birth, True)
            self.relate(father, mother, "partner", self.days_ago(oldest + rng.randint(0, 5 * YEAR)))
            self.siblings(kids)
            members += [mother, father, *kids]
            parents = {"mother": mother, "father": father}
        elif structure in ("lone_mother", "multi_generational"):
            fathers_family = self.family_name(community)
            family = fathers_family if self.chance(0.55) else None
            mother = mother_named(
                family or fathers_family, married=family is not None and self.chance(0.4)
            )
            if family is None and self.is_womens_name(community, mother.family):
                family = fathers_family  # children are not given Begum or Kaur as a family name
            if family is None:
                # The children have their mother's family name (in its masculine form for boys).
                family = (
                    mother.family,
                    mother.family.usual
                    if community.feminine_family_names and mother.family
                    else mother.person.family_name,
                )
            kids = make_children(ages, family)
            members += [mother, *kids]
            for kid in kids:
                self.relate(mother, kid, "parent", kid.person.date_of_birth, True)
            if self.chance(0.45):
                father = father_for(fathers_family, father_age)
                elsewhere.append(father)
                for kid in kids:
                    self.relate(father, kid, "parent", kid.person.date_of_birth, self.chance(0.6))
            self.siblings(kids)
            parents = {"mother": mother}
        elif structure == "lone_father":
            family = self.family_name(community)
            father = father_for(family, father_age)
            kids = make_children(ages, family)
            members += [father, *kids]
            for kid in kids:
                self.relate(father, kid, "parent", kid.person.date_of_birth, True)
            if self.chance(0.5):
                mother = self.new_person(
                    community,
                    "F",
                    dob=self.adult_dob(mother_age),
                    family=self.womans_name(community, self.family_name(community)),
                    child=False,
                    ethnicity=code,
                    language=language(False),
                )
                elsewhere.append(mother)
                for kid in kids:
                    self.relate(mother, kid, "parent", kid.person.date_of_birth, True)
            self.siblings(kids)
            parents = {"father": father}
            carer_label = "Father"
        elif structure == "step_family":
            older_count = rng.randint(1, n - 1) if n > 1 else 1
            first_family = self.family_name(community)
            step_family = self.family_name(community)
            mother = mother_named(step_family, married=True)
            if mother.names and self.chance(0.5):
                # She took her first husband's name too: it is on record as an earlier name.
                mother.names.append(
                    (
                        "previous",
                        mother.person.given_name,
                        self.womans_name(community, first_family)[1],
                        None,
                        self.days_ago(ages[older_count - 1] if older_count < n else 0),
                    )
                )
            stepdad = father_for(step_family, father_age)
            older = make_children(ages[:older_count], first_family)
            younger = make_children(ages[older_count:], step_family)
            kids = older + younger
            for kid in kids:
                self.relate(mother, kid, "parent", kid.person.date_of_birth, True)
            together = self.days_ago(
                ages[older_count] + rng.randint(0, 3 * YEAR)
                if younger
                else rng.randint(YEAR, 6 * YEAR)
            )
            for kid in older:
                self.relate(
                    stepdad,
                    kid,
                    "step_parent",
                    max(together, kid.person.date_of_birth),
                    self.chance(0.15),
                )
                kid.step_family_name = stepdad.person.family_name
                if self.chance(0.10):
                    kid.names.append(
                        ("alias", kid.person.given_name, stepdad.person.family_name, together, None)
                    )
            for kid in younger:
                self.relate(stepdad, kid, "parent", kid.person.date_of_birth, True)
            self.relate(stepdad, mother, "partner", together)
            self.siblings(older)
            self.siblings(younger)
            self.half_siblings(older, younger)
            if self.chance(0.6):
                dad = father_for(
                    first_family,
                    max(oldest + 17 * YEAR, father_age + rng.randint(-2 * YEAR, 4 * YEAR)),
                )
                elsewhere.append(dad)
                for kid in older:
                    self.relate(dad, kid, "parent", kid.person.date_of_birth, True)
            members += [mother, stepdad, *kids]
            parents = {"mother": mother, "father": stepdad}
        else:  # kinship: children live with a grandmother or an aunt
            family = self.family_name(community)
            mothers_maiden = self.womans_name(community, self.family_name(community))
            kids = make_children(ages, family)
            grandmother = self.chance(0.6)
            carer_age = mother_age + (
                rng.randint(19 * YEAR, 30 * YEAR)
                if grandmother
                else rng.randint(-6 * YEAR, 6 * YEAR)
            )
            carer = self.new_person(
                community,
                "F",
                dob=self.adult_dob(carer_age),
                family=mothers_maiden,
                child=False,
                ethnicity=code,
                language=language(False),
            )
            since = self.days_ago(
                rng.randint(60, min(ages[-1] + 30, 10 * YEAR) if ages[-1] > 60 else 61)
            )
            sgo = self.chance(0.5)
            for kid in kids:
                self.relate(carer, kid, "carer", max(since, kid.person.date_of_birth), sgo)
                if grandmother:
                    self.relate(carer, kid, "grandparent", kid.person.date_of_birth)
            members += [carer, *kids]
            if self.chance(0.4):
                partner = self.new_person(
                    community,
                    "M",
                    dob=self.adult_dob(carer_age + 2 * YEAR),
                    family=self.family_name(community),
                    child=False,
                    ethnicity=code,
                    language=language(False),
                )
                self.relate(
                    partner, carer, "partner", self.days_ago(max(YEAR, carer_age - 22 * YEAR))
                )
                for kid in kids:
                    self.relate(partner, kid, "carer", max(since, kid.person.date_of_birth), False)
                members.append(partner)
            if self.chance(0.75):
                mother = self.new_person(
                    community,
                    "F",
                    dob=self.adult_dob(mother_age),
                    family=family if self.chance(0.5) else mothers_maiden,
                    child=False,
                    ethnicity=code,
                    language=language(False),
                )
                elsewhere.append(mother)
                for kid in kids:
                    self.relate(mother, kid, "parent", kid.person.date_of_birth, True)
                if grandmother:
                    self.relate(carer, mother, "parent", mother.person.date_of_birth)
            self.siblings(kids)
            parents = {}
            carer_label = "Grandmother" if grandmother else "Aunt"

        if structure == "multi_generational":
            self.add_grandparents(community, parents, kids, members, code, language)
        if (
            "mother" in parents
            and mother_age - (ages[-1] if kids else 0) < 42 * YEAR
            and self.chance(UNBORN_RATE / 0.8)
        ):
            self.add_unborn(parents, kids, members, child_code, language(True))

        # Everyone who lives here shares the address history, from when they were born.
        for draft in members:
            draft.addresses = self.addresses_for(draft, history)
        for draft in elsewhere:
            # Parents who live elsewhere: their own address now, and often the family's old one.
            start = self.days_ago(rng.randint(30, 4 * YEAR))
            own = [self.address_in(None, start, None)]
            if len(history) > 1 and self.chance(0.5):
                old = history[1]
                own.append(
                    AddressLine(
                        old.line_1,
                        old.line_2,
                        old.postcode,
                        old.ward,
                        old.lsoa,
                        old.valid_from,
                        min(old.valid_to, start),
                    )
                )
            draft.addresses = own
        self.assign_schools(kids, spec.code)
        self.deaths(kids, members)
        household_id = self.emit_household(members, kids, history[0].valid_from)
        self.households.append(
            HouseholdInfo(
                id=household_id,
                ward=spec.code,
                structure=structure,
                children=[
                    (k.person.id, k.person.date_of_birth, k.school, k.person.date_of_birth is None)
                    for k in kids
                ],
                carers=[m.person.id for m in members if m not in kids],
                carer_label=carer_label,
            )
        )
        self.emit_pending()
        return sum(1 for k in kids if k.person.date_of_birth is not None)

    def add_grandparents(self, community, parents, kids, members, code, language) -> None:
        rng = self.rng
        paternal = "father" in parents and (
            community.key in ("pakistani", "bangladeshi", "indian") or "mother" not in parents
        )
        parent = parents.get("father") if paternal else parents.get("mother")
        if parent is None:
            return
        parent_age = (REFERENCE_DATE - parent.person.date_of_birth).days
        gran_age = parent_age + rng.randint(20 * YEAR, 34 * YEAR)
        family = (
            (parent.family, parent.person.family_name) if paternal else self.family_name(community)
        )
        grandparents = [
            self.new_person(
                community,
                "F",
                dob=self.adult_dob(gran_age),
                family=self.womans_name(community, family),
                child=False,
                ethnicity=code,
                language=language(False),
            )
        ]
        if self.chance(0.6):
            grandparents.append(
                self.new_person(
                    community,
                    "M",
                    dob=self.adult_dob(gran_age + 3 * YEAR),
                    family=family,
                    child=False,
                    ethnicity=code,
                    language=grandparents[0].person.first_language,
                )
            )
            self.relate(
                grandparents[1],
                grandparents[0],
                "partner",
                parent.person.date_of_birth - timedelta(days=rng.randint(YEAR, 6 * YEAR)),
            )
        for gp in grandparents:
            self.relate(gp, parent, "parent", parent.person.date_of_birth)
            for kid in kids:
                if kid.person.date_of_birth:
                    self.relate(gp, kid, "grandparent", kid.person.date_of_birth)
        members.extend(grandparents)

    def add_unborn(self, parents, kids, members, ethnicity, language) -> None:
        mother = parents["mother"]
        due = REFERENCE_DATE + timedelta(days=self.rng.randint(7, 170))
        family = (
            (kids[-1].family, kids[-1].person.family_name)
            if kids
            else (mother.family, mother.person.family_name)
        )
        baby = Draft(
            person=Person(
                id=new_uuid(self.rng),
                given_name="Unborn",
                family_name=family[1],
                expected_date_of_birth=due,
                sex="U",
                ethnicity=ethnicity,
                first_language=language,
                disabilities=[],
            ),
            community=mother.community,
            given=None,
            family=family[0],
        )
        self.pending.append(baby)
        self.stats["unborn"] += 1
        self.relate(mother, baby, "parent", None, True)
        if "father" in parents and self.chance(0.85):
            self.relate(parents["father"], baby, "parent", None, True)
        for kid in kids:
            self.relate(kid, baby, "sibling", None)
        kids.append(baby)
        members.append(baby)

    def addresses_for(self, draft: Draft, history: list[AddressLine]) -> list[AddressLine]:
        born = draft.person.date_of_birth or REFERENCE_DATE
        lines = []
        for line in history:
            if line.valid_to is not None and line.valid_to <= born:
                continue
            start = max(line.valid_from, born) if draft.person.date_of_birth else line.valid_from
            lines.append(
                AddressLine(
                    line.line_1,
                    line.line_2,
                    line.postcode,
                    line.ward,
                    line.lsoa,
                    start,
                    line.valid_to,
                )
            )
        return lines

    def assign_schools(self, kids: list[Draft], ward: str) -> None:
        """UPNs for school-age children (5 to 16), issued by a primary school in the ward."""
        primary = self.schools.pick(ward, "primary", self.rng)
        secondary = self.schools.pick(ward, "secondary", self.rng)
        for kid in kids:
            born = kid.person.date_of_birth
            if born is None:
                continue
            age = age_in_years(born, REFERENCE_DATE)
            if 5 <= age <= 16:
                # Reception starts in the September after a child turns four.
                start_year = born.year + (4 if born.month < 9 else 5)
                kid.person.upn = self.schools.next_upn(primary, start_year)
            if 4 <= age <= 17:
                needs_special = set(kid.person.disabilities) & {"LD", "AUT", "PC"}
                if needs_special and self.chance(0.3):
                    kid.school = self.rng.choice(self.schools.all["special"])["name"]
                else:
                    kid.school = (primary if age <= 10 else secondary)["name"]

    def deaths(self, kids: list[Draft], members: list[Draft]) -> None:
        for kid in kids:
            born = kid.person.date_of_birth
            if born and self.chance(CHILD_DEATH_RATE):
                kid.person.date_of_death = born + timedelta(
                    days=self.rng.randint(0, max(0, (REFERENCE_DATE - born).days - 1))
                )
                self.stats["deaths"] += 1
        for adult in members:
            if adult in kids:
                continue
            age = age_in_years(adult.person.date_of_birth, REFERENCE_DATE)
            if age >= 55 and self.chance(GRANDPARENT_DEATH_RATE):
                adult.person.date_of_death = self.days_ago(self.rng.randint(10, 2 * YEAR))
                self.stats["deaths"] += 1

    def foster_household(self, ward: str, wanted: int) -> None:
        """Foster carers looking after one or two young people who came to the UK alone."""
        rng = self.rng
        self.pending, self.relationships = [], []
        carer_community = COMMUNITIES[
            self.weighted({"british": 60, "caribbean": 10, "mixed": 10, "pakistani": 20})
        ]
        family = self.family_name(carer_community)
        age = rng.randint(38 * YEAR, 66 * YEAR)
        code = self.weighted(carer_community.ethnicity)
        carers = [
            self.new_person(
                carer_community,
                "F",
                dob=self.adult_dob(age),
                family=self.womans_name(carer_community, family),
                child=False,
                ethnicity=code,
                language="English",
            )
        ]
        if self.chance(0.6):
            carers.append(
                self.new_person(
                    carer_community,
                    "M",
                    dob=self.adult_dob(age + 2 * YEAR),
                    family=family,
                    child=False,
                    ethnicity=code,
                    language="English",
                )
            )
            self.relate(carers[1], carers[0], "partner", self.days_ago(age - 25 * YEAR))
        young_people = []
        for _ in range(min(wanted, 2 if self.chance(0.35) else 1)):
            origin = self.weighted({k: v[0] for k, v in UASC_ORIGINS.items()})
            _, ethnicity, languages = UASC_ORIGINS[origin]
            sex = "M" if self.chance(0.9) else "F"
            sex_word = "male" if sex == "M" else "female"
            given = self.bank.section("uasc", f"{origin}_{sex_word}").pick_spelling(rng)
            surname = self.bank.section("uasc", f"{origin}_family").pick_spelling(rng)
            years = rng.choices((14, 15, 16, 17), weights=(10, 25, 35, 30))[0]
            estimated = self.chance(0.3)
            if estimated:
                # An age assessment gives a year; the date of birth is then recorded as 1 January.
                dob = date(REFERENCE_DATE.year - years - 1, 1, 1)
            else:
                dob = self.days_ago(years * YEAR + rng.randint(0, YEAR - 10))
            yp = self.new_person(
                COMMUNITIES["middle_eastern"],
                sex,
                dob=dob,
                family=surname,
                child=True,
                ethnicity=ethnicity,
                language=self.weighted(languages),
                given=given,
                nhs_chance=0.7,
            )
            yp.person.middle_names = ""
            yp.names = []
            yp.person.unaccompanied_asylum_seeking = True
            yp.person.immigration_status = self.weighted(
                {"asylum_seeker": 70, "refugee": 20, "leave_to_remain": 10}
            )
            if estimated:
                yp.person.estimated_age_years = age_in_years(dob, REFERENCE_DATE)
            arrived = self.days_ago(rng.randint(30, 2 * YEAR))
            for carer in carers:
                self.relate(carer, yp, "carer", arrived, False)
            young_people.append(yp)
            self.stats["uasc"] += 1
        members = carers + young_people
        history = [self.address_in(ward, self.days_ago(rng.randint(3 * YEAR, 20 * YEAR)), None)]
        for draft in members:
            draft.addresses = [
                AddressLine(
                    h.line_1,
                    h.line_2,
                    h.postcode,
                    h.ward,
                    h.lsoa,
                    max(h.valid_from, self.days_ago(rng.randint(30, 2 * YEAR)))
                    if draft in young_people
                    else h.valid_from,
                    None,
                )
                for h in history
            ]
        for yp in young_people:
            yp.school = self.schools.pick(ward, "secondary", rng)["name"]
        household_id = self.emit_household(members, [], history[0].valid_from)
        self.households.append(
            HouseholdInfo(
                id=household_id,
                ward=ward,
                structure="foster",
                uasc=True,
                children=[
                    (k.person.id, k.person.date_of_birth, k.school, False) for k in young_people
                ],
                carers=[c.person.id for c in carers],
                carer_label="Young person",
            )
        )
        self.emit_pending()

    # ----- writing -------------------------------------------------------------------------

    def emit_household(self, members: list[Draft], kids: list[Draft], moved_in: date):
        named = kids[0] if kids else members[0]
        household_id = new_uuid(self.rng)
        self.buffers.add_row(
            Household, id=household_id, name=f"{named.person.family_name} household"
        )
        for draft in members:
            born = draft.person.date_of_birth
            since = max(moved_in, born) if born else None
            self.buffers.add_row(
                HouseholdMember,
                id=new_uuid(self.rng),
                household_id=household_id,
                person_id=draft.person.id,
                valid_from=since,
                valid_to=draft.person.date_of_death,
            )
        return household_id

    def emit_pending(self) -> None:
        """Write the drafts of the household just made, their relationships, and some duplicates."""
        drafts, relationships = self.pending, self.relationships
        self.pending, self.relationships = [], []
        for draft in drafts:
            self.emit_person(draft)
        for a, b, kind, since, pr in relationships:
            self.buffers.add_row(
                Relationship,
                id=new_uuid(self.rng),
                from_person_id=a.person.id,
                to_person_id=b.person.id,
                kind=kind,
                valid_from=since,
                has_parental_responsibility=pr,
            )
        for draft in drafts:
            if draft.person.date_of_birth is not None and self.chance(DUPLICATE_RATE):
                self.plant_duplicate(draft)

    def emit_person(self, draft: Draft) -> None:
        person = draft.person
        self.buffers.add(person)
        rows = [("legal", person.given_name, person.family_name, None, None), *draft.names]
        for kind, given, family, valid_from, valid_to in rows:
            self.buffers.add_row(
                PersonName,
                id=new_uuid(self.rng),
                person_id=person.id,
                kind=kind,
                given_name=given,
                family_name=family,
                valid_from=valid_from,
                valid_to=valid_to,
                given_name_key=_cached_key(given),
                family_name_key=_cached_key(family),
            )
        for line in draft.addresses:
            self.buffers.add_row(
                Address,
                id=new_uuid(self.rng),
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

    # ----- planted duplicates --------------------------------------------------------------

    def plant_duplicate(self, original: Draft) -> None:
        """A second record of the same person, keyed in again with realistic differences."""
        rng = self.rng
        src = original.person
        given, middle, family, dob = (
            src.given_name,
            src.middle_names,
            src.family_name,
            src.date_of_birth,
        )
        options: dict[str, list[str]] = {"given": [], "family": [], "date": []}
        options["given"].append("typo_in_given_name")
        if short_forms(original.given, given):
            options["given"].append("nickname")
        if original.given and len(original.given.spellings) > 1:
            options["given"].append("transliteration_variant")
        if middle and original.given and original.given.usual == "Mohammed":
            options["given"] += ["middle_name_as_first_name"] * 3
        options["family"].append("typo_in_family_name")
        if original.family and len(original.family.spellings) > 1:
            options["family"].append("family_name_spelling_variant")
        adult_woman = src.sex == "F" and age_in_years(dob, REFERENCE_DATE) >= 18
        if adult_woman or original.step_family_name:
            options["family"] += ["new_family_name"] * 2
        if dob.day <= 12 and dob.day != dob.month:
            options["date"].append("day_month_swapped")
        groups = [g for g, ops in options.items() if ops]
        how_many = min(len(groups), rng.choices((1, 2, 3), weights=(55, 35, 10))[0])
        variations = [rng.choice(options[g]) for g in rng.sample(groups, how_many)]

        for variation in variations:
            if variation == "typo_in_given_name":
                given = typo(given, rng)
            elif variation == "nickname":
                given = rng.choice(short_forms(original.given, given))
            elif variation == "transliteration_variant":
                given = rng.choice([s for s in original.given.spellings if s != given])
            elif variation == "middle_name_as_first_name":
                given, middle = middle.split()[0], ""
            elif variation == "typo_in_family_name":
                family = typo(family, rng)
            elif variation == "family_name_spelling_variant":
                spellings = [s for s in original.family.spellings if s != family]
                if not spellings:
                    family = typo(family, rng)
                    variation = "typo_in_family_name"
                else:
                    family = rng.choice(spellings)
            elif variation == "new_family_name":
                if original.step_family_name and original.step_family_name != family:
                    family = original.step_family_name
                else:
                    community = COMMUNITIES[original.community]
                    for _ in range(10):
                        candidate = self.womans_name(community, self.family_name(community))[1]
                        if candidate != family:
                            family = candidate
                            break
                    else:
                        family = typo(family, rng)
            elif variation == "day_month_swapped":
                dob = date(dob.year, dob.day, dob.month)
        variations = list(dict.fromkeys(variations))

        nhs = src.nhs_number
        if nhs and self.chance(0.55):
            nhs = ""
            variations.append("missing_nhs_number")
        upn_value = src.upn
        if upn_value and self.chance(0.7):
            upn_value = ""
            variations.append("missing_upn")
        ethnicity = src.ethnicity
        if ethnicity != "NOBT" and self.chance(0.15):
            ethnicity = "NOBT"
            variations.append("ethnicity_not_recorded")
        current = original.addresses[0] if original.addresses else None
        address = current
        if current and self.chance(0.35):
            older = [
                a
                for a in original.addresses[1:]
                if (a.line_1, a.postcode) != (current.line_1, current.postcode)
            ]
            if older:
                address = older[0]
            else:
                start = current.valid_from - timedelta(days=rng.randint(YEAR, 5 * YEAR))
                address = self.address_in(None, max(start, dob), current.valid_from)
            if (address.line_1, address.postcode) != (current.line_1, current.postcode):
                variations.append("older_address")
            else:
                address = current

        duplicate = Person(
            id=new_uuid(rng),
            given_name=given,
            middle_names=middle,
            family_name=family,
            date_of_birth=dob,
            sex=src.sex,
            ethnicity=ethnicity,
            first_language=src.first_language,
            disabilities=[],
            nhs_number=nhs,
            upn=upn_value,
            immigration_status=src.immigration_status,
            unaccompanied_asylum_seeking=src.unaccompanied_asylum_seeking,
            estimated_age_years=src.estimated_age_years,
        )
        addresses = []
        if address:
            addresses = [
                AddressLine(
                    address.line_1,
                    address.line_2,
                    address.postcode,
                    address.ward,
                    address.lsoa,
                    address.valid_from,
                    None,
                )
            ]
        self.emit_person(
            Draft(
                person=duplicate,
                community=original.community,
                given=None,
                family=None,
                addresses=addresses,
            )
        )
        self.buffers.add_row(
            PlantedDuplicate, original_id=src.id, duplicate_id=duplicate.id, variations=variations
        )
        self.stats["planted_duplicates"] += 1
