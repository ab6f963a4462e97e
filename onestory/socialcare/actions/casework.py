"""Casework writes: the child's story so far, allocating a child to a social worker, moving a
case to a new worker with a handover, and the council's caseload weights, limits and local
standards."""

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from onestory.access.models import Allocation, Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import once_per_form
from onestory.people.models import Person
from onestory.workforce.models import Worker

from .. import reference, rules, selectors
from ..models import CaseloadLimit, CaseWeight, Handover, LocalStandard, StorySoFar
from .common import audit_change, bump, chronology, locked, require_manager, require_working_role

OVER_LIMIT = (
    "Allocating this child takes {name} over their caseload limit ({after} against a limit of "
    "{limit}). Tick “Allocate anyway” if you have agreed this, or choose another worker."
)
NOT_IN_YOUR_TEAM = "Choose a social worker in a team you manage."
ALREADY_ALLOCATED = "This child already has a social worker. Move the case instead."


def story_save(
    *, person, text: str, version: int | None, acting_user, now: datetime, request=None
) -> StorySoFar:
    """Write or rewrite the child's story so far; a save from an out-of-date page is refused."""
    require_working_role(acting_user)
    text = text.strip()
    if not text:
        raise DetailsRefused({"text": "Write the child's story so far."})
    with transaction.atomic():
        existing = StorySoFar.objects.filter(person=person).first()
        if existing is None:
            if version:
                raise StaleEdit("story so far")
            try:
                with transaction.atomic():
                    story = StorySoFar.objects.create(
                        person=person, text=text, updated_by=acting_user
                    )
            except IntegrityError as error:
                # Someone else wrote the first story at the same moment: theirs stands.
                raise StaleEdit("story so far") from error
            action = "create"
        else:
            story = locked(StorySoFar, existing.pk, version=version or 0, what="story so far")
            story.text, story.updated_by = text, acting_user
            bump(story, "text", "updated_by")
            action = "update"
        audit_change(
            story,
            action,
            person_id=person.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": ["text"]},
        )
        chronology([person.pk], "Story so far updated", acting_user=acting_user, now=now, obj=story)
    return story


def _check_worker(manager, worker) -> None:
    if worker is None or worker.team_id not in selectors.managed_team_ids(manager):
        raise DetailsRefused({"worker": NOT_IN_YOUR_TEAM})
    if worker.role not in selectors.CASEWORK_ROLES or not worker.is_active:
        raise DetailsRefused({"worker": NOT_IN_YOUR_TEAM})


def _check_limit(worker, kind, *, now, anyway: bool) -> None:
    before = selectors.caseload_of(worker, now=now)
    weights = selectors.weights_on(today_in_london(now))
    after = round(before.weighted + weights.get(kind.value, 1.0), 1)
    if rules.caseload_status(after, before.limit) == rules.CaseloadStatus.OVER and not anyway:
        raise DetailsRefused(
            {
                "allocate_anyway": OVER_LIMIT.format(
                    name=worker.get_full_name(), after=f"{after:g}", limit=f"{before.limit:g}"
                )
            }
        )


def _kind_of(person, now) -> rules.CaseKind:
    return selectors.case_kinds([person.pk], today=today_in_london(now))[person.pk]


@once_per_form(Allocation)
def allocate(
    *,
    person,
    worker: Worker,
    allocate_anyway: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Allocation:
    """A team manager allocates a child to a social worker in their team; refused without an
    explicit "allocate anyway" when it takes the worker over their caseload limit."""
    require_manager(acting_user)
    _check_worker(acting_user, worker)
    kind = _kind_of(person, now)
    with transaction.atomic():
        # The child's row first: two managers (or two tabs) allocating the same child at once
        # to different workers wait for each other here, and the second finds the first's
        # allocation. The worker's row keeps their caseload count true for the limit.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        Worker.objects.select_for_update().filter(pk=worker.pk).first()
        # Any social worker allocation not ended, also one starting a moment after `now`: the
        # request that waited for the lock began before the one that allocated.
        held = Allocation.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            person=person,
            worker__isnull=False,
            purpose__in=rules.SOCIAL_WORKER_PURPOSES,
        )
        if held.exists():
            raise DomainError(ALREADY_ALLOCATED)
        _check_limit(worker, kind, now=now, anyway=allocate_anyway)
        allocation = Allocation.objects.create(
            person=person,
            worker=worker,
            team=worker.team,
            purpose=rules.ALLOCATION_PURPOSES[kind],
            starts_at=now,
            allocated_by=acting_user,
        )
        audit_change(
            allocation,
            "create",
            person_id=person.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"allocated": kind.value, "over_limit": allocate_anyway},
        )
        chronology(
            [person.pk],
            f"Allocated to {worker.get_full_name()} ({worker.team}), social worker",
            acting_user=acting_user,
            now=now,
            obj=allocation,
        )
        Notification.objects.create(
            recipient=worker,
            person=person,
            message=f"{acting_user.get_full_name()} allocated a child to you: "
            f"{person.full_name}. Open “My work” to see what is due.",
        )
    return allocation


