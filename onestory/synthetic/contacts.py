"""The front door's history for the synthetic local authority: contacts (requests for support),
the people named in them, decisions, statutory referrals and strategy discussions.

Calibration at scale 1 (everything scales linearly):
- 3,164 statutory referrals a year, 36.8% of them ending with no further action: Luton's year
  to 31 March 2023 (seed 000, DOMAIN.md). A referral is one child (the census's count), so a
  contact about two children accepted as a referral makes two referrals.
- About 7,900 contacts a year, counted as the census and Ofsted's Annex A count them: one per
  child named. Statutory referral and strategy discussion together are 40% of them, which is
  Luton's 3,164 (hand-set from the brief: no further action 33%, early help 27%, statutory
  referral 36%, strategy discussion 4%). A contact names one to three children (1.2 on
  average: most families here have one or two), so there are about 6,600 contact records a
  year. About 2% more are closed without a decision (duplicates).
- Sources are roughly England's mix (DfE, Characteristics of children in need 2023: police
  about 29%, schools 19%, health 14%, local authority services 11%, individuals 8%).
- Re-referrals within 12 months are about 21.5% of referrals (England 2022 to 2023, about 22%):
  some children are referred again. Whether a referral is a re-referral is never set by hand:
  it is worked out from that child's generated referrals with `rules.is_re_referral`.
- About 90% of decisions are made within one working day, so the timeliness measure has
  something to find; decisions that need a manager's sign-off (no further action) have one.

Every child the casework allocated to a social worker (child in need, child protection, in
care) has a referral on or before the day the allocation started, still open at the reference
date; the other referrals are closed before it, so the children with an open referral are the
casework's children in need (`FrontDoorHistory._closure` says when and why: a referral with no
further action at once, RC7; after its assessment, RC8 or RC9; after services, RC7). An
unaccompanied child is referred the day they arrive (and one who has turned 18 was looked after
from then until their 18th birthday). Families the casework gave early help to mostly came
through the front door too.

The history is a steady state (episodes.py): each statutory referral is an episode of one kind
(an assessment alone, child in need services, a child protection plan, care) lasting a drawn
time, steered so that the children in need, on a plan and in care on any day stay about the
casework's numbers today; the episodes open on the history's first day began before it (their
referrals are dated earlier). Children of the early years who are young adults now are referred
as children then (families.GROWN_CHANCE).

History runs from 1 April 2021 to the day before the reference date and is reckoned from the
reference date, never from today, so that a seed always gives the same history: nothing in it
is decided on or after the reference date (a contact on its last afternoon or weekend is decided
out of hours). The live queue (a day's worth of open contacts) is the exception: see
`FrontDoorHistory.live_queue`.
"""

import random
import unicodedata
from bisect import bisect
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate

from onestory.access.models import Allocation
from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import (
    ASSESSMENT_WORKING_DAYS,
    LONDON,
    add_working_days,
    is_working_day,
)
from onestory.frontdoor import rules
from onestory.frontdoor.actions import (
    CHRONOLOGY_CATEGORY,
    PURPOSE_FRONT_DOOR,
    REFERENCE_ALPHABET,
    match_at_intake,
)
from onestory.frontdoor.models import (
    Contact,
    ContactPerson,
    Decision,
    LevelOfNeed,
    Referral,
    StrategyDiscussion,
)
from onestory.frontdoor.rules import Outcome
from onestory.people.models import ChronologyEntry
from onestory.workforce.models import Agency

from . import texts
from .bulk import Buffers, FastInserter
from .casework import (
    CHILD_PROTECTION_AT_SCALE_1,
    CHILDREN_IN_CARE_AT_SCALE_1,
    CHILDREN_IN_NEED_AT_SCALE_1,
    PURPOSE_CHILD_IN_CARE,
    PURPOSE_CHILD_IN_NEED,
    PURPOSE_CHILD_PROTECTION,
    PURPOSE_EARLY_HELP,
    STRUCTURE_NEED,
)
from .communities import COMMUNITIES, WORKFORCE_MIX, NameBank
from .drafts import REFERENCE_DATE, HouseholdInfo, PersonBrief
from .episodes import (
    ALL,
    ASSESSMENT_ONLY,
    CARE,
    CARE_TILT,
    CARE_TILT_FROM_AGE,
    CHILD_IN_NEED,
    EPISODE_DURATIONS,
    EPISODE_SHARES,
    PROTECTION,
    YEAR_DAYS,
    Stock,
    choose_kind,
    stock_targets,
)
from .identifiers import new_uuid
from .reference import agency_specs, ward_specs
from .workforce import Workforce


class Weights(dict):
    """A table of weights that never changes, drawn from quickly: the same draw as
    `random.choices` gives, without building its lists every time."""

    __slots__ = ("_cumulative", "_keys")

    def pick(self, rng: random.Random):
        try:
            keys, cumulative = self._keys, self._cumulative
        except AttributeError:
            keys, cumulative = list(self), list(accumulate(self.values()))
            self._keys, self._cumulative = keys, cumulative
        return keys[bisect(cumulative, rng.random() * cumulative[-1])]


# ----- calibration (see the module's docstring) ------------------------------------------------

REFERRALS_PER_YEAR_AT_SCALE_1 = 3164  # year to 31 March 2023, seed 000_e04a2efb12b37ca7
REFERRAL_NFA_SHARE = 0.368  # seed 000_e04a2efb12b37ca7
CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1 = 7900  # hand-set: referrals are about 40% of contacts
STRATEGY_SHARE = 0.04  # of contacts; the rest of the referrals are plain statutory referrals
OUTCOME_SHARES = {"nfa": 0.33, "early_help": 0.27}  # of contacts, hand-set from the brief
CLOSED_SHARE = 0.02  # contacts closed without a decision, hand-set
RE_REFERRAL_TARGET = 0.215  # England, about 21.5% to 22.4% in 2022 and 2023 (DfE CIN statistics)
DECIDED_ON_TIME_SHARE = 0.9  # hand-set: within one working day
EARLY_HELP_THROUGH_FRONT_DOOR = 0.6  # of the casework's early help families, hand-set
LIVE_QUEUE_AT_SCALE_1 = 25
PROFESSIONAL_REFERRERS_AT_SCALE_1 = 400  # named referrers at agencies without synthetic workers
LIVE_QUEUE_IMMEDIATE_DANGER = 2

HISTORY_START = date(2021, 4, 1)
HISTORY_END = REFERENCE_DATE - timedelta(days=1)
ONE_DAY = timedelta(days=1)
# The history's last moment: midnight at the start of the reference date, London time.
HISTORY_CUTOFF = datetime(
    REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, tzinfo=LONDON
).astimezone(UTC)
OPENS, CLOSES = 9 * 60, 18 * 60  # the front door's working day, London minutes
# Weight of a day in the year's contacts: fewer in the summer holidays and at Christmas, more
# in the autumn term (hand-set); a weekend day or bank holiday has police contacts and little else.
MONTH_WEIGHT = {1: 1.0, 2: 1.0, 3: 1.05, 4: 0.9, 5: 1.0, 6: 1.05, 7: 1.0, 8: 0.75, 9: 1.1}
MONTH_WEIGHT |= {10: 1.1, 11: 1.1, 12: 0.9}
NON_WORKING_DAY_WEIGHT = 0.15

# How many children a contact names (hand-set).
CHILDREN_NAMED = Weights({1: 68, 2: 22, 3: 10})
ADULT_NAMED = 0.85  # contacts that also name a parent or carer

