"""Needs analysis by ward: each measure's children per 10,000 children in every ward, the
council's target wards marked, and the needs framework's factors mapped by ward.

A child's ward is the ward of their address on the period's last day (addresses are dated: a
child who moved counts where they lived then). A child whose address that day has no ward (or who
has no address that day) is counted apart as `unknown`, never dropped. Each table is a few
grouped queries, whatever the number of wards. Aggregates only: no child is named.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery

from onestory.core.clock import london_days
from onestory.earlyhelp import rules as earlyhelp_rules
from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.earlyhelp.models import AssessmentFactor, EpisodeMember
from onestory.people.models import Address, Person, Ward
from onestory.socialcare.models import Assessment
from onestory.socialcare.reference import ASSESSMENT_FACTORS

from .measures import BY_ID
from .measures.base import NO_DATA, Context, Measure
from .population import estimates
from .rules import Period, rate_per_10000

NO_POPULATION = "No child population estimate is loaded."


@dataclass(frozen=True)
class WardRow:
    code: str
    name: str
    is_target: bool
    children: int
    population: int
    # Per 10,000 children living in the ward; None when there is no population to divide by.
    rate: float | None


@dataclass(frozen=True)
class WardTable:
    measure_id: str
    name: str
    period: Period
    rows: list[WardRow]
    # Every child the measure counts, the children of no ward included.
    total: WardRow
    # Children with no ward on the period's last day.
    unknown: int
    # Where the child population came from.
    source: str
    # "no data" when the period ends before the measure's data begins.
    note: str = ""

    @property
    def targets(self) -> WardRow:
        """The target wards taken together."""
        return _together("targets", "Target wards", [r for r in self.rows if r.is_target])


def _row(ward, children: int, population: int) -> WardRow:
    return WardRow(
        code=ward.code,
        name=ward.name,
        is_target=ward.is_target,
        children=children,
        population=population,
        rate=rate_per_10000(children, population),
    )


def _together(code: str, name: str, rows: list[WardRow]) -> WardRow:
    children = sum(r.children for r in rows)
    population = sum(r.population for r in rows)
    return WardRow(code, name, False, children, population, rate_per_10000(children, population))


def _everyone(children: int, population: int) -> WardRow:
    return WardRow(
        "", "All children", False, children, population, rate_per_10000(children, population)
    )


def ward_on(day, person_field: str = "pk") -> Subquery:
    """The ward (code) of the person's address on `day`, for annotating a queryset whose
    `person_field` is a person's id: the address begun on or before the day and not ended by
    it (an address ending on the day has been left), the latest begun if several."""
    addresses = (
        Address.objects.filter(person_id=OuterRef(person_field))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by(F("valid_from").desc(nulls_last=True), "-created_at")
        .values("ward_id")[:1]
    )
    return Subquery(addresses)


def counting_measure(measure_id: str) -> Measure:
    """The measure, if it lists the children behind its figure (else ValueError)."""
    measure = BY_ID.get(measure_id)
    if measure is None:
        raise ValueError(f"There is no measure called “{measure_id}”.")
    if measure.children is None:
        raise ValueError(f"“{measure.name}” does not count children, so it has no rate by ward.")
    return measure


def _wards(day, codes) -> list:
    """Wards in force on the day, and any other ward a child or an estimate is counted in
    (an address recorded under boundaries since redrawn), by name."""
    in_force = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    return list(Ward.objects.filter(in_force | Q(code__in=[c for c in codes if c])))


def _populations(day) -> tuple[dict, int, str]:
    """({ward code: children}, all children, source)."""
    by_ward, source = estimates(day, by="ward")
    overall, overall_source = estimates(day)
    everyone = overall.get(None) or sum(by_ward.values())
    return by_ward, everyone, source or overall_source


def ward_table(measure_id: str, period: Period) -> WardTable:
    """The measure's children by ward for the period, with each ward's rate per 10,000."""
    measure = counting_measure(measure_id)
    context = Context(period)
    day = period.end
    counts = dict(
        Person.objects.filter(pk__in=measure.children(context, None))
        .annotate(ward=ward_on(day))
        .values("ward")
        .annotate(n=Count("pk"))
        .values_list("ward", "n")
    )
    by_ward, everyone, source = _populations(day)
    rows = [
        _row(w, counts.get(w.code, 0), by_ward.get(w.code, 0))
        for w in _wards(day, {*counts, *by_ward})
    ]
    counted = sum(counts.values())
    return WardTable(
        measure_id=measure.id,
        name=measure.name,
        period=period,
        rows=rows,
        total=_everyone(counted, everyone),
        unknown=counts.get(None, 0),
        source=source or NO_POPULATION,
        note="" if context.has_data(measure.source) else NO_DATA,
    )


# --- The needs framework's factors by ward ----------------------------------------------------
#
# The Early Help Strategy's needs framework (seed 004, Appendix 1, after Research in Practice)
# looks at three focus areas. Each assessment factor sits in the area that has to change for the
# child to be safe and well:
#   child   - the child's own vulnerabilities: their health, disability, behaviour, and harms
#             done to them by their own choices or by peers (the framework's "children's
#             vulnerabilities");
#   parents - what the parents bring: their own needs (mental health, drugs and alcohol,
#             domestic abuse against them) and the care they give (neglect and abuse by an
#             adult), which the framework reads as parents' capacity to keep the child resilient;
#   family  - the household beyond the parents and the world around the family: another adult's
#             needs, housing and money, who the child lives with, and risks from outside the home
#             (exploitation, gangs, extremism), which the framework lists as environmental
#             factors and Luton's local risks.
# A council can move a factor by changing this table.
CHILD, PARENTS, FAMILY = "child", "parents", "family"
FOCUS_AREAS = {
    CHILD: "Children's vulnerabilities",
    PARENTS: "Parents' capacity",
    FAMILY: "Family and environment",
}

# Children in need census factors (socialcare.reference.ASSESSMENT_FACTORS): the letter says
# whom the concern is about (A the child, B a parent or carer, C another person in the household).
SOCIAL_CARE_AREAS = {
    # About the child: their own needs and behaviour.
    **dict.fromkeys(("1A", "2A", "3A", "4A", "5A", "6A"), CHILD),
    "10A": CHILD,  # going missing: the child's own risk-taking
    "14A": CHILD,  # socially unacceptable behaviour
    "15A": CHILD,  # self-harm
    # About a parent or carer: their needs, and the care or harm they give.
    **dict.fromkeys(("1B", "2B", "3B", "4B", "5B", "6B"), PARENTS),
    "16A": PARENTS,  # neglect: the care the parents give
    "17A": PARENTS,  # emotional abuse
    "18C": PARENTS,  # physical abuse by an adult
    "19C": PARENTS,  # sexual abuse by an adult
    # Another person in the household, and the world outside it.
    **dict.fromkeys(("1C", "2C", "3C", "4C", "5C", "6C"), FAMILY),
    "7A": FAMILY,  # a young carer: the family's needs fall on the child
    **dict.fromkeys(("8B", "8C", "8D", "8E", "8F"), FAMILY),  # private fostering: who cares
    "9A": FAMILY,  # unaccompanied: no family here at all
    "11A": FAMILY,  # sexual exploitation: harm from outside the home
    "12A": FAMILY,  # trafficking
    "13A": FAMILY,  # gangs
    "18B": FAMILY,  # physical abuse by another child: peers and places
    "19B": FAMILY,  # sexual abuse by another child
    "22A": FAMILY,  # female genital mutilation: a practice of the wider family and community
    "23A": FAMILY,  # abuse linked to faith or belief
    "24A": FAMILY,  # criminal exploitation
    # "20" (other) and "21" (no factors) say nothing about an area and are left out.
}

# Early help's framework (earlyhelp.rules.FRAMEWORK) already has the strategy's sections; the
# strengths (protective characteristics) are not needs and are left out.
EARLY_HELP_SECTION_AREAS = {
    earlyhelp_rules.CHILD: CHILD,
    earlyhelp_rules.PARENTING: PARENTS,
    earlyhelp_rules.PARENTS: PARENTS,
    earlyhelp_rules.ENVIRONMENT: FAMILY,
    earlyhelp_rules.LOCAL: FAMILY,
}
EARLY_HELP_AREAS = {
    f.code: EARLY_HELP_SECTION_AREAS[f.section]
    for f in earlyhelp_rules.FRAMEWORK
    if not f.is_strength and f.section in EARLY_HELP_SECTION_AREAS
}

SOCIAL_CARE_PREFIX = "sc:"
EARLY_HELP_PREFIX = "eh:"
AREA_PREFIX = "area:"


def _factor_catalogue() -> list[tuple[str, str, str]]:
    """(code, label, area) for every factor mapped, area by area: social care's then early
    help's in each."""
    found = []
    for area in FOCUS_AREAS:
        found += [
            (f"{SOCIAL_CARE_PREFIX}{code}", f"{label} (social care assessment)", area)
            for code, label in ASSESSMENT_FACTORS.items()
            if SOCIAL_CARE_AREAS.get(code) == area
        ]
        found += [
            (
                f"{EARLY_HELP_PREFIX}{code}",
                f"{earlyhelp_rules.FACTORS[code].label} (early help)",
                area,
            )
            for code, mapped in EARLY_HELP_AREAS.items()
            if mapped == area
        ]
    return found


