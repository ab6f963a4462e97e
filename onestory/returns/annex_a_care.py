"""Annex A lists 6 and 7: children in need and child protection. Each reads its rows in a few
queries for the whole window (never one per child) and returns a `Sheet`. A row describes the
child on the window's last day, or on the day the episode or plan ended when that was within
the window."""

from collections import defaultdict
from datetime import date

from onestory.frontdoor.models import Referral
from onestory.frontdoor.rules import PRIMARY_NEEDS
from onestory.socialcare import reference
from onestory.socialcare.models import (
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LegalStatus,
    Visit,
)

from . import annex_a_template as template
from .annex_a_common import (
    Allocations,
    Sheet,
    Visits,
    Window,
    assessing_workers,
    child_cells,
    disability_cell,
    person_fields,
)

# Ofsted's list 7 column: "Subject to Emergency Protection Order or Protected Under Police
# Powers": the legal statuses under which such a child is accommodated (SSDA903 L1, L2).
EMERGENCY_STATUSES = ("L1", "L2")


def _open_on(spans, day: date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in spans)


# List 6: children in need -----------------------------------------------------------------------


def _case_status(window: Window, row: dict, day: date, care, cp, cin) -> str:
    if window.by_end(row["closed_on"]) is not None:
        return template.CASE_STATUS_CLOSED
    if _open_on(care.get(row["person_id"], ()), day):
        return template.CASE_STATUS_LOOKED_AFTER
    if _open_on(cp.get(row["id"], ()), day):
        return template.CASE_STATUS_PROTECTION
    if _open_on(cin.get(row["id"], ()), day):
        return template.CASE_STATUS_CHILD_IN_NEED
    return template.CASE_STATUS_ASSESSMENT


def children_in_need(window: Window) -> Sheet:
    """Every child in need episode (a referral to children's social care) open at any time in
    the window, including children on protection plans and in care; the case status says
    which."""
    sheet = Sheet(6)
    episodes = Referral.objects.filter(
        referral_date__lte=window.end, person__merged_into__isnull=True
    ).exclude(closed_on__lt=window.start)
    people, episode_ids = episodes.values("person_id"), episodes.values("pk")
    care = defaultdict(list)
    for person_id, starts, ends in (
        CarePeriod.objects.filter(person__in=people, starts_on__lte=window.end)
        .exclude(ends_on__lt=window.start)
        .values_list("person_id", "starts_on", "ends_on")
    ):
        care[person_id].append((starts, ends))
    plans = {}
    for model in (ChildProtectionPlan, ChildInNeedPlan):
        plans[model] = defaultdict(list)
        for referral_id, starts, ends in (
            model.objects.filter(referral__in=episode_ids, starts_on__lte=window.end)
            .exclude(ends_on__lt=window.start)
            .values_list("referral_id", "starts_on", "ends_on")
        ):
            plans[model][referral_id].append((starts, ends))
    visits = Visits(people, until=window.end)
    allocations = Allocations(people)
    assessed = assessing_workers(episode_ids)
    rows = episodes.values(
        "id",
        "person_id",
        "referral_date",
        "primary_need",
        "closed_on",
        "closure_reason",
        "social_work_team__name",
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["referral_date"]):
        person_id = row["person_id"]
        day = window.as_at(row["closed_on"])
        closed = window.by_end(row["closed_on"])
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                disability_cell(row),
                row["referral_date"],
                template.value(template.PRIMARY_NEED, row["primary_need"], PRIMARY_NEEDS),
                visits.last(person_id, until=day),
                closed,
                template.value(
                    template.CLOSURE_REASON,
                    row["closure_reason"] if closed else None,
                    reference.CIN_CLOSURE_REASONS,
                ),
                _case_status(
                    window, row, day, care, plans[ChildProtectionPlan], plans[ChildInNeedPlan]
                ),
                *allocations.on(
                    person_id,
                    day,
                    team=row["social_work_team__name"] or "",
                    recorded=assessed.get(row["id"], ("", "")),
                ),
            ],
        )
    return sheet


# List 7: child protection -----------------------------------------------------------------------


def child_protection(window: Window) -> Sheet:
    """Child protection plans open at any time in the window. The last statutory visit is the
    last child protection visit on which the child was seen, during the plan."""
    sheet = Sheet(7)
    plans = ChildProtectionPlan.objects.filter(
        starts_on__lte=window.end, person__merged_into__isnull=True
    ).exclude(ends_on__lt=window.start)
    people = plans.values("person_id")
    reviews = defaultdict(list)
    for plan_id, held in ChildProtectionConference.objects.filter(
        kind=ChildProtectionConference.Kind.REVIEW,
        plan__in=plans.values("pk"),
        held_on__lte=window.end,
    ).values_list("plan_id", "held_on"):
        reviews[plan_id].append(held)
    protected = set(
        LegalStatus.objects.filter(
            status__in=EMERGENCY_STATUSES,
            period__person__in=people,
            starts_on__lte=window.end,
        )
        .exclude(ends_on__lt=window.start)
        .values_list("period__person_id", flat=True)
    )
    visits = Visits(people, until=window.end, kinds=[Visit.Kind.CHILD_PROTECTION])
    allocations = Allocations(people)
    rows = plans.values(
        "id",
        "person_id",
        "starts_on",
        "ends_on",
        "initial_category",
        "latest_category",
        "previous_plans",
        "referral__social_work_team__name",
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        person_id = row["person_id"]
        day = window.as_at(row["ends_on"])
        visited = visits.last(person_id, until=day, since=row["starts_on"])
        held = [d for d in reviews.get(row["id"], ()) if d <= day]
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                disability_cell(row),
                row["starts_on"],
                template.value(
                    template.ABUSE_CATEGORY, row["initial_category"], reference.ABUSE_CATEGORIES
                ),
                template.value(
                    template.ABUSE_CATEGORY, row["latest_category"], reference.ABUSE_CATEGORIES
                ),
                visited,
                template.yes_no(visits.seen_alone(person_id, visited)) if visited else None,
                max(held, default=None),
                window.by_end(row["ends_on"]),
                template.yes_no(person_id in protected),
                row["previous_plans"],
                *allocations.on(person_id, day, team=row["referral__social_work_team__name"] or ""),
            ],
        )
    return sheet
