"""Contexts: a place, peer group, school or online space where several children meet a risk
outside the home. Council practitioners create and keep them; a child is linked from a record
the worker may open. What happens to a context lands in the chronology of each child linked
to it (without the note's words, which are read on the context's page)."""

from datetime import date, datetime

from django.db import IntegrityError, transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import once_per_form

from .. import rules
from ..models import Context, ContextAction, ContextLink, ContextNote
from .common import (
    bump,
    child_to_work_on,
    chronology,
    locked,
    record_audit,
    require_council,
)


def _linked_children(context: Context) -> list:
    return list(context.links.filter(ended_on__isnull=True).values_list("person_id", flat=True))


def _named(context: Context) -> str:
    return f"context “{context.name}” ({context.kind_label.lower()})"


def _tell_children(context: Context, summary: str, *, acting_user, now, obj) -> None:
    chronology(_linked_children(context), summary, acting_user=acting_user, now=now, obj=obj)


@once_per_form(Context)
def context_create(
    *,
    kind: str,
    name: str,
    description: str = "",
    team,
    acting_user,
    now: datetime,
    request=None,
) -> Context:
    """Create a context for the team that will look after it."""
    require_council(acting_user)
    problems = rules.context_problems(kind=kind, name=name, has_team=team is not None)
    if problems:
        raise DetailsRefused(problems)
    context = Context.objects.create(
        kind=kind,
        name=name.strip(),
        description=description.strip(),
        created_by=acting_user,
        team=team,
    )
    record_audit(
        context, "create", acting_user=acting_user, now=now, request=request, detail={"kind": kind}
    )
    return context


@transaction.atomic
def context_update(
    *,
    context_id,
    version: int,
    kind: str,
    name: str,
    description: str,
    team,
    status: str,
    acting_user,
    now: datetime,
    request=None,
) -> Context:
    """Change what a context is called and who keeps it, or close or reopen it."""
    require_council(acting_user)
    context = locked(Context, context_id, version=version, what="context")
    problems = rules.context_problems(kind=kind, name=name, has_team=team is not None)
    if status not in Context.Status.values:
        problems["status"] = "Say whether the context is open or closed."
    if problems:
        raise DetailsRefused(problems)
    was_open = context.is_open
    context.kind = kind
    context.name = name.strip()
    context.description = description.strip()
    context.team = team
    context.status = status
    if was_open and not context.is_open:
        context.closed_at = now
    elif context.is_open:
        context.closed_at = None
    bump(context, "kind", "name", "description", "team", "status", "closed_at")
    record_audit(
        context,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"status": status},
    )
    if was_open != context.is_open:
        what = "closed" if was_open else "reopened"
        _tell_children(
            context,
            f"The {_named(context)} was {what}",
            acting_user=acting_user,
            now=now,
            obj=context,
        )
    return context