# Referral sources (DfE codes), roughly England's mix: police 29%, schools 19%, health 14%,
# local authority services 11%, individuals 9%, housing 3%, other legal agencies 3%, other 6%,
# anonymous 2%, unknown 2%.
SOURCE_WEIGHTS = {
    "6": 29,
    "2A": 19,
    "2B": 2,
    "3A": 2.5,
    "3B": 2,
    "3C": 0.5,
    "3D": 2,
    "3E": 3.5,
    "3F": 3.5,
    "4": 3,
    "5A": 4,
    "5B": 3,
    "5C": 1.5,
    "5D": 2.5,
    "1A": 2,
    "1B": 3.5,
    "1C": 2.5,
    "1D": 1,
    "7": 3,
    "8": 6,
    "9": 2,
    "10": 2,
}
# Who gets in touch at weekends and on bank holidays (hand-set): mostly the police.
NON_WORKING_DAY_SOURCES = Weights(
    {"6": 70, "3E": 10, "1B": 6, "1C": 4, "1A": 3, "9": 3, "3F": 2, "5C": 2}
)
# Ages (years, inclusive) the first child named must have for a source to make sense.
SOURCE_AGES = {"2A": (4, 17), "2B": (4, 17), "3B": (0, 4), "3C": (5, 16), "1D": (11, 17)}
# How requests from each source arrive: (channel, weight).
CHANNELS = {
    "6": Weights({"email": 55, "phone": 30, "online": 15}),
    "school": Weights({"online": 60, "phone": 25, "email": 15}),
    "health": Weights({"online": 45, "phone": 35, "email": 20}),
    "agency": Weights({"email": 50, "phone": 30, "online": 20}),
    "individual": Weights({"phone": 75, "online": 25}),
    "10": Weights({"phone": 50, "email": 50}),
}
# Partner agency kinds (workforce.Agency.Kind) for the sources that have one in the synthetic town.
AGENCY_KIND_FOR_SOURCE = {
    "2A": "school",
    "3A": "gp",
    "3B": "health_visiting",
    "3C": "school_nursing",
    "3E": "hospital",
    "6": "police",
    "4": "housing",
    "5A": "council",
    "5B": "council",
    "5D": "council",
}
# Job titles and organisations for referrers who are not in the synthetic workforce.
TYPED_REFERRERS = {
    "2A": (("Designated safeguarding lead", "Head teacher", "Class teacher"), ()),
    "2B": (
        ("Education welfare officer", "SEND caseworker"),
        ("Education welfare service", "Special educational needs service"),
    ),
    "3A": (("GP", "Practice nurse"), ()),
    "3B": (("Health visitor",), ()),
    "3C": (("School nurse",), ()),
    "3D": (
        ("Midwife", "Community nurse"),
        ("Community midwifery team", "Community nursing service"),
    ),
    "3E": (("Emergency department nurse", "Paediatric registrar"), ()),
    "3F": (
        ("CAMHS practitioner", "Community paediatrician", "Adult mental health nurse"),
        (
            "Child and adolescent mental health service",
            "Community paediatrics",
            "Adult community mental health team",
        ),
    ),
    "4": (("Housing officer", "Tenancy sustainment officer"), ()),
    "5A": (("Social worker, adult social care", "Social worker, disabled children's team"), ()),
    "5B": (("Youth justice officer", "Benefits officer", "Anti-social behaviour officer"), ()),
    "5C": (
        ("Social worker",),
        ("Central Bedfordshire Council", "Bedford Borough Council", "Hertfordshire County Council"),
    ),
    "5D": (("Early help practitioner",), ()),
    "6": (("Police constable", "Detective constable", "Police sergeant"), ()),
    "7": (
        ("Probation officer", "Family court adviser", "Youth offending officer"),
        ("Probation Service", "Cafcass", "Youth Justice Service"),
    ),
    "8": (
        ("Youth worker", "Faith leader", "Sports coach", "Family support worker"),
        ("Youth club", "Local mosque", "Church youth group", "Football club"),
    ),
}

# Primary need of statutory referrals (DfE codes): mostly abuse or neglect (England about 55-57%).
PRIMARY_NEED_WEIGHTS = Weights(
    {
        "N1": 55,
        "N2": 4,
        "N3": 5,
        "N4": 12,
        "N5": 13,
        "N6": 4,
        "N7": 1,
        "N8": 6,
    }
)
# Strategy discussions follow immediate danger (hand-set): most are abuse or neglect.
STRATEGY_NEED_WEIGHTS = Weights({"N1": 85, "N5": 5, "N6": 5, "N8": 5})
# What a strategy discussion decided; "nfa" goes with a referral that ends with no further action.
STRATEGY_OUTCOME_WEIGHTS = Weights({"section_47": 70, "assessment": 22})
CONSENT_WEIGHTS = Weights({"given": 65, "refused": 8, "not_sought": 27})
# What a referral ended in when it did not end with no further action (CIN census RC codes).
# RC8 (no further action) and RC9 (early help): the outcomes that close an episode when its
# assessment is authorised (socialcare.actions.assessment.CLOSING_OUTCOMES), hand-set shares.
CLOSURE_AFTER_ASSESSMENT = Weights({"RC8": 60, "RC9": 40})
# An episode open this long had services after its assessment (closed RC7), hand-set; a shorter
# one closed when its assessment was authorised. An assessment takes a couple of days at least.
LONG_EPISODE_DAYS = 90
ASSESSMENT_DAYS_AT_LEAST = 2

REFERRER_COMMUNITIES = Weights(WORKFORCE_MIX)

# The front door's tables, in the order they are written.
TABLES = (Contact, ContactPerson, Decision, Referral, StrategyDiscussion)

KINDS = ("nfa", "early_help", "referral", "strategy", "closed")
OUTCOME_OF_KIND = {
    "nfa": Outcome.NO_FURTHER_ACTION,
    "early_help": Outcome.EARLY_HELP,
    "referral": Outcome.STATUTORY_REFERRAL,
    "strategy": Outcome.STRATEGY_DISCUSSION,
}


def children_per_year(kind: str) -> float:
    """Children named in contacts of each kind a year, at scale 1."""
    statutory = REFERRALS_PER_YEAR_AT_SCALE_1
    strategy = STRATEGY_SHARE * CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1
    return {
        "nfa": OUTCOME_SHARES["nfa"] * CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1,
        "early_help": OUTCOME_SHARES["early_help"] * CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1,
        "referral": statutory - strategy,
        "strategy": strategy,
        "closed": CLOSED_SHARE * CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1,
    }[kind]


def new_reference(rng: random.Random) -> str:
    """A contact reference in the product's format (frontdoor.actions.new_reference): eight
    characters of a 32-character alphabet, five random bits each."""
    bits = rng.getrandbits(40)
    return "FD-" + "".join(REFERENCE_ALPHABET[(bits >> shift) & 31] for shift in _SHIFTS)


_SHIFTS = tuple(range(35, -1, -5))
assert len(REFERENCE_ALPHABET) == 32 and len(_SHIFTS) == 8


@cache
def _london_offset(day: date) -> int | None:
    """London's offset from UTC in minutes all that day, or None on a day the clocks change."""
    morning = datetime(day.year, day.month, day.day, tzinfo=LONDON).utcoffset()
    night = datetime(day.year, day.month, day.day, 23, 59, tzinfo=LONDON).utcoffset()
    return int(morning.total_seconds()) // 60 if morning == night else None


def _utc(day: date, minute: int) -> datetime:
    """The UTC moment of a London wall-clock time (minutes after midnight) on a day."""
    offset = _london_offset(day)
    if offset is None:
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=LONDON)
        return local.astimezone(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute - offset)


def _eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February
        return date(born.year + 18, 3, 1)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _pick(rng: random.Random, weights: dict):
    if isinstance(weights, Weights):
        return weights.pick(rng)
    keys = list(weights)
    return rng.choices(keys, weights=list(weights.values()))[0]


class Kid:
    """A child of a generated household, and what the front door has done with them so far."""

    __slots__ = ("brief", "born", "busy", "first", "forced_day", "last", "referrals", "school")

    def __init__(self, brief: PersonBrief, school: str | None, known: date | None):
        self.brief = brief
        self.born = brief.date_of_birth
        self.school = school  # the agency name of their school now
        # Named in a random contact only after `first` (born, and their record made) and
        # before `last` (18, died, or left to the contact the casework needs).
        self.first = max(self.born, known or date.max) if self.born else date.max
        self.last = min(
            _eighteenth_birthday(self.born) if self.born else date.max,
            brief.date_of_death or date.max,
        )
        self.busy: date | None = None  # a referral open until this day
        self.forced_day: date | None = None  # the referral behind today's casework
        self.referrals: list = []  # (referral date, id), oldest first


@dataclass(eq=False)
class Family:
    index: int
    info: HouseholdInfo
    area: str  # the ward's area: North, South, East or West
    kids: list[Kid]
    adults: list[tuple[PersonBrief, date]]  # and the day they turned 18


@dataclass
class Forced:
    """A contact the casework needs: the front door's decision that started its allocations
    (or a referral whose episode is set beforehand: `closes` on that day, `episode` its kind)."""

    day: date
    family: Family
    kids: list[Kid]
    kind: str
    team_key: str | None = None  # early help: the allocated team
    closes: date | None = None
    episode: str | None = None


@dataclass
class FrontDoorRows:
    rows: dict  # model -> list of {attname: value}
    chronology: list
    counts: dict
    # referral id -> what a closed statutory referral became (episodes.EPISODE_SHARES' kinds)
    episodes: dict = field(default_factory=dict)