def handover_summary(*, person, now: datetime) -> str:
    """A first draft of the handover, from the record: story so far, plans and their next dates,
    open tasks, household and latest chronology. The manager edits it before saving."""
    from onestory.people.models import ChronologyEntry, Person
    from onestory.people.selectors import housemate_ids

    from .. import selectors_tasks
    from ..models import CarePeriod, ChildInNeedPlan, ChildProtectionPlan, PathwayPlan

    today = today_in_london(now)
    lines = []
    story = StorySoFar.objects.filter(person=person).first()
    lines += ["Story so far:", story.text if story else "Not written yet.", ""]
    lines.append("Current plans:")
    plans = []
    for plan in ChildProtectionPlan.objects.filter(person=person, ends_on__isnull=True):
        plans.append(
            f"- Child protection plan since {plan.starts_on:%d/%m/%Y}"
            + (f", next review {plan.next_review_on:%d/%m/%Y}" if plan.next_review_on else "")
        )
    for plan in ChildInNeedPlan.objects.filter(person=person, ends_on__isnull=True):
        plans.append(
            f"- Child in need plan since {plan.starts_on:%d/%m/%Y}"
            + (f", next review {plan.next_review_on:%d/%m/%Y}" if plan.next_review_on else "")
        )
    for period in CarePeriod.objects.filter(person=person, ends_on__isnull=True):
        plans.append(f"- In care since {period.starts_on:%d/%m/%Y}")
    for plan in PathwayPlan.objects.filter(person=person, ends_on__isnull=True):
        plans.append(
            f"- Pathway plan since {plan.starts_on:%d/%m/%Y}"
            + (f", next review {plan.next_review_on:%d/%m/%Y}" if plan.next_review_on else "")
        )
    lines += plans or ["- No current plan."]
    lines += ["", "What is due:"]
    tasks = selectors_tasks.tasks_for_children([person.pk], now=now)
    lines += [
        f"- {t.what}: {t.due_on:%d/%m/%Y}" + (" (overdue)" if t.overdue else "") for t in tasks
    ] or ["- Nothing due."]
    lines += ["", "Household:"]
    people = Person.objects.filter(pk__in=housemate_ids(person, today)).order_by("given_name")
    lines += [f"- {p.full_name}" for p in people] or ["- No one else recorded."]
    lines += ["", "Latest chronology:"]
    entries = ChronologyEntry.objects.filter(person=person).order_by("-occurred_at")[:5]
    lines += [f"- {today_in_london(e.occurred_at):%d/%m/%Y} {e.summary}" for e in entries] or [
        "- Nothing recorded."
    ]
    return "\n".join(lines)


