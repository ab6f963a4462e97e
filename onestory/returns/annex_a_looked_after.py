"""Annex A lists 8 and 9: children in care and care leavers. Each reads its rows in a few
queries for the whole window (never one per child) and returns a `Sheet`. A row describes the
young person on the window's last day, or on the day their period of care or leaving-care
support ended when that was within the window."""

from collections import defaultdict
from datetime import date

from onestory.frontdoor.rules import PRIMARY_NEEDS
from onestory.socialcare import reference, rules
from onestory.socialcare.actions.leaving_care import weeks_in_care_since_14
from onestory.socialcare.models import (
    CareLeaver,
    CareLeaverContact,
    CarePeriod,
    CareReview,
    HealthCheck,
    LegalStatus,
    MissingEpisode,
    Placement,
    UnaccompaniedChild,
    Visit,
)

from . import annex_a_template as template
from .annex_a_common import (
    PERSONAL_ADVISER_PURPOSES,
    Allocations,
    Sheet,
    Visits,
    Window,
    child_cells,
    disability_cell,
    london_day,
    person_fields,
)

# Visits by a social worker (a personal adviser's are not).
SOCIAL_WORK_VISITS = [k for k in Visit.Kind.values if k != Visit.Kind.LEAVING_CARE]
# Care leavers Ofsted lists (list 9); an eligible child is still in care and on list 8.
LISTED_CARE_LEAVERS = ("relevant", "former_relevant", "qualifying")
NOT_KNOWN_ACTIVITY = "0"


# List 8: children in care -----------------------------------------------------------------------


def _latest(rows, day: date, key="starts_on"):
    """The row in force on `day`: the latest to start on or before it."""
    current = None
    for row in sorted(rows, key=lambda r: r[key]):
        if row[key] <= day:
            current = row
    return current


def _placement_location(placement) -> str | None:
    if placement is None:
        return None
    if placement["outside_england"] or placement["inside_area"] is False:
        return template.PLACEMENT_OUTSIDE
    if placement["inside_area"]:
        return template.PLACEMENT_INSIDE
    return None


def _second_period(period: dict, others, window: Window) -> bool:
    """This period began in the 12 months before the inspection, after another period of care
    that was open at some time in those 12 months."""
    if period["starts_on"] < window.year_start:
        return False
    return any(
        pk != period["id"]
        and starts < period["starts_on"]
        and (ends is None or ends >= window.year_start)
        for pk, starts, ends in others
    )


class _CareRecord:
    """The rows list 8 needs about the children in care, read once for all of them."""

    def __init__(self, window: Window, periods):
        people, period_ids = periods.values("person_id"), periods.values("pk")
        self.statuses = defaultdict(list)
        for row in LegalStatus.objects.filter(period__in=period_ids).values(
            "period_id", "status", "starts_on"
        ):
            self.statuses[row["period_id"]].append(row)
        self.periods = defaultdict(list)
        for person_id, pk, starts, ends in CarePeriod.objects.filter(person__in=people).values_list(
            "person_id", "pk", "starts_on", "ends_on"
        ):
            self.periods[person_id].append((pk, starts, ends))
        self.placements = defaultdict(list)
        for row in (
            Placement.objects.filter(person__in=people, starts_on__lte=window.end)
            .exclude(ends_on__lt=window.year_start)
            .values(
                "person_id",
                "period_id",
                "place",
                "provider",
                "urn",
                "starts_on",
                "ends_on",
                "placement_postcode",
                "placement_area_code",
                "inside_area",
                "outside_england",
            )
        ):
            self.placements[row["person_id"]].append(row)
        self.reviews = defaultdict(list)
        for period_id, held in CareReview.objects.filter(
            period__in=period_ids, held_on__lte=window.end
        ).values_list("period_id", "held_on"):
            self.reviews[period_id].append(held)
        self.checks = defaultdict(list)
        for person_id, kind, done in HealthCheck.objects.filter(
            person__in=people,
            kind__in=(HealthCheck.Kind.HEALTH, HealthCheck.Kind.DENTAL),
            done_on__lte=window.end,
        ).values_list("person_id", "kind", "done_on"):
            self.checks[(person_id, kind)].append(done)
        self.missing = defaultdict(list)
        for row in MissingEpisode.objects.filter(
            person__in=people, started_at__lt=window.end_at
        ).values(
            "person_id",
            "kind",
            "started_at",
            "return_interview_offered",
            "return_interview_accepted",
        ):
            self.missing[row["person_id"]].append(row | {"day": london_day(row["started_at"])})
        self.unaccompanied = {
            person_id
            for person_id, ceased in UnaccompaniedChild.objects.filter(
                person__in=people
            ).values_list("person_id", "status_ceased_on")
            if ceased is None or ceased >= window.year_start
        }
        self.visits = Visits(people, until=window.end, kinds=SOCIAL_WORK_VISITS)
        self.allocations = Allocations(people)

    def last_check(self, person_id, kind, day: date) -> date | None:
        return max((d for d in self.checks.get((person_id, kind), ()) if d <= day), default=None)

    def missing_cells(self, person_id, window: Window, day: date) -> list:
        episodes = [m for m in self.missing.get(person_id, ()) if m["day"] <= day]
        in_year = [m for m in episodes if m["day"] >= window.year_start]
        last = max(
            (m for m in episodes if m["kind"] == "M"), key=lambda m: m["started_at"], default=None
        )
        return [
            sum(1 for m in in_year if m["kind"] == "M"),
            sum(1 for m in in_year if m["kind"] == "A"),
            template.yes_no(last["return_interview_offered"]) if last else None,
            template.yes_no(last["return_interview_accepted"]) if last else None,
        ]


