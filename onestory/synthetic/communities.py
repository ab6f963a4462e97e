"""The communities of the synthetic town: how big each is, its names, languages and family shapes.

Shares follow the 2021 census for Luton only roughly (White British about 31%, Pakistani 23%,
other White 11%, Bangladeshi 6%, Indian 5%, Black African 7%, Caribbean 3%, mixed 5%, other 9%);
family shapes and sizes are hand-set approximations (unverified), with larger families more
common in Pakistani, Bangladeshi and Somali households, so that children skew more South Asian
than adults, as they do in Luton.
"""

from dataclasses import dataclass, field

from faker.providers.person.en_GB import Provider as FakerEnGb

from .names import Name, NameList, read_file

STRUCTURES = (
    "two_parent",
    "lone_mother",
    "lone_father",
    "step_family",
    "multi_generational",
    "kinship",
)

# Children in a household with children: 1, 2, 3, 4, 5, 6 or more.
SMALLER_FAMILIES = (44, 37, 13, 4, 1.5, 0.5)
MIDDLING_FAMILIES = (32, 33, 20, 10, 3.5, 1.5)
LARGER_FAMILIES = (22, 27, 23, 15, 8, 5)


@dataclass(frozen=True)
class Community:
    key: str
    share: float  # of adults, in per cent
    ethnicity: dict[str, float]  # DfE code -> weight
    given_names: str  # names file for given names
    family_names: tuple[tuple[str, float], ...]  # (names file, weight)
    heritage_languages: dict[str, float]  # languages other than English -> weight
    adult_english: float  # chance an adult's first language is English
    child_english: float
    children: tuple[float, ...] = SMALLER_FAMILIES
    structures: tuple[float, ...] = (54, 26, 3, 12, 2, 3)
    first_birth_age: float = 27.0
    middle_name: float = 0.15
    # Chance a married woman's family name is her husband's; else a women's family name (Begum,
    # Kaur) where the community has them, else her own.
    takes_husbands_name: float = 0.65
    womens_family_name: float = 0.0
    # Chance a boy's first name is Muhammad and he goes by his middle name.
    muhammad_first: float = 0.0
    feminine_family_names: bool = False
    # Chance the other parent of a couple's children comes from another community.
    mixed_couple: float = 0.0
    partner_communities: dict[str, float] = field(default_factory=dict)