@once_per_form(Handover)
def move_case(
    *,
    person,
    to_worker: Worker,
    reason: str,
    summary: str,
    allocate_anyway: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Handover:
    """A team manager moves a child's case to a new worker: the old allocation ends, the new one
    starts, the handover is kept, and the new worker is told."""
    require_manager(acting_user)
    problems = {}
    if reason not in reference.SOCIAL_WORKER_CHANGE_REASONS:
        problems["reason"] = "Choose why the case is moving."
    if not summary.strip():
        problems["summary"] = "Write the handover summary for the new worker."
    if problems:
        raise DetailsRefused(problems)
    _check_worker(acting_user, to_worker)
    kind = _kind_of(person, now)
    with transaction.atomic():
        holder = selectors.current_case_holder(person, now=now)
        # The case that moves is the social worker's, or the personal adviser's where no social
        # worker holds it; a care leaver's adviser stays when their social worker changes.
        adviser = holder is not None and holder.purpose == selectors.LEAVING_CARE_PURPOSE
        family = {selectors.LEAVING_CARE_PURPOSE} if adviser else rules.SOCIAL_WORKER_PURPOSES
        current = list(
            Allocation.objects.select_for_update(of=("self",))
            .filter(
                selectors._active_at(now),
                person=person,
                purpose__in=family,
                worker__isnull=False,
            )
            .select_related("worker")
            .order_by("starts_at")
        )
        from_worker = current[-1].worker if current else None
        if any(a.worker_id == to_worker.pk for a in current):
            raise DetailsRefused({"worker": "This worker already holds the case. Choose another."})
        _check_limit(to_worker, kind, now=now, anyway=allocate_anyway)
        for allocation in current:
            allocation.ends_at = now
            allocation.version += 1
            allocation.save(update_fields=["ends_at", "version", "updated_at"])
        if adviser or kind == rules.CaseKind.CARE_LEAVER:
            purpose = current[-1].purpose if current else rules.ALLOCATION_PURPOSES[kind]
        else:
            purpose = rules.ALLOCATION_PURPOSES[kind]
        Allocation.objects.create(
            person=person,
            worker=to_worker,
            team=to_worker.team,
            purpose=purpose,
            starts_at=now,
            allocated_by=acting_user,
        )
        handover = Handover.objects.create(
            person=person,
            from_worker=from_worker,
            to_worker=to_worker,
            to_team=to_worker.team,
            reason=reason,
            summary=summary.strip(),
            handed_over_at=now,
            recorded_by=acting_user,
        )
        audit_change(
            handover,
            "create",
            person_id=person.pk,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"reason": reason},
        )
        old = from_worker.get_full_name() if from_worker else "no one"
        chronology(
            [person.pk],
            f"Case moved from {old} to {to_worker.get_full_name()}: "
            f"{reference.SOCIAL_WORKER_CHANGE_REASONS[reason]}",
            acting_user=acting_user,
            now=now,
            obj=handover,
        )
        Notification.objects.create(
            recipient=to_worker,
            person=person,
            message=f"{person.full_name}'s case has moved to you. Read the handover on their "
            "social care page.",
        )
    return handover


def change_settings(
    *,
    valid_from: date,
    weights: dict,
    limit,
    team=None,
    standards: dict,
    acting_user,
    now: datetime,
    request=None,
) -> list:
    """New dated rows for the weights, limit and local standards that changed (history kept)."""
    require_manager(acting_user)
    today = today_in_london(now)
    if valid_from < today:
        raise DetailsRefused(
            {"valid_from": "Changes cannot start in the past: choose today or a later date."}
        )
    if team is not None and team.pk not in selectors.managed_team_ids(acting_user):
        raise DetailsRefused({"team": "Choose a team you manage."})
    current_weights = selectors.weights_on(valid_from)
    current_limit = selectors.limit_on(team.pk if team else None, valid_from)
    current_standards = selectors.standards_on(valid_from)
    made = []
    with transaction.atomic():
        for kind, weight in weights.items():
            if weight is not None and float(weight) != current_weights.get(kind):
                row, _ = CaseWeight.objects.update_or_create(
                    kind=kind, valid_from=valid_from, defaults={"weight": Decimal(str(weight))}
                )
                made.append(row)
        if limit is not None and float(limit) != current_limit:
            row = CaseloadLimit.objects.create(
                team=team, limit=Decimal(str(limit)), valid_from=valid_from
            )
            made.append(row)
        for key, value in standards.items():
            if value is not None and int(value) != current_standards.get(key):
                row, _ = LocalStandard.objects.update_or_create(
                    key=key, valid_from=valid_from, defaults={"value": int(value)}
                )
                made.append(row)
        for row in made:
            audit_change(
                row,
                "create",
                person_id=None,
                acting_user=acting_user,
                now=now,
                request=request,
                detail={"setting": row._meta.model_name},
            )
    return made
