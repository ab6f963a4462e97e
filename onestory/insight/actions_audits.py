"""Writes for case audits: drawing a sample of open cases for audit, and an auditor grading one.

Drawing a sample gives each auditor a time-limited grant to open the child's record (they must
read it to grade it), in the same transaction, each grant audited. The sample is a seeded
random choice: the seed is recorded with the batch, so the same cases give the same sample.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AccessGrant, Notification
from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import DuplicateSubmission, previous_result, remember_result
from onestory.core.rules import day_words
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from . import rules_audits
from . import selectors_audits as selectors
from .models import CaseAudit, CaseAuditTemplate
from .rules import GRADES
from .rules_audits import GRANT_DAYS_AFTER_DUE, GRANT_REASON, KINDS, METHODS, PER_TEAM

# A month's audit is a handful of cases a team; more than this is a project, not a sample.
MAX_PER_TEAM = 10
MAX_ACROSS_TEAMS = 50
# Auditors are given up to three months to audit; their access lasts two weeks longer.
MAX_DAYS_TO_DUE = 90

ONLY_MANAGERS = "Only a team manager can draw a sample of cases to audit."
NOT_FOUND = "This case audit cannot be found."


@dataclass(frozen=True)
class Sample:
    """A batch of case audits drawn together. `repeat`: the form had already been sent, and
    this is what the first send drew."""

    batch: uuid.UUID
    seed: int
    audits: list[CaseAudit]
    repeat: bool = False


def grant_expires_at(due_on: date) -> datetime:
    """The end (Europe/London) of the 14th day after the audit is due."""
    return datetime.combine(due_on + timedelta(days=GRANT_DAYS_AFTER_DUE + 1), time(), LONDON)


def seed_of(batch: uuid.UUID) -> int:
    """The random generator's seed for a batch: its id's 128 bits as a number."""
    return batch.int


def cases_digest(cases) -> str:
    """A fingerprint of the cases a sample was drawn from, recorded with the batch: drawing
    again from cases with the same fingerprint and the batch's seed gives the same sample."""
    keys = sorted(f"{c.team_id}:{c.person_id}" for c in cases)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def _check_sample(*, method, size, kind, due_on, auditor_ids, acting_user, now) -> None:
    if acting_user.role != Role.TEAM_MANAGER:
        raise DomainError(ONLY_MANAGERS)
    problems = {}
    if method not in METHODS:
        problems["method"] = "Choose how to draw the sample."
    largest = MAX_PER_TEAM if method == PER_TEAM else MAX_ACROSS_TEAMS
    if not isinstance(size, int) or not 1 <= size <= largest:
        problems["size"] = f"Enter a number of cases from 1 to {largest}" + (
            " for each team." if method == PER_TEAM else "."
        )
    if kind and kind not in KINDS:
        problems["kind"] = "Choose a kind of case from the list."
    today = today_in_london(now)
    if due_on is None or due_on <= today:
        problems["due_on"] = "The audits must be due after today. Enter a later date."
    elif due_on > today + timedelta(days=MAX_DAYS_TO_DUE):
        problems["due_on"] = (
            f"The audits must be due within {MAX_DAYS_TO_DUE} days. Enter an earlier date."
        )
    if not auditor_ids:
        problems["auditors"] = "Choose at least one auditor."
    if problems:
        raise DetailsRefused(problems)


