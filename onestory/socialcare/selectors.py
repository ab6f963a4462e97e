"""Shared reads for statutory social care: a child's current social worker and team, how many
social workers they have had, what kind of case they are, and the council's caseload weights,
limits and local standards on a day. Every function works on many children at once."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q, QuerySet

from onestory.access.models import Allocation
from onestory.access.selectors import visible_to
from onestory.core.clock import LONDON, today_in_london
from onestory.core.rules import add_months
from onestory.frontdoor.models import Referral
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

from . import rules
from .models import (
    CareLeaver,
    CarePeriod,
    CaseloadLimit,
    CaseWeight,
    ChildInNeedPlan,
    ChildProtectionPlan,
    LocalStandard,
)

LEAVING_CARE_PURPOSE = rules.ALLOCATION_PURPOSES[rules.CaseKind.CARE_LEAVER]
# Allocations that make someone the child's worker: a social worker, or a personal adviser.
CASE_HOLDER_PURPOSES = rules.SOCIAL_WORKER_PURPOSES | {LEAVING_CARE_PURPOSE}
CASEWORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})
DEFAULT_STANDARDS = {
    LocalStandard.Key.CP_VISIT_WORKING_DAYS: rules.LOCAL_CP_VISIT_WORKING_DAYS,
    LocalStandard.Key.CIN_VISIT_WORKING_DAYS: rules.LOCAL_CIN_VISIT_WORKING_DAYS,
    LocalStandard.Key.CIN_REVIEW_MONTHS: rules.LOCAL_CIN_REVIEW_MONTHS,
}


def _active_at(now: datetime) -> Q:
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def current_case_holders(person_ids, *, now: datetime) -> dict:
    """{person_id: Allocation} of each child's current social worker (or personal adviser, where
    no social worker holds the case); the latest allocation wins."""
    rows = (
        Allocation.objects.filter(
            _active_at(now),
            person_id__in=person_ids,
            purpose__in=CASE_HOLDER_PURPOSES,
            worker__isnull=False,
        )
        .select_related("worker", "team", "worker__team")
        .order_by("starts_at")
    )
    found: dict = {}
    for row in rows:
        held = found.get(row.person_id)
        # A social worker outranks a personal adviser; otherwise the later allocation wins.
        if held is None or not (
            held.purpose in rules.SOCIAL_WORKER_PURPOSES
            and row.purpose not in rules.SOCIAL_WORKER_PURPOSES
        ):
            found[row.person_id] = row
    return found


def current_case_holder(person, *, now: datetime) -> Allocation | None:
    return current_case_holders([person.pk], now=now).get(person.pk)


def social_workers_in_last_year(person_ids, *, today: date) -> dict:
    """{person_id: how many different social workers the child had in the last 12 months}."""
    window_start = add_months(today, -12)
    start_at = datetime.combine(window_start, time(), LONDON)
    spans = defaultdict(list)
    rows = Allocation.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gte=start_at),
        person_id__in=person_ids,
        purpose__in=rules.SOCIAL_WORKER_PURPOSES,
        worker__isnull=False,
    ).values_list("person_id", "worker_id", "starts_at", "ends_at")
    for person_id, worker_id, starts, ends in rows:
        spans[person_id].append(
            (
                worker_id,
                today_in_london(starts),
                today_in_london(ends) if ends is not None else None,
            )
        )
    return {
        person_id: rules.social_workers_in(
            spans.get(person_id, []), window_start=window_start, window_end=today
        )
        for person_id in person_ids
    }


def case_kinds(person_ids, *, today: date) -> dict:
    """{person_id: CaseKind}: what each child's case is today, from their open records."""
    person_ids = list(person_ids)

    def having(model, **open_filter) -> set:
        return set(
            model.objects.filter(person_id__in=person_ids, **open_filter).values_list(
                "person_id", flat=True
            )
        )

    in_care = having(CarePeriod, starts_on__lte=today, ends_on__isnull=True)
    protected = having(ChildProtectionPlan, starts_on__lte=today, ends_on__isnull=True)
    in_need = having(ChildInNeedPlan, starts_on__lte=today, ends_on__isnull=True)
    leavers = having(CareLeaver, ended_on__isnull=True)
    return {
        pid: rules.case_kind(
            care_leaver=pid in leavers,
            in_care=pid in in_care,
            on_protection_plan=pid in protected,
            on_child_in_need_plan=pid in in_need,
        )
        for pid in person_ids
    }


def weights_on(day: date) -> dict:
    """{kind: weight} valid on `day` (the latest row from on or before it; defaults otherwise)."""
    weights = {k.value: float(v) for k, v in rules.DEFAULT_CASE_WEIGHTS.items()}
    seen = set()
    for row in CaseWeight.objects.filter(valid_from__lte=day).order_by("kind", "-valid_from"):
        if row.kind not in seen:
            seen.add(row.kind)
            weights[row.kind] = float(row.weight)
    return weights


def limits_on(team_ids, day: date) -> dict:
    """{team_id: limit} valid on `day`: the team's own latest row, else the council's."""
    rows = list(
        CaseloadLimit.objects.filter(
            Q(team__isnull=True) | Q(team_id__in=list(team_ids)), valid_from__lte=day
        ).order_by("-valid_from", "-created_at")
    )
    council = next((float(r.limit) for r in rows if r.team_id is None), None)
    council = rules.DEFAULT_CASELOAD_LIMIT if council is None else council
    result = {}
    for team_id in team_ids:
        own = next((float(r.limit) for r in rows if r.team_id == team_id), None)
        result[team_id] = council if own is None else own
    return result


