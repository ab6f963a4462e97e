"""What the family hubs' reach page reads: the reach measures for a period and their breakdowns
(by site, activity, ward against the child population, age group, ethnic group against the child
population, new and returning, families known to early help or social care), each table also as
rows to download. Worked out from one gathering of the period's attendance
(measures.familyhubs.reach). Aggregates only: no child or family is named here."""

from collections import Counter
from dataclasses import dataclass, field

from onestory.familyhubs import rules as hub_rules
from onestory.familyhubs.models import Activity, Site

from .disproportionality import groups as ethnic_groups
from .measures import familyhubs
from .measures.base import NO_DATA, Context, Unit
from .population import estimates
from .presentation import chart_value, shown
from .rules import Period, rate_per_10000, share
from .selectors import Group, Table, as_number, bar_chart, headline, headlines_table
from .wards import NO_POPULATION, WardRow, _everyone, _populations, _row, _wards


def _rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _per_cent(value: float | None) -> float | None:
    return as_number(value, Unit.SHARE)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a site, an activity, an age group, new or returning..."""

    key: str
    label: str
    children: int
    families: int | None = None
    attendances: int | None = None
    # The children's (or families') share of all those reached.
    share: float | None = None
    kind: str = ""

    @property
    def share_shown(self) -> str:
        return shown(self.share, Unit.SHARE, "–")


@dataclass(frozen=True)
class WardReach:
    ward: WardRow  # children reached, child population and rate per 10,000
    families: int


@dataclass(frozen=True)
class GroupReach:
    code: str
    label: str
    children: int
    share: float | None
    population: int
    population_share: float | None
    ratio: float | None

    @property
    def share_shown(self) -> str:
        return shown(self.share, Unit.SHARE, "–")

    @property
    def population_share_shown(self) -> str:
        return shown(self.population_share, Unit.SHARE, "No estimate")


@dataclass(frozen=True)
class AgeReach:
    """The children reached of one age group, against the children of those ages living in the
    authority (None when the estimates do not cover every year of the group's ages)."""

    key: str
    label: str
    children: int
    share: float | None
    population: int | None
    rate: float | None  # per 10,000 children of those ages

    @property
    def share_shown(self) -> str:
        return shown(self.share, Unit.SHARE, "–")

    @property
    def rate_shown(self) -> str:
        return shown(self.rate, Unit.RATE, "No estimate")


@dataclass
class ReachPage:
    period: Period
    note: str  # "no data" before the first attendance
    groups: list[Group]
    children: int
    families: int
    attendances: int
    no_date_of_birth: int
    sites: list[Row]
    activities: list[Row]
    wards: list[WardReach]
    ward_total: WardReach
    ward_unknown: WardReach | None
    population_source: str
    ages: list[AgeReach]
    age_source: str
    ethnic: list[GroupReach]
    ethnic_unknown: int
    ethnic_source: str
    new: list[Row]
    known: list[Row]
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def has_rates(self) -> bool:
        return any(w.ward.rate is not None for w in self.wards)

    @property
    def has_age_rates(self) -> bool:
        return any(a.rate is not None for a in self.ages)

    @property
    def has_ratios(self) -> bool:
        return any(g.ratio is not None for g in self.ethnic)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def draw(self) -> "ReachPage":
        """Bar charts: children by site and by activity, by ward (per 10,000 children when a
        population is loaded), by age group and each ethnic group's share against all
        children's."""
        if not self.children:
            return self
        self.charts["sites"] = bar_chart(
            [(r.label, r.children) for r in self.sites],
            title="Children reached, by site",
            x_title="Children",
        )
        self.charts["activities"] = bar_chart(
            [(r.label, r.children) for r in self.activities],
            title="Children reached, by activity",
            x_title="Children",
        )
        if self.has_rates:
            bars = [(w.ward.name, _rounded(w.ward.rate)) for w in self.wards]
            title, x_title = "Children reached per 10,000 children, by ward", "Per 10,000"
        else:
            bars = [(w.ward.name, w.ward.children) for w in self.wards]
            title, x_title = "Children reached, by ward", "Children"
        self.charts["wards"] = bar_chart(
            bars,
            title=title,
            x_title=x_title,
            highlight=frozenset(w.ward.name for w in self.wards if w.ward.is_target),
            highlight_label="Target ward",
        )
        if self.has_age_rates:
            self.charts["ages"] = bar_chart(
                [(a.label, _rounded(a.rate)) for a in self.ages],
                title="Children reached per 10,000 children of their age, by age group",
                x_title="Per 10,000",
            )
        else:
            self.charts["ages"] = bar_chart(
                [(a.label, chart_value(a.share, Unit.SHARE)) for a in self.ages],
                title="Children reached, by age group",
                x_title="Per cent",
            )
        if self.has_ratios:
            self.charts["ethnic"] = bar_chart(
                [(g.label, _rounded(g.ratio, 2)) for g in self.ethnic],
                title="Children reached: share against share of all children",
                x_title="Ratio (1 = the same share as of all children)",
            )
        return self


# --- Breakdowns ---------------------------------------------------------------------------------


def _by(found: familyhubs.Reach, what: str) -> tuple[Counter, Counter]:
    """(children, families) at each site or activity (`what` is "sites" or "activities")."""
    children = Counter(x for one in found.children.values() for x in getattr(one, what))
    families = Counter(x for one in found.families.values() for x in getattr(one, what))
    return children, families


def site_rows(found: familyhubs.Reach) -> list[Row]:
    """Every site that is open or was come to, by name."""
    children, families = _by(found, "sites")
    kinds = dict(Site.Kind.choices)
    came = set(found.site_attendances)
    sites = Site.objects.order_by("name").values_list("pk", "name", "kind", "active")
    return [
        Row(
            key=str(pk),
            label=name,
            kind=kinds.get(kind, kind),
            children=children[pk],
            families=families[pk],
            attendances=found.site_attendances[pk],
            share=share(children[pk], len(found.children)),
        )
        for pk, name, kind, active in sites
        if active or pk in came
    ]


def activity_rows(found: familyhubs.Reach) -> list[Row]:
    """Every activity with a session someone came to, most children first."""
    children, families = _by(found, "activities")
    kinds = dict(Activity.Kind.choices)
    activities = Activity.objects.filter(pk__in=list(found.activity_attendances)).values_list(
        "pk", "name", "kind"
    )
    rows = [
        Row(
            key=str(pk),
            label=name,
            kind=kinds.get(kind, kind),
            children=children[pk],
            families=families[pk],
            attendances=found.activity_attendances[pk],
            share=share(children[pk], len(found.children)),
        )
        for pk, name, kind in activities
    ]
    return sorted(rows, key=lambda r: (-r.children, r.label))


def ward_rows(context: Context) -> tuple[list[WardReach], WardReach, WardReach | None, str]:
    """(each ward's reach, everyone's, the reach of no ward or None, population source): the
    children reached in each ward per 10,000 children living there, and the families."""
    found = familyhubs.reach(context)
    wards = familyhubs.person_wards(context)
    children = Counter(wards.get(c) for c in found.children)
    families = Counter(familyhubs.family_wards(context).values())
    day = context.period.end
    by_ward, everyone, source = _populations(day)
    rows = [
        WardReach(_row(w, children[w.code], by_ward.get(w.code, 0)), families[w.code])
        for w in _wards(day, {*children, *families, *by_ward})
    ]
    total = WardReach(_everyone(len(found.children), everyone), len(found.families))
    unknown = None
    if children[None] or families[None]:
        unknown = WardReach(
            WardRow("", "No ward recorded", False, children[None], 0, None), families[None]
        )
    return rows, total, unknown, source or NO_POPULATION


def age_rows(found: familyhubs.Reach, day) -> tuple[list[AgeReach], str]:
    """(children by their age group on their first session in the period, against the children
    of those ages living in the authority at the latest mid-year, population source)."""
    counts = Counter(one.age_group for one in found.children.values())
    total = len(found.children)
    population, source = estimates(day, by="age")
    rows = []
    for key, label, youngest, oldest in hub_rules.AGE_GROUPS:
        ages = range(youngest, oldest + 1)
        living = sum(population[a] for a in ages) if all(a in population for a in ages) else None
        rows.append(
            AgeReach(
                key,
                label,
                counts[key],
                share(counts[key], total),
                living,
                rate_per_10000(counts[key], living) if living else None,
            )
        )
    return rows, source or NO_POPULATION


def ethnic_rows(found: familyhubs.Reach, day) -> tuple[list[GroupReach], int, str]:
    """(each major ethnic group's children reached against its share of the child population,
    children whose ethnicity is not known, population source), as disproportionality does."""
    counts = Counter(found.ethnicity.values())
    population, source = estimates(day, by="ethnicity")
    chosen = ethnic_groups("major")
    known = {code for _, _, codes in chosen for code in codes}
    counted = sum(n for code, n in counts.items() if code in known)
    people = sum(n for code, n in population.items() if code in known)
    rows = []
    for code, label, codes in chosen:
        children = sum(counts.get(c, 0) for c in codes)
        living = sum(population.get(c, 0) for c in codes)
        child_share, population_share = share(children, counted), share(living, people)
        ratio = (
            child_share / population_share if child_share is not None and population_share else None
        )
        rows.append(GroupReach(code, label, children, child_share, living, population_share, ratio))
    unknown = sum(n for code, n in counts.items() if code not in known)
    return rows, unknown, source or NO_POPULATION


def new_rows(context: Context) -> list[Row]:
    """Children and families reached for the first time in the period, and those who had come
    before it."""
    found = familyhubs.reach(context)
    children, families = len(found.children), len(found.families)
    old_children = len(familyhubs.returning_children(context))
    old_families = len(familyhubs.returning_families(context) & set(found.families))
    return [
        Row(
            familyhubs.NEW,
            "First came in the period",
            children - old_children,
            families - old_families,
            share=share(children - old_children, children),
        ),
        Row(
            familyhubs.RETURNING,
            "Had come before the period",
            old_children,
            old_families,
            share=share(old_children, children),
        ),
    ]


def known_rows(context: Context) -> list[Row]:
    """Families reached known to early help, to social care, to either and to neither in the
    period (counts of families; `share` is of the families reached). `children` is unused."""
    total = len(familyhubs.reach(context).families)
    known = familyhubs.known_families(context)
    either = known[familyhubs.EARLY_HELP] | known[familyhubs.SOCIAL_CARE]
    rows = [(key, label, len(known[key])) for key, label in familyhubs.KNOWN_LABELS.items()] + [
        ("either", "Known to early help or social care", len(either)),
        ("neither", "Known to neither", total - len(either)),
    ]
    return [Row(key, label, 0, n, share=share(n, total)) for key, label, n in rows]


# --- The page -------------------------------------------------------------------------------


def _tables(page: ReachPage, measures_table: Table) -> list[Table]:
    def rows_of(rows: list[Row], *, kinds=True):
        return [
            [
                *([r.label, r.kind] if kinds else [r.label]),
                r.children,
                r.families,
                r.attendances,
                _per_cent(r.share),
            ]
            for r in rows
        ]

    counted = ["Children reached", "Families reached", "Attendances", "Share of children (%)"]
    ward_rows_ = [
        [
            w.ward.code,
            w.ward.name,
            ("Yes" if w.ward.is_target else "No") if w.ward.code else "",
            w.ward.children,
            w.ward.population or None,
            _rounded(w.ward.rate, 2),
            w.families,
        ]
        for w in [*page.wards, *([page.ward_unknown] if page.ward_unknown else []), page.ward_total]
    ]
    return [
        measures_table,
        Table(
            "reach-sites", "Reach by site", ["Site", "Kind of site", *counted], rows_of(page.sites)
        ),
        Table(
            "reach-activities",
            "Reach by activity",
            ["Activity", "Kind of activity", *counted],
            rows_of(page.activities),
        ),
        Table(
            "reach-wards",
            "Reach by ward",
            [
                "Ward code",
                "Ward",
                "Target ward",
                "Children reached",
                "Child population",
                "Per 10,000 children",
                "Families reached",
            ],
            ward_rows_,
        ),
        Table(
            "reach-ages",
            "Children reached by age group",
            [
                "Age group",
                "Children reached",
                "Share of children (%)",
                "Child population",
                "Per 10,000 children of that age",
            ],
            [
                [a.label, a.children, _per_cent(a.share), a.population, _rounded(a.rate, 2)]
                for a in page.ages
            ],
        ),
        Table(
            "reach-ethnic-groups",
            "Children reached by ethnic group",
            [
                "Group code",
                "Ethnic group",
                "Children reached",
                "Share of children reached (%)",
                "Child population",
                "Share of the population (%)",
                "Ratio",
            ],
            [
                [
                    g.code,
                    g.label,
                    g.children,
                    _per_cent(g.share),
                    g.population,
                    _per_cent(g.population_share),
                    _rounded(g.ratio, 2),
                ]
                for g in page.ethnic
            ]
            + (
                [["", "Ethnicity not recorded", page.ethnic_unknown, None, None, None, None]]
                if page.ethnic_unknown
                else []
            ),
        ),
        Table(
            "reach-new",
            "Reached for the first time, and returning",
            ["", "Children", "Families", "Share of children (%)"],
            [[r.label, r.children, r.families, _per_cent(r.share)] for r in page.new],
        ),
        Table(
            "reach-known",
            "Families reached known to early help or social care",
            ["", "Families", "Share of families reached (%)"],
            [[r.label, r.families, _per_cent(r.share)] for r in page.known],
        ),
    ]


def reach_page(period: Period) -> ReachPage:
    """The family hubs' reach in the period, every breakdown from one gathering of attendance."""
    context = Context(period)
    results = [m.result(context) for m in familyhubs.MEASURES]
    groups = [Group(familyhubs.GROUP, [headline(r, period.end) for r in results])]
    has_data = context.has_data(familyhubs.SOURCE)
    found = familyhubs.reach(context)
    wards, ward_total, ward_unknown, source = ward_rows(context)
    ethnic, ethnic_unknown, ethnic_source = ethnic_rows(found, period.end)
    ages, age_source = age_rows(found, period.end)
    page = ReachPage(
        period=period,
        note="" if has_data else NO_DATA,
        groups=groups,
        children=len(found.children),
        families=len(found.families),
        attendances=found.attendances,
        no_date_of_birth=found.no_date_of_birth,
        sites=site_rows(found),
        activities=activity_rows(found),
        wards=wards,
        ward_total=ward_total,
        ward_unknown=ward_unknown,
        population_source=source,
        ages=ages,
        age_source=age_source,
        ethnic=ethnic,
        ethnic_unknown=ethnic_unknown,
        ethnic_source=ethnic_source,
        new=new_rows(context),
        known=known_rows(context),
    )
    page.tables = _tables(page, headlines_table(groups, period))
    return page
