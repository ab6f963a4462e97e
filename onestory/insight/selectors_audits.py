"""Reads for case audits: the open cases a sample is drawn from, the managers who can audit,
the audits a manager has to do and every batch drawn, one audit as the reader may see it, and
the roll-up of grades by team (also used by the board report).

The child's name is shown only to someone who may open the child's record (an auditor can,
through the grant given with the audit); anyone else sees the child's code from the returns.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.http import Http404

from onestory.access import audit as trail
from onestory.access.models import Allocation, RecordRestriction
from onestory.access.selectors import audit_views, visible_to
from onestory.core.clock import london_days, start_of_day, today_in_london
from onestory.earlyhelp.models import Episode, EpisodeMember
from onestory.returns.identifiers import child_id
from onestory.socialcare.selectors import (
    CASE_HOLDER_PURPOSES,
    case_kinds,
    current_case_holders,
)
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from . import rules_audits
from .models import CaseAudit, CaseAuditTemplate
from .rules import GRADES, THEMES, Period
from .rules_audits import KINDS, Auditor, Case

NO_TEAM = "No team recorded"


# --- The cases a sample is drawn from ---------------------------------------------------------


def open_cases(*, now: datetime, kind: str | None = None, team_ids=None) -> list[Case]:
    """Cases open now that can be audited, each with the team holding it.

    A social care case is a child with a current social worker (or personal adviser): the team
    is that worker's, the kind the heaviest thing open for the child. An early help case is a
    child in an open early help episode who is not open to social care: the team is the
    episode's. Restricted records (which only named people may open) and children already
    waiting for an audit are left out.
    """
    today = today_in_london(now)
    holders = current_case_holders(_case_holder_children(now), now=now)
    kinds = case_kinds(list(holders), today=today)
    cases: dict = {}
    for person_id, allocation in holders.items():
        team_id = (allocation.worker.team_id if allocation.worker else None) or allocation.team_id
        if team_id is not None:
            cases[person_id] = Case(
                person_id=str(person_id),
                team_id=str(team_id),
                kind=str(kinds[person_id]),
                holder_id=allocation.worker_id,
            )
    early_help = EpisodeMember.objects.filter(
        role=EpisodeMember.Role.CHILD,
        episode__status=Episode.Status.OPEN,
        person__merged_into__isnull=True,
    ).values_list("person_id", "episode__team_id", "episode__lead_professional_id")
    for person_id, team_id, lead_id in early_help.order_by("episode__opened_at"):
        if person_id not in cases:
            cases[person_id] = Case(str(person_id), str(team_id), "early_help", lead_id)
    left_out = set(RecordRestriction.objects.values_list("person_id", flat=True)) | set(
        CaseAudit.objects.filter(status=CaseAudit.Status.REQUESTED).values_list(
            "person_id", flat=True
        )
    )
    wanted_teams = {str(t) for t in team_ids} if team_ids else None
    return [
        case
        for person_id, case in cases.items()
        if person_id not in left_out
        and (kind is None or case.kind == kind)
        and (wanted_teams is None or case.team_id in wanted_teams)
    ]


def _case_holder_children(now: datetime) -> list:
    return list(
        Allocation.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            starts_at__lte=now,
            purpose__in=CASE_HOLDER_PURPOSES,
            worker__isnull=False,
            person__merged_into__isnull=True,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )


@dataclass
class TeamCases:
    team: Team
    by_kind: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def teams_with_open_cases(*, now: datetime) -> list[TeamCases]:
    """Each team holding open cases, with how many of each kind (counts only), by name."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    for case in open_cases(now=now):
        counts[case.team_id][case.kind] += 1
    teams = Team.objects.filter(pk__in=list(counts)).order_by("name")
    return [
        TeamCases(team, {k: counts[str(team.pk)][k] for k in KINDS if counts[str(team.pk)][k]})
        for team in teams
    ]


def auditors():
    """The managers who can audit cases: active team managers, by name."""
    return (
        Worker.objects.filter(is_active=True, role=Role.TEAM_MANAGER)
        .select_related("team")
        .prefetch_related("managed_teams")
        .order_by("last_name", "first_name", "username")
    )


