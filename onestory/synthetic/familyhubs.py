"""The synthetic local authority's family hubs: two hubs and their satellite and outreach sites,
the activities on their weekly timetables, the sessions from April 2024, the families registered
with the hubs and who came to what, the service directory, and families referred to its services
from early help and the front door.

Calibration (seed 004: Luton's children's centres reached about 16,100 children and 7,500
families in a year, before they became two family hubs with satellites): in the year from
1 April 2025 to 31 March 2026 exactly round(7,500 x scale) registered families attend, and
round(16,100 x scale) of their children (0 to 17 on the day) attend at least once, unless the
timetable is too full to place a visit (then a few fewer; the counts say how many). The year
before has as many families, about a third of them the same ones (STAY_ON), and the seven months
of 2026-27 up to the reference date fewer (ACTIVE_SHARE). A town of ~60,000 children in ~27,500
households has about 2.2 children a household, so a reached family brings most of its children:
every child under five of a family who comes in a year attends, and enough of their older
brothers and sisters (after-school and holiday clubs, youth club, the SEND group) to make up the
16,100. Which families come is weighted, hand-set: a family with a child under five in the year
counts UNDER_FIVE_WEIGHT times, a family in a target ward TARGET_WARD_WEIGHT times, and larger
families a little more (KIDS_WEIGHT), since the reach is of children.

Each family visits a number of times a year (VISITS, hand-set: a third come once, a few every
week or two); a visit is to one session, booked or a walk-in, with the children whose ages fit
the activity and a parent or carer (not at the youth club or the holiday club). A session never
holds more people than its capacity; a cancelled session has nobody. Every attendance is a line
in the person's chronology (category "family hub", "Attended <activity> at <site>"), as the
register writes it. Families first seen in the history's first half year often registered at a
children's centre before it (REGISTERED_BEFORE); the others registered at the door the day they
first came.

Everything draws on its own random generator, seeded from the run's seed, after early help and
social care: the same seed gives the same hubs, and the rest of the town does not change.
"""

import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import LONDON
from onestory.earlyhelp.models import Episode, EpisodeMember
from onestory.familyhubs import rules as hub_rules
from onestory.familyhubs import rules_register
from onestory.familyhubs.actions.referrals import CHRONOLOGY_CATEGORY as REFERRAL_CATEGORY
from onestory.familyhubs.models import (
    Activity,
    Attendance,
    Booking,
    RegisteredPerson,
    Registration,
    Service,
    ServiceReferral,
    Session,
    Site,
)
from onestory.frontdoor.models import ContactPerson, Decision
from onestory.frontdoor.rules import Outcome
from onestory.people.models import ChronologyEntry

from . import familyhubs_texts as texts
from .bulk import Buffers, FastInserter
from .contacts import Weights
from .drafts import REFERENCE_DATE, HouseholdInfo
from .identifiers import new_uuid
from .reference import postcode_geography, ward_specs

# ----- calibration (see the module's docstring) ------------------------------------------------

CHILDREN_REACHED_AT_SCALE_1 = 16_100  # a year: seed 004 (Luton's children's centres)
FAMILIES_REACHED_AT_SCALE_1 = 7_500  # a year: seed 004
HISTORY_START = date(2024, 4, 1)  # hand-set: the hubs' records begin with the 2024-25 year
LAST_DAY = REFERENCE_DATE - timedelta(days=1)  # nobody has attended after it
TIMETABLE_END = REFERENCE_DATE + timedelta(weeks=6)  # sessions ahead, some of them booked
YEARS = (
    (date(2024, 4, 1), date(2025, 3, 31)),
    (date(2025, 4, 1), date(2026, 3, 31)),  # the calibrated year: the reach view's last year
    (date(2026, 4, 1), LAST_DAY),
)
CALIBRATED_YEAR = 1
ACTIVE_SHARE = (1.0, 1.0, 0.75)  # hand-set: families (and children) of each year, as a share
STAY_ON = 3.0  # hand-set: a family who came the year before is this much likelier to come again
UNDER_FIVE_WEIGHT = 4.0  # hand-set
TARGET_WARD_WEIGHT = 1.5  # hand-set
KIDS_WEIGHT = 0.5  # hand-set: each child after the first adds this to a family's weight
# Visits of a family in a year (hand-set; about five on average).
VISITS = Weights({1: 30, 2: 17, 3: 12, 4: 10, 6: 10, 8: 9, 12: 7, 20: 5})
CARERS_ONLY_VISIT = 0.1  # hand-set: a visit to a course for parents (parenting, money, English)
OTHER_CARER = 0.2  # hand-set: the other parent or carer comes instead of the usual one
SECOND_CARER = 0.12  # hand-set: both come
ANTENATAL_SHARE = 0.35  # hand-set: parents of a baby born in the year who went to a class
WALK_IN_SHARE = 0.25  # hand-set: visits without a booking
NO_SHOW_SHARE = 0.08  # hand-set: visits followed by a booking the family did not come to
CANCELLED_BOOKING_SHARE = 0.4  # hand-set: of those, cancelled beforehand
CANCELLED_SESSION_SHARE = 0.02  # hand-set: sessions cancelled (staff sickness, the building)
AUGUST_RUNS = 0.4  # hand-set: an all-year session runs in August this often
REGISTERED_BEFORE = 0.6  # hand-set: see the docstring
ENDED_SHARE = 0.1  # hand-set: families last seen in 2024-25 whose registration has ended
FUTURE_BOOKING_SHARE = 0.15  # hand-set: this year's families with a session booked ahead
NEWS_CONSENT = 0.6  # hand-set: families who agreed to news of sessions
CONTACT_BY = Weights({"text": 70, "phone": 15, "email": 10, "post": 3, "none": 2})  # hand-set
HOME_SITE_SHARE = 0.85  # hand-set: visits to a site of the family's own hub
VISIT_TRIES = 4  # days tried for a child's visit before giving it up (the sessions were full)
SEARCH = 60  # sessions of the activity looked at either side of the day tried
CHRISTMAS_CLOSURE = ((12, 24), (1, 1))  # hand-set: the hubs close from 24 December to 1 January
# Family hub practitioners (Role.FAMILY_HUB) run the sessions: see workforce.FAMILY_HUB_WORKERS.

# The directory is not proportional to the town: the same services at every scale.
STALE_SHARE = 0.1  # hand-set: entries nobody has checked for over six months (rules.STALE_AFTER)
OPEN_REFERRAL_SHARE = 0.3  # hand-set: entries loaded from a partner's Open Referral UK feed
ONLINE_SHARE = 0.25  # hand-set: services by phone or online, with no address
# Referrals to services (hand-set): early help episodes opened since the history began that
# referred the family to a service, and front-door "signpost" decisions that made a referral.
EPISODE_REFERRAL_SHARE = 0.3
SIGNPOST_REFERRAL_SHARE = 0.1
SECOND_REFERRAL_SHARE = 0.25
DECLINED_SHARE = 0.15
ATTENDED_SHARE = 0.7
DECIDED_DAYS = (2, 14)
CLOSED_DAYS = (28, 120)

