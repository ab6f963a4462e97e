"""How alike a search and a person's record are: the score, the band and the evidence.

Pure Python (no Django import), so the weights can be read, tested and tuned on their own.
The database side (which records to compare) lives in `matching.py`.

The score adds up points for each piece of evidence, for and against, and is kept between 0
and 100. The points are set so that:
- an NHS number on its own, or a name with a date of birth, reaches "Likely match";
- a name alone, or a date of birth alone, reaches "Possible match" at most;
- a twin (same last name, date of birth and postcode, another first name) stays "Possible".
They were tuned against the synthetic local authority's planted duplicates (`make bench`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .rules import fold, name_key, normalise_postcode, postcode_sector

LIKELY = "Likely match"
POSSIBLE = "Possible match"

LIKELY_FROM = 70
POSSIBLE_FROM = 25
# Pairs found by the batch search go to the duplicates queue from this score: a parent and child
# with one name at one address (about 32) should not fill a worker's queue.
QUEUE_FROM = 50

# Points for each kind of evidence. Negative points are evidence against.
POINTS = {
    # Identifiers are issued once per person: agreement is near proof, disagreement strong doubt.
    "nhs_same": 70,
    "nhs_different": -40,
    "upn_same": 60,
    "upn_different": -25,
    "dob_same": 35,
    "dob_swapped": 25,
    "dob_one_digit": 15,
    "dob_within_a_month": -5,
    "dob_different": -20,
    "family_exact": 22,
    "family_typo": 17,
    "family_sound": 17,
    "family_part": 15,
    "family_different": -8,
    "given_exact": 18,
    "given_nickname": 15,
    "given_variant": 16,
    "given_sound": 14,
    "given_typo": 13,
    "given_middle": 10,
    "given_shortened": 10,
    "given_initial": 4,
    "given_different": -15,
    # Names written the other way round cost a little against the same names in place.
    "names_swapped_cost": -4,
    "postcode_current": 12,
    "postcode_previous": 10,
    "postcode_sector": 3,
    # People move, so another postcode is weak evidence; but it is some.
    "postcode_different": -4,
}

NAME_KIND_PREFIX = {
    "legal": "",
    "preferred": "Preferred ",
    "previous": "Previous ",
    "alias": "Also-known-as ",
}

# Spellings of the same name written from another alphabet. Many share a sound-alike key
# already (Mohammed, Muhammad); these groups catch the ones that do not.
TRANSLITERATIONS = [
    {
        "mohammed",
        "muhammad",
        "mohamed",
        "mohammad",
        "muhammed",
        "mohamad",
        "muhamed",
        "mohd",
        "mohamud",
        "mahomed",
        "mehmet",
        "mohammod",
    },
    {"ahmed", "ahmad", "ahmet", "ahmid"},
    {"hussain", "hussein", "husain", "hossain", "hussien", "husein", "hosein"},
    {"aisha", "ayesha", "aysha", "aishah", "ayisha", "ayshah"},
    {"fatima", "fatimah", "fatma", "fathima"},
    {"yusuf", "yousef", "yousuf", "youssef", "yusef", "yosef"},
    {"ibrahim", "ebrahim", "ibraheem"},
    {"abdullah", "abdallah", "abdulla"},
    {"khadija", "khadijah", "khadeeja"},
    {"zainab", "zaynab", "zeinab"},
    {"hassan", "hasan"},
    {"hamza", "hamzah"},
    {"omar", "umar", "omer"},
    {"osman", "usman", "othman", "uthman"},
    {"ali", "aly"},
    {"mustafa", "mustapha", "mostafa"},
    {"maryam", "mariam", "miriam", "maryum"},
    {"nur", "noor", "nour"},
    {"chaudhry", "chaudhary", "choudhury", "chowdhury", "choudhary", "chaudhri"},
    {"begum", "begom"},
    {"rahman", "rehman"},
    {"siddiqui", "siddiqi", "siddique"},
    {"oluwaseun", "oluwasegun"},
    {"mohammadi", "muhammadi"},
    {"aleksander", "alexander", "aleksandr", "oleksandr"},
    {"sergei", "sergey", "serhiy"},
    {"andrei", "andrey", "andriy"},
    {"yuri", "yury", "iurii"},
    {"olga", "olha"},
    {"natalia", "natalya", "nataliya"},
    {"katarzyna", "katazyna"},
    {"piotr", "petr", "pyotr"},
    {"jakub", "yakub", "jacob", "yaqub"},
    {"wojciech", "wojtek"},
    {"zofia", "sofia", "sophia", "zophia"},
]
_VARIANT_GROUP = {name: i for i, group in enumerate(TRANSLITERATIONS) for name in group}

# Short forms the `nicknames` list (drawn from English-language names) does not know: ones in
# everyday use in the UK's South Asian, Somali, West African and Eastern European communities.
SHORT_FORMS = {
    "mo": {"mohammed", "muhammad", "mohammad", "mohamed", "muhammed", "mohamud", "maurice"},
    "moe": {"mohammed", "muhammad", "mohammad", "mohamed", "muhammed"},
    "abdi": {"abdirahman", "abdullahi", "abdikarim", "abdirizak", "abdiaziz"},
    "riz": {"rizwan"},
    "saj": {"sajid", "sajjad"},
    "kash": {"kashif"},
    "naz": {"nazia", "nazir", "nasreen", "nazish"},
    "ibby": {"ibrahim"},
    "yus": {"yusuf", "yousuf", "yousaf"},
    "zak": {"zakariya", "zakaria", "zakariyya", "zachary"},
    "jas": {"jaswinder", "jasbir", "jaspreet", "jasmine"},
    "harj": {"harjit", "harjinder"},
    "raj": {"rajinder", "rajesh", "rajvinder"},
    "bal": {"balwinder", "baljit", "balbir"},
    "tobi": {"oluwatobi", "tobiloba"},
    "seun": {"oluwaseun"},
    "femi": {"oluwafemi"},
    "tunde": {"babatunde"},
    "kemi": {"oluwakemi"},
    "bukky": {"olubukola", "bukola"},
    "dami": {"oluwadamilare", "damilola"},
    "yemi": {"oluwayemisi"},
    "kuba": {"jakub"},
    "gosia": {"malgorzata"},
    "kasia": {"katarzyna"},
    "basia": {"barbara"},
    "ola": {"aleksandra"},
    "sasha": {"aleksandr", "alexander", "alexandra", "oleksandr"},
    "misha": {"mikhail"},
    "dima": {"dmitri", "dmitry"},
    # British everyday short forms missing from the list.
    "nicky": {"nicola", "nicole", "nicholas"},
    "nikki": {"nicola", "nicole"},
    "nicki": {"nicola", "nicole"},
    "jazz": {"jasmine"},
    "jaz": {"jasmine", "jasmin"},
    "debs": {"deborah", "debra"},
    "lexi": {"alexandra", "alexis"},
    "lexie": {"alexandra", "alexis"},
    "evie": {"evelyn", "eve", "eva"},
    "izzy": {"isabella", "isabel", "isobel", "isabelle"},
    "izzie": {"isabella", "isabel", "isobel", "isabelle"},
    "tash": {"natasha"},
    "tasha": {"natasha"},
    "alfie": {"alfred"},
    "shaz": {"sharon", "shazia", "shahzad"},
    "gaz": {"gary", "gareth"},
    "baz": {"barry"},
    "tel": {"terence", "terry"},
    "del": {"derek"},
    "pippa": {"philippa"},
    "liv": {"olivia"},
    "livvy": {"olivia"},
    "rosie": {"rosemary", "rosalind", "rose"},
    "frankie": {"francesca", "frances", "francis", "franklin"},
    "georgie": {"georgina", "georgia"},
    "bex": {"rebecca"},
    "millie": {"amelia", "millicent", "emily"},
    "ellie": {"eleanor", "elena", "ellen", "elizabeth"},
    "lottie": {"charlotte"},
    "hattie": {"harriet"},
}
_FULL_FORMS: dict[str, set[str]] = {}
for _short, _fulls in SHORT_FORMS.items():
    for _full in _fulls:
        _FULL_FORMS.setdefault(_full, set()).add(_short)


@dataclass(frozen=True)
class NameRecord:
    """One of the names a record holds: legal, preferred, previous or alias."""

    kind: str
    given_name: str
    family_name: str


@dataclass(frozen=True)
class Query:
    """What someone typed into "Known to us?" (or one record, when records are compared)."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""

    def fields_used(self) -> list[str]:
        """The names of the fields that were filled in (never their values)."""
        used = [
            ("first name", self.given_name),
            ("last name", self.family_name),
            ("date of birth", self.date_of_birth),
            ("postcode", self.postcode),
            ("NHS number", self.nhs_number),
            ("UPN", self.upn),
        ]
        return [name for name, value in used if value]