@once_per_form(ContextLink)
def context_link_child(
    *,
    context_id,
    person_id,
    linked_on: date | None,
    reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> ContextLink:
    """Link a child whose record this worker may open to a context."""
    require_council(acting_user)
    person = child_to_work_on(acting_user, person_id, now=now)
    context = Context.objects.select_for_update().filter(pk=context_id).first()
    if context is None:
        raise DetailsRefused({"context": "Choose a context to link the child to."})
    already = context.links.filter(person=person, ended_on__isnull=True).exists()
    problems = rules.link_problems(
        linked_on=linked_on,
        reason=reason,
        today=today_in_london(now),
        context_open=context.is_open,
        already_linked=already,
    )
    if problems:
        raise DetailsRefused(problems)
    try:
        with transaction.atomic():
            link = ContextLink.objects.create(
                context=context,
                person=person,
                linked_by=acting_user,
                linked_on=linked_on,
                reason=reason.strip(),
            )
    except IntegrityError as error:
        raise DetailsRefused(
            {"context": "This child is already linked to this context."}
        ) from error
    record_audit(
        link,
        "create",
        acting_user=acting_user,
        now=now,
        person_id=person.pk,
        request=request,
        detail={"context": str(context.pk)},
    )
    chronology(
        [person.pk], f"Linked to the {_named(context)}", acting_user=acting_user, now=now, obj=link
    )
    return link


@transaction.atomic
def context_unlink(
    *,
    link_id,
    version: int,
    ended_on: date | None,
    end_reason: str,
    acting_user,
    now: datetime,
    request=None,
) -> ContextLink:
    """End a child's link to a context (the link stays in the history)."""
    require_council(acting_user)
    link = locked(ContextLink, link_id, version=version, what="link")
    child_to_work_on(acting_user, link.person_id, now=now)
    if not link.is_current:
        raise DomainError("This child is no longer linked to this context.")
    problems = rules.unlink_problems(
        ended_on=ended_on,
        linked_on=link.linked_on,
        end_reason=end_reason,
        today=today_in_london(now),
    )
    if problems:
        raise DetailsRefused(problems)
    link.ended_on = ended_on
    link.ended_by = acting_user
    link.end_reason = end_reason.strip()
    bump(link, "ended_on", "ended_by", "end_reason")
    record_audit(
        link,
        "update",
        acting_user=acting_user,
        now=now,
        person_id=link.person_id,
        request=request,
        detail={"context": str(link.context_id), "ended": True},
    )
    chronology(
        [link.person_id],
        f"No longer linked to the {_named(link.context)}",
        acting_user=acting_user,
        now=now,
        obj=link,
    )
    return link


@once_per_form(ContextNote)
def context_note_add(
    *, context_id, text: str, acting_user, now: datetime, request=None
) -> ContextNote:
    """Add a note to a context (what was seen, heard or agreed about the place or group)."""
    require_council(acting_user)
    context = locked(Context, context_id, what="context")
    if not (text or "").strip():
        raise DetailsRefused({"text": "Enter the note."})
    note = ContextNote.objects.create(
        context=context, text=text.strip(), written_by=acting_user, written_at=now
    )
    record_audit(
        note,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"context": str(context.pk)},
    )
    _tell_children(
        context, f"Note added to the {_named(context)}", acting_user=acting_user, now=now, obj=note
    )
    return note


@once_per_form(ContextAction)
def context_action_add(
    *,
    context_id,
    action: str,
    owner_worker=None,
    owner_agency=None,
    owner_text: str = "",
    due_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> ContextAction:
    """Add a step to the context's plan, with one owner: a worker, an agency or a name."""
    require_council(acting_user)
    context = locked(Context, context_id, what="context")
    owner_text = (owner_text or "").strip()
    problems = rules.action_problems(
        action=action,
        owners=sum(1 for o in (owner_worker, owner_agency, owner_text) if o),
        due_on=due_on,
        today=today_in_london(now),
        context_open=context.is_open,
    )
    if problems:
        raise DetailsRefused(problems)
    row = ContextAction.objects.create(
        context=context,
        action=action.strip(),
        owner_worker=owner_worker,
        owner_agency=owner_agency,
        owner_text=owner_text,
        due_on=due_on,
        created_by=acting_user,
    )
    record_audit(
        row,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"context": str(context.pk)},
    )
    _tell_children(
        context,
        f"Action added to the plan for the {_named(context)}",
        acting_user=acting_user,
        now=now,
        obj=row,
    )
    return row


@transaction.atomic
def context_action_update(
    *,
    action_id,
    version: int,
    status: str,
    due_on: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> ContextAction:
    """Move a plan action on (in progress, done, stopped) or change when it is due."""
    require_council(acting_user)
    row = locked(ContextAction, action_id, version=version, what="action")
    today = today_in_london(now)
    problems = {}
    if status not in set(rules.ActionStatus):
        problems["status"] = "Choose how far the action has got."
    if due_on is not None and due_on != row.due_on and due_on < today:
        problems["due_on"] = "The date it is due cannot be in the past."
    if problems:
        raise DetailsRefused(problems)
    moved = row.status != status
    row.status = status
    row.due_on = due_on
    if status == rules.ActionStatus.DONE:
        row.done_on = row.done_on or today
    else:
        row.done_on = None
    bump(row, "status", "due_on", "done_on")
    record_audit(
        row,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"context": str(row.context_id), "status": status},
    )
    if moved:
        _tell_children(
            row.context,
            f"Action in the plan for the {_named(row.context)}: "
            f"{rules.ActionStatus(status).label.lower()}",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row