CHRONOLOGY_CATEGORY = rules_register.CHRONOLOGY_CATEGORY  # as the register writes it
CHRONOLOGY_SOURCE = Attendance._meta.label_lower  # as actions/attendance.py does

TABLES = (
    Site,
    Activity,
    Session,
    Session.staff.through,
    Session.partners.through,
    Registration,
    RegisteredPerson,
    Booking,
    Attendance,
    Service,
    ServiceReferral,
    ServiceReferral.people.through,
)
DELETION_ORDER = (
    ServiceReferral.people.through,
    ServiceReferral,
    Service,
    Attendance,
    Booking,
    RegisteredPerson,
    Registration,
    Session.partners.through,
    Session.staff.through,
    Session,
    Activity,
    Site,
)

HUB_HOURS = [
    {"day": d, "opens": "08:30", "closes": "20:00" if d in (1, 3) else "17:00"} for d in range(5)
] + [{"day": 5, "opens": "09:00", "closes": "13:00"}]
SATELLITE_HOURS = [{"day": d, "opens": "09:00", "closes": "16:30"} for d in range(5)]
OUTREACH_HOURS = [{"day": d, "opens": "09:00", "closes": "20:00"} for d in (0, 2, 3)]
HOURS = {"hub": HUB_HOURS, "satellite": SATELLITE_HOURS, "outreach": OUTREACH_HOURS}

K = Activity.Kind
ALL_SITES = ("hub", "satellite", "outreach")
HUBS_AND_SATELLITES = ("hub", "satellite")
WEEKDAYS = (0, 1, 2, 3, 4)
ADULT_AGE_MONTHS = 18 * 12


@dataclass(frozen=True, kw_only=True)
class ActivitySpec:
    """One of the town's activities and how its weekly sessions run."""

    key: str
    name: str
    kind: str
    audience: str
    youngest_months: int | None  # None: any age
    oldest_months: int | None
    who: str  # "family": children and a carer; "carers"; "children"; "antenatal"
    agency: str | None  # the partner agency delivering it (None: the hubs' own staff)
    capacity: int  # places (children and adults)
    minutes: int  # how long each session lasts
    sessions_a_week: int  # at scale 1
    sites: tuple = ALL_SITES  # the kinds of site it runs at
    days: tuple = WEEKDAYS
    starts: tuple = ("09:30", "13:30")
    runs: str = "all"  # "all" (lighter in August), "term" or "holiday"


HEALTH_VISITING = "Luton Health Visiting Service"
HOSPITAL = "Luton and Dunstable University Hospital"
HOUSING = "Luton Housing Service"
U = Activity.Audience.UNIVERSAL.value
T = Activity.Audience.TARGETED.value
# Hand-set: about 170 sessions a week at scale 1 (places for the reach with room to spare).
ACTIVITIES = (
    ActivitySpec(
        key="stay_play",
        name="Stay and play",
        kind=K.STAY_AND_PLAY,
        audience=U,
        youngest_months=0,
        oldest_months=59,
        who="family",
        agency=None,
        capacity=24,
        minutes=90,
        sessions_a_week=40,
    ),
    ActivitySpec(
        key="baby_massage",
        name="Baby massage",
        kind=K.OTHER,
        audience=U,
        youngest_months=0,
        oldest_months=11,
        who="family",
        agency=None,
        capacity=16,
        minutes=60,
        sessions_a_week=6,
        sites=HUBS_AND_SATELLITES,
    ),
    ActivitySpec(
        key="antenatal",
        name="Antenatal class",
        kind=K.ANTENATAL,
        audience=U,
        youngest_months=None,
        oldest_months=None,
        who="antenatal",
        agency=HOSPITAL,
        capacity=20,
        minutes=120,
        sessions_a_week=5,
        sites=("hub",),
    ),
    ActivitySpec(
        key="infant_feeding",
        name="Infant feeding drop-in",
        kind=K.INFANT_FEEDING,
        audience=U,
        youngest_months=0,
        oldest_months=11,
        who="family",
        agency=HEALTH_VISITING,
        capacity=16,
        minutes=90,
        sessions_a_week=6,
        sites=HUBS_AND_SATELLITES,
    ),
    ActivitySpec(
        key="clinic",
        name="Child health clinic",
        kind=K.HEALTH_CLINIC,
        audience=U,
        youngest_months=0,
        oldest_months=59,
        who="family",
        agency=HEALTH_VISITING,
        capacity=30,
        minutes=150,
        sessions_a_week=10,
        sites=HUBS_AND_SATELLITES,
    ),
    ActivitySpec(
        key="oral_health",
        name="Healthy teeth",
        kind=K.ORAL_HEALTH,
        audience=U,
        youngest_months=12,
        oldest_months=59,
        who="family",
        agency=HEALTH_VISITING,
        capacity=16,
        minutes=60,
        sessions_a_week=4,
    ),
    ActivitySpec(
        key="speech",
        name="Chatter and play",
        kind=K.SPEECH_AND_LANGUAGE,
        audience=T,
        youngest_months=18,
        oldest_months=59,
        who="family",
        agency=HOSPITAL,
        capacity=12,
        minutes=60,
        sessions_a_week=8,
        sites=HUBS_AND_SATELLITES,
        runs="term",
    ),
    ActivitySpec(
        key="music",
        name="Toddler music and rhymes",
        kind=K.STAY_AND_PLAY,
        audience=U,
        youngest_months=12,
        oldest_months=47,
        who="family",
        agency=None,
        capacity=20,
        minutes=60,
        sessions_a_week=8,
    ),
    ActivitySpec(
        key="parenting",
        name="Parenting course",
        kind=K.PARENTING,
        audience=T,
        youngest_months=0,
        oldest_months=215,
        who="carers",
        agency=None,
        capacity=14,
        minutes=120,
        sessions_a_week=8,
        sites=HUBS_AND_SATELLITES,
        runs="term",
    ),
    ActivitySpec(
        key="dads",
        name="Dads' group",
        kind=K.PARENT_SUPPORT,
        audience=U,
        youngest_months=0,
        oldest_months=59,
        who="family",
        agency=None,
        capacity=20,
        minutes=120,
        sessions_a_week=3,
        sites=("hub",),
        days=(5,),
        starts=("09:30",),
    ),
    ActivitySpec(
        key="send",
        name="SEND family group",
        kind=K.SEND,
        audience=T,
        youngest_months=0,
        oldest_months=215,
        who="family",
        agency=None,
        capacity=16,
        minutes=120,
        sessions_a_week=6,
        sites=HUBS_AND_SATELLITES,
    ),
    ActivitySpec(
        key="afterschool",
        name="After-school family club",
        kind=K.OTHER,
        audience=U,
        youngest_months=60,
        oldest_months=131,
        who="family",
        agency=None,
        capacity=24,
        minutes=90,
        sessions_a_week=22,
        sites=ALL_SITES,
        days=WEEKDAYS,
        starts=("15:30",),
        runs="term",
    ),
    ActivitySpec(
        key="holiday",
        name="Holiday activities and food",
        kind=K.OTHER,
        audience=U,
        youngest_months=60,
        oldest_months=191,
        who="children",
        agency="Brighter Futures Family Support",
        capacity=30,
        minutes=240,
        sessions_a_week=30,
        sites=ALL_SITES,
        days=WEEKDAYS,
        starts=("10:00",),
        runs="holiday",
    ),
    ActivitySpec(
        key="youth",
        name="Youth club",
        kind=K.YOUTH,
        audience=U,
        youngest_months=132,
        oldest_months=215,
        who="children",
        agency="Hatters Youth Mentoring Project",
        capacity=30,
        minutes=120,
        sessions_a_week=14,
        sites=("hub", "outreach"),
        days=(1, 3),
        starts=("17:30",),
    ),
    ActivitySpec(
        key="money",
        name="Money and housing advice",
        kind=K.ADVICE,
        audience=U,
        youngest_months=None,
        oldest_months=None,
        who="carers",
        agency=HOUSING,
        capacity=10,
        minutes=120,
        sessions_a_week=5,
    ),
    ActivitySpec(
        key="english",
        name="English for parents",
        kind=K.ADULT_LEARNING,
        audience=U,
        youngest_months=None,
        oldest_months=None,
        who="carers",
        agency=None,
        capacity=14,
        minutes=120,
        sessions_a_week=5,
        sites=HUBS_AND_SATELLITES,
        runs="term",
    ),
)
CARERS_COURSES = ("parenting", "money", "english")