@dataclass(frozen=True)
class Candidate:
    """A person's record as the matcher sees it."""

    person_id: object
    names: tuple[NameRecord, ...]
    date_of_birth: date | None = None
    middle_names: str = ""
    # (postcode, is_current) for every address the person has had.
    postcodes: tuple[tuple[str, bool], ...] = ()
    nhs_number: str = ""
    upn: str = ""


@dataclass(frozen=True)
class Reason:
    """One piece of evidence, a sentence a practitioner can check; negative points are against."""

    text: str
    points: int

    @property
    def supports(self) -> bool:
        return self.points > 0


@dataclass(frozen=True)
class Match:
    score: int
    band: str | None
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def for_(self) -> list[Reason]:
        return [r for r in self.reasons if r.points > 0]

    @property
    def against(self) -> list[Reason]:
        return [r for r in self.reasons if r.points < 0]


def band_for(score: int) -> str | None:
    if score >= LIKELY_FROM:
        return LIKELY
    if score >= POSSIBLE_FROM:
        return POSSIBLE
    return None


# ---------------------------------------------------------------------------------------------
# Names


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=100_000)
def _folded(name: str) -> str:
    return fold(name)


@lru_cache(maxsize=100_000)
def _sounds(name: str) -> tuple[str, str]:
    """Two sound-alike keys (Metaphone, NYSIIS) of a folded single name."""
    return jellyfish.metaphone(name), jellyfish.nysiis(name)


