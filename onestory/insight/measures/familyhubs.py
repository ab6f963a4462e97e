"""Family hubs' reach: the children and families who came to the hubs' sessions in the period,
by site and by ward, the children reached for the first time, and the families reached who were
known to early help or children's social care.

Reach counts attendance marked on a session's register, never bookings: a family booked who did
not come has not been reached. A session belongs to the period when its London day (the day it
starts, Europe/London) falls in it. A child is someone aged 0 to 17 on the day of the session
they came to (their age from their date of birth; someone with no date of birth recorded is not
counted as a child, and the figures' note says how many such people came). A family is a
registration with the hubs (one per household). Each child and each family counts once, however
many sessions they came to; in the parts by site, a child who came to two sites counts at each.
A child's ward is the ward of their address on the period's last day, as on the other ward
pages; a family's is the ward most of the family's children who came lived in (its adults' when
no child came; the first by ward code on a tie). Records merged into another person's are left
out.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from onestory.core.clock import LONDON, london_days
from onestory.earlyhelp.models import EpisodeMember
from onestory.familyhubs import rules as hub_rules
from onestory.familyhubs.models import Attendance, RegisteredPerson, Site
from onestory.frontdoor.models import Referral
from onestory.people.models import Person, Ward
from onestory.people.rules import ADULT_AGE, age_in_years

from .base import Context, Figure, Measure, Part, Unit
from .need import census_episode, people_ids, rate_figure

GROUP = "Family hubs"
SOURCE = "family_hubs"

# Part keys: a breakdown's kind, a colon, then the site's id or the ward's code.
SITE, WARD = "site", "ward"
NO_WARD = "none"
BREAKDOWNS = {SITE: "by site", WARD: "by ward"}
NEW, RETURNING = "new", "returning"
EARLY_HELP, SOCIAL_CARE = "early_help", "social_care"


def part_key(kind: str, value) -> str:
    return f"{kind}:{value}"


def split_key(key: str | None) -> tuple[str | None, str | None]:
    """(kind, value) of a part key ("site:<id>" -> ("site", "<id>")); (None, None) for none."""
    if not key or ":" not in key:
        return None, None
    kind, _, value = key.partition(":")
    return kind, value


@dataclass
class Reached:
    """One child or family reached: where and when they came, the sessions' activities."""

    sites: set = field(default_factory=set)
    activities: set = field(default_factory=set)
    attendances: int = 0
    # The London day of their first session in the period, and their age group on it (children).
    first_day: object = None
    age_group: str | None = None
    # A family's people who came (children, then everyone).
    children: set = field(default_factory=set)
    people: set = field(default_factory=set)


@dataclass
class Reach:
    """The period's attendance, gathered once for every family hub measure and the reach page."""

    children: dict  # child id -> Reached
    families: dict  # registration id -> Reached
    # {person id: ethnicity code} of the children reached.
    ethnicity: dict
    attendances: int
    child_attendances: int
    # Attendances (children's and adults') at each site and at each activity's sessions.
    site_attendances: Counter
    activity_attendances: Counter
    # People who came with no date of birth recorded (not counted as children).
    no_date_of_birth: int


def _in_period(context: Context) -> Q:
    start, after = london_days(context.period.start, context.period.end)
    return Q(session__starts_at__gte=start, session__starts_at__lt=after)


def attended(context: Context):
    """Attendance at sessions in the period, by people whose records are not merged."""
    return Attendance.objects.filter(_in_period(context), person__merged_into__isnull=True)


def reach(context: Context) -> Reach:
    """Who came in the period: one query, then counted in Python (a child's age is worked out
    on each session's own day)."""

    def compute() -> Reach:
        rows = (
            attended(context)
            .order_by("session__starts_at")
            .values_list(
                "person_id",
                "person__date_of_birth",
                "person__ethnicity",
                "session__starts_at",
                "session__site_id",
                "session__activity_id",
                "registration_id",
            )
        )
        children: dict = defaultdict(Reached)
        families: dict = defaultdict(Reached)
        ethnicity, undated = {}, set()
        total = child_total = 0
        at_site, at_activity = Counter(), Counter()
        for person, born, ethnic, starts_at, site, activity, registration in rows:
            total += 1
            at_site[site] += 1
            at_activity[activity] += 1
            day = starts_at.astimezone(LONDON).date()
            family = families[registration]
            family.sites.add(site)
            family.activities.add(activity)
            family.attendances += 1
            family.people.add(person)
            if family.first_day is None:
                family.first_day = day
            if born is None:
                undated.add(person)
                continue
            age = age_in_years(born, day)
            if not 0 <= age < ADULT_AGE or born > day:
                continue
            child_total += 1
            child = children[person]
            child.sites.add(site)
            child.activities.add(activity)
            child.attendances += 1
            if child.first_day is None:
                child.first_day = day
                child.age_group = hub_rules.age_group(age)
            family.children.add(person)
            ethnicity[person] = ethnic
        return Reach(
            children=dict(children),
            families=dict(families),
            ethnicity=ethnicity,
            attendances=total,
            child_attendances=child_total,
            site_attendances=at_site,
            activity_attendances=at_activity,
            no_date_of_birth=len(undated),
        )

    return context.cached("family_hubs_reach", compute)