# ----- what is made ---------------------------------------------------------------------------


class _Session:
    __slots__ = (
        "id",
        "activity",
        "site",
        "day",
        "starts_at",
        "ends_at",
        "capacity",
        "used",
        "cancelled",
        "staff",
    )

    def __init__(self, id, activity, site, day, starts_at, ends_at, capacity, cancelled, staff):
        self.id, self.activity, self.site, self.day = id, activity, site, day
        self.starts_at, self.ends_at, self.capacity = starts_at, ends_at, capacity
        self.cancelled, self.staff, self.used = cancelled, staff, 0


@dataclass
class _Family:
    info: HouseholdInfo
    area: str  # "north" or "south": the family's own hub
    target: bool
    kids: list  # (person id, date of birth)
    carers: list  # person ids, the usual one first
    registration_id: object = None
    first: datetime | None = None  # first booking or attendance
    last: datetime | None = None
    first_site: str | None = None
    active: set = field(default_factory=set)  # indexes of YEARS
    sessions: set = field(default_factory=set)  # ids of the sessions booked or attended


@dataclass
class FamilyHubRows:
    rows: dict  # model -> list of {attname: value}
    chronology: list
    counts: dict


def _months(born: date, day: date) -> int:
    months = (day.year - born.year) * 12 + day.month - born.month
    return months - (day.day < born.day)


def _birthday(born: date, years: int) -> date:
    return date(born.year + years, born.month, min(born.day, 28))


def _utc(day: date, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LONDON).astimezone(UTC)


def _closed_for_christmas(day: date) -> bool:
    (m1, d1), (m2, d2) = CHRISTMAS_CLOSURE
    return (day.month, day.day) >= (m1, d1) or (day.month, day.day) <= (m2, d2)


def _school_holiday(monday: date, bank_holidays: frozenset) -> bool:
    """A week of the school holidays, roughly (hand-set): August, the last full week of
    October, the February half term, the week before Easter Monday and the week after."""
    if monday.month == 8 or (monday.month == 7 and monday.day >= 22):
        return True
    if monday.month == 10 and 23 <= monday.day <= 29:
        return True
    if monday.month == 2 and 12 <= monday.day <= 18:
        return True
    for holiday in bank_holidays:
        # Easter Monday: the only Monday bank holiday in March or April.
        easter_monday = holiday.month in (3, 4) and holiday.weekday() == 0
        if easter_monday and -7 <= (monday - holiday).days <= 0:
            return True
    return False