def case_audit_sample(
    *,
    method: str,
    size: int,
    kind: str = "",
    team_ids=(),
    auditor_ids,
    due_on: date,
    template_id,
    form_token: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Sample:
    """Draw a sample of open cases for audit and give each to an auditor.

    `size` cases from each team (method PER_TEAM) or `size` across the teams (ACROSS_TEAMS),
    optionally of one kind and from some teams only. Each case goes to one of the chosen
    auditors (team managers), never to a manager of the case's own team nor its own worker,
    sharing the cases out evenly. Each auditor may open their children's records until 14 days
    after the audits are due. Sending the same form twice draws one sample.
    """
    _check_sample(
        method=method,
        size=size,
        kind=kind,
        due_on=due_on,
        auditor_ids=auditor_ids,
        acting_user=acting_user,
        now=now,
    )
    earlier = _earlier_sample(form_token, acting_user)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            sample = _draw(
                method=method,
                size=size,
                kind=kind,
                team_ids=list(team_ids),
                auditor_ids=list(auditor_ids),
                due_on=due_on,
                template_id=template_id,
                acting_user=acting_user,
                now=now,
                request=request,
            )
            remember_result(token=form_token, actor_id=acting_user.pk, result=sample.audits[0])
    except DuplicateSubmission:
        return _earlier_sample(form_token, acting_user)
    return sample


def _earlier_sample(form_token: str, acting_user) -> Sample | None:
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if not earlier:
        return None
    first = CaseAudit.objects.get(pk=earlier)
    audits = list(CaseAudit.objects.filter(batch=first.batch).order_by("created_at", "pk"))
    return Sample(batch=first.batch, seed=seed_of(first.batch), audits=audits, repeat=True)


def _draw(
    *, method, size, kind, team_ids, auditor_ids, due_on, template_id, acting_user, now, request
) -> Sample:
    template = CaseAuditTemplate.objects.filter(pk=template_id, active=True).first()
    if template is None:
        raise DomainError("Choose an audit template from the list.", field="template")
    chosen_auditors = list(selectors.auditors().filter(pk__in=auditor_ids))
    if len(chosen_auditors) != len(set(auditor_ids)):
        raise DomainError("Choose auditors from the list of team managers.", field="auditors")
    cases = selectors.open_cases(now=now, kind=kind or None, team_ids=team_ids or None)
    if not cases:
        raise DomainError(
            "There are no open cases to audit"
            + (f" of the kind {KINDS[kind].lower()}" if kind else "")
            + (" in the teams you chose" if team_ids else "")
            + ". Choose another kind of case or more teams."
        )
    batch = uuid.uuid4()
    seed = seed_of(batch)
    chosen = rules_audits.draw(cases, method=method, size=size, seed=seed)
    try:
        given = rules_audits.assign(chosen, [selectors.as_auditor(a) for a in chosen_auditors])
    except rules_audits.NoAuditor as refusal:
        team = Team.objects.filter(pk=refusal.team_id).first()
        raise DomainError(
            f"None of the auditors you chose can audit the cases of {team or 'one team'}: "
            "each manages or works in that team, or holds the case. Choose another auditor.",
            field="auditors",
        ) from refusal
    by_id = {a.pk: a for a in chosen_auditors}
    audits = []
    for case in chosen:
        audits.append(
            _request_audit(
                case,
                auditor=by_id[given[case.person_id]],
                template=template,
                batch=batch,
                due_on=due_on,
                acting_user=acting_user,
                now=now,
                request=request,
            )
        )
    audit.record(
        actor=acting_user,
        action="create",
        at=now,
        detail={
            "page": "case audit sample",
            "batch": str(batch),
            "seed": str(seed),
            "method": method,
            "size": size,
            "kind": kind,
            "teams": sorted(str(t) for t in team_ids),
            "open_cases": len(cases),
            "open_cases_digest": cases_digest(cases),
            "chosen": len(audits),
            "due_on": due_on.isoformat(),
        },
        request=request,
    )
    _tell_auditors(audits, by_id, acting_user=acting_user, due_on=due_on)
    return Sample(batch=batch, seed=seed, audits=audits)


def _request_audit(case, *, auditor: Worker, template, batch, due_on, acting_user, now, request):
    case_audit = CaseAudit(
        template=template,
        person_id=case.person_id,
        team_id=case.team_id,
        batch=batch,
        auditor=auditor,
        requested_by=acting_user,
        due_on=due_on,
    )
    case_audit.full_clean()
    case_audit.save()
    audit.record(
        actor=acting_user,
        action="create",
        at=now,
        person_id=case_audit.person_id,
        obj=case_audit,
        detail={"page": "case audit sample", "batch": str(batch), "auditor": auditor.username},
        request=request,
    )
    grant = AccessGrant(
        person_id=case_audit.person_id,
        worker=auditor,
        kind=AccessGrant.Kind.GRANT,
        reason=GRANT_REASON,
        granted_by=acting_user,
        starts_at=now,
        expires_at=grant_expires_at(due_on),
    )
    grant.full_clean()
    grant.save()
    audit.record(
        actor=acting_user,
        action="grant",
        at=now,
        person_id=case_audit.person_id,
        obj=grant,
        reason=GRANT_REASON,
        detail={
            "worker": auditor.username,
            "role": Role(auditor.role).label,
            "until": grant.expires_at.isoformat(),
            "case_audit": str(case_audit.pk),
        },
        request=request,
    )
    return case_audit


def _tell_auditors(audits, auditors: dict, *, acting_user, due_on: date) -> None:
    """One message to each auditor: how many cases, by when, where to find them (no names)."""
    counts: dict = {}
    for case_audit in audits:
        counts[case_audit.auditor_id] = counts.get(case_audit.auditor_id, 0) + 1
    asker = acting_user.get_full_name() or acting_user.username
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=auditors[auditor_id],
                message=(
                    f"{asker} asked you to audit {n} case{'s' if n != 1 else ''} by "
                    f"{day_words(due_on)}. They are under Performance, Case audits. You can "
                    f"open the children's records until "
                    f"{day_words(due_on + timedelta(days=GRANT_DAYS_AFTER_DUE))}."
                ),
            )
            for auditor_id, n in counts.items()
        ]
    )


