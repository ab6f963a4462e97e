"""Annex A lists 1 to 5: contacts, early help assessments, referrals, assessments, and section 47
enquiries with their initial child protection conferences. Each reads its rows in a few queries
for the whole window (never one per child) and returns a `Sheet`."""

from collections import defaultdict
from datetime import date

from django.db.models import Q

from onestory.core.rules import add_months
from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.earlyhelp.models import EpisodeMember
from onestory.frontdoor.models import ContactPerson, Referral
from onestory.frontdoor.rules import REFERRAL_SOURCES
from onestory.socialcare.models import (
    Assessment,
    ChildProtectionConference,
    Section47Enquiry,
)
from onestory.workforce.models import Agency

from . import annex_a_template as template
from .annex_a_common import (
    YEAR_MONTHS,
    Allocations,
    Sheet,
    Visits,
    Window,
    assessing_workers,
    child_cells,
    disability_cell,
    london_day,
    person_fields,
    worker_fields,
    worker_named,
)

# What an authorised assessment's outcome says about the need for children's social care.
NEEDS_SOCIAL_CARE = {
    Assessment.Outcome.NO_FURTHER_ACTION: False,
    Assessment.Outcome.EARLY_HELP: False,
    Assessment.Outcome.CHILD_IN_NEED: True,
    Assessment.Outcome.STRATEGY_DISCUSSION: True,
    Assessment.Outcome.CARE: True,
    Assessment.Outcome.CONTINUE: True,
}


def _earlier_within_year(days: list[date], day: date) -> int:
    """How many of `days` fall in the 12 months before `day` (not counting `day` itself)."""
    since = add_months(day, -YEAR_MONTHS)
    return sum(1 for d in days if since <= d < day)


# List 1: contacts -------------------------------------------------------------------------------


def contacts(window: Window) -> Sheet:
    """Every child named in a contact received in the window, one row per contact and child.
    A child the front door has not yet matched to a record has no Child Unique ID: counted in a
    note, not listed."""
    sheet = Sheet(1)
    named = ContactPerson.objects.filter(
        role=ContactPerson.Role.CHILD,
        contact__received_at__gte=window.start_at,
        contact__received_at__lt=window.end_at,
    )
    rows = named.filter(person__isnull=False, person__merged_into__isnull=True).values(
        "person_id", "contact__received_at", "contact__referral_source", *person_fields()
    )
    for row in sorted(rows, key=lambda r: r["contact__received_at"]):
        sheet.add(
            row["person_id"],
            [
                *child_cells(row, window.on),
                london_day(row["contact__received_at"]),
                template.value(template.SOURCE, row["contact__referral_source"], REFERRAL_SOURCES),
            ],
        )
    unmatched = named.filter(person__isnull=True).count()
    if unmatched:
        sheet.notes.append(
            f"{unmatched:,} children named in contacts are not yet matched to a record, so they "
            "have no Child Unique ID and are not listed."
        )
    return sheet


# List 2: early help assessments -----------------------------------------------------------------


def _organisation(row: dict, prefix: str) -> str | None:
    """A partner's agency by name; a council worker's team (the council is every row's)."""
    agency, kind = row[f"{prefix}agency__name"], row[f"{prefix}agency__kind"]
    if agency and kind != Agency.Kind.COUNCIL:
        return agency
    return row[f"{prefix}team__name"] or row["episode__team__name"] or agency


def early_help_assessments(window: Window) -> Sheet:
    """Early help assessments under way at any time in the window (started by its end, not
    completed before it began, not left as a draft on an episode closed before it), one row per
    child of the family."""
    sheet = Sheet(2)
    assessments = (
        EarlyHelpAssessment.objects.filter(started_at__lt=window.end_at)
        .exclude(completed_at__lt=window.start_at)
        .exclude(
            status=EarlyHelpAssessment.Status.DRAFT,
            episode__closed_at__lt=window.start_at,
        )
    )
    workers = []
    for who in ("completed_by__", "started_by__"):
        workers += [f"{who}agency__name", f"{who}agency__kind", f"{who}team__name"]
    by_episode = defaultdict(list)
    for row in assessments.values(
        "episode_id", "started_at", "completed_at", "episode__team__name", *workers
    ):
        by_episode[row["episode_id"]].append(row)
    members = EpisodeMember.objects.filter(
        episode__in=assessments.values("episode_id"),
        role=EpisodeMember.Role.CHILD,
        person__merged_into__isnull=True,
    ).values("episode_id", "person_id", *person_fields())
    listed = []
    for member in members:
        for row in by_episode[member["episode_id"]]:
            completed = window.by_end(london_day(row["completed_at"]))
            who = "completed_by__" if completed else "started_by__"
            listed.append(
                (
                    row["started_at"],
                    member["person_id"],
                    [
                        *child_cells(member, window.on),
                        london_day(row["started_at"]),
                        completed,
                        _organisation(row, who),
                    ],
                )
            )
    for _, person_id, cells in sorted(listed, key=lambda item: item[0]):
        sheet.add(person_id, cells)
    return sheet


# List 3: referrals ------------------------------------------------------------------------------