class FamilyHubGenerator:
    def __init__(self, *, seed, scale, households, workforce, known_from, early_help, front_door):
        self.rng = random.Random(f"familyhubs-{seed}")
        self.scale = scale
        self.households = households
        self.workforce = workforce
        self.known_from = known_from
        self.early_help = early_help
        self.front_door = front_door
        self.rows: dict = {model: [] for model in TABLES}
        self.chronology: list = []
        self.counts: dict = {}
        self.bank_holidays = bank_holidays_between(HISTORY_START, TIMETABLE_END)
        hub_workers = workforce.family_hub
        self.staff = {
            "north": [w.pk for w in hub_workers.get("hub-north", [])],
            "south": [w.pk for w in hub_workers.get("hub-south", [])],
        }
        self.sites: dict = {}  # key -> (id, name, area, kind)
        self.activities: dict = {}  # key -> (id, spec)
        self.sessions: dict = {}  # activity key -> [_Session] by start
        self.session_days: dict = {}  # activity key -> [day] (for bisect)

    # ----- sites, activities, sessions -------------------------------------------------------

    def make_sites(self) -> None:
        rng = self.rng
        geography = postcode_geography()
        specs = {w.code: w for w in ward_specs()}
        by_ward: dict = {}
        for postcode, (east, north, ward, _) in geography.items():
            by_ward.setdefault(ward, []).append((postcode, east, north))
        for site in texts.SITES:
            spec = specs[site.ward]
            # The postcode nearest the ward's centre (a real postcode of the town; the building
            # and the street are invented).
            postcode = min(
                by_ward[site.ward],
                key=lambda p: (p[1] - spec.easting) ** 2 + (p[2] - spec.northing) ** 2,
            )[0]
            site_id = new_uuid(rng)
            self.sites[site.key] = (site_id, site.name, site.area, site.kind)
            self.rows[Site].append(
                {
                    "id": site_id,
                    "name": site.name,
                    "kind": site.kind,
                    "hub_id": self.sites[site.hub][0] if site.hub else None,
                    "line_1": f"{rng.randint(1, 120)} {site.street}",
                    "line_2": "",
                    "town": "Luton",
                    "postcode": postcode,
                    "ward_id": site.ward,
                    "phone": f"01632 960{rng.randint(0, 999):03d}",  # Ofcom's drama numbers
                    "opening_times": HOURS[site.kind],
                    "active": True,
                }
            )

    def make_activities(self) -> None:
        agencies = self.workforce.agencies
        for spec in ACTIVITIES:
            activity_id = new_uuid(self.rng)
            self.activities[spec.key] = (activity_id, spec)
            agency = agencies.get(spec.agency) if spec.agency else None
            self.rows[Activity].append(
                {
                    "id": activity_id,
                    "name": spec.name,
                    "kind": spec.kind.value if hasattr(spec.kind, "value") else spec.kind,
                    "description": texts.ACTIVITY_DESCRIPTIONS[spec.key],
                    "audience": spec.audience,
                    "youngest_months": spec.youngest_months,
                    "oldest_months": spec.oldest_months,
                    "delivered_by_id": agency.pk if agency else None,
                    "active": True,
                }
            )

    @staticmethod
    def _fitting(spec: ActivitySpec) -> list[tuple]:
        """Every weekly slot the activity could have: (site key, weekday, start) where the site
        is of a kind it runs at and open for the whole session."""
        choices = []
        for site in texts.SITES:
            if site.kind not in spec.sites:
                continue
            for opening in HOURS[site.kind]:
                if opening["day"] not in spec.days:
                    continue
                for start in spec.starts:
                    hours, minutes = map(int, start.split(":"))
                    ends = hours * 60 + minutes + spec.minutes
                    if (
                        start >= opening["opens"]
                        and f"{ends // 60:02d}:{ends % 60:02d}" <= (opening["closes"])
                    ):
                        choices.append((site.key, opening["day"], start))
        return choices

    def _slots(self, spec: ActivitySpec) -> list[tuple]:
        """The activity's weekly slots: (site key, weekday, start), spread over the sites."""
        rng = self.rng
        choices = self._fitting(spec)
        rng.shuffle(choices)
        # Hubs first: they run most (a satellite or outreach venue gets what is left over).
        choices.sort(key=lambda c: self.sites[c[0]][3] != "hub")
        wanted = max(1, round(spec.sessions_a_week * self.scale))
        hubs = [c for c in choices if self.sites[c[0]][3] == "hub"]
        others = [c for c in choices if self.sites[c[0]][3] != "hub"]
        # About half at the two hubs, the rest round the other sites.
        ordered = []
        while hubs or others:
            if hubs:
                ordered.append(hubs.pop())
            if others:
                ordered.append(others.pop())
        return [ordered[i % len(ordered)] for i in range(wanted)]

    def make_sessions(self) -> None:
        mondays = []
        monday = HISTORY_START - timedelta(days=HISTORY_START.weekday())
        while monday < TIMETABLE_END:
            mondays.append(monday)
            monday += timedelta(days=7)
        holiday_weeks = {m for m in mondays if _school_holiday(m, self.bank_holidays)}
        weeks = (mondays, holiday_weeks)
        for spec in ACTIVITIES:
            self.sessions[spec.key] = [
                session for slot in self._slots(spec) for session in self._weekly(spec, slot, weeks)
            ]
        # At a small scale the spread above leaves some sites without sessions: every site runs
        # at least one activity each week, whatever the scale (the first that runs all year and
        # fits its hours). At scale 1 every site already has several, so nothing is added.
        used = {s.site for made in self.sessions.values() for s in made}
        for site in texts.SITES:
            if site.key in used:
                continue
            for spec in ACTIVITIES:
                slot = next((c for c in self._fitting(spec) if c[0] == site.key), None)
                if spec.runs == "all" and slot is not None:
                    self.sessions[spec.key] += self._weekly(spec, slot, weeks)
                    break
        for spec in ACTIVITIES:
            made = self.sessions[spec.key]
            made.sort(key=lambda s: (s.starts_at, s.site))
            self.session_days[spec.key] = [s.day for s in made]

    def _weekly(self, spec: ActivitySpec, slot: tuple, weeks: tuple) -> list[_Session]:
        """The sessions of one weekly slot from the history's start to the timetable's end:
        none on bank holidays or over Christmas, term-time or holiday-time as the activity runs,
        fewer in August, a few cancelled."""
        rng = self.rng
        mondays, holiday_weeks = weeks
        site_key, weekday, start = slot
        activity_id = self.activities[spec.key][0]
        agency = self.workforce.agencies.get(spec.agency) if spec.agency else None
        partners = self.workforce.partners
        partner_staff = [w.pk for w in partners.get(spec.agency, [])] if spec.agency else []
        site_id, _, area, _ = self.sites[site_key]
        # The same practitioner runs a weekly session (hand-set), with a partner's.
        staff = [rng.choice(self.staff[area])] if self.staff[area] else []
        if partner_staff:
            staff.append(rng.choice(partner_staff))
        made = []
        for monday in mondays:
            day = monday + timedelta(days=weekday)
            if day < HISTORY_START or day >= TIMETABLE_END:
                continue
            if day in self.bank_holidays or _closed_for_christmas(day):
                continue
            holiday = monday in holiday_weeks
            if spec.runs == "holiday" and not holiday:
                continue
            if spec.runs == "term" and holiday:
                continue
            if spec.runs == "all" and day.month == 8 and rng.random() >= AUGUST_RUNS:
                continue
            starts_at = _utc(day, start)
            cancelled = None
            if rng.random() < CANCELLED_SESSION_SHARE:
                cancelled = starts_at - timedelta(hours=rng.randint(2, 72))
            session = _Session(
                new_uuid(rng),
                spec.key,
                site_key,
                day,
                starts_at,
                starts_at + timedelta(minutes=spec.minutes),
                spec.capacity,
                cancelled,
                staff,
            )
            made.append(session)
            self.rows[Session].append(
                {
                    "id": session.id,
                    "activity_id": activity_id,
                    "site_id": site_id,
                    "starts_at": session.starts_at,
                    "ends_at": session.ends_at,
                    "capacity": spec.capacity,
                    "cancelled_at": cancelled,
                }
            )
            for worker_id in staff:
                self.rows[Session.staff.through].append(
                    {"session_id": session.id, "worker_id": worker_id}
                )
            if agency is not None:
                self.rows[Session.partners.through].append(
                    {"session_id": session.id, "agency_id": agency.pk}
                )
        return made

    # ----- families ---------------------------------------------------------------------------

    def families(self) -> list[_Family]:
        specs = {w.code: w for w in ward_specs()}
        north = {"North", "West"}
        made = []
        for info in self.households:
            if info.uasc or not info.carers:
                continue
            people = info.people
            kids = [
                (pid, born)
                for pid, born, _school, unborn in info.children
                if not unborn
                and born is not None
                and born <= LAST_DAY
                and people.get(pid) is not None
                and people[pid].date_of_death is None
            ]
            carers = [
                pid
                for pid in info.carers
                if people.get(pid) is not None and people[pid].date_of_death is None
            ]
            if not kids or not carers:
                continue
            # Mothers first: the usual one to come (hand-set), then the others.
            carers.sort(key=lambda pid: (people[pid].sex != "F", str(pid)))
            spec = specs.get(info.ward)
            area = "north" if spec is None or spec.area in north else "south"
            made.append(_Family(info, area, bool(spec and spec.is_target), kids, carers))
        return made

    def _known(self, pid, day: date) -> bool:
        known = self.known_from.get(pid)
        return known is None or known <= day

    def _in_range(self, born: date, first: date, last: date) -> bool:
        return born <= last and _birthday(born, 18) > first

    def _under_five(self, born: date, first: date, last: date) -> bool:
        return born <= last and _birthday(born, 5) > first

    def choose(self, families: list[_Family]) -> dict:
        """Which families come in each year, and which of their children: {year: {family: [child
        ids]}} with the calibrated counts."""
        rng = self.rng
        chosen: dict = {}
        before: set = set()
        for year, (first, last) in enumerate(YEARS):
            wanted = round(FAMILIES_REACHED_AT_SCALE_1 * self.scale * ACTIVE_SHARE[year])
            children_wanted = round(CHILDREN_REACHED_AT_SCALE_1 * self.scale * ACTIVE_SHARE[year])
            keyed = []
            for index, family in enumerate(families):
                # Children of the year the council knew of (a family who moved to the town
                # after it did not come).
                in_range = [
                    k
                    for k in family.kids
                    if self._in_range(k[1], first, last) and self._known(k[0], last)
                ]
                if not in_range:
                    continue
                weight = 1.0 + KIDS_WEIGHT * (len(in_range) - 1)
                if any(self._under_five(born, first, last) for _, born in in_range):
                    weight *= UNDER_FIVE_WEIGHT
                if family.target:
                    weight *= TARGET_WARD_WEIGHT
                if index in before:
                    weight *= STAY_ON
                # Weighted sampling without replacement (Efraimidis and Spirakis).
                keyed.append((rng.random() ** (1.0 / weight), index, in_range))
            keyed.sort(reverse=True)
            picked = keyed[:wanted]
            young, older = [], []
            for _, index, in_range in picked:
                for pid, born in in_range:
                    (young if self._under_five(born, first, last) else older).append((index, pid))
            rng.shuffle(young)
            rng.shuffle(older)
            coming = young[:children_wanted]
            coming += older[: max(0, children_wanted - len(coming))]
            year_families = {index: [] for _, index, _ in picked}
            for index, pid in coming:
                year_families[index].append(pid)
            chosen[year] = year_families
            before = set(year_families)
            self.counts[f"family_hub_children_wanted_{first.year}"] = children_wanted
            self.counts[f"family_hub_children_available_{first.year}"] = len(young) + len(older)
        return chosen

    # ----- visits -----------------------------------------------------------------------------

    def _children_on(self, spec: ActivitySpec, day: date, children: list) -> list:
        """The family's children coming this year whose age fits the activity on the day."""
        if spec.who not in ("family", "children"):
            return []
        people = []
        for pid, born in children:
            if born > day:
                continue
            months = _months(born, day)
            if (
                months < ADULT_AGE_MONTHS
                and (spec.youngest_months is None or months >= spec.youngest_months)
                and (spec.oldest_months is None or months <= spec.oldest_months)
                and self._known(pid, day)
            ):
                people.append(pid)
        return people

    def _carers_on(self, family: _Family, spec: ActivitySpec, day: date, room: int) -> list:
        """The parent or carer who comes (sometimes the other one, sometimes both)."""
        if spec.who == "children" or room < 1:
            return []
        rng = self.rng
        carers = [c for c in family.carers if self._known(c, day)]
        if not carers:
            return []
        usual = carers[0]
        if len(carers) > 1 and rng.random() < OTHER_CARER:
            usual = carers[1]
        coming = [usual]
        if len(carers) > 1 and rng.random() < SECOND_CARER and room > 1:
            coming.append(next(c for c in carers if c != usual))
        return coming

    def _place(
        self,
        family: _Family,
        spec: ActivitySpec,
        since: date,
        day: date,
        until: date,
        children,
        focus,
    ) -> tuple:
        """A session of the activity from `since` to `until` with room for the family, the
        nearest on or after the day first, then before it: (the session, who comes), or
        (None, [])."""
        sessions = self.sessions[spec.key]
        if not sessions:
            return None, []
        start = bisect_left(self.session_days[spec.key], day)
        end = len(sessions)
        indexes = [
            *range(start, min(start + SEARCH, end)),
            *range(start - 1, max(start - SEARCH, 0) - 1, -1),
        ]
        with_children = spec.who in ("family", "children")
        with_carers = spec.who != "children"
        sites = self.sites
        kids_on: dict = {}
        for home in (True, False) if self.rng.random() < HOME_SITE_SHARE else (False,):
            for index in indexes:
                session = sessions[index]
                day = session.day
                if day > until or day < since or session.cancelled is not None:
                    continue
                room = session.capacity - session.used
                if room < 1 or session.id in family.sessions:
                    continue
                if home and sites[session.site][2] != family.area:
                    continue
                kids = kids_on.get(day)
                if kids is None:
                    kids = kids_on[day] = self._children_on(spec, day, children)
                if with_children and (not kids or (focus is not None and focus not in kids)):
                    continue
                if len(kids) + with_carers > room:
                    continue
                group = kids + self._carers_on(family, spec, day, room - len(kids))
                if not group:
                    continue
                return session, group
        return None, []

    def _activities_for(self, months: int) -> list[ActivitySpec]:
        return [
            spec
            for spec in ACTIVITIES
            if spec.who in ("family", "children")
            and (spec.youngest_months is None or months >= spec.youngest_months)
            and (spec.oldest_months is None or months <= spec.oldest_months)
        ]

    def _child_visit(self, family, focus, children, first, last, tries) -> tuple:
        """A session in the year for this child (with the family's others who fit)."""
        rng = self.rng
        pid, born = focus
        since = max(first, born, self.known_from.get(pid, first))
        until = min(last, _birthday(born, 18) - timedelta(days=1))
        if since > until:
            return None, []
        for _attempt in range(tries):
            day = since + timedelta(days=rng.randint(0, (until - since).days))
            choices = self._activities_for(_months(born, day))
            if not choices:
                continue
            spec = rng.choices(choices, [c.sessions_a_week for c in choices])[0]
            session, group = self._place(family, spec, since, day, until, children, pid)
            if session is not None:
                return session, group
        return None, []

    def _carers_visit(self, family, first, last, spec=None) -> tuple:
        rng = self.rng
        spec = spec or self.by_key[rng.choice(CARERS_COURSES)]
        day = first + timedelta(days=rng.randint(0, (last - first).days))
        return self._place(family, spec, first, day, last, [], None)

    def visits(self, families: list[_Family], chosen: dict) -> None:
        rng = self.rng
        self.by_key = by_key = {spec.key: spec for spec in ACTIVITIES}
        self._reached: dict = {}
        for year, (first, last) in enumerate(YEARS):
            order = list(chosen[year].items())
            rng.shuffle(order)
            self._came: set = set()  # this year's people and registrations who came
            for index, coming in order:
                family = families[index]
                family.active.add(year)
                born = dict(family.kids)
                children = [(pid, born[pid]) for pid in coming]
                all_children = [k for k in family.kids if self._in_range(k[1], first, last)]
                visits = max(VISITS.pick(rng), len(children))
                for i in range(visits):
                    focus = None
                    if i < len(children):
                        focus = children[i]
                    elif children and rng.random() >= CARERS_ONLY_VISIT:
                        focus = rng.choice(children)
                    if focus is None:
                        session, group = self._carers_visit(family, first, last)
                    else:
                        session, group = self._child_visit(
                            family, focus, children, first, last, VISIT_TRIES
                        )
                    if session is not None:
                        self._attend(family, session, group, year)
                # A child who has not come yet (the sessions tried were full) tries harder.
                for focus in children:
                    if focus[0] not in self._came:
                        session, group = self._child_visit(
                            family, focus, children, first, last, VISIT_TRIES * 4
                        )
                        if session is not None:
                            self._attend(family, session, group, year)
                for _attempt in range(VISIT_TRIES * 2):
                    if family.registration_id in self._came:
                        break
                    session, group = self._carers_visit(family, first, last)
                    if session is not None:
                        self._attend(family, session, group, year)
                # Parents of a baby born in (or just after) the year at an antenatal class.
                for _pid, child_born in all_children:
                    due = child_born - timedelta(days=rng.randint(14, 84))
                    if first <= due <= last and rng.random() < ANTENATAL_SHARE:
                        session, group = self._place(
                            family, by_key["antenatal"], first, due, last, [], None
                        )
                        if session is not None:
                            self._attend(family, session, group, year)
            # Bookings ahead, after the reference date, for some of this year's families.
            if year == len(YEARS) - 1:
                self._future_bookings(families, chosen[year])

    def _registration(self, family: _Family) -> object:
        if family.registration_id is None:
            family.registration_id = new_uuid(self.rng)
        return family.registration_id

    def _attend(self, family: _Family, session: _Session, group: list, year: int) -> None:
        rng = self.rng
        registration = self._registration(family)
        session.used += len(group)
        family.sessions.add(session.id)
        walk_in = rng.random() < WALK_IN_SHARE
        staff = session.staff[0] if session.staff else None
        booked_at = None
        if not walk_in:
            booked_at = session.starts_at - timedelta(
                days=rng.randint(1, 14), minutes=rng.randint(0, 480)
            )
            self._book(session, group, registration, booked_at, staff)
        site_name = self.sites[session.site][1]
        activity = self.activities[session.activity][1]
        summary = rules_register.attendance_summary(activity.name, site_name)
        for pid in group:
            attendance_id = new_uuid(rng)
            self.rows[Attendance].append(
                {
                    "id": attendance_id,
                    "session_id": session.id,
                    "person_id": pid,
                    "registration_id": registration,
                    "walk_in": walk_in,
                    "recorded_at": session.ends_at,
                    "recorded_by_id": staff,
                }
            )
            self.chronology.append(
                {
                    "id": new_uuid(rng),
                    "person_id": pid,
                    "occurred_at": session.starts_at,
                    "category": CHRONOLOGY_CATEGORY,
                    "summary": summary,
                    "recorded_by_id": staff,
                    "source_type": CHRONOLOGY_SOURCE,
                    "source_id": str(attendance_id),
                }
            )
        self._came.update(group)
        self._came.add(registration)
        if year == CALIBRATED_YEAR:
            self._reached.setdefault(registration, set()).update(group)
        earliest = booked_at or session.starts_at
        if family.first is None or earliest < family.first:
            family.first, family.first_site = earliest, session.site
        if family.last is None or session.ends_at > family.last:
            family.last = session.ends_at
        # Sometimes a booking follows that the family does not come to (same activity, soon).
        if rng.random() < NO_SHOW_SHARE:
            self._no_show(family, session, group, registration)

    def _book(self, session, group, registration, booked_at, staff, cancelled=None) -> None:
        for pid in group:
            self.rows[Booking].append(
                {
                    "id": new_uuid(self.rng),
                    "session_id": session.id,
                    "person_id": pid,
                    "registration_id": registration,
                    "booked_at": booked_at,
                    "booked_by_id": staff,
                    "cancelled_at": cancelled,
                }
            )

    def _later_session(self, activity: str, after: date, family: _Family, size: int):
        sessions = self.sessions[activity]
        start = bisect_left(self.session_days[activity], after + timedelta(days=1))
        for session in sessions[start : start + 40]:
            if (
                session.cancelled is None
                and session.id not in family.sessions
                and self.sites[session.site][2] == family.area
                and session.used + size <= session.capacity
            ):
                return session
        return None

    def _no_show(self, family: _Family, session: _Session, group: list, registration) -> None:
        rng = self.rng
        later = self._later_session(session.activity, session.day, family, len(group))
        if later is None or later.day > LAST_DAY:
            return
        family.sessions.add(later.id)
        booked_at = later.starts_at - timedelta(days=rng.randint(1, 7))
        if rng.random() < CANCELLED_BOOKING_SHARE:
            cancelled = booked_at + (later.starts_at - booked_at) / 2
            self._book(
                later,
                group,
                registration,
                booked_at,
                later.staff[0] if later.staff else None,
                cancelled,
            )
            return
        later.used += len(group)
        self._book(later, group, registration, booked_at, later.staff[0] if later.staff else None)

    def _future_bookings(self, families: list[_Family], coming: dict) -> None:
        rng = self.rng
        for index in coming:
            family = families[index]
            if family.registration_id is None or rng.random() >= FUTURE_BOOKING_SHARE:
                continue
            young = [k for k in family.kids if _months(k[1], REFERENCE_DATE) < 60]
            if not young:
                continue
            session = self._later_session("stay_play", REFERENCE_DATE, family, len(young) + 1)
            if session is None:
                continue
            group = [pid for pid, _ in young] + family.carers[:1]
            session.used += len(group)
            family.sessions.add(session.id)
            staff = session.staff[0] if session.staff else None
            booked_at = datetime.combine(
                REFERENCE_DATE - timedelta(days=rng.randint(1, 10)), time(10), tzinfo=UTC
            )
            self._book(session, group, family.registration_id, booked_at, staff)

    # ----- registrations ----------------------------------------------------------------------

    def registrations(self, families: list[_Family]) -> None:
        rng = self.rng
        references = set()
        cut = HISTORY_START + timedelta(days=183)
        earliest = date(2019, 4, 1)  # hand-set: registered at a children's centre from then
        for family in families:
            if family.registration_id is None:
                continue
            reference = rules_register.new_reference(choice=rng.choice)
            while reference in references:
                reference = rules_register.new_reference(choice=rng.choice)
            references.add(reference)
            members = [*family.carers, *(pid for pid, _ in family.kids)]
            known = max(
                (self.known_from.get(pid) for pid in family.carers if self.known_from.get(pid)),
                default=earliest,
            )
            first_day = family.first.astimezone(LONDON).date()
            if first_day < cut and rng.random() < REGISTERED_BEFORE:
                day = earliest + timedelta(days=rng.randint(0, (HISTORY_START - earliest).days))
                day = min(max(day, known), first_day)
                registered_at = datetime.combine(day, time(10, rng.randint(0, 59)), tzinfo=UTC)
                registered_at = min(registered_at, family.first - timedelta(minutes=5))
            else:
                registered_at = family.first - timedelta(minutes=rng.randint(5, 30))
            ended_at = None
            if family.active == {0} and rng.random() < ENDED_SHARE:
                ended_at = family.last + timedelta(days=rng.randint(30, 200))
                if ended_at.date() >= LAST_DAY:
                    ended_at = None
            contact_by = CONTACT_BY.pick(rng)
            site_key = family.first_site
            staff = self.staff[self.sites[site_key][2]]
            self.rows[Registration].append(
                {
                    "id": family.registration_id,
                    "reference": reference,
                    "household_id": family.info.id,
                    "site_id": self.sites[site_key][0],
                    "registered_at": registered_at,
                    "registered_by_id": rng.choice(staff) if staff else None,
                    # Ofcom's numbers for drama: never a real phone.
                    "phone": f"07700 900{rng.randint(0, 999):03d}" if contact_by != "none" else "",
                    "email": f"family{rng.randint(1000, 9999)}@example.invalid"
                    if contact_by == "email"
                    else "",
                    "contact_by": contact_by,
                    "consent_to_register": True,
                    "consent_to_news": rng.random() < NEWS_CONSENT,
                    "ended_at": ended_at,
                }
            )
            kids = {pid for pid, _ in family.kids}
            for pid in dict.fromkeys(members):
                self.rows[RegisteredPerson].append(
                    {
                        "id": new_uuid(rng),
                        "registration_id": family.registration_id,
                        "person_id": pid,
                        "role": RegisteredPerson.Role.CHILD.value
                        if pid in kids
                        else RegisteredPerson.Role.CARER.value,
                    }
                )

    # ----- the directory and referrals --------------------------------------------------------

    def directory(self) -> list[dict]:
        rng = self.rng
        geography = postcode_geography()
        postcodes = sorted(geography)
        streets = [s.street for s in texts.SITES]
        owners = self.staff["north"] + self.staff["south"]
        services = []
        stale = set(
            rng.sample(range(len(texts.SERVICES)), round(STALE_SHARE * len(texts.SERVICES)))
        )
        for i, (name, organisation, categories, youngest, oldest, referrals, cost) in enumerate(
            texts.SERVICES
        ):
            slug = "".join(c for c in organisation.lower() if c.isalnum())[:30]
            if i in stale:
                checked = REFERENCE_DATE - timedelta(days=rng.randint(190, 420))
                reminded = checked + hub_rules.STALE_AFTER + timedelta(days=rng.randint(0, 7))
            else:
                checked = REFERENCE_DATE - timedelta(days=rng.randint(1, 170))
                reminded = None
            online = rng.random() < ONLINE_SHARE
            postcode = "" if online else rng.choice(postcodes)
            from_feed = organisation != texts.COUNCIL and rng.random() < OPEN_REFERRAL_SHARE
            row = {
                "id": new_uuid(rng),
                "name": name,
                "organisation": organisation,
                "description": rng.choice(texts.SERVICE_DESCRIPTIONS),
                "url": f"https://{slug}.example.org/",
                "email": f"hello@{slug}.example.org",
                "phone": f"01632 960{rng.randint(0, 999):03d}",
                "address": "" if online else f"{rng.randint(1, 200)} {rng.choice(streets)}",
                "postcode": postcode,
                "ward_id": geography[postcode][2] if postcode else None,
                "categories": categories,
                "youngest_years": youngest,
                "oldest_years": oldest,
                "eligibility": "Families living in Luton.",
                "cost": cost,
                "accepts_referrals": referrals,
                "source": Service.Source.OPEN_REFERRAL.value
                if from_feed
                else Service.Source.LOCAL.value,
                "external_id": f"synth-{i + 1:04d}" if from_feed else "",
                "owner_id": owners[i % len(owners)] if owners else None,
                "last_checked_on": checked,
                "stale_reminded_on": reminded if reminded and reminded < REFERENCE_DATE else None,
                "active": True,
            }
            services.append(row)
            self.rows[Service].append(row)
        return services

    def referrals(self, services: list[dict], households_by_person: dict) -> None:
        rng = self.rng
        open_to_referrals = [s for s in services if s["accepts_referrals"]]
        if not open_to_referrals:
            return
        last = datetime.combine(LAST_DAY, time(16), tzinfo=UTC)
        members: dict = {}
        for row in self.early_help.rows[EpisodeMember]:
            members.setdefault(row["episode_id"], []).append(row)
        for episode in self.early_help.rows[Episode]:
            if episode["opened_at"].date() < HISTORY_START:
                continue
            if rng.random() >= EPISODE_REFERRAL_SHARE:
                continue
            people = members.get(episode["id"], [])
            children = [m["person_id"] for m in people if m["role"] == "child"]
            if not children:
                continue
            until = episode["closed_at"] or last
            for _ in range(2 if rng.random() < SECOND_REFERRAL_SHARE else 1):
                made_at = episode["opened_at"] + timedelta(
                    days=rng.randint(7, 60), minutes=rng.randint(0, 300)
                )
                if made_at >= min(until, last):
                    continue
                self._referral(
                    rng.choice(open_to_referrals),
                    household=episode["household_id"],
                    people=children,
                    made_at=made_at,
                    made_by=episode["lead_professional_id"],
                    reason=rng.choice(texts.REFERRAL_REASONS),
                    episode=episode["id"],
                )
        linked: dict = {}
        for row in self.front_door.rows[ContactPerson]:
            if row.get("person_id"):
                linked.setdefault(row["contact_id"], []).append(row["person_id"])
        for decision in self.front_door.rows[Decision]:
            if decision["outcome"] != Outcome.NO_FURTHER_ACTION.value:
                continue
            made_at = decision.get("final_at") or decision["decided_at"]
            if made_at.date() < HISTORY_START or made_at >= last:
                continue
            people = linked.get(decision["contact_id"])
            if not people or rng.random() >= SIGNPOST_REFERRAL_SHARE:
                continue
            self._referral(
                rng.choice(open_to_referrals),
                household=households_by_person.get(people[0]),
                people=people,
                made_at=made_at + timedelta(minutes=rng.randint(5, 60)),
                made_by=decision["decided_by_id"],
                reason=rng.choice(texts.SIGNPOST_REASONS),
                contact=decision["contact_id"],
            )

    def _referral(
        self, service, *, household, people, made_at, made_by, reason, episode=None, contact=None
    ) -> None:
        rng = self.rng
        status = hub_rules.ReferralStatus
        end = datetime.combine(LAST_DAY, time(15), tzinfo=UTC)
        made_at = self._working(made_at)
        if made_at >= end:
            return
        row = {
            "id": new_uuid(rng),
            "service_id": service["id"],
            "household_id": household,
            "contact_id": contact,
            "episode_id": episode,
            "reason": reason,
            "made_at": made_at,
            "made_by_id": made_by,
            "status": status.MADE.value,
            "decided_at": None,
            "decided_by_id": None,
            "declined_reason": "",
            "closed_at": None,
            "closed_by_id": None,
            "attended": None,
            "outcome": "",
        }
        decided = self._working(made_at + timedelta(days=rng.randint(*DECIDED_DAYS)))
        if decided < end:
            row["decided_at"] = decided
            row["decided_by_id"] = service["owner_id"] or made_by
            if rng.random() < DECLINED_SHARE:
                row["status"] = status.DECLINED.value
                row["declined_reason"] = rng.choice(texts.DECLINED_REASONS)
            else:
                row["status"] = status.ACCEPTED.value
                closed = self._working(decided + timedelta(days=rng.randint(*CLOSED_DAYS)))
                if closed < end:
                    attended = rng.random() < ATTENDED_SHARE
                    row.update(
                        status=status.CLOSED.value,
                        closed_at=closed,
                        closed_by_id=made_by,
                        attended=attended,
                        outcome=rng.choice(
                            texts.CLOSED_ATTENDED if attended else texts.CLOSED_NOT_ATTENDED
                        ),
                    )
        self.rows[ServiceReferral].append(row)
        through = self.rows[ServiceReferral.people.through]
        name = service["name"]
        lines = [(made_at, f"Referred to {name}", made_by)]
        if row["status"] == status.DECLINED.value:
            lines.append(
                (
                    row["decided_at"],
                    f"Referral to {name} declined by the service: {row['declined_reason']}",
                    row["decided_by_id"],
                )
            )
        elif row["decided_at"]:
            lines.append(
                (row["decided_at"], f"Referral to {name} accepted by the service", made_by)
            )
        if row["closed_at"]:
            went = "the family attended" if row["attended"] else "the family did not attend"
            lines.append(
                (row["closed_at"], f"Referral to {name} closed: {went}. {row['outcome']}", made_by)
            )
        for pid in dict.fromkeys(people):
            through.append({"servicereferral_id": row["id"], "person_id": pid})
            # In each referred person's chronology, as actions/referrals.py writes it.
            for occurred_at, summary, by in lines:
                self.chronology.append(
                    {
                        "id": new_uuid(rng),
                        "person_id": pid,
                        "occurred_at": occurred_at,
                        "category": REFERRAL_CATEGORY,
                        "summary": summary[:500],
                        "recorded_by_id": by,
                        "source_type": ServiceReferral._meta.label_lower,
                        "source_id": str(row["id"]),
                    }
                )

    def _working(self, moment: datetime) -> datetime:
        """The moment, moved into the working day (10:00 to 15:59 in London) if outside it."""
        local = moment.astimezone(LONDON)
        if 10 <= local.hour <= 15 and local.weekday() < 5:
            return moment
        day = local.date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        at = time(self.rng.randint(10, 15), self.rng.randint(0, 59))
        return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)

    # ----- all of it ---------------------------------------------------------------------------

    def generate(self) -> FamilyHubRows:
        self.make_sites()
        self.make_activities()
        self.make_sessions()
        families = self.families()
        chosen = self.choose(families)
        self.visits(families, chosen)
        self.registrations(families)
        services = self.directory()
        households_by_person = {}
        for info in self.households:
            for pid in info.people:
                households_by_person.setdefault(pid, info.id)
        self.referrals(services, households_by_person)
        self._count(families)
        return FamilyHubRows(self.rows, self.chronology, self.counts)

    def _count(self, families) -> None:
        counts = self.counts
        rows = self.rows
        first, last = YEARS[CALIBRATED_YEAR]
        counts["family_hub_sites"] = len(rows[Site])
        counts["family_hub_activities"] = len(rows[Activity])
        counts["family_hub_sessions"] = len(rows[Session])
        counts["family_hub_registrations"] = len(rows[Registration])
        counts["family_hub_bookings"] = len(rows[Booking])
        counts["family_hub_attendances"] = len(rows[Attendance])
        reached = self._reached
        born = {pid: b for f in families for pid, b in f.kids}
        counts[f"family_hub_families_reached_{first.year}"] = len(reached)
        counts[f"family_hub_children_reached_{first.year}"] = len(
            {pid for group in reached.values() for pid in group if pid in born}
        )
        counts["directory_services"] = len(rows[Service])
        counts["service_referrals"] = len(rows[ServiceReferral])