def children_in_care(window: Window) -> Sheet:
    """Periods of care open at any time in the window, other than short breaks only (legal
    status V3 or V4 throughout), which Ofsted does not count as children in care."""
    sheet = Sheet(8)
    periods = CarePeriod.objects.filter(
        starts_on__lte=window.end, person__merged_into__isnull=True
    ).exclude(ends_on__lt=window.start)
    record = _CareRecord(window, periods)
    short_breaks = 0
    rows = periods.values(
        "id",
        "person_id",
        "starts_on",
        "ends_on",
        "end_reason",
        "category_of_need",
        "referral__social_work_team__name",
        "person__unaccompanied_asylum_seeking",
        *person_fields(),
    )
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        person_id = row["person_id"]
        statuses = record.statuses.get(row["id"], [])
        if statuses and all(s["status"] in reference.SHORT_BREAK_STATUSES for s in statuses):
            short_breaks += 1
            continue
        day = window.as_at(row["ends_on"])
        status = _latest(statuses, day)
        placements = record.placements.get(person_id, [])
        placement = _latest([p for p in placements if p["period_id"] == row["id"]], day)
        ended = window.by_end(row["ends_on"])
        unaccompanied = (
            person_id in record.unaccompanied or row["person__unaccompanied_asylum_seeking"]
        )
        spans = [rules.PlacementSpan(p["starts_on"], p["ends_on"], p["place"]) for p in placements]
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                template.yes_no(unaccompanied),
                disability_cell(row),
                row["starts_on"],
                template.value(template.PRIMARY_NEED, row["category_of_need"], PRIMARY_NEEDS),
                template.yes_no(_second_period(row, record.periods[person_id], window)),
                status["starts_on"] if status else None,
                template.value(
                    template.LEGAL_STATUS,
                    status["status"] if status else None,
                    reference.LEGAL_STATUSES,
                ),
                max((d for d in record.reviews.get(row["id"], ()) if d <= day), default=None),
                record.visits.last(person_id, until=day, since=row["starts_on"]),
                None,  # The permanence plan is not recorded.
                None,  # Visits by the independent reviewing officer are not recorded.
                record.last_check(person_id, HealthCheck.Kind.HEALTH, day),
                record.last_check(person_id, HealthCheck.Kind.DENTAL, day),
                rules.placements_in_year(spans, year_end=window.end),
                ended,
                template.value(
                    template.CARE_END_REASON,
                    row["end_reason"] if ended else None,
                    reference.CARE_END_REASONS,
                ),
                placement["starts_on"] if placement else None,
                template.value(
                    template.PLACEMENT_TYPE,
                    placement["place"] if placement else None,
                    reference.PLACEMENT_TYPES,
                ),
                template.value(
                    template.PLACEMENT_PROVIDER,
                    placement["provider"] if placement else None,
                    reference.PLACEMENT_PROVIDERS,
                ),
                (placement["placement_postcode"] or None) if placement else None,
                (placement["urn"] or None) if placement else None,
                _placement_location(placement),
                (placement["placement_area_code"] or None) if placement else None,
                *record.missing_cells(person_id, window, day),
                *record.allocations.on(
                    person_id, day, team=row["referral__social_work_team__name"] or ""
                ),
            ],
        )
    if short_breaks:
        sheet.notes.append(
            f"{short_breaks:,} periods of short breaks only (legal status V3 or V4) are not "
            "listed: Ofsted does not count them as children in care."
        )
    return sheet