def person_wards(context: Context) -> dict:
    """{person id: ward code or None} on the period's last day, for everyone who came."""
    from ..wards import ward_on

    def compute():
        came = attended(context).values("person_id")
        return dict(
            Person.objects.filter(pk__in=came)
            .annotate(ward=ward_on(context.period.end))
            .values_list("pk", "ward")
        )

    return context.cached("family_hubs_person_wards", compute)


def family_ward(family: Reached, wards: dict) -> str | None:
    """The ward most of the family's children who came lived in (its adults' when no child came),
    the first by code on a tie; None when none of them has a ward."""
    counted = Counter(wards.get(p) for p in (family.children or family.people))
    counted.pop(None, None)
    if not counted:
        return None
    most = max(counted.values())
    return min(code for code, n in counted.items() if n == most)


def family_wards(context: Context) -> dict:
    """{registration id: ward code or None} of every family reached."""

    def compute():
        wards = person_wards(context)
        return {r: family_ward(f, wards) for r, f in reach(context).families.items()}

    return context.cached("family_hubs_family_wards", compute)


def site_names() -> dict:
    return dict(Site.objects.values_list("pk", "name"))


def ward_names(codes) -> dict:
    return dict(Ward.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))


def _names(context: Context) -> tuple[dict, dict]:
    """({site id: name}, {ward code: name}) for the parts' labels."""
    sites = context.cached("family_hubs_sites", site_names)
    wards = context.cached(
        "family_hubs_ward_names", lambda: ward_names(set(person_wards(context).values()))
    )
    return sites, wards


def _parts(context: Context, who: dict, ward_of: dict) -> tuple[Part, ...]:
    """Each site's then each ward's count of `who` (children or families), out of them all."""
    sites, wards = _names(context)
    total = len(who)
    at_site = Counter(site for one in who.values() for site in one.sites)
    in_ward = Counter(ward_of.get(key) for key in who)
    by_site = sorted(at_site, key=lambda s: sites.get(s, ""))
    by_ward = sorted((w for w in in_ward if w), key=lambda w: wards.get(w, w))
    parts = [
        Part(part_key(SITE, s), f"Site: {sites.get(s, s)}", at_site[s], total) for s in by_site
    ]
    parts += [
        Part(part_key(WARD, w), f"Ward: {wards.get(w, w)}", in_ward[w], total) for w in by_ward
    ]
    if in_ward.get(None):
        parts.append(Part(part_key(WARD, NO_WARD), "No ward recorded", in_ward[None], total))
    return tuple(parts)


def _undated_note(found: Reach) -> str:
    n = found.no_date_of_birth
    if not n:
        return ""
    return (
        f"{n:,} {'person' if n == 1 else 'people'} who came had no date of birth recorded, "
        "so could not be counted as children."
    )


# --- Children reached -----------------------------------------------------------------------


def _children_reached(context: Context) -> Figure:
    found = reach(context)
    return Figure(
        numerator=len(found.children),
        parts=_parts(context, found.children, person_wards(context)),
        note=_undated_note(found),
    )


def reached_children(context: Context, part: str | None = None):
    """The children reached (with a part: at that site, in that ward, new or returning)."""
    found = reach(context).children
    kind, value = split_key(part)
    if kind == SITE:
        ids = [c for c, one in found.items() if value in {str(s) for s in one.sites}]
    elif kind == WARD:
        wards = person_wards(context)
        wanted = None if value == NO_WARD else value
        ids = [c for c in found if wards.get(c) == wanted]
    elif part in (NEW, RETURNING):
        returning = returning_children(context)
        ids = [c for c in found if (c in returning) == (part == RETURNING)]
    else:
        ids = list(found)
    return people_ids(ids)


def _children_rate(context: Context) -> Figure:
    return rate_figure(context, len(reach(context).children))


# --- Families reached -----------------------------------------------------------------------


def _families_reached(context: Context) -> Figure:
    found = reach(context)
    return Figure(
        numerator=len(found.families),
        parts=_parts(context, found.families, family_wards(context)),
    )


# --- New and returning ----------------------------------------------------------------------


def _before(context: Context):
    start, _ = london_days(context.period.start, context.period.end)
    return Attendance.objects.filter(session__starts_at__lt=start)