CATALOGUE = _factor_catalogue()
AREA_OF = {code: area for code, _, area in CATALOGUE}


@dataclass(frozen=True)
class FactorTable:
    """Children with each factor identified at an assessment completed in the period, by ward.

    `factors` lists the factors found in the period (code, label), grouped by focus area;
    social care's codes start "sc:" (the census's), early help's "eh:". Each row is
    (ward, counts): the ward's WardRow counts the children with any factor, and `counts` holds
    children per factor code and per focus area ("area:child", "area:parents", "area:family").
    A child counts once per factor and once per area, however many assessments they had.
    """

    period: Period
    factors: list[tuple[str, str]]
    rows: list[tuple[WardRow, dict[str, int]]]
    source: str
    areas: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    total: tuple[WardRow, dict[str, int]] | None = None
    # Children with no ward on the period's last day, per factor and area.
    unknown: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @staticmethod
    def rate(ward: WardRow, counts: dict[str, int], code: str) -> float | None:
        """Children with the factor (or in the area) per 10,000 children in the ward."""
        return rate_per_10000(counts.get(code, 0), ward.population)


def _social_care_factors(period: Period) -> dict[str, set[tuple[int, str | None]]]:
    """{factor code: {(child id, ward)}} from social care assessments completed in the period."""
    found = defaultdict(set)
    rows = (
        Assessment.objects.filter(
            completed_on__range=(period.start, period.end), person__merged_into__isnull=True
        )
        .annotate(ward=ward_on(period.end, "person_id"))
        .values_list("person_id", "ward", "factors")
    )
    for child, ward, factors in rows:
        for code in factors or ():
            if code in SOCIAL_CARE_AREAS:
                found[f"{SOCIAL_CARE_PREFIX}{code}"].add((child, ward))
    return found