@lru_cache(maxsize=100_000)
def nickname_relation(a: str, b: str) -> tuple[str, str] | None:
    """(short form, full form) when one name is a short form of the other, or both of one name."""
    if b in SHORT_FORMS.get(a, ()):
        return a, b
    if a in SHORT_FORMS.get(b, ()):
        return b, a
    namer = _nicknamer()
    a_short, b_short = b in namer.canonicals_of(a), a in namer.canonicals_of(b)
    if a_short and b_short:  # the list has both ways round for some names: the shorter is short
        return (a, b) if (len(a), a) <= (len(b), b) else (b, a)
    if a_short:
        return a, b
    if b_short:
        return b, a
    shared = namer.canonicals_of(a) & namer.canonicals_of(b)
    if shared:
        return a, sorted(shared)[0]
    return None


def nickname_forms(name: str) -> set[str]:
    """Every name that is a short or full form of this one (for finding candidates)."""
    folded = _folded(name)
    namer = _nicknamer()
    forms = namer.nicknames_of(folded) | namer.canonicals_of(folded)
    forms |= SHORT_FORMS.get(folded, set()) | _FULL_FORMS.get(folded, set())
    for canonical in namer.canonicals_of(folded):
        forms |= namer.nicknames_of(canonical)
    group = _VARIANT_GROUP.get(folded)
    if group is not None:
        forms |= TRANSLITERATIONS[group]
    forms.discard(folded)
    return forms


def is_variant_spelling(a: str, b: str) -> bool:
    group = _VARIANT_GROUP.get(a)
    return group is not None and group == _VARIANT_GROUP.get(b)


def is_romanised_alike(a: str, b: str) -> bool:
    return spelling_key(a) == spelling_key(b)