COMMUNITIES: dict[str, Community] = {
    c.key: c
    for c in [
        Community(
            "british",
            33,
            {"WBRI": 96, "WIRI": 3, "WIRT": 1},
            "british",
            (("british", 1),),
            {},
            1.0,
            1.0,
            SMALLER_FAMILIES,
            (54, 26, 3, 12, 2, 3),
            27.5,
            middle_name=0.65,
            mixed_couple=0.08,
            partner_communities={
                "caribbean": 4,
                "black_african": 2,
                "pakistani": 1,
                "indian": 1,
                "polish": 1,
                "mixed": 3,
            },
        ),
        Community(
            "pakistani",
            21,
            {"APKN": 100},
            "pakistani",
            (("pakistani", 1),),
            {"Urdu": 55, "Punjabi": 35, "Pahari (Mirpuri)": 10},
            0.30,
            0.55,
            LARGER_FAMILIES,
            (70, 10, 1, 3, 15, 1),
            24.0,
            middle_name=0.15,
            takes_husbands_name=0.40,
            womens_family_name=0.35,
            muhammad_first=0.22,
            mixed_couple=0.02,
            partner_communities={"british": 1, "bangladeshi": 1, "indian": 1},
        ),
        Community(
            "polish",
            6,
            {"WOTH": 100},
            "polish",
            (("polish", 1),),
            {"Polish": 100},
            0.05,
            0.35,
            SMALLER_FAMILIES,
            (70, 17, 2, 7, 3, 1),
            27.0,
            middle_name=0.10,
            takes_husbands_name=0.85,
            feminine_family_names=True,
            mixed_couple=0.06,
            partner_communities={"british": 3, "romanian": 1},
        ),
        Community(
            "romanian",
            5,
            {"WOTH": 88, "WROM": 12},
            "romanian",
            (("romanian", 1),),
            {"Romanian": 90, "Romany": 10},
            0.05,
            0.20,
            MIDDLING_FAMILIES,
            (70, 17, 2, 7, 3, 1),
            23.5,
            middle_name=0.10,
            takes_husbands_name=0.80,
            mixed_couple=0.04,
            partner_communities={"british": 1, "polish": 1},
        ),
        Community(
            "bangladeshi",
            6,
            {"ABAN": 100},
            "bangladeshi",
            (("bangladeshi", 1),),
            {"Bengali (Sylheti)": 70, "Bengali": 30},
            0.25,
            0.50,
            LARGER_FAMILIES,
            (70, 9, 1, 3, 16, 1),
            23.0,
            middle_name=0.20,
            takes_husbands_name=0.25,
            womens_family_name=0.55,
            muhammad_first=0.25,
            mixed_couple=0.02,
            partner_communities={"pakistani": 1},
        ),
        Community(
            "indian",
            5,
            {"AIND": 100},
            "indian",
            (("indian", 1),),
            {"Punjabi": 45, "Gujarati": 40, "Hindi": 10, "Tamil": 5},
            0.25,
            0.70,
            SMALLER_FAMILIES,
            (72, 8, 1, 3, 15, 1),
            28.0,
            middle_name=0.25,
            takes_husbands_name=0.55,
            womens_family_name=0.30,
            mixed_couple=0.04,
            partner_communities={"british": 2, "pakistani": 1},
        ),
        Community(
            "black_african",
            5,
            {"BAFR": 90, "BOTH": 10},
            "black_african",
            (("black_african", 1),),
            {"Yoruba": 30, "Igbo": 15, "Twi": 20, "Shona": 20, "Lingala": 8, "French": 7},
            0.55,
            0.85,
            MIDDLING_FAMILIES,
            (52, 36, 2, 6, 2, 2),
            27.0,
            middle_name=0.55,
            takes_husbands_name=0.80,
            mixed_couple=0.06,
            partner_communities={"british": 2, "caribbean": 2},
        ),
        Community(
            "somali",
            2,
            {"BAFR": 100},
            "somali",
            (("somali", 1),),
            {"Somali": 100},
            0.15,
            0.45,
            LARGER_FAMILIES,
            (55, 38, 1, 2, 3, 1),
            23.0,
            middle_name=0.30,
            takes_husbands_name=0.0,
        ),
        Community(
            "caribbean",
            3,
            {"BCRB": 100},
            "caribbean",
            (("caribbean", 1),),
            {},
            1.0,
            1.0,
            SMALLER_FAMILIES,
            (35, 45, 3, 10, 3, 4),
            25.0,
            middle_name=0.55,
            mixed_couple=0.25,
            partner_communities={"british": 5, "black_african": 1, "mixed": 2},
        ),
        Community(
            "mixed",
            5,
            {"MWBC": 40, "MWBA": 15, "MWAS": 25, "MOTH": 20},
            "british",
            (("british", 0.7), ("caribbean", 0.3)),
            {},
            1.0,
            1.0,
            SMALLER_FAMILIES,
            (42, 38, 3, 11, 2, 4),
            25.0,
            middle_name=0.55,
            mixed_couple=0.40,
            partner_communities={"british": 3, "caribbean": 1, "black_african": 1},
        ),
        Community(
            "middle_eastern",
            6,
            {"AOTH": 40, "OOTH": 60},
            "middle_eastern",
            (("middle_eastern", 1),),
            {"Arabic": 40, "Kurdish": 25, "Pashto": 12, "Dari": 10, "Farsi": 13},
            0.10,
            0.40,
            MIDDLING_FAMILIES,
            (70, 18, 2, 3, 6, 1),
            25.0,
            middle_name=0.10,
            takes_husbands_name=0.0,
            muhammad_first=0.08,
        ),
        Community(
            "chinese",
            1,
            {"CHNE": 100},
            "chinese",
            (("chinese", 1),),
            {"Cantonese": 50, "Mandarin": 50},
            0.10,
            0.60,
            SMALLER_FAMILIES,
            (78, 12, 2, 3, 4, 1),
            30.0,
            middle_name=0.10,
            takes_husbands_name=0.20,
        ),
    ]
}