# --- Grading ----------------------------------------------------------------------------------


def _grade(
    *,
    audit_id,
    version: int,
    grades: dict,
    overall_grade: str,
    themes: list,
    strengths: str,
    improvements: str,
    complete: bool,
    acting_user,
    now: datetime,
    request=None,
) -> CaseAudit:
    with transaction.atomic():
        case_audit = (
            CaseAudit.objects.select_for_update()
            .select_related("template")
            .filter(pk=audit_id, auditor=acting_user)
            .first()
        )
        if case_audit is None:
            raise DomainError(NOT_FOUND)
        if case_audit.status == CaseAudit.Status.COMPLETED:
            raise DomainError("This audit is completed: it can no longer be changed.")
        if version != case_audit.version:
            raise StaleEdit("case audit")
        questions = case_audit.template.questions
        keys = {q["key"] for q in questions}
        grades = {k: g for k, g in (grades or {}).items() if k in keys and g}
        problems = {
            f"grade_{k}": "Choose a grade from the list."
            for k, g in grades.items()
            if g not in GRADES
        }
        if overall_grade and overall_grade not in GRADES:
            problems["overall_grade"] = "Choose an overall grade from the list."
        if rules_audits.unknown_themes(themes or []):
            problems["themes"] = "Choose themes from the list."
        if complete:
            for key, message in rules_audits.missing_grades(questions, grades):
                problems.setdefault(f"grade_{key}", message)
            if not overall_grade:
                problems.setdefault("overall_grade", "Choose an overall grade for the case.")
            if not (strengths or "").strip():
                problems["strengths"] = "Enter what the work with this child does well."
            if not (improvements or "").strip():
                problems["improvements"] = "Enter what must improve."
        if problems:
            raise DetailsRefused(problems)
        case_audit.grades = grades
        case_audit.overall_grade = overall_grade or ""
        case_audit.themes = list(dict.fromkeys(themes or []))
        case_audit.strengths = (strengths or "").strip()
        case_audit.improvements = (improvements or "").strip()
        if complete:
            case_audit.status = CaseAudit.Status.COMPLETED
            case_audit.completed_at = now
        case_audit.version += 1
        case_audit.full_clean()
        case_audit.save(
            update_fields=[
                "grades",
                "overall_grade",
                "themes",
                "strengths",
                "improvements",
                "status",
                "completed_at",
                "version",
                "updated_at",
            ]
        )
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            person_id=case_audit.person_id,
            obj=case_audit,
            detail={
                "page": "case audit",
                "completed": complete,
                "questions_graded": len(grades),
                "overall_grade": case_audit.overall_grade,
            },
            request=request,
        )
    return case_audit


def case_audit_save(
    *,
    audit_id,
    version: int,
    grades: dict,
    overall_grade: str,
    themes: list,
    strengths: str,
    improvements: str,
    acting_user,
    now: datetime,
    request=None,
) -> CaseAudit:
    """Save an auditor's grading so far, to finish later: nothing is required yet. Only the
    case's auditor may save it, and only while it waits; a form opened before someone else
    saved it is refused (StaleEdit)."""
    return _grade(
        audit_id=audit_id,
        version=version,
        grades=grades,
        overall_grade=overall_grade,
        themes=themes,
        strengths=strengths,
        improvements=improvements,
        complete=False,
        acting_user=acting_user,
        now=now,
        request=request,
    )


def case_audit_complete(
    *,
    audit_id,
    version: int,
    grades: dict,
    overall_grade: str,
    themes: list,
    strengths: str,
    improvements: str,
    acting_user,
    now: datetime,
    request=None,
) -> CaseAudit:
    """Complete an audit: every question of the template graded, an overall grade, what works
    well and what must improve. Each missing piece is named in its own message (the form keeps
    what was entered). Only the case's auditor may complete it; a form opened before someone
    else saved it is refused (StaleEdit)."""
    return _grade(
        audit_id=audit_id,
        version=version,
        grades=grades,
        overall_grade=overall_grade,
        themes=themes,
        strengths=strengths,
        improvements=improvements,
        complete=True,
        acting_user=acting_user,
        now=now,
        request=request,
    )