@lru_cache(maxsize=100_000)
def spelling_key(name: str) -> str:
    """A name with the letters that romanisations write differently made alike.

    Doubled letters are written once (Xaliimo, Halimo), a Somali "x" is an "h" (Xasan, Hasan),
    "q" is "k", "ee" and "y" between letters are "i", "oo" is "u", "ph" is "f" and a final "h"
    after a vowel is dropped (Aishah, Aisha).
    """
    key = name.replace("ph", "f").replace("ee", "i").replace("oo", "u").replace("q", "k")
    if key.startswith("x"):
        key = "h" + key[1:]
    key = re.sub(r"(?<=[a-z])y(?=[a-z])", "i", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    key = re.sub(r"(?<=[aeiou])h$", "", key)
    return key


def _one_typo(a: str, b: str) -> bool:
    """A slip of the keyboard: one letter added, dropped, changed or two swapped; or very alike."""
    shortest = min(len(a), len(b))
    if shortest < 3:
        return False
    if DamerauLevenshtein.distance(a, b) <= 1:
        return True
    if DamerauLevenshtein.distance(spelling_key(a), spelling_key(b)) <= 1:
        return True
    return shortest >= 4 and JaroWinkler.similarity(a, b) >= 0.93


def _shortened(a: str, b: str) -> tuple[str, str] | None:
    """(short, long) when one name is the start of the other (Mo, Mohammed) or its end (Tobi,
    Oluwatobi), as names are often cut short when written down in a hurry."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(long) - len(short) < 2:
        return None
    if len(short) >= 2 and long.startswith(short):
        return short, long
    if len(short) >= 3 and long.endswith(short):
        return short, long
    return None


def _sound_alike(a: str, b: str) -> bool:
    sa, sb = _sounds(a), _sounds(b)
    return (sa[0] and sa[0] == sb[0]) or (sa[1] and sa[1] == sb[1])


def _display(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"(\s+|-)", name.strip())) or name


@dataclass(frozen=True)
class NameComparison:
    level: str  # exact, nickname, variant, sound, typo, part, initial, middle, different, missing
    points: int
    text: str


_MISSING = NameComparison("missing", 0, "")


# The comparisons are pure and the same names meet again and again, so their results are kept.
@lru_cache(maxsize=200_000)
def compare_given(typed: str, recorded: str, *, subject: str = "") -> NameComparison:
    """How a typed first name compares with one recorded first name."""
    a, b = _folded(typed), _folded(recorded)
    if not a or not b:
        return _MISSING
    label = f"{subject}first name" if subject else "First name"
    label = label[0].upper() + label[1:]
    shown = _display(recorded)
    if a == b:
        return NameComparison("exact", POINTS["given_exact"], f"{label} matches")
    first_a, first_b = a.split()[0], b.split()[0]
    if first_a == first_b:
        return NameComparison("exact", POINTS["given_exact"], f"{label} matches")
    if len(first_a) == 1 or len(first_b) == 1:
        if first_a[0] == first_b[0]:
            return NameComparison(
                "initial", POINTS["given_initial"], f"{label[:-4]}initial matches"
            )
        return NameComparison("different", POINTS["given_different"], f"{label} is different")
    relation = nickname_relation(first_a, first_b)
    if relation is not None:
        short, full = relation
        if short in (first_a, first_b) and full in (first_a, first_b):
            text = f"Known as {_display(short)}, a short form of {_display(full)}"
        else:
            text = (
                f"{_display(first_a)} and {_display(first_b)} are both short for {_display(full)}"
            )
        return NameComparison("nickname", POINTS["given_nickname"], text)
    if is_variant_spelling(first_a, first_b):
        return NameComparison(
            "variant", POINTS["given_variant"], f"{label} is another spelling of {shown}"
        )
    if _sound_alike(first_a, first_b):
        return NameComparison("sound", POINTS["given_sound"], f"{label} sounds like {shown}")
    if is_romanised_alike(first_a, first_b):
        return NameComparison(
            "variant", POINTS["given_variant"], f"{label} is another spelling of {shown}"
        )
    if _one_typo(first_a, first_b):
        return NameComparison("typo", POINTS["given_typo"], f"{label} is spelt like {shown}")
    shortened = _shortened(first_a, first_b)
    if shortened is not None:
        short, long = shortened
        return NameComparison(
            "shortened",
            POINTS["given_shortened"],
            f"{_display(short)} may be short for {_display(long)}",
        )
    return NameComparison("different", POINTS["given_different"], f"{label} is different")


@lru_cache(maxsize=200_000)
def compare_family(typed: str, recorded: str, *, subject: str = "") -> NameComparison:
    """How a typed last name compares with one recorded last name."""
    a, b = _folded(typed), _folded(recorded)
    if not a or not b:
        return _MISSING
    label = f"{subject}last name" if subject else "Last name"
    label = label[0].upper() + label[1:]
    shown = _display(recorded)
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    if compact_a == compact_b:
        return NameComparison("exact", POINTS["family_exact"], f"{label} matches")
    if is_variant_spelling(compact_a, compact_b):
        return NameComparison(
            "sound", POINTS["family_sound"], f"{label} is another spelling of {shown}"
        )
    if _sound_alike(compact_a, compact_b):
        return NameComparison("sound", POINTS["family_sound"], f"{label} sounds like {shown}")
    if is_romanised_alike(compact_a, compact_b):
        return NameComparison(
            "sound", POINTS["family_sound"], f"{label} is another spelling of {shown}"
        )
    if _one_typo(compact_a, compact_b):
        return NameComparison("typo", POINTS["family_typo"], f"{label} is spelt like {shown}")
    parts_a, parts_b = set(a.split()), set(b.split())
    if (len(parts_a) > 1 or len(parts_b) > 1) and parts_a & parts_b:
        return NameComparison("part", POINTS["family_part"], f"{label} shares a part with {shown}")
    return NameComparison("different", POINTS["family_different"], f"{label} is different")


def _whole_name_text(kind: str) -> str:
    return {
        "legal": "Name matches",
        "preferred": "Preferred name matches",
        "previous": "Previous name matches",
        "alias": "Also-known-as name matches",
    }.get(kind, "Name matches")


def _name_evidence(query: Query, candidate: Candidate) -> list[Reason]:
    """The best agreement between the typed name and any of the record's names."""
    if not (query.given_name or query.family_name):
        return []
    legal_given = next(
        (n.given_name for n in candidate.names if n.kind == "legal" and n.given_name), ""
    )
    best: tuple[int, list[Reason]] | None = None
    for name in candidate.names:
        prefix = NAME_KIND_PREFIX.get(name.kind, "")
        recorded_given = name.given_name or legal_given
        # "Previous first name" only when the first name itself was different then.
        given_prefix = prefix if _folded(recorded_given) != _folded(legal_given) else ""
        given = compare_given(query.given_name, recorded_given, subject=given_prefix)
        family = compare_family(query.family_name, name.family_name, subject=prefix)
        if given.level == "different" and candidate.middle_names:
            for middle in _folded(candidate.middle_names).split():
                if compare_given(query.given_name, middle).level in {
                    "exact",
                    "nickname",
                    "variant",
                }:
                    given = NameComparison(
                        "middle",
                        POINTS["given_middle"],
                        f"First name matches a middle name, {_display(middle)}",
                    )
                    break
        options = [_combine(name.kind, given, family)]
        if query.given_name and query.family_name:
            options.append(_swapped(query, name, recorded_given))
        for option in options:
            if option is not None and (best is None or option[0] > best[0]):
                best = option
    return best[1] if best else []


def _combine(kind: str, given: NameComparison, family: NameComparison) -> tuple[int, list[Reason]]:
    total = given.points + family.points
    if given.level == "exact" and family.level == "exact" and kind != "legal":
        return total, [Reason(_whole_name_text(kind), total)]
    reasons = [Reason(c.text, c.points) for c in (given, family) if c.level != "missing"]
    return total, reasons


def _swapped(
    query: Query, name: NameRecord, recorded_given: str
) -> tuple[int, list[Reason]] | None:
    given = compare_given(query.family_name, recorded_given)
    family = compare_family(query.given_name, name.family_name)
    good = {"exact", "variant", "sound", "typo"}
    if given.level in good and family.level in good:
        total = given.points + family.points + POINTS["names_swapped_cost"]
        return total, [Reason("First and last names are the other way round", total)]
    return None


# ---------------------------------------------------------------------------------------------
# Dates of birth


def swapped_day_month(value: date) -> date | None:
    """The date with day and month the other way round, when that is a different real date."""
    if value.day == value.month or value.day > 12:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def _digits(value: date) -> str:
    return value.strftime("%d%m%Y")


@lru_cache(maxsize=100_000)
def compare_dates_of_birth(typed: date | None, recorded: date | None) -> Reason | None:
    if typed is None or recorded is None:
        return None
    if typed == recorded:
        return Reason("Date of birth matches", POINTS["dob_same"])
    if swapped_day_month(typed) == recorded:
        return Reason("Date of birth matches with day and month swapped", POINTS["dob_swapped"])
    a, b = _digits(typed), _digits(recorded)
    differing = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differing) == 1:
        return Reason("Date of birth is one digit different", POINTS["dob_one_digit"])
    if (
        len(differing) == 2
        and differing[1] == differing[0] + 1
        and a[differing[0]] == b[differing[1]]
        and a[differing[1]] == b[differing[0]]
    ):
        return Reason("Date of birth has two digits the other way round", POINTS["dob_one_digit"])
    if abs((typed - recorded).days) <= 31:
        return Reason("Date of birth is within a month", POINTS["dob_within_a_month"])
    return Reason("Date of birth is different", POINTS["dob_different"])


