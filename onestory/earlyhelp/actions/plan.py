"""The Team Around the Family, the action plan, reviews with distance travelled, overdue
reminders to the lead professional, and the council's review cadence.

Every change is one transaction with its audit row and a line in the chronology of every member
of the family. Time comes in as `now`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from onestory.access import audit
from onestory.access.models import Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.people.models import Person
from onestory.workforce.models import Agency, Team, Worker
from onestory.workforce.rules import CASE_ROLES, Role

from .. import rules
from ..models import (
    Episode,
    EpisodeMember,
    Meeting,
    MeetingInvitee,
    PlanAction,
    Review,
    ReviewCadence,
    Score,
)
from .common import audit_episode, bump, chronology, locked_episode, require_may_work_on

NEED_CODES = frozenset(f.code for f in rules.NEEDS)
OPEN_STATUSES = (PlanAction.Status.NOT_STARTED, PlanAction.Status.IN_PROGRESS)
STATUS_CODES = frozenset(PlanAction.Status.values)
ATTENDANCE_CODES = frozenset(MeetingInvitee.Attendance.values)
# The longest cadence a council may set: a plan reviewed less than once a year is not a plan.
MAX_REVIEW_WEEKS = 52
SETTINGS_PAGE = "early help settings"


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _need_label(code: str) -> str:
    factor = rules.FACTORS.get(code)
    return factor.label if factor else "the whole family"


# --- Team Around the Family meetings ---------------------------------------------------------


def _agency_of(invitee: dict) -> tuple[Agency | None, str]:
    """The agency an invitee came from: one on the list, or (typed and unknown) its name."""
    agency = invitee.get("agency")
    if agency is not None and not isinstance(agency, Agency):
        agency = Agency.objects.filter(pk=agency).first()
    typed = (invitee.get("agency_name") or "").strip()
    if agency is None and typed:
        agency = Agency.objects.filter(name__iexact=typed).first()
        if agency is None:
            return None, typed
    return agency, ""


def _invitee_rows(episode: Episode, invitees: list[dict]) -> tuple[list, str | None]:
    """The invitee rows to save, or a problem with them in words the worker can act on."""
    members = dict(episode.members.values_list("person_id", "role"))
    rows = []
    for invitee in invitees:
        attendance = invitee.get("attendance") or ""
        if attendance not in ATTENDANCE_CODES:
            return [], "Say whether each person invited attended, sent apologies or did not come."
        name = (invitee.get("name") or "").strip()
        role = (invitee.get("role") or "").strip()
        person = worker = agency = None
        if invitee.get("family_member"):
            person_id = invitee["family_member"]
            person = Person.objects.filter(pk=person_id, pk__in=list(members)).first()
            if person is None:
                return [], "Only members of this family can be invited as family members."
            name = name or person.full_name
            role = role or EpisodeMember.Role(members[person.pk]).label
        elif invitee.get("worker"):
            worker = Worker.objects.filter(pk=invitee["worker"], is_active=True).first()
            if worker is None:
                return [], "A worker invited to the meeting cannot be found."
            name = name or worker.get_full_name() or worker.username
            role = role or worker.job_title or Role(worker.role).label
            agency = worker.agency
        else:
            agency, typed = _agency_of(invitee)
            if typed:
                # An agency not on the list: kept as words, never made into an agency here.
                role = f"{role}, {typed}" if role else typed
        if not name:
            return [], "Give the name of everyone invited to the meeting."
        rows.append(
            MeetingInvitee(
                name=name[:200],
                agency=agency,
                family_member=person,
                worker=worker,
                role=role[:200],
                attendance=attendance,
            )
        )
    return rows, None


@once_per_form(Meeting)
def meeting_record(
    *,
    episode_id,
    held_at: datetime | None,
    place: str,
    decisions: str,
    minutes: str,
    invitees: list[dict],
    acting_user,
    now: datetime,
    request=None,
) -> Meeting:
    """Record a Team Around the Family meeting: who was invited, who came and from which
    agency, what it decided, and the minutes.

    Each invitee is a dict of `name`, `agency` (an Agency or its id) or `agency_name` (typed),
    `family_member` (a person id), `worker` (a worker id), `role` and `attendance`.
    """
    episode = locked_episode(episode_id)
    require_may_work_on(acting_user, episode)
    problems = {}
    if held_at is None:
        problems["held_at"] = "Enter the date and time the meeting was held."
    elif held_at > now:
        problems["held_at"] = "The meeting must have taken place already: enter a time in the past."
    if not (decisions or "").strip():
        problems["decisions"] = (
            "Record what the meeting decided: the actions agreed, who will do them and by when."
        )
    rows, problem = _invitee_rows(episode, invitees)
    if problem:
        problems["invitees"] = problem
    elif not any(r.attendance == MeetingInvitee.Attendance.ATTENDED for r in rows):
        problems["invitees"] = "Record who attended: at least one person must have been there."
    if problems:
        raise DetailsRefused(problems)
    meeting = Meeting(
        episode=episode,
        held_at=held_at,
        place=(place or "").strip(),
        decisions=decisions.strip(),
        minutes=(minutes or "").strip(),
        recorded_by=acting_user,
    )
    full_clean_or_refuse(meeting)
    meeting.save()
    for row in rows:
        row.meeting = meeting
    MeetingInvitee.objects.bulk_create(rows)
    attended = sum(r.attendance == MeetingInvitee.Attendance.ATTENDED for r in rows)
    agencies = len({r.agency_id for r in rows if r.agency_id})
    audit_episode(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=meeting,
        detail={
            "record": "team around the family meeting",
            "invited": len(rows),
            "attended": attended,
        },
    )
    held_on = today_in_london(held_at)
    chronology(
        episode,
        f"Team Around the Family meeting held on {_day(held_on)}: {attended} of {len(rows)} "
        f"invited attended, from {agencies} {'agency' if agencies == 1 else 'agencies'}",
        acting_user=acting_user,
        now=now,
        obj=meeting,
    )
    return meeting


# --- The action plan -------------------------------------------------------------------------


def owner_label(action: PlanAction, *, visible_people=None) -> str:
    """Who owns an action, in words (a family member the reader may not open stays unnamed)."""
    if action.owner_worker_id:
        worker = action.owner_worker
        agency = f" ({worker.agency})" if worker.agency_id else ""
        return f"{worker.get_full_name() or worker.username}{agency}"
    if action.owner_agency_id:
        return str(action.owner_agency)
    if action.owner_family_member_id:
        if visible_people is None or action.owner_family_member_id in visible_people:
            return action.owner_family_member.full_name
        return "A family member"
    return "Nobody"


def _action_problems(
    *,
    need: str,
    action: str,
    success_looks_like: str,
    owners: list,
    due_on: date | None,
    today: date,
) -> dict:
    problems = {}
    if need and need not in NEED_CODES:
        problems["need"] = "Choose a need from the family's assessment, or the whole family."
    if not (action or "").strip():
        problems["action"] = "Say specifically what will be done."
    if not (success_looks_like or "").strip():
        problems["success_looks_like"] = (
            "Say how everyone will know it has worked: something the family and you can see "
            "or count."
        )
    chosen = [o for o in owners if o is not None]
    if not chosen:
        problems["owner"] = (
            "Choose who owns the action: a practitioner, an agency or a family member."
        )
    elif len(chosen) > 1:
        problems["owner"] = "Choose one owner only: a practitioner, an agency or a family member."
    if due_on is None:
        problems["due_on"] = "Enter the date the action is due."
    elif due_on < today:
        problems["due_on"] = "The due date must be today or in the future."
    return problems


def _owner_problem(episode: Episode, *, worker, family_member) -> str | None:
    if worker is not None and (not worker.is_active or worker.role not in CASE_ROLES):
        return "The practitioner who owns the action must be one who can sign in."
    if family_member is not None and not episode.members.filter(person=family_member).exists():
        return "Only a member of this family can own an action as a family member."
    return None


@once_per_form(PlanAction)
def action_add(
    *,
    episode_id,
    need: str,
    action: str,
    success_looks_like: str,
    owner_worker: Worker | None = None,
    owner_agency: Agency | None = None,
    owner_family_member: Person | None = None,
    due_on: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> PlanAction:
    """Add a SMART action to the family's plan: specific, with how success will be measured,
    one owner (a practitioner, an agency or a family member) and a due date."""
    episode = locked_episode(episode_id)
    require_may_work_on(acting_user, episode)
    today = today_in_london(now)
    problems = _action_problems(
        need=need or "",
        action=action,
        success_looks_like=success_looks_like,
        owners=[owner_worker, owner_agency, owner_family_member],
        due_on=due_on,
        today=today,
    )
    owner_problem = _owner_problem(episode, worker=owner_worker, family_member=owner_family_member)
    if owner_problem and "owner" not in problems:
        problems["owner"] = owner_problem
    if problems:
        raise DetailsRefused(problems)
    plan_action = PlanAction(
        episode=episode,
        need=need or "",
        action=action.strip(),
        success_looks_like=success_looks_like.strip(),
        owner_worker=owner_worker,
        owner_agency=owner_agency,
        owner_family_member=owner_family_member,
        due_on=due_on,
        created_by=acting_user,
    )
    full_clean_or_refuse(plan_action)
    plan_action.save()
    audit_episode(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=plan_action,
        detail={"record": "plan action", "need": plan_action.need},
    )
    chronology(
        episode,
        f"Action added to the early help plan ({_need_label(plan_action.need)}), owned by "
        f"{owner_label(plan_action)}, due {_day(due_on)}: {plan_action.action}",
        acting_user=acting_user,
        now=now,
        obj=plan_action,
    )
    return plan_action


def _apply_change(plan_action: PlanAction, *, status: str, due_on: date, today: date) -> list[str]:
    """Change an action's status and due date in memory; the fields that changed."""
    changed = []
    if status != plan_action.status:
        plan_action.status = status
        plan_action.done_on = today if status == PlanAction.Status.DONE else None
        changed += ["status", "done_on"]
    if due_on != plan_action.due_on:
        plan_action.due_on = due_on
        # A new due date is a new promise: if it slips too, the lead professional hears again.
        plan_action.overdue_notified_on = None
        changed += ["due_on", "overdue_notified_on"]
    return changed