# How much more (or less) often each community lives in wards of each profile (hand-set).
WARD_PROFILES: dict[str, dict[str, float]] = {
    "south_asian": {
        "british": 0.35,
        "pakistani": 2.3,
        "polish": 0.7,
        "romanian": 0.8,
        "bangladeshi": 2.0,
        "indian": 1.0,
        "black_african": 0.6,
        "somali": 1.0,
        "caribbean": 0.5,
        "mixed": 0.6,
        "middle_eastern": 1.2,
        "chinese": 0.6,
    },
    "inner_mixed": {
        "british": 0.7,
        "pakistani": 0.9,
        "polish": 2.0,
        "romanian": 2.0,
        "bangladeshi": 1.2,
        "indian": 1.0,
        "black_african": 1.3,
        "somali": 1.5,
        "caribbean": 1.2,
        "mixed": 1.1,
        "middle_eastern": 1.3,
        "chinese": 1.5,
    },
    "outer_mixed": {
        "british": 1.3,
        "pakistani": 0.6,
        "polish": 1.0,
        "romanian": 0.9,
        "bangladeshi": 0.5,
        "indian": 0.8,
        "black_african": 1.6,
        "somali": 1.0,
        "caribbean": 1.6,
        "mixed": 1.3,
        "middle_eastern": 0.8,
        "chinese": 0.8,
    },
    "suburban": {
        "british": 1.6,
        "pakistani": 0.5,
        "polish": 0.7,
        "romanian": 0.5,
        "bangladeshi": 0.4,
        "indian": 1.5,
        "black_african": 0.7,
        "somali": 0.3,
        "caribbean": 0.9,
        "mixed": 1.0,
        "middle_eastern": 0.7,
        "chinese": 1.2,
    },
}

# The child of parents from two communities: the DfE's mixed codes.
MIXED_CODES = {
    frozenset({"british", "caribbean"}): "MWBC",
    frozenset({"british", "black_african"}): "MWBA",
    frozenset({"british", "pakistani"}): "MWAS",
    frozenset({"british", "indian"}): "MWAS",
    frozenset({"british", "bangladeshi"}): "MWAS",
}

# The workforce is more White British than the town; hand-set.
WORKFORCE_MIX = {
    "british": 55,
    "pakistani": 12,
    "indian": 8,
    "black_african": 8,
    "caribbean": 5,
    "polish": 4,
    "bangladeshi": 3,
    "mixed": 3,
    "middle_eastern": 2,
}

# Young people seeking asylum on their own, by country of origin: (weight, ethnicity, languages).
UASC_ORIGINS = {
    "afghan": (30, "AOTH", {"Pashto": 60, "Dari": 40}),
    "eritrean": (18, "BAFR", {"Tigrinya": 100}),
    "sudanese": (15, "BAFR", {"Arabic": 100}),
    "iranian": (12, "OOTH", {"Farsi": 50, "Kurdish": 50}),
    "albanian": (10, "WOTH", {"Albanian": 100}),
    "vietnamese": (8, "AOTH", {"Vietnamese": 100}),
    "syrian": (7, "OOTH", {"Arabic": 100}),
}


class NameBank:
    """Every community's name lists, built once per run."""

    def __init__(self):
        self._lists: dict[tuple[str, str], NameList] = {}

    def _list(self, stem: str, section: str) -> NameList:
        key = (stem, section)
        if key not in self._lists:
            names = read_file(stem).get(section)
            if names is None:
                raise KeyError(f"{stem}.txt has no [{section}]")
            if stem == "british" and section == "family":
                # The hand-written list first, then Faker's en_GB surnames for a long tail.
                seen = {n.usual.casefold() for n in names}
                extra = [Name((s,)) for s in FakerEnGb.last_names if s.casefold() not in seen]
                names = names + extra
            family = section.startswith("family")
            self._lists[key] = NameList(
                names, steepness=1.05 if family else 0.9, offset=2.0 if family else 4.0
            )
        return self._lists[key]

    def has(self, stem: str, section: str) -> bool:
        return section in read_file(stem)

    def given(self, stem: str, sex: str, *, young: bool, rng) -> tuple[Name, str]:
        section = "male" if sex == "M" else "female"
        if young and self.has(stem, f"{section}_young") and rng.random() < 0.85:
            section = f"{section}_young"
        return self._list(stem, section).pick_spelling(rng)

    def family(self, stem: str, rng) -> tuple[Name, str]:
        return self._list(stem, "family").pick_spelling(rng)

    def womens_family(self, stem: str, rng) -> tuple[Name, str] | None:
        if not self.has(stem, "family_female"):
            return None
        return self._list(stem, "family_female").pick_spelling(rng)

    def section(self, stem: str, section: str) -> NameList:
        return self._list(stem, section)