# ---------------------------------------------------------------------------------------------
# Postcodes and identifiers


def compare_postcodes(typed: str, recorded: tuple[tuple[str, bool], ...]) -> Reason | None:
    wanted = normalise_postcode(typed)
    if not wanted or not recorded:
        return None
    current = {p for p, is_current in recorded if is_current}
    every = {p for p, _ in recorded}
    if wanted in current:
        return Reason(f"Same postcode {wanted}", POINTS["postcode_current"])
    if wanted in every:
        return Reason(f"Lived at postcode {wanted} before", POINTS["postcode_previous"])
    sector = postcode_sector(wanted)
    if any(postcode_sector(p) == sector for p in current):
        return Reason(f"Lives in the same postcode sector, {sector}", POINTS["postcode_sector"])
    return Reason("Lives at another postcode", POINTS["postcode_different"])


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def compare_identifier(
    typed: str, recorded: str, *, label: str, same: str, different: str
) -> Reason | None:
    a, b = _compact(typed), _compact(recorded)
    if not a or not b:
        return None
    if a == b:
        return Reason(f"{label} matches", POINTS[same])
    return Reason(f"{label} is different", POINTS[different])


# ---------------------------------------------------------------------------------------------
# The whole comparison


def score(query: Query, candidate: Candidate) -> Match:
    """Compare a search with one record: every reason for and against, the score and the band."""
    reasons: list[Reason] = []
    for reason in (
        compare_identifier(
            query.nhs_number,
            candidate.nhs_number,
            label="NHS number",
            same="nhs_same",
            different="nhs_different",
        ),
        compare_identifier(
            query.upn, candidate.upn, label="UPN", same="upn_same", different="upn_different"
        ),
        compare_dates_of_birth(query.date_of_birth, candidate.date_of_birth),
    ):
        if reason is not None:
            reasons.append(reason)
    reasons.extend(_name_evidence(query, candidate))
    postcode = compare_postcodes(query.postcode, candidate.postcodes)
    if postcode is not None:
        reasons.append(postcode)
    total = max(0, min(100, sum(r.points for r in reasons)))
    reasons.sort(key=lambda r: -r.points)
    return Match(score=total, band=band_for(total), reasons=tuple(reasons))


def query_from_candidate(candidate: Candidate) -> Query:
    """A record written as a search, so that two records can be compared with `score`."""
    legal = next((n for n in candidate.names if n.kind == "legal"), None)
    legal = legal or (candidate.names[0] if candidate.names else NameRecord("legal", "", ""))
    current = next((p for p, is_current in candidate.postcodes if is_current), "")
    return Query(
        given_name=legal.given_name,
        family_name=legal.family_name,
        date_of_birth=candidate.date_of_birth,
        postcode=current,
        nhs_number=candidate.nhs_number,
        upn=candidate.upn,
    )


def compare_records(a: Candidate, b: Candidate) -> Match:
    """Two records compared both ways round; the stronger reading wins."""
    forward = score(query_from_candidate(a), b)
    backward = score(query_from_candidate(b), a)
    return forward if forward.score >= backward.score else backward


def given_name_keys(given_name: str) -> set[str]:
    """Sound-alike keys of a first name and of its short, full and other-alphabet forms."""
    folded = _folded(given_name)
    if not folded:
        return set()
    first = folded.split()[0]
    keys = {name_key(first)} | {name_key(form) for form in nickname_forms(first)}
    return {k for k in keys if k}