def referrals(window: Window) -> Sheet:
    """Referrals received in the window, with the child's referrals in the 12 months before
    each (not counting it), and who had the child at the window's end (or at closure)."""
    sheet = Sheet(3)
    received = Referral.objects.filter(
        referral_date__gte=window.start,
        referral_date__lte=window.end,
        person__merged_into__isnull=True,
    )
    people = received.values("person_id")
    earlier = defaultdict(list)
    for person_id, day in Referral.objects.filter(
        person__in=people,
        referral_date__gte=add_months(window.start, -YEAR_MONTHS),
        referral_date__lte=window.end,
    ).values_list("person_id", "referral_date"):
        earlier[person_id].append(day)
    allocations = Allocations(people)
    assessed = assessing_workers(received.values("pk"))
    rows = received.values(
        "id",
        "person_id",
        "referral_date",
        "source",
        "no_further_action",
        "closed_on",
        "social_work_team__name",
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["referral_date"]):
        person_id = row["person_id"]
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                row["referral_date"],
                template.value(template.SOURCE, row["source"], REFERRAL_SOURCES),
                template.yes_no(row["no_further_action"]),
                _earlier_within_year(earlier[person_id], row["referral_date"]),
                *allocations.on(
                    person_id,
                    window.as_at(row["closed_on"]),
                    team=row["social_work_team__name"] or "",
                    recorded=assessed.get(row["id"], ("", "")),
                ),
            ],
        )
    return sheet


# List 4: assessments ----------------------------------------------------------------------------


def assessments(window: Window) -> Sheet:
    """Child and family assessments under way at any time in the window: started by its end,
    not authorised before it began (one never authorised on an episode closed before the window
    is left out). Whether the child was seen comes from the visits recorded while it ran."""
    sheet = Sheet(4)
    chosen = (
        Assessment.objects.filter(started_on__lte=window.end, person__merged_into__isnull=True)
        .exclude(authorised_on__lt=window.start)
        .exclude(authorised_on__isnull=True, referral__closed_on__lt=window.start)
    )
    people = chosen.values("person_id")
    allocations = Allocations(people)
    visits = Visits(people, until=window.end)
    rows = chosen.values(
        "person_id",
        "started_on",
        "authorised_on",
        "outcome",
        "referral__closed_on",
        "referral__social_work_team__name",
        *worker_fields("worker__"),
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["started_on"]):
        person_id = row["person_id"]
        authorised = window.by_end(row["authorised_on"])
        as_at = authorised or window.as_at(row["referral__closed_on"])
        seen = visits.last(person_id, until=as_at, since=row["started_on"]) is not None
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                disability_cell(row),
                row["started_on"],
                template.yes_no(seen),
                authorised,
                template.yes_no(NEEDS_SOCIAL_CARE.get(row["outcome"])) if authorised else None,
                *allocations.on(
                    person_id,
                    as_at,
                    team=row["referral__social_work_team__name"] or "",
                    recorded=worker_named(row, "worker__"),
                ),
            ],
        )
    return sheet


# List 5: section 47 enquiries and initial conferences -------------------------------------------


def section_47_enquiries(window: Window) -> Sheet:
    """Section 47 enquiries under way at any time in the window. An enquiry ends at its initial
    conference, or when completed with no conference needed. The counts are the child's
    enquiries started, and initial conferences held, in the 12 months before this enquiry
    began."""
    sheet = Sheet(5)
    year_before = add_months(window.start, -YEAR_MONTHS)
    candidates = Section47Enquiry.objects.filter(
        starts_on__lte=window.end, person__merged_into__isnull=True
    ).filter(
        Q(completed_on__isnull=True)
        | Q(completed_on__gte=window.start)
        | Q(starts_on__gte=year_before)
    )
    people = candidates.values("person_id")
    conference_of: dict = {}
    conferences_held = defaultdict(list)
    initial = ChildProtectionConference.objects.filter(
        kind=ChildProtectionConference.Kind.INITIAL, person__in=people, held_on__lte=window.end
    ).values("person_id", "enquiry_id", "held_on", "decision")
    for row in sorted(initial, key=lambda r: r["held_on"]):
        conferences_held[row["person_id"]].append(row["held_on"])
        if row["enquiry_id"] is not None:
            conference_of.setdefault(row["enquiry_id"], row)
    started = defaultdict(list)
    for person_id, day in Section47Enquiry.objects.filter(person__in=people).values_list(
        "person_id", "starts_on"
    ):
        started[person_id].append(day)
    allocations = Allocations(people)
    rows = candidates.values(
        "id",
        "person_id",
        "starts_on",
        "completed_on",
        "outcome",
        "referral__social_work_team__name",
        *worker_fields("worker__"),
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        person_id = row["person_id"]
        conference = conference_of.get(row["id"])
        held = conference["held_on"] if conference else None
        completed = window.by_end(row["completed_on"])
        not_needed = (
            completed is not None and row["outcome"] == Section47Enquiry.Outcome.NOT_REQUIRED
        )
        ended = held or (completed if not_needed else None)
        if not window.overlaps(row["starts_on"], ended):
            continue
        if not_needed:
            unnecessary = True
        elif held is not None or completed is not None:
            unnecessary = False
        else:
            unnecessary = None  # still under way: not decided yet
        plan = None
        if conference is not None:
            plan = conference["decision"] == ChildProtectionConference.Decision.PLAN
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                disability_cell(row),
                row["starts_on"],
                template.yes_no(unnecessary),
                held,
                template.yes_no(plan),
                _earlier_within_year(started[person_id], row["starts_on"]),
                _earlier_within_year(conferences_held[person_id], row["starts_on"]),
                *allocations.on(
                    person_id,
                    window.as_at(ended),
                    team=row["referral__social_work_team__name"] or "",
                    recorded=worker_named(row, "worker__"),
                ),
            ],
        )
    return sheet
