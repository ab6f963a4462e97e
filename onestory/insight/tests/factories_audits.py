"""Case audit test data: social work teams with a manager and a social worker, children with
open cases in them, and case audits made directly (for roll-up sums)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from onestory.core.clock import today_in_london
from onestory.insight.models import CaseAudit, CaseAuditTemplate
from onestory.socialcare.models import ChildProtectionPlan
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

QUESTIONS = [
    {"key": "voice", "text": "Is the child's voice heard?"},
    {"key": "plan", "text": "Is the plan clear?"},
    {"key": "oversight", "text": "Is there management oversight?"},
]


def template(**fields) -> CaseAuditTemplate:
    return CaseAuditTemplate.objects.create(
        **({"name": "Test audit tool", "questions": QUESTIONS} | fields)
    )


@dataclass
class SocialWorkTeam:
    team: Team
    manager: Worker
    worker: Worker
    children: list = field(default_factory=list)


def social_work_team(name: str, *, now: datetime, children: int = 0) -> SocialWorkTeam:
    """A team with its manager, one social worker and `children` open cases (assessments)."""
    team = TeamFactory(name=name, kind=Team.Kind.SOCIAL_WORK)
    manager = worker_with_role(Role.TEAM_MANAGER, team=team)
    worker = worker_with_role(Role.SOCIAL_WORKER, team=team)
    built = SocialWorkTeam(team, manager, worker)
    for _ in range(children):
        add_child(built, now=now)
    return built


def add_child(team: SocialWorkTeam, *, now: datetime, protection: bool = False):
    """A child referred to the team and allocated to its social worker; on a child protection
    plan if asked."""
    child, referral = referred_child(team.worker, now=now)
    if protection:
        ChildProtectionPlan.objects.create(
            referral=referral,
            person=child,
            starts_on=today_in_london(now),
            initial_category="NEG",
            latest_category="NEG",
        )
    team.children.append(child)
    return child


def case_audit(
    *,
    person,
    team,
    auditor,
    template_row=None,
    due_on: date,
    completed_at: datetime | None = None,
    overall_grade: str = "",
    themes=(),
    batch=None,
    created_at: datetime | None = None,
) -> CaseAudit:
    """A case audit made directly: waiting, or completed at `completed_at` with a grade."""
    row = CaseAudit.objects.create(
        template=template_row or CaseAuditTemplate.objects.order_by("created_at").first(),
        person=person,
        team=team,
        batch=batch or uuid.uuid4(),
        auditor=auditor,
        requested_by=auditor,
        due_on=due_on,
        status=CaseAudit.Status.COMPLETED if completed_at else CaseAudit.Status.REQUESTED,
        completed_at=completed_at,
        overall_grade=overall_grade,
        grades={q["key"]: overall_grade for q in QUESTIONS} if completed_at else {},
        themes=list(themes),
    )
    if created_at is not None:
        CaseAudit.objects.filter(pk=row.pk).update(created_at=created_at)
        row.refresh_from_db()
    return row