def limit_on(team_id, day: date) -> float:
    return limits_on([team_id], day)[team_id]


def standards_on(day: date) -> dict:
    """{key: value} of the council's local standards valid on `day`."""
    values = dict(DEFAULT_STANDARDS)
    seen = set()
    for row in LocalStandard.objects.filter(valid_from__lte=day).order_by("key", "-valid_from"):
        if row.key not in seen:
            seen.add(row.key)
            values[row.key] = row.value
    return values


def local_standard(key: str, day: date) -> int:
    """The council's standard for `key` on `day`: its latest row valid then, else the default."""
    return standards_on(day)[key]


def managed_team_ids(user) -> list:
    if getattr(user, "role", None) != Role.TEAM_MANAGER:
        return []
    return list(user.managed_teams.values_list("id", flat=True))


def team_workers(user) -> QuerySet:
    """The social workers (and managers) in the teams this manager manages."""
    return Worker.objects.filter(
        team_id__in=managed_team_ids(user), is_active=True, role__in=list(CASEWORK_ROLES)
    ).select_related("team")


def held_children(worker_ids, *, now: datetime) -> dict:
    """{worker_id: [person_id, ...]} of the children each worker holds now (distinct)."""
    held = defaultdict(list)
    rows = (
        Allocation.objects.filter(
            _active_at(now),
            worker_id__in=list(worker_ids),
            purpose__in=CASE_HOLDER_PURPOSES,
            person__merged_into__isnull=True,
        )
        .values_list("worker_id", "person_id")
        .distinct()
    )
    for worker_id, person_id in rows:
        if person_id not in held[worker_id]:
            held[worker_id].append(person_id)
    return held


@dataclass
class Caseload:
    worker: Worker
    by_kind: dict = field(default_factory=dict)
    children: int = 0
    weighted: float = 0.0
    limit: float = rules.DEFAULT_CASELOAD_LIMIT
    many_workers: int = 0

    @property
    def status(self) -> rules.CaseloadStatus:
        return rules.caseload_status(self.weighted, self.limit)

    @property
    def share(self) -> int:
        """Weighted caseload as a percentage of the limit (capped at 150 for drawing)."""
        return min(150, round(100 * self.weighted / self.limit)) if self.limit else 0


def caseloads(workers, *, now: datetime) -> list[Caseload]:
    """Each worker's children by kind, weighted caseload, limit, and how many of their children
    had 3 or more social workers in 12 months. A handful of queries, however many children."""
    workers = list(workers)
    today = today_in_london(now)
    held = held_children([w.pk for w in workers], now=now)
    everyone = {pid for ids in held.values() for pid in ids}
    kinds = case_kinds(everyone, today=today)
    counts = social_workers_in_last_year(everyone, today=today)
    weights = weights_on(today)
    limits = limits_on({w.team_id for w in workers}, today)
    result = []
    for worker in workers:
        ids = held.get(worker.pk, [])
        their_kinds = [kinds[pid] for pid in ids]
        by_kind = {k: their_kinds.count(k) for k in rules.CaseKind if k in their_kinds}
        result.append(
            Caseload(
                worker=worker,
                by_kind=by_kind,
                children=len(ids),
                weighted=rules.weighted_caseload([k.value for k in their_kinds], weights),
                limit=limits.get(worker.team_id, rules.DEFAULT_CASELOAD_LIMIT),
                many_workers=sum(1 for pid in ids if counts[pid] >= rules.MANY_SOCIAL_WORKERS),
            )
        )
    return result


def caseload_of(worker, *, now: datetime) -> Caseload:
    return caseloads([worker], now=now)[0]


def waiting_for_social_worker(user, *, now: datetime) -> list[Referral]:
    """Open referrals to the teams this manager manages whose child has no social worker yet,
    oldest first; only children the manager may open."""
    teams = managed_team_ids(user)
    if not teams:
        return []
    allocated = Allocation.objects.filter(
        _active_at(now), purpose__in=rules.SOCIAL_WORKER_PURPOSES, worker__isnull=False
    ).values("person_id")
    return list(
        Referral.objects.filter(
            social_work_team_id__in=teams,
            closed_on__isnull=True,
            person__in=visible_to(user, now=now),
        )
        .exclude(person_id__in=allocated)
        .select_related("person", "social_work_team", "contact")
        .order_by("referral_date", "created_at")
    )


def open_referral(person, *, team_ids) -> Referral | None:
    return (
        Referral.objects.filter(
            person=person, closed_on__isnull=True, social_work_team_id__in=team_ids
        )
        .select_related("social_work_team")
        .order_by("-referral_date")
        .first()
    )


def history_of_settings() -> dict:
    """Every dated row of weights, limits and local standards, newest first (history kept)."""
    return {
        "weights": list(CaseWeight.objects.order_by("-valid_from", "kind")),
        "limits": list(CaseloadLimit.objects.select_related("team").order_by("-valid_from")),
        "standards": list(LocalStandard.objects.order_by("-valid_from", "key")),
    }