def _early_help_factors(period: Period) -> dict[str, set[tuple[int, str | None]]]:
    """{factor code: {(child id, ward)}} from early help assessments completed in the period.

    A need recorded about one of the family's children counts that child; a need recorded about
    a parent, or about nobody in particular, counts every child the episode is about.
    """
    start, after = london_days(period.start, period.end)
    completed = EarlyHelpAssessment.objects.filter(
        status=EarlyHelpAssessment.Status.COMPLETE, completed_at__gte=start, completed_at__lt=after
    )
    needs = AssessmentFactor.objects.filter(
        assessment__in=completed,
        presence=earlyhelp_rules.Presence.YES,
        code__in=list(EARLY_HELP_AREAS),
    ).values_list("assessment__episode_id", "code", "person_id")
    children = (
        EpisodeMember.objects.filter(
            episode__assessments__in=completed,
            role=EpisodeMember.Role.CHILD,
            person__merged_into__isnull=True,
        )
        .annotate(ward=ward_on(period.end, "person_id"))
        .values_list("episode_id", "person_id", "ward")
        .distinct()
    )
    by_episode = defaultdict(dict)
    for episode, child, ward in children:
        by_episode[episode][child] = ward
    found = defaultdict(set)
    for episode, code, person in needs:
        family = by_episode.get(episode, {})
        about = {person: family[person]} if person in family else family
        found[f"{EARLY_HELP_PREFIX}{code}"].update(about.items())
    return found


def factors_by_ward(period: Period) -> FactorTable:
    """The needs framework's factors identified at assessments completed in the period (social
    care's and early help's), counted in children by ward, grouped under the three focus areas."""
    found = _social_care_factors(period)
    for code, pairs in _early_help_factors(period).items():
        found[code] |= pairs
    context = Context(period)
    has_data = context.has_data("assessments") or context.has_data("early_help")

    # {ward: {code: set of children}}, areas and "anything" included.
    children = defaultdict(lambda: defaultdict(set))
    for code, pairs in found.items():
        for child, ward in pairs:
            for key in (code, f"{AREA_PREFIX}{AREA_OF[code]}", ""):
                children[ward][key].add(child)

    def counts(ward) -> dict[str, int]:
        return {key: len(ids) for key, ids in children.get(ward, {}).items() if key}

    day = period.end
    by_ward, everyone, source = _populations(day)
    rows = [
        (_row(w, len(children.get(w.code, {}).get("", ())), by_ward.get(w.code, 0)), counts(w.code))
        for w in _wards(day, {*children, *by_ward})
    ]
    everybody = defaultdict(set)
    for per_ward in children.values():
        for key, ids in per_ward.items():
            everybody[key] |= ids
    all_counts = {key: len(ids) for key, ids in everybody.items() if key}
    any_factor = len(everybody.get("", ()))
    areas = [
        (f"{AREA_PREFIX}{area}", label, tuple(c for c, _, a in CATALOGUE if a == area))
        for area, label in FOCUS_AREAS.items()
    ]
    return FactorTable(
        period=period,
        factors=[(code, label) for code, label, _ in CATALOGUE if code in found],
        rows=rows,
        source=source or NO_POPULATION,
        areas=areas,
        total=(
            _everyone(any_factor, everyone),
            all_counts,
        ),
        unknown=counts(None),
        note="" if has_data else NO_DATA,
    )