def as_auditor(worker: Worker) -> Auditor:
    """The auditor and the teams whose cases they may not audit (theirs and those they
    manage)."""
    teams = {str(t.pk) for t in worker.managed_teams.all()}
    if worker.team_id:
        teams.add(str(worker.team_id))
    return Auditor(id=worker.pk, team_ids=frozenset(teams))


def active_templates():
    return CaseAuditTemplate.objects.filter(active=True).order_by("name")


# --- Audits as a reader sees them -------------------------------------------------------------


@dataclass
class AuditRow:
    """One case audit as the reader may see it: the child's name only if they may open the
    record (then `person` is set), else the child's code."""

    audit: CaseAudit
    person: object | None
    code: str
    overdue: bool

    @property
    def label(self) -> str:
        return self.person.full_name if self.person is not None else f"Child {self.code}"


def _rows(user, audits: list[CaseAudit], *, now: datetime, page: str, request=None, action="list"):
    """Rows for these audits; an audit event (`action`) for each child shown by name."""
    today = today_in_london(now)
    may_open = {
        p.pk: p for p in visible_to(user, now=now).filter(pk__in=[a.person_id for a in audits])
    }
    rows = [
        AuditRow(
            audit=a,
            person=may_open.get(a.person_id),
            code=child_id(a.person_id),
            overdue=a.status == CaseAudit.Status.REQUESTED and a.due_on < today,
        )
        for a in audits
    ]
    named = [r.person for r in rows if r.person is not None]
    if named:
        audit_views(user, named, now=now, page=page, request=request, action=action)
    return rows


def _audits():
    return CaseAudit.objects.select_related("team", "auditor", "requested_by", "template")


def to_do(user, *, now: datetime, request=None) -> list[AuditRow]:
    """The audits this worker has been asked to do and has not completed, soonest due first."""
    audits = list(
        _audits()
        .filter(auditor=user, status=CaseAudit.Status.REQUESTED)
        .order_by("due_on", "created_at")
    )
    return _rows(user, audits, now=now, page="case audits: to do", request=request)


@dataclass
class Batch:
    """One sample drawn together: who drew it, when, and its audits."""

    batch: str
    requested_by: Worker
    requested_on: date
    due_on: date
    rows: list[AuditRow]

    @property
    def completed(self) -> int:
        return sum(1 for r in self.rows if r.audit.status == CaseAudit.Status.COMPLETED)

    @property
    def waiting(self) -> int:
        return len(self.rows) - self.completed

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


BATCHES_SHOWN = 12


def batches(user, *, now: datetime, request=None) -> list[Batch]:
    """The latest samples drawn (newest first), every audit in each, for a team manager."""
    first_made = dict(
        CaseAudit.objects.values("batch")
        .annotate(first=Min("created_at"))
        .order_by("-first")
        .values_list("batch", "first")[:BATCHES_SHOWN]
    )
    newest = sorted(first_made, key=first_made.get, reverse=True)
    audits = list(_audits().filter(batch__in=newest).order_by("team__name", "due_on", "pk"))
    rows = _rows(user, audits, now=now, page="case audits: batches", request=request)
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.audit.batch].append(row)
    result = []
    for b in newest:
        found = grouped[b]
        first = found[0].audit
        result.append(
            Batch(
                batch=str(b),
                requested_by=first.requested_by,
                requested_on=today_in_london(first_made[b]),
                due_on=max(r.audit.due_on for r in found),
                rows=found,
            )
        )
    return result


@dataclass
class AuditView:
    """One audit as the reader may see it. `may_read_record`: the reader may open the child's
    record, so sees their name, a link to it and the auditor's written findings; anyone else
    sees the grades and themes only, never what was written about the child."""

    row: AuditRow
    questions: list[dict]
    may_read_record: bool
    may_grade: bool


