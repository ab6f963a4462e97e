"""Reads for subject access requests: the data protection officer's only, every look audited."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.core.clock import today_in_london
from onestory.people.models import Person
from onestory.workforce.rules import Role

from . import rules
from .models import SubjectAccessRequest

# A search lists at most this many people; the officer narrows it with a date of birth.
SEARCH_LIMIT = 25


def _is_dpo(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.DATA_PROTECTION_OFFICER


def requests_for(user) -> QuerySet[SubjectAccessRequest]:
    """Every request, for the data protection officer; none for anyone else (fails closed)."""
    if not _is_dpo(user):
        return SubjectAccessRequest.objects.none()
    return SubjectAccessRequest.objects.select_related("person")


def open_requests(user, *, now: datetime, request=None) -> list[dict]:
    """Open requests, overdue first then by due date, with the days left; each person listed is
    audited as any list is."""
    today = today_in_london(now)
    rows = list(requests_for(user).filter(status=SubjectAccessRequest.Status.OPEN))
    shown = sorted(
        ({"sar": r, "days_left": rules.days_left(r.due_on, today)} for r in rows),
        key=lambda x: (x["days_left"] >= 0, x["sar"].due_on, x["sar"].received_on),
    )
    if rows:
        from onestory.access.selectors import audit_views

        audit_views(user, [r.person for r in rows], now=now, page="subject access requests",
                    request=request)  # fmt: skip
    return shown


def access_request_by_id(user, request_id, *, now: datetime, request=None, page: str):
    """One request, audited as a look at the person's record; 404 for anyone but the officer."""
    row = requests_for(user).filter(pk=request_id).first()
    if row is None:
        raise Http404("No such request")
    audit.record(actor=user, action="view", at=now, person_id=row.person_id, obj=row,
                 detail={"page": page}, request=request)  # fmt: skip
    return row


def search_people(user, *, name: str, date_of_birth=None, now: datetime, request=None):
    """People whose name matches, for choosing whom a request is about (the officer may find
    anyone: answering requests is their job). The search and the people listed are audited."""
    if not _is_dpo(user):
        return []
    words = name.split()
    if not words:
        return []
    people = Person.objects.filter(merged_into__isnull=True)
    for word in words:
        people = people.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word)
            | Q(names__given_name__icontains=word) | Q(names__family_name__icontains=word)
        )  # fmt: skip
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    found = list(people.distinct().order_by("family_name", "given_name", "date_of_birth")
                 [:SEARCH_LIMIT])  # fmt: skip
    audit.record(
        actor=user,
        action="search",
        at=now,
        request=request,
        detail={"page": "subject access: find the person", "results": len(found)},
    )
    if found:
        from onestory.access.selectors import audit_views

        audit_views(user, found, now=now, page="subject access: find the person", request=request)
    return found