def _change_problems(plan_action: PlanAction, *, status, due_on, today: date) -> dict:
    problems = {}
    if status not in STATUS_CODES:
        problems["status"] = "Choose the action's status."
    if due_on is None:
        problems["due_on"] = "Enter the date the action is due."
    elif due_on != plan_action.due_on and due_on < today:
        problems["due_on"] = "A new due date must be today or in the future."
    return problems


def action_update(
    *,
    action_id,
    version: int,
    status: str,
    due_on: date | None,
    note: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> PlanAction:
    """Change an action's status or due date (with a note for the chronology). Done records
    the day it was done. Refused if someone changed the action since the form was opened."""
    today = today_in_london(now)
    with transaction.atomic():
        plan_action = PlanAction.objects.select_for_update().get(pk=action_id)
        episode = locked_episode(plan_action.episode_id)
        require_may_work_on(acting_user, episode)
        if plan_action.version != version:
            raise StaleEdit("action")
        problems = _change_problems(plan_action, status=status, due_on=due_on, today=today)
        if problems:
            raise DetailsRefused(problems)
        before = plan_action.get_status_display()
        changed = _apply_change(plan_action, status=status, due_on=due_on, today=today)
        note = (note or "").strip()
        if not changed and not note:
            raise DetailsRefused(
                {"status": "Nothing has changed: change the status or the due date, or add a note."}
            )
        plan_action.version += 1
        full_clean_or_refuse(plan_action)
        plan_action.save(update_fields=[*changed, "version", "updated_at"])
        audit_episode(
            episode,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            obj=plan_action,
            detail={"record": "plan action", "changed": [c for c in changed if c != "done_on"]},
        )
        what = []
        if "status" in changed:
            what.append(f"{before} → {plan_action.get_status_display()}")
        if "due_on" in changed:
            what.append(f"now due {_day(plan_action.due_on)}")
        summary = f"Plan action updated ({_need_label(plan_action.need)})"
        if what:
            summary += ": " + "; ".join(what)
        if note:
            summary += f". Note: {note}"
        chronology(episode, summary, acting_user=acting_user, now=now, obj=plan_action)
    return plan_action


# --- Reviews ---------------------------------------------------------------------------------


def _score_problems(scores: dict) -> dict:
    problems = {}
    if not scores:
        problems["scores"] = "Score at least one of the family's needs."
    for need, (family, practitioner) in scores.items():
        if need not in NEED_CODES:
            problems["scores"] = "Score only needs from the needs framework."
            continue
        label = _need_label(need)
        if practitioner is None:
            problems[f"practitioner_{need}"] = f"Give your score for “{label}”, from 1 to 10."
        elif practitioner not in rules.SCORE_RANGE:
            problems[f"practitioner_{need}"] = f"Your score for “{label}” must be from 1 to 10."
        if family is not None and family not in rules.SCORE_RANGE:
            problems[f"family_{need}"] = f"The family's score for “{label}” must be from 1 to 10."
    return problems


def _locked_actions(episode: Episode, action_updates: dict) -> dict:
    ids = list(action_updates)
    found = {
        str(a.pk): a
        for a in PlanAction.objects.select_for_update().filter(episode=episode, pk__in=ids)
    }
    if len(found) != len({str(i) for i in ids}):
        raise DomainError("Update only the actions in this family's plan.")
    return found


@once_per_form(Review)
def review_record(
    *,
    episode_id,
    version: int,
    held_on: date | None,
    what_has_changed: str,
    family_views: str = "",
    scores: dict,
    action_updates: dict,
    next_review_on: date | None = None,
    acting_user,
    now: datetime,
    request=None,
) -> Review:
    """Review the plan: what has changed, the family's view, each need scored again from the
    family's and the practitioner's view, the open actions updated in place, and the next
    review date (by the episode's cadence unless another is given).

    `scores` maps a need code to (family score or None, practitioner score); `action_updates`
    maps an action id to (status, due date) or (status, due date, the action's version).
    """
    episode = locked_episode(episode_id, version=version)
    require_may_work_on(acting_user, episode)
    today = today_in_london(now)
    problems = {}
    if held_on is None:
        problems["held_on"] = "Enter the date the review was held."
    elif held_on > today:
        problems["held_on"] = (
            "The review must have taken place already: enter today or a past date."
        )
    elif held_on < today_in_london(episode.opened_at):
        problems["held_on"] = "The review cannot be before the episode was opened."
    if not (what_has_changed or "").strip():
        problems["what_has_changed"] = (
            "Say what has changed for the family since the plan was made or last reviewed."
        )
    problems.update(_score_problems(scores))
    actions = _locked_actions(episode, action_updates)
    for action_id, change in action_updates.items():
        plan_action = actions[str(action_id)]
        status, due_on, *rest = change
        if rest and rest[0] is not None and rest[0] != plan_action.version:
            raise StaleEdit("plan")
        for field, message in _change_problems(
            plan_action, status=status, due_on=due_on, today=today
        ).items():
            problems[f"{field}_{plan_action.pk}"] = message
    if held_on is not None and "held_on" not in problems:
        next_review_on = next_review_on or rules.next_review_on(held_on, episode.review_every_weeks)
        if next_review_on <= held_on:
            problems["next_review_on"] = "The next review must be after this one."
    if problems:
        raise DetailsRefused(problems)
    review = Review(
        episode=episode,
        held_on=held_on,
        what_has_changed=what_has_changed.strip(),
        family_views=(family_views or "").strip(),
        next_review_on=next_review_on,
        recorded_by=acting_user,
    )
    full_clean_or_refuse(review)
    review.save()
    Score.objects.bulk_create(
        [
            Score(
                episode=episode,
                review=review,
                need=need,
                family_score=family,
                practitioner_score=practitioner,
                scored_on=held_on,
                recorded_by=acting_user,
            )
            for need, (family, practitioner) in scores.items()
        ]
    )
    updated = 0
    for action_id, (status, due_on, *_) in action_updates.items():
        plan_action = actions[str(action_id)]
        changed = _apply_change(plan_action, status=status, due_on=due_on, today=held_on)
        if changed:
            plan_action.version += 1
            plan_action.save(update_fields=[*changed, "version", "updated_at"])
            updated += 1
    episode.next_review_on = next_review_on
    bump(episode, "next_review_on")
    audit_episode(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=review,
        detail={"record": "plan review", "needs_scored": len(scores), "actions_updated": updated},
    )
    chronology(
        episode,
        f"Early help plan reviewed on {_day(held_on)}: {len(scores)} "
        f"{'need' if len(scores) == 1 else 'needs'} scored, {updated} "
        f"{'action' if updated == 1 else 'actions'} updated; next review due "
        f"{_day(next_review_on)}",
        acting_user=acting_user,
        now=now,
        obj=review,
    )
    return review


# --- Overdue reminders -----------------------------------------------------------------------


@dataclass
class RemindersSent:
    actions: int = 0
    reviews: int = 0
    episodes: int = 0


def _review_message(episode: Episode) -> str:
    return (
        f"Early help {episode.reference}: the review of the plan was due on "
        f"{_day(episode.next_review_on)} and is overdue."
    )


def _first_child_id(episode: Episode):
    return (
        episode.members.filter(role=EpisodeMember.Role.CHILD)
        .order_by("created_at")
        .values_list("person_id", flat=True)
        .first()
    )


def overdue_reminders_send(*, now: datetime) -> RemindersSent:
    """Tell each open episode's lead professional about actions and reviews gone overdue.

    Safe to run as often as you like: an action is told about once for each due date it
    misses, and a review once for each date it was due. Messages name the episode's reference,
    never a child.
    """
    today = today_in_london(now)
    sent = RemindersSent()
    episodes = Episode.objects.filter(
        status=Episode.Status.OPEN, lead_professional__isnull=False
    ).filter(
        Q(next_review_on__lt=today)
        | Q(
            actions__status__in=OPEN_STATUSES,
            actions__due_on__lt=today,
        )
    )
    for episode_id in episodes.order_by().values_list("pk", flat=True).distinct():
        with transaction.atomic():
            episode = (
                Episode.objects.select_for_update(of=("self",))
                .select_related("lead_professional")
                .get(pk=episode_id)
            )
            if episode.status != Episode.Status.OPEN or episode.lead_professional is None:
                continue
            lead = episode.lead_professional
            child_id = _first_child_id(episode)
            notes = []
            due = [
                a
                for a in PlanAction.objects.select_for_update().filter(
                    episode=episode, status__in=OPEN_STATUSES, due_on__lt=today
                )
                if rules.is_overdue(a.due_on, today, done=a.is_finished)
                and (a.overdue_notified_on is None or a.overdue_notified_on <= a.due_on)
            ]
            for plan_action in due:
                notes.append(
                    Notification(
                        recipient=lead,
                        person_id=child_id,
                        message=f"Early help {episode.reference}: an action due on "
                        f"{_day(plan_action.due_on)} is overdue.",
                    )
                )
                plan_action.overdue_notified_on = today
                plan_action.save(update_fields=["overdue_notified_on", "updated_at"])
            reviews = 0
            if episode.next_review_on and episode.next_review_on < today:
                message = _review_message(episode)
                if not Notification.objects.filter(recipient=lead, message=message).exists():
                    notes.append(Notification(recipient=lead, person_id=child_id, message=message))
                    reviews = 1
            if not notes:
                continue
            Notification.objects.bulk_create(notes)
            audit.record(
                actor=None,
                action="create",
                at=now,
                obj=episode,
                detail={
                    "page": "early help reminders",
                    "episode": str(episode.pk),
                    "overdue_actions": len(due),
                    "overdue_review": bool(reviews),
                },
            )
            sent.actions += len(due)
            sent.reviews += reviews
            sent.episodes += 1
    return sent


# --- The council's review cadence ------------------------------------------------------------


def may_configure(user) -> bool:
    """Managers of an early help team set the council's review cadence."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role != Role.TEAM_MANAGER:
        return False
    if user.team_id and user.team.kind == Team.Kind.EARLY_HELP:
        return True
    return user.managed_teams.filter(kind=Team.Kind.EARLY_HELP).exists()


def cadence_change(
    *, weeks: int | None, valid_from: date | None, acting_user, now: datetime, request=None
) -> ReviewCadence:
    """Review early help plans every `weeks` weeks from a date. Episodes opened from that day
    take the new cadence; episodes already open keep the one they were opened with."""
    if not may_configure(acting_user):
        raise DomainError("Only a manager of an early help team can change the review cadence.")
    today = today_in_london(now)
    problems = {}
    if weeks is None:
        problems["weeks"] = "Enter how many weeks there are between reviews."
    elif not 1 <= weeks <= MAX_REVIEW_WEEKS:
        problems["weeks"] = f"Reviews must be between 1 and {MAX_REVIEW_WEEKS} weeks apart."
    if valid_from is None:
        problems["valid_from"] = "Enter the date the change starts from."
    elif valid_from < today:
        # Episodes opened since that date were opened under the old cadence.
        problems["valid_from"] = (
            "The change can start today or later: episodes already opened keep the cadence "
            "they were opened with."
        )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        list(ReviewCadence.objects.select_for_update().values_list("pk", flat=True))
        rows = list(ReviewCadence.objects.order_by("-valid_from", "-created_at"))
        latest = rows[0] if rows else None
        if latest is not None and valid_from < latest.valid_from:
            raise DetailsRefused(
                {
                    "valid_from": f"A change already starts on {_day(latest.valid_from)}: this "
                    "one must start on that day or later."
                }
            )
        in_force = next((r for r in rows if r.valid_from <= valid_from), None)
        current_weeks = in_force.weeks if in_force else rules.DEFAULT_REVIEW_WEEKS
        if current_weeks == weeks:
            raise DetailsRefused(
                {"weeks": f"Reviews are every {weeks} weeks already on that date."}
            )
        cadence = ReviewCadence(weeks=weeks, valid_from=valid_from, changed_by=acting_user)
        full_clean_or_refuse(cadence)
        cadence.save()
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=cadence,
            detail={
                "page": SETTINGS_PAGE,
                "weeks_before": current_weeks,
                "weeks": weeks,
                "valid_from": valid_from.isoformat(),
            },
            request=request,
        )
    return cadence