def generate(
    *, seed, scale, households, workforce, known_from, early_help, front_door
) -> FamilyHubRows:
    return FamilyHubGenerator(
        seed=seed,
        scale=scale,
        households=households,
        workforce=workforce,
        known_from=known_from,
        early_help=early_help,
        front_door=front_door,
    ).generate()


def write(result: FamilyHubRows, *, inserter: FastInserter, buffers: Buffers) -> None:
    for model in TABLES:
        inserter.insert(model, result.rows[model])
    rows = buffers.rows[ChronologyEntry]
    for start in range(0, len(result.chronology), 20_000):
        rows.extend(result.chronology[start : start + 20_000])
        buffers.flush()
        rows = buffers.rows[ChronologyEntry]


# ----- the demo sign-in (demo.py) ---------------------------------------------------------------

DEMO_HUB = texts.SITES[0]  # the demo family hub practitioner works at the north hub and its sites


def demo_sessions(worker, *, now: datetime) -> tuple[int, int]:
    """Put the demo family hub practitioner on the staff of this week's sessions at their hub:
    (sessions this week, sessions today). When the generated timetable has no
    sessions this week (the demo is run long after the reference date), the sites' last
    generated week is run again this week, with its families booked as they came then."""
    from onestory.core.clock import today_in_london

    today = today_in_london(now)
    monday = today - timedelta(days=today.weekday())
    week_start = datetime.combine(monday, time(0), tzinfo=LONDON)
    week_end = week_start + timedelta(days=7)
    sites = Site.objects.filter(name=DEMO_HUB.name) | Site.objects.filter(hub__name=DEMO_HUB.name)
    sessions = Session.objects.filter(site__in=sites, cancelled_at__isnull=True)
    this_week = sessions.filter(starts_at__gte=week_start, starts_at__lt=week_end)
    if not this_week.exists():
        # The last week families came to (the generated weeks after the reference date have
        # only a few bookings), else the last week there is.
        before = sessions.filter(starts_at__lt=week_start).order_by("-starts_at")
        latest = before.filter(attendances__isnull=False).first() or before.first()
        if latest is None:
            return 0, 0
        last_monday = latest.starts_at.astimezone(LONDON).date()
        last_monday -= timedelta(days=last_monday.weekday())
        shift = timedelta(days=(monday - last_monday).days)
        old_start = datetime.combine(last_monday, time(0), tzinfo=LONDON)
        for old in sessions.filter(
            starts_at__gte=old_start, starts_at__lt=old_start + timedelta(days=7)
        ).prefetch_related("staff", "partners"):
            new = Session.objects.create(
                activity_id=old.activity_id,
                site_id=old.site_id,
                starts_at=_shift_local(old.starts_at, shift),
                ends_at=_shift_local(old.ends_at, shift),
                capacity=old.capacity,
            )
            new.staff.set(old.staff.all())
            new.partners.set(old.partners.all())
            booked = {}
            for person_id, registration_id in old.attendances.values_list(
                "person_id", "registration_id"
            ):
                booked[person_id] = registration_id
            for person_id, registration_id in old.bookings.filter(
                cancelled_at__isnull=True
            ).values_list("person_id", "registration_id"):
                booked[person_id] = registration_id
            current = set(
                Registration.objects.filter(
                    pk__in=set(booked.values()), ended_at__isnull=True
                ).values_list("pk", flat=True)
            )
            Booking.objects.bulk_create(
                Booking(
                    session=new,
                    person_id=person_id,
                    registration_id=registration_id,
                    booked_at=min(now, new.starts_at) - timedelta(days=2),
                    booked_by=worker,
                )
                for person_id, registration_id in booked.items()
                if registration_id in current
            )
    # At the hub itself (a satellite's when the hub has none this week).
    at_hub = this_week.filter(site__name=DEMO_HUB.name)
    mine = at_hub if at_hub.exists() else this_week
    for session in mine:
        session.staff.add(worker)
    mine = this_week.filter(staff=worker)
    day_start = datetime.combine(today, time(0), tzinfo=LONDON)
    todays = mine.filter(starts_at__gte=day_start, starts_at__lt=day_start + timedelta(days=1))
    return mine.count(), todays.count()


def _shift_local(moment: datetime, shift: timedelta) -> datetime:
    """The same wall-clock time in London `shift` (whole days) later."""
    local = moment.astimezone(LONDON)
    return datetime.combine(local.date() + shift, local.time(), tzinfo=LONDON).astimezone(UTC)
