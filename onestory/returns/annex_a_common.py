"""What every Annex A list shares: the six months it covers, the child's first five columns,
the child's allocated team and worker, and their visits. Read in one query per list each."""

import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from onestory.access.models import Allocation
from onestory.core.clock import LONDON
from onestory.core.rules import add_months
from onestory.frontdoor.actions.common import PURPOSE_REFERRAL
from onestory.socialcare.models import Assessment, Visit
from onestory.socialcare.rules import ALLOCATION_PURPOSES, SOCIAL_WORKER_PURPOSES, CaseKind

from . import annex_a_template as template

# Ofsted asks for the six months before the inspection (Annex A, ILACS).
WINDOW_MONTHS = 6
# "In the last 12 months" in the template's counting columns.
YEAR_MONTHS = 12
# The person's fields every child list needs, read with the list's own query.
PERSON_FIELDS = ("sex", "ethnicity", "date_of_birth", "disabilities")
NO_DISABILITY = "NONE"
CHILD_PURPOSES = frozenset(SOCIAL_WORKER_PURPOSES | {PURPOSE_REFERRAL})
PERSONAL_ADVISER_PURPOSES = frozenset({ALLOCATION_PURPOSES[CaseKind.CARE_LEAVER]})


@dataclass(frozen=True)
class Window:
    """The six months before `on`: from the same day six months earlier to the day before `on`
    (--on 2026-11-01 covers 1 May to 31 October 2026). Ages are worked out at `on`."""

    on: date

    @property
    def start(self) -> date:
        return add_months(self.on, -WINDOW_MONTHS)

    @property
    def end(self) -> date:
        return self.on - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), LONDON)

    @property
    def end_at(self) -> datetime:
        """The first moment after the window (midnight starting `on`, London time)."""
        return datetime.combine(self.on, time(0), LONDON)

    @property
    def year_start(self) -> date:
        """The first day of the 12 months before `on`."""
        return add_months(self.on, -YEAR_MONTHS)

    def within(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def overlaps(self, began: date | None, ended: date | None) -> bool:
        return began is not None and began <= self.end and (ended is None or ended >= self.start)

    def by_end(self, day: date | None) -> date | None:
        """The day if it had come by the window's last day, else None (not yet)."""
        return day if day is not None and day <= self.end else None

    def as_at(self, ended: date | None) -> date:
        """The day a row describes: its end when it ended in the window, else the window's end."""
        return ended if ended is not None and ended <= self.end else self.end

    def words(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def london_day(moment: datetime | None) -> date | None:
    return moment.astimezone(LONDON).date() if moment is not None else None


def person_fields(prefix: str = "person__") -> list[str]:
    return [f"{prefix}{name}" for name in PERSON_FIELDS]


def age_on(born: date | None, on: date) -> int | None:
    """Whole years at `on`; None when not born by then or not known."""
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def has_disability(codes) -> bool:
    return any(code and code != NO_DISABILITY for code in codes or [])


def child_cells(row: dict, on: date, prefix: str = "person__") -> list:
    """Gender, Ethnicity, Date of Birth, Age (the Child Unique ID is added when written)."""
    born = row[f"{prefix}date_of_birth"]
    return [
        template.GENDER.get(row[f"{prefix}sex"] or "U", template.GENDER["U"]),
        template.value(template.ETHNICITY, row[f"{prefix}ethnicity"] or "NOBT"),
        born,
        age_on(born, on),
    ]


def disability_cell(row: dict, prefix: str = "person__") -> str:
    return template.yes_no(has_disability(row[f"{prefix}disabilities"]))


@dataclass
class Sheet:
    """One list's rows: (person id, the cells after the Child Unique ID), and notes on what
    the record could not say."""

    number: int
    rows: list[tuple[uuid.UUID, list]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, person_id, cells: list) -> None:
        self.rows.append((person_id, cells))

    @property
    def person_ids(self) -> set:
        return {person_id for person_id, _ in self.rows}


# Allocated team and worker ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Allocated:
    starts_on: date
    ends_on: date | None
    worker: str
    team: str


class Allocations:
    """The children's allocations with the given purposes: who had each child on a day."""

    def __init__(self, people, purposes=CHILD_PURPOSES):
        self.by_person: dict = defaultdict(list)
        rows = (
            Allocation.objects.filter(person__in=people, purpose__in=purposes)
            .filter(Q(worker__isnull=False) | Q(team__isnull=False))
            .values(
                "person_id",
                "starts_at",
                "ends_at",
                "worker__first_name",
                "worker__last_name",
                "team__name",
                "worker__team__name",
            )
        )
        for row in rows:
            worker = " ".join(
                part for part in (row["worker__first_name"], row["worker__last_name"]) if part
            )
            self.by_person[row["person_id"]].append(
                _Allocated(
                    starts_on=london_day(row["starts_at"]),
                    ends_on=london_day(row["ends_at"]),
                    worker=worker,
                    team=row["team__name"] or row["worker__team__name"] or "",
                )
            )

    def on(self, person_id, day: date, *, team: str = "", recorded: tuple = ("", "")) -> list:
        """[Allocated Team, Allocated Worker] on `day`: the latest allocation to a worker that
        covered the day, else one to a team only. Where no allocation names a worker, the
        worker the record names for the item (`recorded`: (worker, their team), such as the
        assessing social worker); `team` when nothing else names one."""
        covering = [
            a
            for a in self.by_person.get(person_id, ())
            if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)
        ]
        covering.sort(key=lambda a: (bool(a.worker), a.starts_on))
        chosen = covering[-1] if covering else None
        if chosen is not None and chosen.worker:
            return [chosen.team or team or None, chosen.worker]
        worker, worker_team = recorded
        if worker:
            return [worker_team or team or None, worker]
        return [(chosen.team if chosen else "") or team or None, None]


def worker_named(row: dict, prefix: str) -> tuple[str, str]:
    """(name, team) of the worker a row names through `prefix` ("worker__", ...)."""
    name = " ".join(p for p in (row[f"{prefix}first_name"], row[f"{prefix}last_name"]) if p)
    return name, row[f"{prefix}team__name"] or ""


def worker_fields(prefix: str) -> list[str]:
    return [f"{prefix}first_name", f"{prefix}last_name", f"{prefix}team__name"]


def assessing_workers(referrals) -> dict:
    """Each referral's (worker, team) who carried out its latest assessment."""
    latest: dict = {}
    for row in Assessment.objects.filter(referral__in=referrals).values(
        "referral_id", "started_on", *worker_fields("worker__")
    ):
        kept = latest.get(row["referral_id"])
        if kept is None or row["started_on"] >= kept["started_on"]:
            latest[row["referral_id"]] = row
    return {pk: worker_named(row, "worker__") for pk, row in latest.items()}


# Visits ------------------------------------------------------------------------------------------


class Visits:
    """The days each child was seen on a visit (any kind unless `kinds` is given)."""

    def __init__(self, people, *, until: date, kinds=None):
        self.days: dict = defaultdict(list)
        self.alone: dict = {}
        rows = Visit.objects.filter(person__in=people, child_seen=True, visited_on__lte=until)
        if kinds is not None:
            rows = rows.filter(kind__in=kinds)
        for person_id, day, alone in rows.values_list("person_id", "visited_on", "seen_alone"):
            self.days[person_id].append(day)
            self.alone[(person_id, day)] = self.alone.get((person_id, day), False) or alone
        for days in self.days.values():
            days.sort()

    def last(self, person_id, *, until: date, since: date | None = None) -> date | None:
        days = self.days.get(person_id, [])
        index = bisect_right(days, until)
        if index == 0:
            return None
        day = days[index - 1]
        return day if since is None or day >= since else None

    def seen_alone(self, person_id, day: date) -> bool:
        return self.alone.get((person_id, day), False)
