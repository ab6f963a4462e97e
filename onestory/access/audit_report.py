"""The daily report for the data protection officer: workers who opened many records outside
their caseload in one day, the pattern of someone browsing records out of curiosity.

A worker's caseload that day is every record allocated to them, or to a team they manage, at
any time during the day. Everything else they opened (or tried to open: refused looks count,
and breaking the glass) is outside it. Opening a colleague's case on duty happens; opening
dozens in a day does not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q

from onestory.core.clock import LONDON
from onestory.workforce.models import Worker

from .models import Allocation, AuditEvent

LOOKS = (AuditEvent.Action.VIEW, AuditEvent.Action.DENIED, AuditEvent.Action.BREAK_GLASS)


@dataclass(frozen=True)
class UnusualAccess:
    worker: Worker
    outside_caseload: int  # distinct records opened that are not the worker's caseload
    opened: int  # distinct records opened in all


def unusual_access_on(day: date, *, threshold: int | None = None) -> list[UnusualAccess]:
    """Workers who opened at least `threshold` records outside their caseload on this London
    day (ONESTORY_AUDIT_REPORT_THRESHOLD by default), most first."""
    threshold = threshold or settings.ONESTORY_AUDIT_REPORT_THRESHOLD
    start = datetime.combine(day, time.min, tzinfo=LONDON)
    end = start + timedelta(days=1)
    looks = (
        AuditEvent.objects.filter(at__gte=start, at__lt=end, action__in=LOOKS)
        .exclude(actor__isnull=True)
        .exclude(person_id__isnull=True)
        .values_list("actor_id", "person_id")
        .distinct()
    )
    opened = defaultdict(set)
    for actor_id, person_id in looks:
        opened[actor_id].add(person_id)
    # Only a worker who opened that many records at all can be over the line.
    candidates = [a for a, people in opened.items() if len(people) >= threshold]
    if not candidates:
        return []
    during_day = Q(starts_at__lt=end) & (Q(ends_at__isnull=True) | Q(ends_at__gt=start))
    caseload = defaultdict(set)
    for worker_id, person_id in Allocation.objects.filter(
        during_day, worker_id__in=candidates
    ).values_list("worker_id", "person_id"):
        caseload[worker_id].add(person_id)
    for manager_id, person_id in Allocation.objects.filter(
        during_day, team__manager_id__in=candidates
    ).values_list("team__manager_id", "person_id"):
        caseload[manager_id].add(person_id)
    workers = Worker.objects.in_bulk(candidates)
    found = []
    for actor_id in candidates:
        outside = opened[actor_id] - caseload[actor_id]
        if len(outside) >= threshold:
            found.append(UnusualAccess(workers[actor_id], len(outside), len(opened[actor_id])))
    return sorted(found, key=lambda f: (-f.outside_caseload, f.worker.username))