def audit_for(user, audit_id, *, now: datetime, request=None) -> AuditView:
    """The audit, for its auditor or any team manager (404 otherwise, and for a missing one).

    Opening it is recorded against the child, whether or not the reader may see their name.
    """
    audit = _audits().filter(pk=audit_id).first()
    if audit is None or user.role != Role.TEAM_MANAGER:
        raise Http404("No case audit found")
    (row,) = _rows(user, [audit], now=now, page="case audit", request=request, action="view")
    if row.person is None:
        trail.record(
            actor=user,
            action="view",
            at=now,
            person_id=audit.person_id,
            obj=audit,
            detail={"page": "case audit", "name_shown": False},
            request=request,
        )
    questions = [
        {**q, "number": i, "grade": GRADES.get(audit.grades.get(q["key"], ""), "")}
        for i, q in enumerate(audit.template.questions, start=1)
    ]
    return AuditView(
        row=row,
        questions=questions,
        may_read_record=row.person is not None,
        may_grade=audit.auditor_id == user.pk and audit.status == CaseAudit.Status.REQUESTED,
    )


# --- The roll-up by team ----------------------------------------------------------------------


@dataclass(frozen=True)
class TeamAuditRollup:
    """One team's case audits: those completed in the period, how many got each overall grade
    (every grade listed, best first), the share good or better (None when none were
    completed), the most common themes (labels, most common first) with every theme's count,
    and how many were overdue (waiting past their due date) on the period's last day."""

    team_id: str | None
    team: str
    completed: int
    grades: dict
    good_or_better: float | None
    top_themes: list
    themes: dict
    overdue: int

    @property
    def grade_rows(self) -> list[tuple[str, int]]:
        return [(GRADES[g], n) for g, n in self.grades.items()]

    @property
    def theme_rows(self) -> list[tuple[str, int]]:
        return [(THEMES.get(t, t), n) for t, n in self.themes.items()]


def _completed_in(period: Period):
    start, after = london_days(period.start, period.end)
    return CaseAudit.objects.filter(
        status=CaseAudit.Status.COMPLETED, completed_at__gte=start, completed_at__lt=after
    )


def _overdue_on(day: date):
    """Audits waiting past their due date at the end of `day`."""
    after = start_of_day(day + timedelta(days=1))
    return CaseAudit.objects.filter(due_on__lt=day, created_at__lt=after).filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=after)
    )


def rollup(period: Period) -> list[TeamAuditRollup]:
    """Case audits by the team that held each case when it was drawn: audits completed in the
    period (by the Europe/London day they were completed) and audits overdue on the period's
    last day (due before it, not completed by the end of it). Teams with neither are left out;
    teams by name, audits with no team last."""
    graded = defaultdict(list)
    for team_id, grade, themes in _completed_in(period).values_list(
        "team_id", "overall_grade", "themes"
    ):
        graded[team_id].append((grade, themes or []))
    late = defaultdict(int)
    for team_id in _overdue_on(period.end).values_list("team_id", flat=True):
        late[team_id] += 1
    names = dict(
        Team.objects.filter(pk__in=[t for t in {*graded, *late} if t]).values_list("pk", "name")
    )
    rows = [_rollup_row(t, names.get(t, NO_TEAM), graded[t], late[t]) for t in {*graded, *late}]
    return sorted(rows, key=lambda r: (r.team_id is None, r.team.lower()))


def rollup_total(period: Period) -> TeamAuditRollup:
    """Every team's audits together (the roll-up's last row)."""
    graded = [
        (grade, themes or [])
        for grade, themes in _completed_in(period).values_list("overall_grade", "themes")
    ]
    return _rollup_row(None, "All teams", graded, _overdue_on(period.end).count())


def _rollup_row(team_id, name: str, graded: list, overdue: int) -> TeamAuditRollup:
    summary = rules_audits.summarise(graded)
    return TeamAuditRollup(
        team_id=str(team_id) if team_id else None,
        team=name,
        completed=summary.completed,
        grades=summary.grades,
        good_or_better=summary.good_or_better,
        top_themes=summary.top_themes,
        themes=summary.themes,
        overdue=overdue,
    )