# List 9: care leavers ---------------------------------------------------------------------------


def _category(row: dict, periods, day: date) -> str | None:
    """The leaving-care category on `day`, from the care history (the one recorded when the
    young person became a care leaver can be out of date); the recorded one when the history
    cannot say (no date of birth)."""
    born = row["person__date_of_birth"]
    if born is None:
        return row["category"]
    spans = [_Span(starts, ends) for starts, ends in periods if starts <= day]
    in_care = any(s.ends_on is None or s.ends_on >= day for s in spans)
    ended = [s.ends_on for s in spans if s.ends_on is not None and s.ends_on < day]
    return rules.leaving_care_category(
        born=born,
        today=day,
        in_care_now=in_care,
        weeks_in_care_since_14=weeks_in_care_since_14(born, spans, day),
        left_care_on=None if in_care or not ended else max(ended),
    )


class _Span:
    __slots__ = ("starts_on", "ends_on")

    def __init__(self, starts_on, ends_on):
        self.starts_on, self.ends_on = starts_on, ends_on


def care_leavers(window: Window) -> Sheet:
    """Relevant, former relevant and qualifying care leavers owed support at any time in the
    window, with what was last known of them (the latest birthday contact by its end)."""
    sheet = Sheet(9)
    leavers = CareLeaver.objects.filter(person__merged_into__isnull=True).exclude(
        ended_on__lt=window.start
    )
    people = leavers.values("person_id")
    periods = defaultdict(list)
    for person_id, starts, ends in CarePeriod.objects.filter(person__in=people).values_list(
        "person_id", "starts_on", "ends_on"
    ):
        periods[person_id].append((starts, ends))
    contacts = defaultdict(list)
    for row in CareLeaverContact.objects.filter(
        person__in=people, contact_on__lte=window.end
    ).values(
        "person_id", "contact_on", "in_touch", "activity", "accommodation", "accommodation_suitable"
    ):
        contacts[row["person_id"]].append(row)
    allocations = Allocations(people, purposes=PERSONAL_ADVISER_PURPOSES)
    rows = leavers.values(
        "person_id",
        "category",
        "ended_on",
        "personal_adviser__first_name",
        "personal_adviser__last_name",
        "personal_adviser__team__name",
        *person_fields(),
    )
    left_out = 0
    for row in sorted(rows, key=lambda r: r["person__date_of_birth"] or date.min):
        person_id = row["person_id"]
        day = window.as_at(row["ended_on"])
        category = _category(row, periods[person_id], day)
        if category not in LISTED_CARE_LEAVERS:
            left_out += 1
            continue
        team, worker = allocations.on(
            person_id, day, team=row["personal_adviser__team__name"] or ""
        )
        if worker is None:
            adviser = (row["personal_adviser__first_name"], row["personal_adviser__last_name"])
            worker = " ".join(p for p in adviser if p) or None
        latest = _latest(contacts.get(person_id, []), day, key="contact_on")
        activity = latest["activity"] if latest else None
        suitable = latest["accommodation_suitable"] if latest else None
        sheet.add(
            person_id,
            [
                *child_cells(row, window.on),
                disability_cell(row),
                team,
                worker,
                template.ELIGIBILITY[category],
                template.value(
                    template.IN_TOUCH, latest["in_touch"] if latest else None, reference.IN_TOUCH
                ),
                template.value(
                    template.ACCOMMODATION,
                    latest["accommodation"] if latest else None,
                    reference.ACCOMMODATION_KINDS,
                ),
                None
                if suitable is None
                else (template.SUITABLE if suitable else template.UNSUITABLE),
                template.value(
                    template.ACTIVITY,
                    None if activity == NOT_KNOWN_ACTIVITY else activity,
                    reference.ACTIVITIES,
                ),
            ],
        )
    if left_out:
        sheet.notes.append(
            f"{left_out:,} young people recorded as care leavers were still in care (eligible, "
            "on list 8) or no longer owed leaving-care support, so are not listed."
        )
    return sheet
