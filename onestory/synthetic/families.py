"""Households: who lives together, how they are related, where they live and go to school.

Family shapes, sizes and ages are hand-set approximations (unverified) chosen to look like a
town such as Luton: two-parent families, lone parents (mostly mothers), step-families with
half-siblings, grandparents living in, kinship carers, and foster carers looking after young
people who came to the UK alone.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from onestory.people.models import Person
from onestory.people.rules import age_in_years, relationship_label_for

from .communities import (
    COMMUNITIES,
    MIXED_CODES,
    STRUCTURES,
    UASC_ORIGINS,
    WARD_PROFILES,
    Community,
)
from .drafts import REFERENCE_DATE, YEAR, AddressLine, Draft, HouseholdInfo, brief
from .identifiers import new_uuid, upn
from .names import Name, feminine_polish
from .reference import agency_specs

# "A few" unborn children known before birth (hand-set), spread over the town's households.
UNBORN_AT_SCALE_1 = 80
CHILD_DEATH_RATE = 0.0001
GRANDPARENT_DEATH_RATE = 0.004
# Young adults this old or younger went to school since UPNs began (1999) and keep theirs.
UPN_YOUNG_ADULTS_UP_TO = 25


def _reception_year(born: date) -> int:
    """Reception starts in the September after a child turns four."""
    return born.year + (4 if born.month < 9 else 5)


# Unaccompanied asylum-seeking children at scale 1 (hand-set; unverified for Luton).
UASC_AT_SCALE_1 = 35
# Young people who came alone, were looked after and have turned 18 since the front door's
# history began (April 2021): as many a year as come now (UASC_AT_SCALE_1 over the two years or
# so they are looked after) over the five and a half years, sharing houses in the town.
FORMER_UASC_AT_SCALE_1 = 95
FORMER_UASC_SINCE = date(2021, 4, 1)  # contacts.HISTORY_START

# Older brothers and sisters who have grown up (18 to 23) and still live in the town: the
# children of the history's earlier years (the front door's history and the episodes open when
# it began), so that every year's child population (0 to 17 on 30 June) is about today's.
# The chances are hand-set to give about as many young adults of each age as children.
GROWN_UP_TO = int(23.5 * YEAR)  # under 18 when the history's earliest open episodes began
GROWN_CHANCE = 0.64  # a household's children have a grown-up brother or sister at home
SECOND_GROWN_CHANCE = 0.25  # ...and a second


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


# How an adult who lives with the children is described to the front door, best first.
RELATION_RANK = {"parent": 0, "step_parent": 1, "grandparent": 2, "carer": 3, "foster_carer": 3}


@dataclass(eq=False)
class Plan:
    """What the people of one household share while it is being made."""

    ward: str
    community: Community
    structure: str
    ages: list[int]  # the children's ages in days at the reference date, oldest first
    mother_age: int
    father_age: int
    code: str  # the household's DfE ethnicity code
    heritage: str | None  # the household's language other than English, if any
    other: Community  # the other parent's community (the same unless a mixed couple)
    child_code: str
    members: list[Draft] = field(default_factory=list)
    elsewhere: list[Draft] = field(default_factory=list)  # parents who live somewhere else
    kids: list[Draft] = field(default_factory=list)
    grown: list[Draft] = field(default_factory=list)  # grown-up brothers and sisters (18 to 23)
    parents: dict[str, Draft] = field(default_factory=dict)
    carer_label: str = "Mother"
    adult_languages: list[str] = field(default_factory=list)

    @property
    def oldest(self) -> int:
        return self.ages[0]


class FamilyMaker:
    """Mixed into the town generator: uses its random generator, name lists and buffers."""

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
        youngest = self.rng.randrange(1, 18 * YEAR - 10 - sum(gaps))  # born before today
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

    # ----- one household ---------------------------------------------------------------------

    def household(self, spec, remaining: int) -> int:
        """One household with children in this ward; returns how many children it has."""
        plan = self.plan(spec, remaining)
        self.pending, self.relationships = [], []
        moved_in = self.days_ago(
            self.rng.randint(30, max(31, min(15 * YEAR, plan.mother_age - 18 * YEAR)))
        )
        history = self.address_history(spec.code, moved_in)
        {
            "two_parent": self.two_parents,
            "multi_generational": self.two_parents_or_mother,
            "lone_mother": self.lone_mother,
            "lone_father": self.lone_father,
            "step_family": self.step_family,
            "kinship": self.kinship,
        }[plan.structure](plan)
        if plan.structure == "multi_generational":
            self.add_grandparents(plan)
        self.grown_children(plan)
        mother_young_enough = plan.mother_age - plan.ages[-1] < 42 * YEAR
        # Not expecting again within a year of the youngest's birth (hand-set).
        youngest_old_enough = not plan.ages or plan.ages[-1] >= YEAR
        if (
            "mother" in plan.parents
            and mother_young_enough
            and youngest_old_enough
            and self.chance(self.unborn_chance())
        ):
            self.add_unborn(plan)
        self.finish(plan, history)
        return sum(1 for k in plan.kids if k.person.date_of_birth is not None)

    def unborn_chance(self) -> float:
        """Chance this household is expecting, so that the town ends with the unborn wanted.

        About two children a household and seven households in ten with a mother young enough.
        """
        wanted = self.unborn_wanted - self.stats["unborn"]
        households_left = max(1.0, self.children_left / 2.0 * 0.7)
        return max(0.0, min(1.0, wanted / households_left))

    def plan(self, spec, remaining: int) -> Plan:
        rng = self.rng
        community = self.community_for(spec.profile)
        structure = rng.choices(STRUCTURES, weights=community.structures)[0]
        ages = self.child_ages(self.children_count(community, remaining))
        lone = 2 if "lone" in structure else 0
        first_birth = int(min(42, max(16, rng.gauss(community.first_birth_age - lone, 5))) * YEAR)
        # No mother here had her youngest child after 46.
        first_birth = min(first_birth, ages[-1] + 46 * YEAR - ages[0])
        mother_age = ages[0] + max(first_birth, 16 * YEAR)
        code = self.weighted(community.ethnicity)
        heritage = (
            self.weighted(community.heritage_languages) if community.heritage_languages else None
        )
        other = community
        if structure in ("two_parent", "multi_generational") and self.chance(
            community.mixed_couple
        ):
            other = COMMUNITIES[self.weighted(community.partner_communities)]
        child_code = code
        if other is not community:
            child_code = MIXED_CODES.get(frozenset({community.key, other.key}), "MOTH")
        father_age = mother_age + int(max(-3, min(15, rng.gauss(2.5, 3.5))) * YEAR)
        return Plan(
            ward=spec.code,
            community=community,
            structure=structure,
            ages=ages,
            mother_age=mother_age,
            father_age=max(father_age, ages[0] + 17 * YEAR),
            code=code,
            heritage=heritage,
            other=other,
            child_code=child_code,
        )

    def language(self, plan: Plan, *, child: bool) -> str:
        if child and plan.adult_languages and set(plan.adult_languages) == {"English"}:
            return "English"  # parents whose first language is English raise English speakers
        community = plan.community
        english = community.child_english if child else community.adult_english
        chosen = "English" if plan.heritage is None or self.chance(english) else plan.heritage
        if not child:
            plan.adult_languages.append(chosen)
        return chosen

    def children(self, plan: Plan, ages: list[int], family, community=None) -> list[Draft]:
        community = community or plan.community
        kids = []
        for age in ages:
            sex = "M" if self.chance(0.51) else "F"
            kids.append(
                self.new_person(
                    community,
                    sex,
                    dob=self.days_ago(age),
                    child=True,
                    ethnicity=plan.child_code,
                    family=family if sex == "M" else self.womans_name(community, family),
                    language=self.language(plan, child=True),
                )
            )
        plan.kids += kids
        return kids

    def adult(self, plan: Plan, sex: str, age_days: int, family, community=None) -> Draft:
        community = community or plan.community
        own = community is plan.community
        return self.new_person(
            community,
            sex,
            dob=self.adult_dob(age_days),
            family=family,
            child=False,
            ethnicity=plan.code if own else self.weighted(community.ethnicity),
            language=self.language(plan, child=False) if own else "English",
        )

    def mother(self, plan: Plan, children_family, *, married: bool) -> Draft:
        """The children's mother, with her maiden name on record if she took her husband's."""
        community = plan.community
        maiden = self.womans_name(community, self.family_name(community))
        current, previous = maiden, None
        if married and self.chance(community.takes_husbands_name):
            current, previous = self.womans_name(community, children_family), maiden
        elif self.chance(community.womens_family_name):
            current = self.bank.womens_family(community.given_names, self.rng) or maiden
        mum = self.adult(plan, "F", plan.mother_age, current)
        if previous and previous[1] != current[1]:
            married_on = self.days_ago(plan.oldest + self.rng.randint(0, 5 * YEAR))
            mum.names.append(("previous", mum.person.given_name, previous[1], None, married_on))
        return mum

    def parent_of(self, parent: Draft, kids: list[Draft], *, pr: bool | None = None) -> None:
        """Parental responsibility for every child, unless `pr` says otherwise (None: by chance)."""
        for kid in kids:
            has_pr = self.chance(0.6) if pr is None else pr
            self.relate(parent, kid, "parent", kid.person.date_of_birth, has_pr)

    # ----- family shapes ---------------------------------------------------------------------

    def two_parents(self, plan: Plan) -> None:
        family = self.family_name(plan.other)
        father = self.adult(plan, "M", plan.father_age, family, plan.other)
        mother = self.mother(plan, family, married=True)
        kids = self.children(plan, plan.ages, family, plan.other)
        self.parent_of(mother, kids, pr=True)
        self.parent_of(father, kids, pr=True)
        since = self.days_ago(plan.oldest + self.rng.randint(0, 5 * YEAR))
        self.relate(father, mother, "partner", since)
        self.siblings(kids)
        plan.members += [mother, father, *kids]
        plan.parents = {"mother": mother, "father": father}

    def two_parents_or_mother(self, plan: Plan) -> None:
        """Grandparents live with a couple, or sometimes with a lone mother."""
        if self.chance(0.25):
            self.lone_mother(plan)
        else:
            self.two_parents(plan)

    def lone_mother(self, plan: Plan) -> None:
        community = plan.community
        fathers_family = self.family_name(community)
        family = fathers_family if self.chance(0.55) else None
        married = family is not None and self.chance(0.4)
        mother = self.mother(plan, family or fathers_family, married=married)
        if family is None and self.is_womens_name(community, mother.family):
            family = fathers_family  # children are not given Begum or Kaur as a family name
        if family is None:
            # The children have their mother's family name (in its masculine form for boys).
            masculine = community.feminine_family_names and mother.family
            family = (
                mother.family,
                mother.family.usual if masculine else mother.person.family_name,
            )
        kids = self.children(plan, plan.ages, family)
        self.parent_of(mother, kids, pr=True)
        if self.chance(0.45):
            father = self.adult(plan, "M", plan.father_age, fathers_family)
            plan.elsewhere.append(father)
            self.parent_of(father, kids)
        self.siblings(kids)
        plan.members += [mother, *kids]
        plan.parents = {"mother": mother}

    def lone_father(self, plan: Plan) -> None:
        community = plan.community
        family = self.family_name(community)
        father = self.adult(plan, "M", plan.father_age, family)
        kids = self.children(plan, plan.ages, family)
        self.parent_of(father, kids, pr=True)
        if self.chance(0.5):
            maiden = self.womans_name(community, self.family_name(community))
            mother = self.adult(plan, "F", plan.mother_age, maiden)
            plan.elsewhere.append(mother)
            self.parent_of(mother, kids, pr=True)
        self.siblings(kids)
        plan.members += [father, *kids]
        plan.parents = {"father": father}
        plan.carer_label = "Father"

    def step_family(self, plan: Plan) -> None:
        """A mother, her children by an earlier partner, her new partner and their children."""
        rng, community, ages = self.rng, plan.community, plan.ages
        n = len(ages)
        older_count = rng.randint(1, n - 1) if n > 1 else 1
        first_family = self.family_name(community)
        step_family = self.family_name(community)
        mother = self.mother(plan, step_family, married=True)
        if mother.names and self.chance(0.5):
            # She took her first husband's name too: it is on record as an earlier name.
            mother.names.append(
                (
                    "previous",
                    mother.person.given_name,
                    self.womans_name(community, first_family)[1],
                    None,
                    self.days_ago(ages[older_count]) if older_count < n else None,
                )
            )
        stepdad = self.adult(plan, "M", plan.father_age, step_family)
        older = self.children(plan, ages[:older_count], first_family)
        younger = self.children(plan, ages[older_count:], step_family)
        self.parent_of(mother, older + younger, pr=True)
        together = self.days_ago(
            ages[older_count] + rng.randint(0, 3 * YEAR) if younger else rng.randint(YEAR, 6 * YEAR)
        )
        for kid in older:
            since = max(together, kid.person.date_of_birth)
            self.relate(stepdad, kid, "step_parent", since, self.chance(0.15))
            kid.step_family_name = stepdad.person.family_name
            if self.chance(0.10):
                alias = ("alias", kid.person.given_name, stepdad.person.family_name, together, None)
                kid.names.append(alias)
        self.parent_of(stepdad, younger, pr=True)
        self.relate(stepdad, mother, "partner", together)
        self.siblings(older)
        self.siblings(younger)
        for a in older:
            for b in younger:
                self.relate(a, b, "half_sibling", b.person.date_of_birth)
        if self.chance(0.6):
            age = max(plan.oldest + 17 * YEAR, plan.father_age + rng.randint(-2 * YEAR, 4 * YEAR))
            dad = self.adult(plan, "M", age, first_family)
            plan.elsewhere.append(dad)
            self.parent_of(dad, older, pr=True)
        plan.members += [mother, stepdad, *older, *younger]
        plan.parents = {"mother": mother, "father": stepdad}

    def kinship(self, plan: Plan) -> None:
        """Children living with their grandmother or an aunt; their mother often on record."""
        rng, community = self.rng, plan.community
        family = self.family_name(community)
        mothers_maiden = self.womans_name(community, self.family_name(community))
        kids = self.children(plan, plan.ages, family)
        grandmother = self.chance(0.6)
        carer_age = plan.mother_age + (
            rng.randint(19 * YEAR, 30 * YEAR) if grandmother else rng.randint(-6 * YEAR, 6 * YEAR)
        )
        carer = self.adult(plan, "F", carer_age, mothers_maiden)
        youngest = plan.ages[-1]
        since = self.days_ago(
            rng.randint(60, min(youngest + 30, 10 * YEAR) if youngest > 60 else 61)
        )
        # Half the kinship carers hold a special guardianship or child arrangements order.
        order = self.chance(0.5)
        for kid in kids:
            self.relate(carer, kid, "carer", max(since, kid.person.date_of_birth), order)
            if grandmother:
                self.relate(carer, kid, "grandparent", kid.person.date_of_birth)
        plan.members += [carer, *kids]
        if self.chance(0.4):
            partner = self.adult(plan, "M", carer_age + 2 * YEAR, self.family_name(community))
            together = self.days_ago(max(YEAR, carer_age - 22 * YEAR))
            self.relate(partner, carer, "partner", together)
            for kid in kids:
                self.relate(partner, kid, "carer", max(since, kid.person.date_of_birth), False)
            plan.members.append(partner)
        if self.chance(0.75):
            mother = self.adult(
                plan, "F", plan.mother_age, family if self.chance(0.5) else mothers_maiden
            )
            plan.elsewhere.append(mother)
            self.parent_of(mother, kids, pr=True)
            if grandmother:
                self.relate(carer, mother, "parent", mother.person.date_of_birth)
        self.siblings(kids)
        plan.carer_label = "Grandmother" if grandmother else "Aunt"

    def grown_children(self, plan: Plan) -> None:
        """Older brothers and sisters of the household's children who have grown up (18 to 23)
        and live here still: their parents are the eldest child's, and they were children here
        during the history."""
        if plan.structure == "kinship" or not plan.kids:
            return
        eldest = plan.kids[0]
        parents = [
            (a, kind, since)
            for a, b, kind, since, _ in self.relationships
            if b is eldest and kind in ("parent", "step_parent")
        ]
        youngest_parent = min(
            (
                (REFERENCE_DATE - a.person.date_of_birth).days
                for a, kind, _ in parents
                if kind == "parent" and a.person.date_of_birth
            ),
            default=plan.mother_age,
        )
        ages, older = [], plan.oldest
        for chance in (GROWN_CHANCE, SECOND_GROWN_CHANCE):
            lo = max(18 * YEAR + 1, older + 300)
            hi = min(GROWN_UP_TO, youngest_parent - 17 * YEAR, older + 12 * YEAR)
            if lo >= hi or not self.chance(chance):
                break
            older = self.rng.randint(lo, hi)
            ages.append(older)
        if not ages:
            return
        community = COMMUNITIES[eldest.community]
        family = (eldest.family, eldest.person.family_name)
        kinds = {}  # each child -> how they are related to the eldest
        for a, b, kind, _, _ in self.relationships:
            if kind in ("sibling", "half_sibling") and eldest in (a, b):
                kinds[b if a is eldest else a] = kind
        grown = []
        for age in sorted(ages, reverse=True):
            sex = "M" if self.chance(0.51) else "F"
            draft = self.new_person(
                community,
                sex,
                dob=self.days_ago(age),
                child=False,
                ethnicity=plan.child_code,
                family=family if sex == "M" else self.womans_name(community, family),
                language=self.language(plan, child=True),
            )
            born = draft.person.date_of_birth
            for parent, kind, since in parents:
                # A parent since their birth, a step-parent since they came together (no
                # parental responsibility for an adult: it ends at 18).
                together = max(since, born) if since and kind == "step_parent" else born
                self.relate(parent, draft, kind, together, False)
            for other in grown:
                self.relate(other, draft, "sibling", born)
            for kid in plan.kids:
                kind = "sibling" if kid is eldest else kinds.get(kid, "sibling")
                self.relate(draft, kid, kind, kid.person.date_of_birth)
            grown.append(draft)
        plan.grown = grown
        plan.members += grown

    def former_uasc_household(self, ward: str, wanted: int) -> None:
        """Young people who came to the UK alone, were looked after until 18 and now share a
        house (supported lodgings, hand-set): one to three of them."""
        rng = self.rng
        self.pending, self.relationships = [], []
        young_people, arrivals = [], {}
        for _ in range(min(wanted, rng.choice((1, 1, 2, 3)))):
            eighteenth = FORMER_UASC_SINCE + timedelta(
                days=rng.randint(0, (REFERENCE_DATE - FORMER_UASC_SINCE).days - 10)
            )
            born = date(eighteenth.year - 18, eighteenth.month, min(eighteenth.day, 28))
            arrived = born + timedelta(days=rng.randint(int(14.5 * YEAR), int(17.8 * YEAR)))
            yp = self.young_person_who_came_alone(born, arrived, ward)
            young_people.append(yp)
            arrivals[yp.person.id] = arrived
        moved_in = max(self.eighteenth(yp) for yp in young_people)
        line = self.address_in(ward, moved_in, None)
        for yp in young_people:
            yp.addresses = [line]
        household_id = self.emit_household(young_people, [], moved_in)
        self.households.append(
            HouseholdInfo(
                id=household_id,
                ward=ward,
                structure="shared",
                uasc=True,
                children=[],
                carers=[],
                carer_label="Young person",
                people={yp.person.id: brief(yp) for yp in young_people},
                grown=[(yp.person.id, yp.person.date_of_birth, None, False) for yp in young_people],
                arrived=arrivals,
            )
        )
        self.stats["former_uasc"] += len(young_people)
        self.emit_pending()

    @staticmethod
    def eighteenth(draft: Draft) -> date:
        born = draft.person.date_of_birth
        return date(born.year + 18, born.month, min(born.day, 28))

    def young_person_who_came_alone(
        self, born: date, arrived: date, ward: str, *, estimated: bool = False
    ) -> Draft:
        rng = self.rng
        origin = self.weighted({k: v[0] for k, v in UASC_ORIGINS.items()})
        _, ethnicity, languages = UASC_ORIGINS[origin]
        sex = "M" if self.chance(0.9) else "F"
        sex_word = "male" if sex == "M" else "female"
        given = self.bank.section("uasc", f"{origin}_{sex_word}").pick_spelling(rng)
        surname = self.bank.section("uasc", f"{origin}_family").pick_spelling(rng)
        yp = self.new_person(
            COMMUNITIES["middle_eastern"],
            sex,
            dob=born,
            family=surname,
            child=born > REFERENCE_DATE - timedelta(days=18 * YEAR),
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
            yp.person.estimated_age_years = age_in_years(born, REFERENCE_DATE)
        if age_in_years(born, arrived) < 16:
            # Of compulsory school age: a school place, and its UPN, soon after arriving
            # (those of 16 and 17 go to college, which issues none).
            school = self.schools.pick(ward, "secondary", rng)
            yp.person.upn = self.schools.next_upn(school, arrived.year)
        return yp

    # ----- finishing a household ---------------------------------------------------------------

    def finish(self, plan: Plan, history: list[AddressLine]) -> None:
        """Addresses, schools and deaths; then the household is written out."""
        # Everyone who lives here shares the address history, from when they were born.
        for draft in plan.members:
            draft.addresses = self.addresses_for(draft, history)
        for draft in plan.elsewhere:
            # Parents who live elsewhere: their own address now, and often the family's old one.
            start = self.days_ago(self.rng.randint(30, 4 * YEAR))
            own = [self.address_in(None, start, None)]
            # (The family's old address only if they left it before moving to their own.)
            if len(history) > 1 and self.chance(0.5) and history[1].valid_from < start:
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
        self.assign_schools(plan.kids, plan.ward, plan.members)
        self.deaths(plan.kids, plan.members, since=history[0].valid_from)
        household_id = self.emit_household(plan.members, plan.kids, history[0].valid_from)
        kids = set(plan.kids)
        grown = set(plan.grown)
        relations = self.relations_to_children(kids)
        self.households.append(
            HouseholdInfo(
                id=household_id,
                ward=plan.ward,
                structure=plan.structure,
                children=[
                    (k.person.id, k.person.date_of_birth, k.school, k.person.date_of_birth is None)
                    for k in plan.kids
                ],
                carers=[m.person.id for m in plan.members if m not in kids and m not in grown],
                carer_label=plan.carer_label,
                people={m.person.id: brief(m, relations.get(m, "")) for m in plan.members},
                grown=[(g.person.id, g.person.date_of_birth, None, False) for g in plan.grown],
            )
        )
        self.emit_pending()

    def relations_to_children(self, kids: set[Draft]) -> dict[Draft, str]:
        """What each adult of the household being made is to its children: "Mother", ..."""
        best: dict[Draft, tuple[int, str]] = {}
        for a, b, kind, _, _ in self.relationships:
            rank = RELATION_RANK.get(kind)
            if rank is None or b not in kids or a in kids:
                continue
            if a not in best or rank < best[a][0]:
                label = relationship_label_for(
                    kind, seen_from_subject=False, other_sex=a.person.sex
                )
                best[a] = (rank, "Kinship carer" if label == "Carer" else label)
        return {adult: label for adult, (_, label) in best.items()}

    def add_grandparents(self, plan: Plan) -> None:
        """One or two grandparents living in: the father's parents in South Asian families."""
        community, parents = plan.community, plan.parents
        paternal = "father" in parents and (
            community.key in ("pakistani", "bangladeshi", "indian") or "mother" not in parents
        )
        parent = parents.get("father") if paternal else parents.get("mother")
        if parent is None:
            return
        parent_age = (REFERENCE_DATE - parent.person.date_of_birth).days
        gran_age = parent_age + self.rng.randint(20 * YEAR, 34 * YEAR)
        family = (
            (parent.family, parent.person.family_name) if paternal else self.family_name(community)
        )
        grandparents = [self.adult(plan, "F", gran_age, self.womans_name(community, family))]
        if self.chance(0.6):
            grandparents.append(self.adult(plan, "M", gran_age + 3 * YEAR, family))
            married = parent.person.date_of_birth - timedelta(days=self.rng.randint(YEAR, 6 * YEAR))
            self.relate(grandparents[1], grandparents[0], "partner", married)
        for grandparent in grandparents:
            self.relate(grandparent, parent, "parent", parent.person.date_of_birth)
            for kid in plan.kids:
                self.relate(grandparent, kid, "grandparent", kid.person.date_of_birth)
        plan.members.extend(grandparents)

    def add_unborn(self, plan: Plan) -> None:
        """An unborn baby: an expected date of birth, no date of birth, no name yet."""
        mother, kids = plan.parents["mother"], plan.kids
        due = REFERENCE_DATE + timedelta(days=self.rng.randint(7, 170))
        source = kids[-1] if kids else mother
        baby = Draft(
            person=Person(
                id=new_uuid(self.rng),
                given_name="Unborn",
                family_name=source.person.family_name,
                expected_date_of_birth=due,
                sex="U",
                ethnicity=plan.child_code,
                first_language=self.language(plan, child=True),
                disabilities=[],
            ),
            community=mother.community,
            given=None,
            family=source.family,
        )
        self.pending.append(baby)
        self.stats["unborn"] += 1
        self.relate(mother, baby, "parent", None, True)
        if "father" in plan.parents and self.chance(0.85):
            self.relate(plan.parents["father"], baby, "parent", None, True)
        for kid in kids:
            self.relate(kid, baby, "sibling", None)
        kids.append(baby)
        plan.members.append(baby)

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

    def assign_schools(self, kids: list[Draft], ward: str, members: list[Draft] = ()) -> None:
        """UPNs for children of 5 and over, issued by a primary school in the ward when they
        started school; a UPN is for life, so the household's young adults who went to school
        here have theirs too (the returns need it for a care leaver looked after at 17)."""
        primary = self.schools.pick(ward, "primary", self.rng)
        secondary = self.schools.pick(ward, "secondary", self.rng)
        for kid in kids:
            born = kid.person.date_of_birth
            if born is None:
                continue
            age = age_in_years(born, REFERENCE_DATE)
            if age >= 5:
                kid.person.upn = self.schools.next_upn(primary, _reception_year(born))
            if 4 <= age <= 17:
                needs_special = set(kid.person.disabilities) & {"LD", "AUT", "PC"}
                if needs_special and self.chance(0.3):
                    kid.school = self.rng.choice(self.schools.all["special"])["name"]
                else:
                    kid.school = (primary if age <= 10 else secondary)["name"]

        for adult in members:
            born = adult.person.date_of_birth
            if adult in kids or adult.person.upn or born is None:
                continue
            if 18 <= age_in_years(born, REFERENCE_DATE) <= UPN_YOUNG_ADULTS_UP_TO:
                adult.person.upn = self.schools.next_upn(primary, _reception_year(born))

    def deaths(self, kids: list[Draft], members: list[Draft], *, since: date) -> None:
        """A few deaths, each while the person lived in the household (moved in on `since`)."""
        for kid in kids:
            born = kid.person.date_of_birth
            if born and self.chance(CHILD_DEATH_RATE):
                lived_here = max(born, since)
                kid.person.date_of_death = lived_here + timedelta(
                    days=self.rng.randint(0, max(0, (REFERENCE_DATE - lived_here).days - 1))
                )
                self.stats["deaths"] += 1
        for adult in members:
            if adult in kids:
                continue
            age = age_in_years(adult.person.date_of_birth, REFERENCE_DATE)
            if age >= 55 and self.chance(GRANDPARENT_DEATH_RATE):
                died = self.days_ago(self.rng.randint(10, 2 * YEAR))
                adult.person.date_of_death = min(max(died, since), REFERENCE_DATE - timedelta(1))
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
                # An age assessment gives a year; the date of birth is then recorded as 1 January
                # (of the year that makes them `years` old on the reference date, 1 November).
                dob = date(REFERENCE_DATE.year - years, 1, 1)
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
            if years < 16:
                # Of compulsory school age: a school place, and its UPN, soon after arriving
                # (those of 16 and 17 go to college, which issues none).
                school = self.schools.pick(ward, "secondary", rng)
                yp.person.upn = self.schools.next_upn(school, arrived.year)
            for carer in carers:
                self.relate(carer, yp, "foster_carer", arrived, False)
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
                people={
                    **{c.person.id: brief(c, "Foster carer") for c in carers},
                    **{yp.person.id: brief(yp) for yp in young_people},
                },
            )
        )
        self.emit_pending()
