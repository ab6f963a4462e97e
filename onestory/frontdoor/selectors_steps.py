"""Reads for stepping a family up or down and for recording a strategy discussion.

Scoped to the acting worker like every read of case data: a household member the worker cannot
open is never offered, and each one listed is audited.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.http import Http404

from onestory.access.models import Allocation
from onestory.access.selectors import audit_views, visible_to
from onestory.core.clock import LONDON, today_in_london
from onestory.people.models import ChronologyEntry, Person
from onestory.people.rules import ADULT_AGE, age_in_years
from onestory.people.selectors import housemate_ids
from onestory.workforce.rules import Role

from .actions import current_levels
from .models import Contact, StrategyDiscussion
from .rules import LEVELS_FOR_OUTCOME, Outcome
from .selectors import View

# How much of the record the handover summary starts from: enough to save re-typing, short
# enough that the worker reads and edits it.
HANDOVER_CHRONOLOGY_ENTRIES = 5


def is_child(person: Person, today: date) -> bool:
    """Under 18, or unborn. Someone whose age is not known counts as a child, as on the home
    page: leaving a child out of a step up is worse than offering an adult among the children."""
    if person.date_of_birth is not None:
        return age_in_years(person.date_of_birth, today) < ADULT_AGE
    if person.expected_date_of_birth is not None:
        return True
    if person.estimated_age_years is not None:
        return person.estimated_age_years < ADULT_AGE
    return True


@dataclass
class Family:
    """The people a worker may carry over with a child: the child first, then their household."""

    person: Person
    children: list[Person]
    adults: list[Person]


def family_to_carry(user, person: Person, *, now: datetime, request=None, page: str) -> Family:
    """The child (already opened) and the living members of their current households whose
    records this worker may open, children and adults apart. Each member listed is audited."""
    today = today_in_london(now)
    others = list(
        visible_to(user, now=now)
        .filter(pk__in=housemate_ids(person, today), date_of_death__isnull=True)
        .order_by("date_of_birth", "family_name", "given_name")
    )
    if others:
        audit_views(user, others, now=now, page=page, request=request)
    everyone = [person, *others]
    return Family(
        person=person,
        children=[p for p in everyone if is_child(p, today)],
        adults=[p for p in everyone if not is_child(p, today)],
    )


def handover_draft(person: Person, *, now: datetime) -> str:
    """A first draft of the handover: who works with the child now, and the latest events in
    their chronology. The worker edits it before sending; nothing is re-typed."""
    active = Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    allocations = (
        Allocation.objects.filter(active, person=person)
        .select_related("team", "worker")
        .order_by("starts_at")
    )
    entries = ChronologyEntry.objects.filter(person=person).order_by("-occurred_at", "-created_at")[
        :HANDOVER_CHRONOLOGY_ENTRIES
    ]
    working = [
        f"- {a.purpose}: {a.worker or a.team}, since {a.starts_at.astimezone(LONDON):%-d %B %Y}"
        for a in allocations
    ]
    latest = [f"- {e.occurred_at.astimezone(LONDON):%-d %B %Y}: {e.summary}" for e in entries]
    sections = []
    if working:
        sections.append("\n".join(["Working with the family now:", *working]))
    if latest:
        sections.append("\n".join(["Latest in the chronology:", *latest]))
    return "\n\n".join(sections)


def step_down_levels(today: date) -> list:
    """The levels of need a step down to early help may be recorded at, as named today."""
    levels = current_levels(today)
    return [levels[n] for n in LEVELS_FOR_OUTCOME[Outcome.EARLY_HELP] if n in levels]


def may_record_strategy_discussion(user, discussion: StrategyDiscussion, view: str) -> bool:
    """The front door records it, or a social worker in the team that holds it."""
    if view == View.SCREEN:
        return True
    return (
        getattr(user, "role", None) == Role.SOCIAL_WORKER
        and user.team_id is not None
        and discussion.social_work_team_id == user.team_id
    )


def strategy_discussion_to_record(user, contact: Contact, view: str) -> StrategyDiscussion:
    """The contact's strategy discussion, if this worker may record it; otherwise 404."""
    discussion = (
        StrategyDiscussion.objects.filter(contact=contact)
        .select_related("social_work_team")
        .first()
    )
    if discussion is None or not may_record_strategy_discussion(user, discussion, view):
        raise Http404("No page found")
    return discussion
