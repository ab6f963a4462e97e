"""Caseloads per social worker and per team on a day, for the performance hub: counts only, no
child is named.

A worker's caseload is the children they hold on the day as social worker or personal adviser,
counted exactly as the team manager's caseloads page counts them today
(socialcare.selectors.held_children: allocations with a social worker's or personal adviser's
purpose, open at the end of the day; merged records left out). Like the DfE's children's social
work workforce census, averages are over case-holding workers: those holding at least one
child on the day. Teams are the workers' teams now (the record keeps no history of teams).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from onestory.access.models import Allocation
from onestory.core.clock import LONDON
from onestory.socialcare.selectors import CASE_HOLDER_PURPOSES, held_children
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role

NO_TEAM = "No team"


@dataclass(frozen=True)
class WorkerCaseload:
    worker_id: int
    name: str
    children: int
    is_agency_staff: bool


@dataclass(frozen=True)
class TeamCaseload:
    team_id: object  # the team's UUID, or None for workers in no team
    team: str
    workers: list[WorkerCaseload]
    # Different children held by the team's workers (a child two of them hold counts once).
    children: int
    # Children per case-holding worker (each worker's children added up), None if none holds any.
    average: float | None
    agency_workers: int

    @property
    def case_holders(self) -> int:
        return sum(1 for w in self.workers if w.children)


def end_of(day: date) -> datetime:
    """The last moment of `day`, London time: what is open then was open at the end of the day
    (an allocation that ended during the day is not)."""
    return datetime.combine(day + timedelta(days=1), time(), LONDON) - timedelta(microseconds=1)


def held_on(day: date) -> dict:
    """{worker id: [person id, ...]} of every worker holding a child at the end of `day`."""
    at = end_of(day)
    holders = (
        Allocation.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            starts_at__lte=at,
            purpose__in=CASE_HOLDER_PURPOSES,
            worker__isnull=False,
        )
        .values_list("worker_id", flat=True)
        .distinct()
    )
    return dict(held_children(holders, now=at))


def caseloads(day: date) -> list[TeamCaseload]:
    """Each team's workers with the number of children each held at the end of `day`, the
    team's children and average caseload, and its agency staff; teams by name.

    Workers listed are those holding a child on the day and every active social worker (so a
    social worker holding nobody shows 0; they are not in the average). A handful of queries.
    """
    held = held_on(day)
    workers = (
        Worker.objects.filter(Q(pk__in=list(held)) | Q(is_active=True, role=Role.SOCIAL_WORKER))
        .select_related("team")
        .order_by("last_name", "first_name", "username")
    )
    by_team = defaultdict(list)
    for worker in workers:
        by_team[worker.team].append(worker)
    teams = []
    for team, members in by_team.items():
        rows = sorted(
            (
                WorkerCaseload(
                    worker.pk,
                    worker.get_full_name() or worker.username,
                    len(held.get(worker.pk, ())),
                    worker.is_agency_staff,
                )
                for worker in members
            ),
            key=lambda row: -row.children,
        )
        holding = [row.children for row in rows if row.children]
        teams.append(
            TeamCaseload(
                team_id=team.pk if team else None,
                team=team.name if team else NO_TEAM,
                workers=rows,
                children=len({pid for w in members for pid in held.get(w.pk, ())}),
                average=sum(holding) / len(holding) if holding else None,
                agency_workers=sum(1 for row in rows if row.is_agency_staff),
            )
        )
    return sorted(teams, key=lambda t: (t.team_id is None, t.team))