class FrontDoorHistory:
    """Makes the rows, chronologically, keeping each child's referrals consistent."""

    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        households: list[HouseholdInfo],
        allocations: list,
        workforce: Workforce,
        known_from: dict,
        now: datetime,
    ):
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(f"frontdoor-{seed}")
        self.reference_rng = random.Random(f"frontdoor-references-{seed}")
        self.workforce = workforce
        self.known_from = known_from
        self.now = now
        self.bank = NameBank()
        self.holidays = bank_holidays_between(date(2019, 1, 1), now.date() + timedelta(days=800))
        self.references: set[str] = set()
        self._professionals: list[tuple[str, str]] = []
        self._hours: dict = {}
        self.rows = {
            m: [] for m in (Contact, ContactPerson, Decision, Referral, StrategyDiscussion)
        }
        self.rows[Allocation] = []
        self.chronology: list[dict] = []
        self.counts = dict.fromkeys(
            (
                "contacts",
                "contact_children",
                "referrals",
                "re_referrals",
                "open_contacts",
                "earlier_episodes_without_a_child",
            ),
            0,
        )
        self._assessment_due: dict[date, date] = {}
        self.episodes: dict = {}  # referral id -> episode kind (closed statutory referrals)
        # The statutory episodes open as the history is made, steered to the casework's stock.
        self.stock = Stock(
            stock_targets(
                in_need=CHILDREN_IN_NEED_AT_SCALE_1 * scale,
                protection=CHILD_PROTECTION_AT_SCALE_1 * scale,
                in_care=CHILDREN_IN_CARE_AT_SCALE_1 * scale,
            )
        )

        # Workers
        self.screeners = workforce.practitioners.get("mash") or [workforce.managers["mash"]]
        self.mash_manager = workforce.managers["mash"]
        self.council = workforce.council
        self.partners = workforce.partners
        self.levels = self._levels()

        # Agencies, for the referrer of each source
        by_name = workforce.agencies
        self.agencies_of_kind: dict[str, list[Agency]] = {}
        for agency in by_name.values():
            self.agencies_of_kind.setdefault(agency.kind, []).append(agency)
        for agencies in self.agencies_of_kind.values():
            agencies.sort(key=lambda a: a.name)
        self.schools: dict[tuple[str, str], list[Agency]] = {}
        self.school_phase: dict[str, str] = {}
        self.gps: dict[str, list[Agency]] = {}
        for spec in agency_specs():
            agency = by_name.get(spec["name"])
            if agency is None:
                continue
            if spec["kind"] == "school":
                self.schools.setdefault((spec["ward"], spec["phase"]), []).append(agency)
                self.school_phase[agency.name] = spec["phase"]
            elif spec["kind"] == "gp":
                self.gps.setdefault(spec["ward"], []).append(agency)

        # Families, picked with the casework's weights: the same families come to notice.
        wards = {w.code: w for w in ward_specs()}
        self.families: list[Family] = []
        self.family_of: dict = {}
        weights = []
        for info in households:
            if not info.people:
                continue
            kids = []
            # Today's children, and the grown-up ones who were children during the history.
            for child_id, _, school, _ in (*info.children, *info.grown):
                kids.append(Kid(info.people[child_id], school, known_from.get(child_id)))
            adults = [
                (info.people[pid], _eighteenth_birthday(info.people[pid].date_of_birth))
                for pid in info.carers
                if pid in info.people and info.people[pid].date_of_birth
            ]
            family = Family(len(self.families), info, wards[info.ward].area, kids, adults)
            self.families.append(family)
            for kid in kids:
                self.family_of[kid.brief.id] = family
            ward = wards[info.ward]
            random_pick = kids and not info.uasc
            weights.append(
                ward.need_weight * STRUCTURE_NEED.get(info.structure, 1.0) if random_pick else 0
            )
        self.cumulative = list(accumulate(weights))

        self.forced = self._plan_forced(allocations)
        self._plan_former_unaccompanied()
        for day, events in self.forced.items():
            for event in events:
                if event.episode is not None:
                    for _ in event.kids:
                        self.stock.expect(event.episode, day, event.closes)

        # Re-referrals: recent referrals to repeat, and the rate over the last 12 months.
        self.recent_referrals: deque = deque()  # (referral date, family, set of kids)
        self.trailing: deque = deque()  # (referral date, children, re-referrals)
        self.trailing_children = 0
        self.trailing_repeats = 0
        self.recent_contacts: deque = deque()  # (day, family, kids) for duplicates
        self.referral_children = 0
        self.referral_nfa_children = 0

        # Sources: on working days, England's mix less what weekends already take.
        self.non_working_share = self._non_working_share()
        self.working_sources = Weights()
        for code, weight in SOURCE_WEIGHTS.items():
            share = weight / 100 - self.non_working_share * NON_WORKING_DAY_SOURCES.get(
                code, 0
            ) / sum(NON_WORKING_DAY_SOURCES.values())
            self.working_sources[code] = max(0.0, share)

    # ----- set-up ---------------------------------------------------------------------------------

    def _levels(self) -> dict[int, list[LevelOfNeed]]:
        levels: dict[int, list[LevelOfNeed]] = {}
        for level in LevelOfNeed.objects.order_by("level", "valid_from"):
            levels.setdefault(level.level, []).append(level)
        missing = {1, 2, 3, 4} - set(levels)
        if missing:
            raise RuntimeError(f"The levels of need {sorted(missing)} are missing: migrate first.")
        return levels

    def _level_on(self, number: int, day: date):
        rows = self.levels[number]
        chosen = rows[0]
        for row in rows:
            if row.valid_from <= day and (row.valid_to is None or row.valid_to > day):
                chosen = row
        return chosen.pk

    def _day_weight(self, day: date) -> float:
        if not is_working_day(day, self.holidays):
            return NON_WORKING_DAY_WEIGHT
        return MONTH_WEIGHT[day.month]

    def _non_working_share(self) -> float:
        days = [HISTORY_START + timedelta(days=i) for i in range(365 * 4)]
        weights = [self._day_weight(d) for d in days]
        off = sum(w for d, w in zip(days, weights, strict=True) if w == NON_WORKING_DAY_WEIGHT)
        return off / sum(weights)

    def _plan_forced(self, allocations: list) -> dict[date, list[Forced]]:
        """The referrals behind the casework's children in need, and most early help decisions."""
        purposes = {
            PURPOSE_CHILD_IN_CARE: 3,
            PURPOSE_CHILD_PROTECTION: 2,
            PURPOSE_CHILD_IN_NEED: 1,
        }
        starts: dict = {}  # family -> {kid id: (start day, severity, team key)}
        early_help: dict = {}
        team_keys = {team.pk: key for key, team in self.workforce.teams.items()}
        for allocation in allocations:
            family = self.family_of.get(allocation.person_id)
            if family is None:
                continue
            day = allocation.starts_at.date()
            if allocation.purpose in purposes:
                starts.setdefault(family, {})[allocation.person_id] = (
                    day,
                    purposes[allocation.purpose],
                    team_keys.get(allocation.team_id),
                )
            elif allocation.purpose == PURPOSE_EARLY_HELP:
                early_help.setdefault(family, {})[allocation.person_id] = (
                    day,
                    0,
                    team_keys.get(allocation.team_id),
                )
        forced: dict[date, list[Forced]] = {}
        rng = self.rng
        for group, statutory in ((starts, True), (early_help, False)):
            for family in sorted(group, key=lambda f: f.index):
                if not statutory and rng.random() >= EARLY_HELP_THROUGH_FRONT_DOOR:
                    continue
                kids = {k.brief.id: k for k in family.kids}
                ordered = sorted(group[family].items(), key=lambda item: (item[1][0], item[0]))
                clusters: list[list] = []
                for kid_id, (start, severity, team_key) in ordered:
                    kid = kids[kid_id]
                    current = clusters[-1] if clusters else None
                    if (
                        current is None
                        or len(current) == 3
                        or start > current[0][1] + timedelta(days=60)
                        or (kid.born is not None and kid.born > current[0][1])
                    ):
                        clusters.append([])
                    clusters[-1].append((kid, start, severity, team_key))
                for cluster in clusters:
                    first = cluster[0][1]
                    severity = max(c[2] for c in cluster)
                    if statutory and family.info.uasc:
                        # A young person who arrives alone is accommodated that day or the next
                        # (Children Act 1989 s.20), referred on the day they arrive.
                        lag, kind = rng.randint(0, 1), "referral"
                    elif statutory:
                        # Days from the referral (a child comes into care within weeks of it:
                        # episodes.DAYS_BEFORE_CARE).
                        lag = rng.randint(*{1: (3, 20), 2: (5, 35), 3: (5, 30)}[severity])
                        strategy_chance = {1: 0.08, 2: 0.8, 3: 0.4}[severity]
                        kind = "strategy" if rng.random() < strategy_chance else "referral"
                    else:
                        lag, kind = rng.randint(3, 30), "early_help"
                    day = first - timedelta(days=lag)
                    while (
                        not family.info.uasc
                        and not is_working_day(day, self.holidays)
                        and day > first - timedelta(days=lag + 4)
                    ):
                        day -= ONE_DAY
                    team_key = next((c[3] for c in cluster if c[3]), None)
                    event = Forced(day, family, [c[0] for c in cluster], kind, team_key)
                    if statutory:
                        event.episode = {1: CHILD_IN_NEED, 2: PROTECTION, 3: CARE}[severity]
                    forced.setdefault(day, []).append(event)
                    for kid in event.kids:
                        kid.last = min(kid.last, day - timedelta(days=60))
                        if statutory:
                            kid.forced_day = day
        return forced

    def _plan_former_unaccompanied(self) -> None:
        """Young people who came alone and have turned 18: referred the day they arrived and
        looked after until their 18th birthday."""
        for family in self.families:
            if not family.info.uasc:
                continue
            for kid in family.kids:
                arrived = family.info.arrived.get(kid.brief.id)
                if arrived is None or kid.born is None:
                    continue
                event = Forced(
                    arrived,
                    family,
                    [kid],
                    "referral",
                    "cla",
                    closes=_eighteenth_birthday(kid.born),
                    episode=CARE,
                )
                self.forced.setdefault(arrived, []).append(event)

    def _earlier_episodes(self) -> dict[date, list[tuple[str, int]]]:
        """Episodes open on the history's first day that began before it and close before the
        reference date (episodes.py): with the casework's children whose cases began earlier
        (open today), as many of each kind as are open on a day of the steady state.
        {day they began: [(kind, days they last)]}."""
        rng = self.rng
        room = (HISTORY_END - HISTORY_START).days + 1
        targets = self.stock.targets
        casework = dict.fromkeys((ALL, PROTECTION, CARE), 0)
        for day, events in self.forced.items():
            for event in events:
                if (
                    day < HISTORY_START
                    and event.episode is not None
                    and (event.closes is None or event.closes > HISTORY_START)
                ):
                    for group in (ALL, event.episode):
                        if group in casework:
                            casework[group] += len(event.kids)
        statutory = REFERRALS_PER_YEAR_AT_SCALE_1 * (1 - REFERRAL_NFA_SHARE) * self.scale
        wanted = {
            ASSESSMENT_ONLY: statutory
            * EPISODE_SHARES[ASSESSMENT_ONLY]
            * EPISODE_DURATIONS[ASSESSMENT_ONLY].mean
            / YEAR_DAYS,
            PROTECTION: max(0, targets[PROTECTION] - casework[PROTECTION]),
            CARE: max(0, targets[CARE] - casework[CARE]),
        }
        wanted[CHILD_IN_NEED] = max(0, targets[ALL] - casework[ALL] - sum(wanted.values()))
        earlier: dict[date, list[tuple[str, int]]] = {}
        for kind, count in wanted.items():
            durations, made = EPISODE_DURATIONS[kind], 0
            for _ in range(50 * round(count)):
                if made >= round(count):
                    break
                age, left = durations.draw_open(rng)
                if left >= room:
                    continue  # open today: one of the casework's
                day = HISTORY_START - timedelta(days=age + 1)
                earlier.setdefault(day, []).append((kind, age + 1 + left))
                made += 1
        return earlier

    def _earlier_contact(self, day: date, kind: str, days: int) -> None:
        """The referral of an episode that began before the history: a child of the town then,
        free on the day and until it closes."""
        closes = day + timedelta(days=days)
        picked = self._child_for(day, closes)
        if picked is None:
            self.counts["earlier_episodes_without_a_child"] += 1
            return
        family, kid = picked
        working = is_working_day(day, self.holidays)
        source = self._source_for([kid], day, working)
        for person in (kid.brief, *(a for a, _ in family.adults)):
            known = self.known_from.get(person.id)
            if known is not None and known > day:
                self.known_from[person.id] = day
        received = _utc(day, self.rng.randint(10 * 60, 15 * 60))
        self._contact(
            family,
            [kid],
            "referral",
            source,
            received,
            forced=True,
            immediate=not working,
            closes=min(closes, _eighteenth_birthday(kid.born)),
            episode=kind,
        )

    def _child_for(self, day: date, closes: date):
        """A family (with the casework's weights) and a child of it who is known and free on
        the day, a child still on the history's first day, and free of today's casework."""
        rng, cumulative = self.rng, self.cumulative
        total = cumulative[-1] if cumulative else 0
        for _ in range(60 if total else 0):
            family = self.families[bisect(cumulative, rng.random() * total)]
            kids = [
                k
                for k in family.kids
                if k.first < day
                and (k.busy is None or k.busy < day)
                and _eighteenth_birthday(k.born) > HISTORY_START
                and (k.brief.date_of_death is None or k.brief.date_of_death > closes)
                and (k.forced_day is None or closes < k.forced_day - timedelta(days=60))
            ]
            if kids:
                return family, rng.choice(kids)
        return None

    # ----- the history ------------------------------------------------------------------------

    def generate(self) -> None:
        # Before the history: the referrals behind today's casework that started earlier, and
        # those of episodes open on its first day that close within it (a steady state).
        earlier = self._earlier_episodes()
        for day in sorted({d for d in self.forced if d < HISTORY_START} | set(earlier)):
            for event in self.forced.get(day, ()):
                self._forced_contact(event)
            for kind, days in earlier.get(day, ()):
                self._earlier_contact(day, kind, days)
        years = ((HISTORY_END - HISTORY_START).days + 1) / 365.25
        weights = {}
        day = HISTORY_START
        while day <= HISTORY_END:
            weights[day] = self._day_weight(day)
            day += ONE_DAY
        total_weight = sum(weights.values())
        per_weight = {k: children_per_year(k) * self.scale * years / total_weight for k in KINDS}
        expected = dict.fromkeys(KINDS, 0.0)
        done = dict.fromkeys(KINDS, 0)
        wanted = {k: self._children_wanted() for k in KINDS}
        for day, weight in weights.items():
            for event in self.forced.get(day, ()):
                done[event.kind] += self._forced_contact(event)
            for kind in KINDS:
                expected[kind] += per_weight[kind] * weight
                while done[kind] + wanted[kind] / 2 <= expected[kind]:
                    got = self._random_contact(day, kind, wanted[kind])
                    if not got:
                        break  # nobody to name today (a tiny town): carry the quota over
                    done[kind] += got
                    wanted[kind] = self._children_wanted()

    def _children_wanted(self) -> int:
        return _pick(self.rng, CHILDREN_NAMED)

    # ----- choosing the family --------------------------------------------------------------------

    @staticmethod
    def _eligible(kid: Kid, day: date) -> bool:
        return kid.first < day < kid.last and (kid.busy is None or kid.busy < day)

    @staticmethod
    def _age(kid: Kid, day: date) -> int:
        return int((day - kid.born).days / 365.2425) if kid.born else -1

    def _fits(self, kid: Kid, day: date, source: str | None) -> bool:
        ages = SOURCE_AGES.get(source)
        return ages is None or ages[0] <= self._age(kid, day) <= ages[1]

    def _random_family(self, day: date, wanted: int, source: str | None):
        rng, cumulative = self.rng, self.cumulative
        total = cumulative[-1] if cumulative else 0
        if not total:
            return None
        for _ in range(60):
            family = self.families[bisect(cumulative, rng.random() * total)]
            kids = [k for k in family.kids if self._eligible(k, day)]
            leads = [k for k in kids if self._fits(k, day, source)]
            if not leads:
                continue
            lead = rng.choice(leads)
            others = [k for k in kids if k is not lead]
            chosen = set(rng.sample(others, min(wanted - 1, len(others))))
            return family, [lead, *(k for k in others if k in chosen)]
        return None

    def _repeat_family(self, day: date):
        """A family whose children were referred in the last 12 months, referred again."""
        recent, rng = self.recent_referrals, self.rng
        while recent and recent[0][0] <= day - timedelta(days=365):
            recent.popleft()
        if not recent:
            return None
        for _ in range(15):
            referred, family, referred_kids = recent[rng.randrange(len(recent))]
            if referred > day - timedelta(days=7):
                continue
            kids = [k for k in family.kids if k in referred_kids and self._eligible(k, day)]
            if kids:
                return family, kids
        return None

    def _duplicate_family(self, day: date):
        recent = self.recent_contacts
        while recent and recent[0][0] < day - timedelta(days=7):
            recent.popleft()
        if recent and self.rng.random() < 0.8:
            _, family, kids = recent[self.rng.randrange(len(recent))]
            return family, kids
        return None

    def _wants_repeat(self, day: date) -> bool:
        trailing = self.trailing
        while trailing and trailing[0][0] <= day - timedelta(days=365):
            _, children, repeats = trailing.popleft()
            self.trailing_children -= children
            self.trailing_repeats -= repeats
        if not self.trailing_children:
            return True
        return self.trailing_repeats / self.trailing_children < RE_REFERRAL_TARGET

    def _source(self, working: bool) -> str:
        return _pick(self.rng, self.working_sources if working else NON_WORKING_DAY_SOURCES)

    def _source_for(self, kids: list[Kid], day: date, working: bool) -> str:
        """A source that fits the first child's age."""
        weights = self.working_sources if working else NON_WORKING_DAY_SOURCES
        fitting = {s: w for s, w in weights.items() if self._fits(kids[0], day, s)}
        return _pick(self.rng, fitting)

    # ----- one contact ----------------------------------------------------------------------------

    def _random_contact(self, day: date, kind: str, wanted: int) -> int:
        working = is_working_day(day, self.holidays)
        source = self._source(working)
        picked = None
        if kind == "closed":
            picked = self._duplicate_family(day)
        elif kind in ("referral", "strategy") and self._wants_repeat(day):
            picked = self._repeat_family(day)
        if picked is not None and not self._fits(picked[1][0], day, source):
            source = self._source_for(picked[1], day, working)
        if picked is None:
            picked = self._random_family(day, wanted, source)
        if picked is None:
            return 0
        family, kids = picked
        received = self._received_at(day, source, working)
        self._contact(family, kids, kind, source, received)
        return len(kids)

    def _forced_contact(self, event: Forced) -> int:
        day = event.day
        working = is_working_day(day, self.holidays)
        kids = event.kids
        if any(k.born is None or k.born > day for k in kids):
            source = _pick(self.rng, {"3D": 40, "3F": 20, "3B": 10, "6": 20, "5A": 10})
        elif event.family.info.uasc:
            source = _pick(self.rng, {"6": 50, "7": 30, "5C": 20})
        else:
            source = self._source_for(kids, day, working)
        # Known on the day: a record created that morning at the latest (see chronology.py).
        for person in (*(k.brief for k in kids), *(a for a, _ in event.family.adults)):
            known = self.known_from.get(person.id)
            if known is not None and known > day:
                self.known_from[person.id] = day
        received = _utc(day, self.rng.randint(11 * 60, 15 * 60))
        immediate = event.kind == "strategy" or not working
        self._contact(
            event.family,
            kids,
            event.kind,
            source,
            received,
            forced=True,
            immediate=immediate,
            team_key=event.team_key,
            closes=event.closes,
            episode=event.episode,
            expected=True,
        )
        return len(kids) if HISTORY_START <= day <= HISTORY_END else 0

    def _received_at(self, day: date, source: str, working: bool) -> datetime:
        rng = self.rng
        if not working:
            return _utc(day, rng.randint(7 * 60, 23 * 60 + 30))
        if source == "6" and rng.random() < 0.3:
            minute = rng.choice((rng.randint(17 * 60 + 30, 23 * 60 + 59), rng.randint(0, 8 * 60)))
            return _utc(day, minute)
        return _utc(day, int(rng.triangular(8 * 60 + 15, 17 * 60 + 45, 11 * 60)))

    def _opening_hours(self, day: date) -> tuple[datetime, datetime] | None:
        hours = self._hours.get(day, False)
        if hours is False:
            hours = None
            if is_working_day(day, self.holidays):
                hours = (_utc(day, OPENS), _utc(day, CLOSES))
            self._hours[day] = hours
        return hours

    def _in_working_hours(self, lo: datetime, hi: datetime, skew: float = 1.0):
        """A moment between lo and hi inside the front door's working hours, or None."""
        spans = []
        day = lo.astimezone(LONDON).date()
        last = hi.astimezone(LONDON).date()
        while day <= last:
            hours = self._opening_hours(day)
            if hours is not None:
                start, end = max(lo, hours[0]), min(hi, hours[1])
                if end > start:
                    spans.append((start, int((end - start).total_seconds())))
            day += ONE_DAY
        if not spans:
            return None
        offset = int(sum(length for _, length in spans) * self.rng.random() ** skew)
        for start, length in spans:
            if offset <= length:
                return start + timedelta(seconds=offset)
            offset -= length
        return spans[-1][0] + timedelta(seconds=spans[-1][1])

    def _decided_at(self, received, due, *, immediate: bool, on_time: bool, same_day: bool):
        rng = self.rng
        if immediate:
            minutes = rng.randint(10, 100) if on_time else rng.randint(125, 300)
            return received + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        lo = received + timedelta(minutes=rng.randint(10, 40))
        if same_day:
            local = received.astimezone(LONDON).date()
            return self._in_working_hours(lo, min(due, _utc(local, CLOSES))) or lo
        if on_time:
            return self._in_working_hours(lo, due - timedelta(minutes=1), skew=1.8) or (
                due - timedelta(minutes=rng.randint(5, 60))
            )
        late = self._in_working_hours(due + timedelta(minutes=20), due + timedelta(days=3), 1.5)
        return late or due + timedelta(hours=rng.randint(1, 20))

    def _contact(
        self,
        family: Family,
        kids: list[Kid],
        kind: str,
        source: str,
        received: datetime,
        *,
        forced: bool = False,
        immediate: bool | None = None,
        team_key: str | None = None,
        queue_status: str | None = None,
        link_share: float = 1.0,
        closes: date | None = None,
        episode: str | None = None,
        expected: bool = False,
    ) -> None:
        rng = self.rng
        day = received.astimezone(LONDON).date()
        contact_id = new_uuid(rng)
        adult = self._adult(family, day, strict=not forced)
        outcome = OUTCOME_OF_KIND.get(kind)
        statutory = outcome in rules.STATUTORY_OUTCOMES
        if immediate is None:
            immediate = (kind == "strategy" and rng.random() < 0.85) or (
                kind == "referral" and rng.random() < 0.02
            )
        due = rules.decision_due_at(
            received, immediate_danger=immediate, holidays=self.holidays
        ).astimezone(UTC)
        need = None
        if statutory:
            need = _pick(rng, STRATEGY_NEED_WEIGHTS if kind == "strategy" else PRIMARY_NEED_WEIGHTS)
        unborn = kids[0].born is None or kids[0].born > day
        words = self._words(kids, adult, unborn=unborn)
        worry = self._worry(kind, need, words, unborn=unborn)
        referrer = self._referrer(source, family, kids, day, kind)
        screener = rng.choice(self.screeners)
        recorded_by = referrer.pop("recorded_by_id") or rng.choice(self.screeners).pk
        consent = _pick(rng, CONSENT_WEIGHTS)
        if source == "6" and rng.random() < 0.5:
            consent = "not_sought"
        if consent == "given":
            family_knows = rng.choice(texts.FAMILY_KNOWS).format(**words)
            explanation = ""
        else:
            family_knows = rng.choice(texts.FAMILY_NOT_TOLD).format(**words)
            pool = texts.CONSENT_REFUSED if consent == "refused" else texts.CONSENT_NOT_SOUGHT
            explanation = rng.choice(pool).format(**words)
        contact = {
            "id": contact_id,
            "reference": self._reference(),
            "received_at": received,
            "recorded_by_id": recorded_by,
            "referral_source": source,
            "what_happened": worry,
            "family_knows": family_knows,
            "consent": consent,
            "consent_explanation": explanation,
            "immediate_danger": immediate,
            "due_at": due,
            **referrer,
        }
        if contact["channel"] == Contact.Channel.STEP_UP:
            contact["handover_summary"] = rng.choice(texts.HANDOVER_STEP_UP).format(
                since=f"{received - timedelta(days=rng.randint(60, 300)):%B %Y}"
            )
        elif contact["channel"] == Contact.Channel.STEP_DOWN:
            contact["handover_summary"] = rng.choice(texts.HANDOVER_STEP_DOWN)
        self.rows[Contact].append(contact)
        self.counts["contacts"] += 1
        self.counts["contact_children"] += len(kids)

        if queue_status is not None:  # the live queue: not decided yet
            self._open(contact, kids, adult, day, screener, queue_status, link_share)
            return

        on_time = forced or rng.random() < DECIDED_ON_TIME_SHARE
        decided = self._decided_at(
            received, due, immediate=immediate, on_time=on_time, same_day=forced
        )
        if decided >= HISTORY_CUTOFF > received:
            # Received on the history's last working afternoon or weekend: decided out of hours
            # before the reference date, so nothing decided in the history falls after it.
            decided = min(received + timedelta(minutes=rng.randint(20, 240)), HISTORY_CUTOFF)
            decided -= timedelta(minutes=1)
        assigned = received + (decided - received) * rng.uniform(0.05, 0.5)
        linked_at = assigned + (decided - assigned) * rng.uniform(0.05, 0.6)
        contact["assigned_to_id"] = screener.pk
        contact["assigned_at"] = assigned
        people = self._people(contact_id, kids, adult, day, screener.pk, linked_at, 1.0)
        agency = referrer["referrer_agency_name"] or rules.REFERRAL_SOURCES[source]
        self._chronicle(
            people, received, f"Request for support received from {agency}", recorded_by, contact_id
        )
        if kind == "closed":
            contact["status"] = rules.Status.CLOSED.value
            contact["closed_reason"] = rng.choice(texts.CLOSED_REASONS)
            contact["closed_at"] = decided
            self._chronicle(
                people,
                decided,
                f"Contact {contact['reference']} closed without a decision: "
                f"{contact['closed_reason']}",
                screener.pk,
                contact_id,
            )
        else:
            contact["status"] = rules.Status.DECIDED.value
            self._decide(
                contact,
                family,
                kids,
                kind,
                need,
                decided,
                screener,
                people,
                team_key,
                forced,
                (closes, episode, expected),
            )
        self.recent_contacts.append((day, family, kids))

    # ----- the people named ---------------------------------------------------------------------

    def _adult(self, family: Family, day: date, *, strict: bool) -> PersonBrief | None:
        """Usually one parent or carer, known before the day (on it, for a forced contact)."""
        rng = self.rng
        if rng.random() >= ADULT_NAMED:
            return None
        adults = []
        for a, adult_on in family.adults:
            if adult_on > day:
                continue
            if a.date_of_death is not None and a.date_of_death <= day:
                continue
            known = self.known_from.get(a.id)
            if known is None or known > day or (strict and known == day):
                continue
            adults.append(a)
        if not adults:
            return None
        weight = {"Mother": 4, "Father": 2}
        return rng.choices(adults, weights=[weight.get(a.relation, 1) for a in adults])[0]

    @staticmethod
    def _address_at(person: PersonBrief, day: date) -> tuple[str, str]:
        for valid_from, valid_to, line_1, postcode in person.addresses:
            if valid_from <= day and (valid_to is None or valid_to > day):
                return line_1, postcode
        if person.addresses:
            return person.addresses[-1][2:]
        return "", ""

    def _people(self, contact_id, kids, adult, day, linker, linked_at, link_share) -> list:
        """ContactPerson rows, copied from the records; returns the ids of those linked."""
        rng = self.rng
        named = [(ContactPerson.Role.CHILD.value, k.brief) for k in kids]
        if adult is not None:
            named.append((ContactPerson.Role.PARENT.value, adult))
        linked = []
        for position, (role, person) in enumerate(named):
            line_1, postcode = self._address_at(person, day)
            is_linked = link_share >= 1 or rng.random() < link_share
            # A baby not born yet (a pre-birth referral) has a family name and nothing more.
            born = person.date_of_birth is not None and person.date_of_birth <= day
            row = {
                "id": new_uuid(rng),
                "contact_id": contact_id,
                "role": role,
                "given_name": person.given_name if born else "",
                "family_name": person.family_name,
                "date_of_birth": person.date_of_birth if born else None,
                "address": line_1,
                "postcode": postcode,
                "relationship_to_child": person.relation,
                "position": position,
            }
            if role == ContactPerson.Role.CHILD.value and rng.random() < 0.25:
                row["nhs_number"] = person.nhs_number
                row["upn"] = person.upn
            if is_linked:
                row["person_id"] = person.id
                row["link"] = ContactPerson.Link.EXISTING.value
                row["linked_by_id"] = linker
                row["linked_at"] = linked_at + timedelta(seconds=position * rng.randint(20, 90))
                linked.append(person.id)
            self.rows[ContactPerson].append(row)
        return linked

    def _words(self, kids: list[Kid], adult: PersonBrief | None, *, unborn: bool) -> dict:
        child = "the baby" if unborn else kids[0].brief.given_name
        relation = (adult.relation if adult else "") or "a parent"
        relation = relation if relation == "a parent" else relation.lower()
        return {"child": child, "adult": relation, "Adult": relation[:1].upper() + relation[1:]}

    def _worry(self, kind: str, need: str | None, words: dict, *, unborn: bool) -> str:
        rng = self.rng
        if unborn:
            pool = texts.PRE_BIRTH_WORRIES
        elif need is not None:
            pool = texts.STATUTORY_WORRIES[need]
        elif kind == "early_help":
            pool = texts.EARLY_HELP_WORRIES
        else:
            pool = texts.NO_FURTHER_ACTION_WORRIES
        return rng.choice(pool).format(**words)

    # ----- the referrer ---------------------------------------------------------------------------

    def _reference(self) -> str:
        while True:
            reference = new_reference(self.reference_rng)
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _professional_name(self) -> tuple[str, str]:
        """A referrer at an agency with no synthetic workers: the same few call many times."""
        if not self._professionals:
            rng = random.Random(f"frontdoor-referrers-{self.seed}")
            wanted = max(40, round(PROFESSIONAL_REFERRERS_AT_SCALE_1 * self.scale))
            self._professionals = [self._synthetic_name(rng) for _ in range(wanted)]
        return self.rng.choice(self._professionals)

    def _synthetic_name(self, rng: random.Random) -> tuple[str, str]:
        community = COMMUNITIES[_pick(rng, REFERRER_COMMUNITIES)]
        sex = "F" if rng.random() < 0.6 else "M"
        _, given = self.bank.given(community.given_names, sex, young=False, rng=rng)
        _, family = self.bank.family(community.family_names[0][0], rng)
        return given, family

    def _phone(self) -> str:
        # Ofcom's range for drama: 01632 960000 to 960999 is never given to a real line.
        return f"01632 960{self.rng.randrange(1000):03d}"

    def _agency(self, source: str, family: Family, kids: list[Kid], day: date):
        kind = AGENCY_KIND_FOR_SOURCE.get(source)
        if kind == "council":
            return self.council
        if kind == "school":
            age = self._age(kids[0], day)
            phase = "primary" if age <= 10 else "secondary"
            current = kids[0].school
            if current and self.school_phase.get(current) == phase:
                return self.workforce.agencies[current]
            options = self.schools.get((family.info.ward, phase)) or self.agencies_of_kind.get(
                "school", []
            )
            return self.rng.choice(options) if options else None
        if kind == "gp":
            options = self.gps.get(family.info.ward) or self.agencies_of_kind.get("gp", [])
            return self.rng.choice(options) if options else None
        if source == "8" and self.rng.random() < 0.5:
            options = self.agencies_of_kind.get("voluntary", [])
            return self.rng.choice(options) if options else None
        options = self.agencies_of_kind.get(kind or "", [])
        return options[0] if options else None

    def _referrer(self, source: str, family: Family, kids: list[Kid], day: date, kind: str):
        """The referrer's fields of the contact, the channel, and who recorded it (or None)."""
        rng = self.rng
        agency = self._agency(source, family, kids, day)
        worker = None
        recorded_by = None
        titles, organisations = TYPED_REFERRERS.get(source, ((), ()))
        channel_group = (
            "6"
            if source == "6"
            else "school"
            if source in ("2A", "2B")
            else "health"
            if source.startswith("3")
            else "individual"
            if source.startswith("1") or source == "9"
            else "10"
            if source == "10"
            else "agency"
        )
        channel = _pick(rng, CHANNELS[channel_group])
        if source == "5D" and kind in ("referral", "strategy"):
            # Early help steps the family up from inside onestory.
            side = "north" if family.area in ("North", "West") else "south"
            worker = rng.choice(self.workforce.practitioners.get(f"eh-{side}") or self.screeners)
            channel, recorded_by = Contact.Channel.STEP_UP.value, worker.pk
        elif source == "5A" and kind == "early_help" and rng.random() < 0.5:
            team = f"sw-{family.area.lower()}"
            worker = rng.choice(self.workforce.practitioners.get(team) or self.screeners)
            channel, recorded_by = Contact.Channel.STEP_DOWN.value, worker.pk
        elif agency is not None and agency.kind != Agency.Kind.COUNCIL:
            staff = self.partners.get(agency.name)
            if staff and rng.random() < 0.8:
                worker = rng.choice(staff)
                if channel == "online":
                    recorded_by = worker.pk
        referrer_worker = worker.pk if recorded_by is not None else None
        if worker is not None:
            name = worker.get_full_name() or worker.username
            title = worker.job_title
            email = f"{_ascii(worker.first_name)}.{_ascii(worker.last_name)}@example.org"
        elif source == "1D":
            brief = kids[0].brief
            name, title, email = f"{brief.given_name} {brief.family_name}", "", ""
        elif source == "9":
            name, title, email = "Anonymous", "", ""
        elif source == "10":
            name, title, email = "Not recorded", "", ""
        else:
            if source[:1] == "1":  # members of the public
                given, family_name = self._synthetic_name(rng)
            else:
                given, family_name = self._professional_name()
            name = f"{given} {family_name}"
            title = rng.choice(titles) if titles else ""
            email = f"{_ascii(given)}.{_ascii(family_name)}@example.org"
        if source == "9":
            contact_details = "Withheld: the caller did not leave a number"
        elif source == "10":
            contact_details = "Not recorded"
        elif channel in ("email", "online", "step_up", "step_down") and email:
            contact_details = email
        else:
            contact_details = self._phone()
        if agency is not None:
            agency_name = agency.name
        elif organisations:
            agency_name = rng.choice(organisations)
        else:
            agency_name = ""
        return {
            "channel": channel,
            "referrer_worker_id": referrer_worker,
            "referrer_name": name,
            "referrer_job_title": title,
            "referrer_agency_id": agency.pk if agency is not None else None,
            "referrer_agency_name": agency_name,
            "referrer_contact": contact_details,
            "recorded_by_id": recorded_by,
        }

    # ----- the decision -------------------------------------------------------------------------

    def _decide(
        self, contact, family, kids, kind, need, decided, screener, people, team_key, forced, preset
    ) -> None:
        rng = self.rng
        outcome = OUTCOME_OF_KIND[kind]
        day = decided.astimezone(LONDON).date()
        level = {
            "nfa": 1,
            "early_help": 2 if rng.random() < 0.55 else 3,
            "referral": 4,
            "strategy": 4,
        }[kind]
        reasons, next_steps = texts.RATIONALE[kind]
        rationale = f"{rng.choice(reasons)} {rng.choice(next_steps)}"
        decision = {
            "id": new_uuid(rng),
            "contact_id": contact["id"],
            "outcome": outcome.value,
            "level_id": self._level_on(level, day),
            "rationale": rationale,
            "decided_by_id": screener.pk,
            "decided_at": decided,
            "sign_off": Decision.SignOff.NOT_NEEDED.value,
            "final_at": decided,
        }
        side = "north" if family.area in ("North", "West") else "south"
        social_work_key = f"sw-{family.area.lower()}"
        if team_key and team_key.startswith("sw-"):
            social_work_key = team_key
        message_team = ""
        signposting = ""
        if kind == "nfa":
            signposting = "; ".join(rng.sample(texts.SIGNPOSTING, rng.randint(1, 3))) + "."
            decision["signposting"] = signposting
            decision["sign_off"] = Decision.SignOff.AGREED.value
            decision["signed_off_by_id"] = self.mash_manager.pk
            signed = self._in_working_hours(
                decided + timedelta(minutes=10), decided + timedelta(days=2), skew=2.0
            ) or decided + timedelta(minutes=30)
            decision["signed_off_at"] = decision["final_at"] = signed
            decision["sign_off_comment"] = rng.choice(texts.SIGN_OFF_COMMENTS)
        elif kind == "early_help":
            lead = None
            agency_id = contact.get("referrer_agency_id")
            if not forced and agency_id and rng.random() < 0.15:
                staff = self.partners.get(contact["referrer_agency_name"])
                lead = rng.choice(staff) if staff else None
            if lead is not None:
                decision["lead_professional_id"] = lead.pk
                message_team = f"{lead.get_full_name()} ({contact['referrer_agency_name']})"
            else:
                key = team_key or (f"hub-{side}" if rng.random() < 0.3 else f"eh-{side}")
                team = self.workforce.teams[key]
                decision["early_help_team_id"] = team.pk
                message_team = team.name
        else:
            team = self.workforce.teams[social_work_key]
            decision["social_work_team_id"] = team.pk
            decision["primary_need"] = need
        decision["referrer_message"] = rules.draft_referrer_message(
            outcome, signposting=signposting, team=message_team
        )
        self.rows[Decision].append(decision)
        self._chronicle(
            people,
            decision["final_at"],
            f"Front door decision: {outcome.label}",
            screener.pk,
            contact["id"],
        )
        if outcome in rules.STATUTORY_OUTCOMES:
            self._refer(contact, family, kids, kind, need, day, decision, forced, preset)

    def _assessment_due_on(self, day: date) -> date:
        due = self._assessment_due.get(day)
        if due is None:
            due = add_working_days(day, ASSESSMENT_WORKING_DAYS, self.holidays)
            self._assessment_due[day] = due
        return due

    def _refer(self, contact, family, kids, kind, need, day, decision, forced, preset) -> None:
        rng = self.rng
        n = len(kids)
        if forced:
            nfa = False
        elif kind == "strategy":
            nfa = rng.random() < 0.1
        else:
            # Keep the share ending with no further action at Luton's, contact by contact.
            target = REFERRAL_NFA_SHARE * (self.referral_children + n)
            nfa = target - self.referral_nfa_children >= n * rng.uniform(0.2, 0.8)
        in_history = day >= HISTORY_START  # the shares are kept over the history's own years
        if in_history:
            self.referral_children += n
            self.referral_nfa_children += n if nfa else 0
        repeats = 0
        team_id = decision.get("social_work_team_id")
        for kid in kids:
            kid_id = kid.brief.id
            earlier = kid.referrals
            repeat = rules.is_re_referral(day, [d for d, _ in earlier])
            referral_id = new_uuid(rng)
            row = {
                "id": referral_id,
                "contact_id": contact["id"],
                "person_id": kid_id,
                "referral_date": day,
                "source": contact["referral_source"],
                "primary_need": need,
                "is_re_referral": repeat,
                "previous_referral_id": earlier[-1][1] if earlier else None,
                "social_work_team_id": team_id,
                "assessment_due_on": self._assessment_due_on(day),
                "no_further_action": nfa,
            }
            closes, episode, expected = preset
            if forced and closes is None:
                closed = None
            else:
                if forced:
                    closed, row["closure_reason"], episode = self._set_closure(day, closes, episode)
                else:
                    closed, row["closure_reason"], episode = self._closure(kid, day, nfa)
                row["closed_on"] = closed
                if not nfa:
                    self.episodes[referral_id] = episode
                    if not expected:
                        self.stock.start(episode, closed)
            row["no_further_action"] = nfa
            self.rows[Referral].append(row)
            earlier.append((day, referral_id))
            kid.busy = closed or date.max
            repeats += repeat
        self.counts["referrals"] += n
        self.counts["re_referrals"] += repeats
        if in_history:
            self.trailing.append((day, n, repeats))
            self.trailing_children += n
            self.trailing_repeats += repeats
        self.recent_referrals.append((day, family, set(kids)))
        if kind == "strategy":
            self._strategy(contact, family, kids, decision, nfa)

    def _closure(self, kid: Kid, day: date, nfa: bool) -> tuple[date, str, str | None]:
        """When a referral that is not today's casework closed, the census reason, and what it
        became (an episode kind of episodes.py; None for no further action).

        A referral with no further action closes the day it is made (the decision is the
        referral's: csc-validator-be-cin 0.1.13 query 8569Q never carries one into the next
        census year), without an assessment, so not "closed after assessment" (RC8 and RC9 need
        one on the episode: query 8825Q): RC7.
        The others are an episode of one kind (an assessment alone, child in need services, a
        child protection plan, care), drawn with its length given the room it has: every one
        closes before the child's referral for today's casework and before the reference date
        (today's open referrals are the casework's children in need). An episode closes on the
        child's 18th birthday at the latest. One shorter than LONG_EPISODE_DAYS closed after its
        assessment (RC8 no further action, RC9 early help: the day the manager authorised it,
        as socialcare.actions.assessment does); a longer one after services, RC7.
        """
        rng = self.rng
        if nfa:
            return day, "RC7", None
        limit = HISTORY_END
        if kid.forced_day is not None:
            limit = min(limit, kid.forced_day - ONE_DAY)
        room = max(0, (limit - day).days)
        self.stock.advance(day)
        age = None if kid.born is None or kid.born > day else self._age(kid, day)
        episode = choose_kind(rng, room + 1, self.stock, age=age)
        # Child in need services last longer while the stock is short of its target; a
        # teenager's care, to 18 more often than not.
        tilt = self.stock.lean(episode) if episode == CHILD_IN_NEED else 1.0
        if episode == CARE and age is not None and age >= CARE_TILT_FROM_AGE:
            tilt = CARE_TILT
        days = EPISODE_DURATIONS[episode].draw(rng, below=room + 1, tilt=tilt)
        if days is None:  # too little room for any episode: an assessment, closed in time
            days = rng.randint(min(ASSESSMENT_DAYS_AT_LEAST, room), room)
        closes = day + timedelta(days=days)
        if kid.born is not None:
            closes = min(closes, _eighteenth_birthday(kid.born))
        return self._set_closure(day, closes, episode)

    def _set_closure(self, day: date, closes: date, episode: str) -> tuple[date, str, str]:
        """(closed on, census reason, episode kind) of an episode closing on `closes`."""
        if (closes - day).days < LONG_EPISODE_DAYS:
            return closes, _pick(self.rng, CLOSURE_AFTER_ASSESSMENT), ASSESSMENT_ONLY
        return closes, "RC7", episode

    def _strategy(self, contact, family, kids, decision, nfa: bool) -> None:
        rng = self.rng
        decided = decision["decided_at"]
        due = rules.strategy_discussion_due_at(decided).astimezone(UTC)
        room = int((due - decided).total_seconds()) - 120
        held = decided + timedelta(seconds=rng.randint(min(1800, room // 2), max(60, room)))
        if held >= due:
            held = due - timedelta(minutes=1)
        outcome = "nfa" if nfa else _pick(rng, STRATEGY_OUTCOME_WEIGHTS)
        present = ["social_care", "police", "health"]
        if any(4 <= self._age(k, decided.date()) <= 17 for k in kids) and rng.random() < 0.7:
            present.append("education")
        if rng.random() < 0.15:
            present.append("other")
        team_id = decision["social_work_team_id"]
        team_key = next(k for k, t in self.workforce.teams.items() if t.pk == team_id)
        recorder = rng.choice(
            self.workforce.practitioners.get(team_key) or [self.workforce.managers[team_key]]
        )
        self.rows[StrategyDiscussion].append(
            {
                "id": new_uuid(rng),
                "contact_id": contact["id"],
                "due_at": due,
                "social_work_team_id": team_id,
                "held_at": held,
                "agencies_present": present,
                "summary": rng.choice(texts.STRATEGY_SUMMARIES[outcome]),
                "outcome": outcome,
                "recorded_by_id": recorder.pk,
            }
        )

    def _chronicle(self, people, occurred_at, summary, recorded_by, contact_id) -> None:
        source_id = str(contact_id)
        for person_id in people:
            self.chronology.append(
                {
                    "id": new_uuid(self.rng),
                    "person_id": person_id,
                    "occurred_at": occurred_at,
                    "category": CHRONOLOGY_CATEGORY,
                    "summary": summary,
                    "recorded_by_id": recorded_by,
                    "source_type": "frontdoor.contact",
                    "source_id": source_id,
                }
            )

    # ----- the live queue -----------------------------------------------------------------------

    def live_queue(self) -> None:
        """About 25 contacts waiting for the front door (at scale 1), received just before now.

        The history is reckoned from the reference date so that a seed always gives the same
        one; a queue of work is only useful if it is today's, so these contacts are reckoned
        from `now` (the moment `synth` runs). They come from their own random generator, after
        the history, so they never change it. Most were received on the last working day before
        today, at times fixed by that day (so two runs on one day give the same queue); the
        families in immediate danger were received in the last hour, as such a contact would
        not wait overnight.
        """
        self.rng = random.Random(f"frontdoor-queue-{self.seed}")
        rng = self.rng
        today = self.now.astimezone(LONDON).date()
        previous = today - ONE_DAY
        while not is_working_day(previous, self.holidays):
            previous -= ONE_DAY
        wanted = max(3, round(LIVE_QUEUE_AT_SCALE_1 * self.scale))
        danger = max(1, min(wanted - 2, round(LIVE_QUEUE_IMMEDIATE_DANGER * self.scale) or 1))
        start_count = self.counts["contacts"]
        for i in range(wanted):
            immediate = i < danger
            if immediate:
                received = (self.now - timedelta(minutes=rng.randint(5, 50))).replace(microsecond=0)
                received = received.astimezone(UTC)
                kind, status, link_share = "strategy", rules.Status.RECEIVED.value, 0.0
                source = "6"
            else:
                received = _utc(previous, int(rng.triangular(8 * 60 + 15, 17 * 60 + 45, 11 * 60)))
                status = _pick(rng, {rules.Status.RECEIVED.value: 55, "screening": 45})
                link_share = 0.0 if status == rules.Status.RECEIVED.value else 0.8
                if status == rules.Status.RECEIVED.value and rng.random() < 0.3:
                    link_share = 1.0  # matched automatically with an NHS number, say
                kind = _pick(rng, {"nfa": 33, "early_help": 27, "referral": 36, "strategy": 0})
                source = self._source(True)
            day = received.astimezone(LONDON).date()
            picked = self._random_family(day, self._children_wanted(), source)
            if picked is None:
                continue
            family, kids = picked
            self._contact(
                family,
                kids,
                kind if kind != "strategy" else "referral",
                source,
                received,
                immediate=immediate,
                queue_status=status,
                link_share=link_share,
            )
        self.counts["open_contacts"] = self.counts["contacts"] - start_count

    def _open(self, contact, kids, adult, day, screener, status, link_share) -> None:
        rng = self.rng
        received = contact["received_at"]
        contact["status"] = status
        linker = screener.pk
        linked_at = received + timedelta(minutes=rng.randint(3, 40))
        if status == rules.Status.SCREENING.value:
            contact["assigned_to_id"] = screener.pk
            contact["assigned_at"] = received + timedelta(minutes=rng.randint(2, 30))
            linked_at = contact["assigned_at"] + timedelta(minutes=rng.randint(1, 20))
        linked_at = min(linked_at, max(received, self.now - timedelta(minutes=1)))
        people = self._people(contact["id"], kids, adult, day, linker, linked_at, link_share)
        source = contact["referral_source"]
        agency = contact["referrer_agency_name"] or rules.REFERRAL_SOURCES[source]
        self._chronicle(
            people,
            received,
            f"Request for support received from {agency}",
            contact["recorded_by_id"],
            contact["id"],
        )
        mash = self.workforce.teams["mash"]
        for person_id in people:
            # As the product does when a screener links someone: the front door team may open
            # the record while the contact is screened (frontdoor.actions).
            self.rows[Allocation].append(
                {
                    "id": new_uuid(rng),
                    "person_id": person_id,
                    "team_id": mash.pk,
                    "purpose": PURPOSE_FRONT_DOOR,
                    "starts_at": linked_at,
                    "allocated_by_id": linker,
                }
            )


def generate(
    *,
    seed: int,
    scale: float,
    households: list[HouseholdInfo],
    allocations: list,
    workforce: Workforce,
    known_from: dict,
    now: datetime,
) -> FrontDoorRows:
    history = FrontDoorHistory(
        seed=seed,
        scale=scale,
        households=households,
        allocations=allocations,
        workforce=workforce,
        known_from=known_from,
        now=now,
    )
    history.generate()
    history.live_queue()
    counts = dict(history.counts)
    counts["decisions"] = len(history.rows[Decision])
    counts["strategy_discussions"] = len(history.rows[StrategyDiscussion])
    counts["contact_people"] = len(history.rows[ContactPerson])
    return FrontDoorRows(history.rows, history.chronology, counts, history.episodes)


def write(result: FrontDoorRows, *, inserter: FastInserter, buffers: Buffers) -> None:
    for model in (*TABLES, Allocation):
        inserter.insert(model, result.rows[model])
    rows = buffers.rows[ChronologyEntry]
    for start in range(0, len(result.chronology), 20_000):
        rows.extend(result.chronology[start : start + 20_000])
        buffers.flush()
        rows = buffers.rows[ChronologyEntry]


def match_live_queue(result: FrontDoorRows) -> None:
    """Suggest records for the people the live queue has not linked yet, as the product does
    when a request arrives (with the indexes built: it searches the people just made)."""
    waiting = {rules.Status.RECEIVED.value, rules.Status.SCREENING.value}
    for contact in result.rows[Contact]:
        if contact["status"] in waiting:
            match_at_intake(contact["id"])
