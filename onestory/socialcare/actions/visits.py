"""Statutory visits of every kind: to a child being assessed, in need, on a protection plan, in
care, or a care leaver's visit from their personal adviser. Whether the child was seen, and seen
alone, is what inspectors and the returns ask."""

from datetime import date, datetime, time

from django.db import transaction

from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DetailsRefused
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.frontdoor.models import Referral

from ..models import Visit
from .closure import NOT_THIS_CHILD
from .common import audit_change, chronology, refuse_future, require_working_role

SEEN_ALONE_NOT_SEEN = "A child who was not seen cannot have been seen alone."


def occurred_at(day: date, now: datetime) -> datetime:
    """When a dated event goes in the chronology: now if it happened today, otherwise midday
    (London) on its day, so a visit or conference recorded later sits where it happened."""
    if day == today_in_london(now):
        return now
    return datetime.combine(day, time(12, 0), tzinfo=LONDON)


@once_per_form(Visit)
def visit_record(
    *,
    person_id,
    kind: str,
    visited_on: date,
    child_seen: bool,
    seen_alone: bool,
    notes: str = "",
    referral_id=None,
    acting_user,
    now: datetime,
    request=None,
) -> Visit:
    """Record a visit to the child by the acting worker."""
    require_working_role(acting_user)
    today = today_in_london(now)
    with transaction.atomic():
        problems = {}
        if kind not in Visit.Kind.values:
            problems["kind"] = "Choose what kind of visit this was."
        if visited_on is None:
            problems["visited_on"] = "Enter the date of the visit."
        else:
            problems |= refuse_future(visited_on, today, "visited_on", "The visit date")
        if seen_alone and not child_seen:
            problems["seen_alone"] = SEEN_ALONE_NOT_SEEN
        referral = None
        if referral_id is not None:
            referral = Referral.objects.filter(pk=referral_id).first()
            if referral is None or referral.person_id != person_id:
                raise DetailsRefused({None: NOT_THIS_CHILD})
        if problems:
            raise DetailsRefused(problems)
        visit = Visit.objects.create(
            person_id=person_id,
            referral=referral,
            kind=kind,
            visited_on=visited_on,
            child_seen=child_seen,
            seen_alone=seen_alone and child_seen,
            visited_by=acting_user,
            notes=notes,
        )
        audit_change(
            visit, "create", person_id=person_id, acting_user=acting_user, now=now, request=request
        )
        seen = "seen alone" if visit.seen_alone else ("seen" if child_seen else "not seen")
        chronology(
            [person_id],
            f"{visit.get_kind_display()} on {day_words(visited_on)}: child {seen}.",
            acting_user=acting_user,
            now=now,
            obj=visit,
            occurred_at=occurred_at(visited_on, now),
        )
    return visit
