"""The social work workforce: caseloads, changes of social worker and agency staff.

Caseloads come from insight.workforce.caseloads (the team manager's caseloads page's count, on
the period's last day). Changes of social worker use socialcare.rules.social_workers_in over
the period itself (the child's page counts the 12 months before today instead).
"""

from datetime import date

from django.db.models import Q

from onestory.access.models import Allocation
from onestory.core.clock import start_of_day, today_in_london
from onestory.socialcare import rules as socialcare_rules

from ..workforce import caseloads, end_of
from .base import Context, Figure, Measure, Part, Unit
from .need import children_in_need_ids, people_ids

GROUP = "Workforce"
# socialcare.rules.MANY_SOCIAL_WORKERS: three or more social workers in a year (Children's
# Commissioner for England, Stability Index 2019).
MANY = socialcare_rules.MANY_SOCIAL_WORKERS
SOCIAL_WORKER_BANDS = {
    "none": ("No social worker allocated in the period", 0),
    "one": ("One social worker", 1),
    "two": ("Two social workers", 2),
    "three_or_more": (f"{MANY} or more social workers", MANY),
}


def band(count: int) -> str:
    """The part a child with `count` social workers in the period falls in."""
    return next(key for key, (_, floor) in reversed(SOCIAL_WORKER_BANDS.items()) if count >= floor)


def _teams(context: Context):
    return context.cached("caseloads", lambda: caseloads(context.period.end))


def _caseload(context: Context) -> Figure:
    teams = _teams(context)
    children = sum(w.children for t in teams for w in t.workers)
    holders = sum(t.case_holders for t in teams)
    return Figure(
        numerator=children,
        denominator=holders,
        parts=tuple(
            Part(
                str(t.team_id or "none"),
                t.team,
                sum(w.children for w in t.workers),
                t.case_holders,
                t.average,
            )
            for t in teams
            if t.case_holders
        ),
    )


def _agency(context: Context) -> Figure:
    teams = _teams(context)
    holders = [(t, w) for t in teams for w in t.workers if w.children]
    return Figure(
        numerator=sum(1 for _, w in holders if w.is_agency_staff),
        denominator=len(holders),
        parts=tuple(
            Part(
                str(t.team_id or "none"),
                t.team,
                sum(1 for w in t.workers if w.children and w.is_agency_staff),
                t.case_holders,
            )
            for t in teams
            if t.case_holders
        ),
    )


def social_workers_in_period(person_ids, start: date, end: date) -> dict:
    """{person id: how many different social workers were allocated to the child at some time
    from `start` to `end`} for the children given (a queryset of ids or a list)."""
    spans: dict = {}
    for person_id, worker_id, starts, ends in Allocation.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gte=start_of_day(start)),
        starts_at__lte=end_of(end),
        person_id__in=person_ids,
        purpose__in=socialcare_rules.SOCIAL_WORKER_PURPOSES,
        worker__isnull=False,
    ).values_list("person_id", "worker_id", "starts_at", "ends_at"):
        spans.setdefault(person_id, []).append(
            (worker_id, today_in_london(starts), today_in_london(ends) if ends else None)
        )
    return {
        person_id: socialcare_rules.social_workers_in(rows, window_start=start, window_end=end)
        for person_id, rows in spans.items()
    }


def _bands(context: Context) -> dict:
    def compute():
        period = context.period
        ids = children_in_need_ids(context)
        children = set(ids)
        counts = social_workers_in_period(ids, period.start, period.end)
        found = {key: set() for key in SOCIAL_WORKER_BANDS}
        for person_id in children:
            found[band(counts.get(person_id, 0))].add(person_id)
        return found

    return context.cached("social_worker_bands", compute)


def _changes(context: Context) -> Figure:
    found = _bands(context)
    total = sum(len(ids) for ids in found.values())
    return Figure(
        numerator=len(found["three_or_more"]),
        denominator=total,
        parts=tuple(
            Part(key, label, len(found[key]), total)
            for key, (label, _) in SOCIAL_WORKER_BANDS.items()
        ),
    )


def _changes_children(context: Context, part: str | None = None):
    return people_ids(_bands(context)[part or "three_or_more"])


MEASURES = (
    Measure(
        id="caseload_per_social_worker",
        name="Average caseload per social worker",
        group=GROUP,
        unit=Unit.AVERAGE,
        definition=(
            "Children held on the last day of the period by each case-holding social worker "
            "(allocated to them as social worker or personal adviser at the end of that day), "
            "added up and divided by the number of workers holding at least one child, as the "
            "DfE's children's social work workforce census averages caseloads over "
            "case-holding workers. Counted as the team manager's caseloads page counts them, "
            "unweighted; by team (the workers' teams now). Heads, not full-time equivalents: "
            "the record holds no working hours."
        ),
        compute=_caseload,
        source="allocations",
    ),
    Measure(
        id="social_worker_changes_3_plus",
        name="Children in need with 3 or more social workers in the period",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of children in need on the last day of the period (as the measure "
            "children in need counts them) who had three or more different social workers "
            "allocated at some time in the period, the instability the Children's "
            "Commissioner's Stability Index counts for a year. Personal advisers and the "
            "front door's team allocations are left out. The parts show the whole spread, "
            "from no social worker to three or more."
        ),
        compute=_changes,
        source="referrals",
        children=_changes_children,
    ),
    Measure(
        id="agency_social_workers",
        name="Social workers who are agency staff",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of case-holding social workers on the last day of the period (holding "
            "at least one child, as for the average caseload) who are agency staff (engaged "
            "through an employment agency, as the worker's record says now), by team. The "
            "DfE's workforce census counts full-time equivalents of all social workers in "
            "post; the record holds no hours or posts, so this counts heads holding cases."
        ),
        compute=_agency,
        source="allocations",
    ),
)