def returning_children(context: Context) -> set:
    """The children reached who had come to a session before the period began."""

    def compute():
        came = attended(context).values("person_id")
        before = set(
            _before(context)
            .filter(person_id__in=came)
            .order_by()
            .values_list("person_id", flat=True)
            .distinct()
        )
        return before & set(reach(context).children)

    return context.cached("family_hubs_returning_children", compute)


def returning_families(context: Context) -> set:
    """The families reached who had come to a session before the period began."""

    def compute():
        came = attended(context).values("registration_id")
        return set(
            _before(context)
            .filter(registration_id__in=came)
            .order_by()
            .values_list("registration_id", flat=True)
            .distinct()
        )

    return context.cached("family_hubs_returning_families", compute)


def _new_children(context: Context) -> Figure:
    total = len(reach(context).children)
    returning = len(returning_children(context))
    return Figure(
        numerator=total - returning,
        denominator=total,
        parts=(
            Part(NEW, "First came in the period", total - returning, total),
            Part(RETURNING, "Had come before the period", returning, total),
        ),
    )


# --- Known to early help or social care ------------------------------------------------------


def known_families(context: Context) -> dict[str, set]:
    """{"early_help": registrations, "social_care": registrations} of the families reached one
    of whose registered people was in an early help episode, or had a children in need episode
    (a referral to children's social care), open at some time in the period."""

    def compute():
        period = context.period
        start, after = london_days(period.start, period.end)
        reached = attended(context).values("registration_id")
        helped = EpisodeMember.objects.filter(
            Q(episode__opened_at__lt=after)
            & (Q(episode__closed_at__isnull=True) | Q(episode__closed_at__gte=start))
        ).values("person_id")
        in_need = Referral.objects.filter(census_episode(period, prefix="")).values("person_id")

        def families(people) -> set:
            return set(
                RegisteredPerson.objects.filter(registration_id__in=reached, person_id__in=people)
                .order_by()
                .values_list("registration_id", flat=True)
                .distinct()
            )

        return {EARLY_HELP: families(helped), SOCIAL_CARE: families(in_need)}

    return context.cached("family_hubs_known", compute)


KNOWN_LABELS = {
    EARLY_HELP: "Known to early help in the period",
    SOCIAL_CARE: "Known to children's social care in the period",
}


def _families_known(context: Context) -> Figure:
    total = len(reach(context).families)
    known = known_families(context)
    either = known[EARLY_HELP] | known[SOCIAL_CARE]
    return Figure(
        numerator=len(either),
        denominator=total,
        parts=tuple(Part(k, label, len(known[k]), total) for k, label in KNOWN_LABELS.items()),
    )


MEASURES = (
    Measure(
        id="family_hub_children_reached",
        name="Children reached by the family hubs",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children aged 0 to 17 on the day of the session who came to at least one family "
            "hub session in the period (marked present on its register; bookings alone do not "
            "count). Each child counts once, however many sessions. Broken down by the site of "
            "the sessions (a child who came to two sites counts at each) and by the ward of the "
            "child's address on the period's last day. Someone with no date of birth recorded "
            "is not counted as a child."
        ),
        compute=_children_reached,
        source=SOURCE,
        children=reached_children,
    ),
    Measure(
        id="family_hub_families_reached",
        name="Families reached by the family hubs",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Families registered with the family hubs (one registration for each household) "
            "at least one of whose members, child or adult, came to a family hub session in the "
            "period. Each family counts once. Broken down by the site of the sessions (a family "
            "that came to two sites counts at each) and by the family's ward on the period's "
            "last day: the ward most of its children who came lived in (its adults' if no child "
            "came)."
        ),
        compute=_families_reached,
        source=SOURCE,
    ),
    Measure(
        id="family_hub_children_reached_rate",
        name="Children reached by the family hubs per 10,000 children",
        group=GROUP,
        unit=Unit.RATE,
        definition=(
            "Children reached by the family hubs in the period for every 10,000 children (aged "
            "0 to 17) living in the authority, from the latest mid-year population estimate."
        ),
        compute=_children_rate,
        source=SOURCE,
        children=reached_children,
    ),
    Measure(
        id="family_hub_children_new",
        name="Children reached by the family hubs for the first time",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of the children reached in the period whose first family hub session "
            "ever was in the period: they had not come to any session before it began. The "
            "others had come before (returning)."
        ),
        compute=_new_children,
        source=SOURCE,
        children=reached_children,
    ),
    Measure(
        id="family_hub_families_known",
        name="Families reached who were known to early help or social care",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of the families reached in the period one of whose registered members "
            "was in an early help episode, or had a children in need episode (a referral to "
            "children's social care), open at some time in the period. Broken down by early "
            "help and by social care (a family known to both counts in each)."
        ),
        compute=_families_known,
        source=SOURCE,
    ),
)
