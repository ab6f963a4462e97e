"""What the loader works with: the rows to write (`Rows`), what the record already holds
(`State`), and the helpers every part of the loader uses (`LoaderBase`)."""

import secrets
from collections import defaultdict
from datetime import date, datetime, time

from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import LONDON
from onestory.core.errors import DomainError
from onestory.frontdoor.models import Contact, ContactPerson, Decision, LevelOfNeed, Referral
from onestory.people.models import ChronologyEntry
from onestory.socialcare.actions.common import CHRONOLOGY_CATEGORY as SOCIAL_CARE_CATEGORY
from onestory.socialcare.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)

from ...models import KeptRow, Return
from ..common import ImportReport
from .census import Census

PAGE = "children in need census import"
SOURCE = Return.CIN.value
# A contact made for an imported episode: "CIN-" and eight characters (Contact.reference holds
# 20), so nobody takes it for one the front door received (theirs start "FD-").
REFERENCE_PREFIX = "CIN-"
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# How an imported contact arrived: the census does not say, so it is "imported".
IMPORTED_CHANNEL = Contact.Channel.IMPORTED
REPLACED_NOTE = (
    "{n} values the record already held differently were replaced by the census's (when "
    "several years are imported together, by the latest year's): check the record if they had "
    "been corrected in onestory since."
)
# Fields that follow from others (an assessment's status follows its authorisation).
DERIVED_FIELDS = frozenset({"status", "next_review_on"})
# The level of need of a referral to children's social care (DOMAIN.md: level 4, statutory).
STATUTORY_LEVEL = 4


def census_name(census: Census) -> str:
    return f"children in need census {census.year}"


def file_line(census: Census, line: int | None) -> str:
    return f"{census.file}, line {line}" if line else census.file


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Rows:
    """New rows to insert, in the order the foreign keys need, and rows to update."""

    ORDER = (
        Contact,
        ContactPerson,
        Decision,
        Referral,
        Assessment,
        ChildInNeedPlan,
        StrategyDiscussion,
        Section47Enquiry,
        ChildProtectionPlan,
        ChildProtectionConference,
        KeptRow,
        ChronologyEntry,
    )
    UPDATE_FIELDS = {
        Referral: [
            "source",
            "primary_need",
            "closed_on",
            "closure_reason",
            "no_further_action",
        ],
        Assessment: ["authorised_on", "completed_on", "status", "factors"],
        ChildInNeedPlan: ["ends_on"],
        Section47Enquiry: ["conference_due_on", "completed_on", "outcome"],
        ChildProtectionPlan: [
            "ends_on",
            "initial_category",
            "latest_category",
            "previous_plans",
            "next_review_on",
        ],
        ChildProtectionConference: ["held_on", "category"],
    }

    def __init__(self, now: datetime):
        self.now = now
        self.new: dict = defaultdict(list)
        self.changed: dict = defaultdict(dict)

    def add(self, row) -> None:
        self.new[type(row)].append(row)

    def change(self, row) -> None:
        self.changed[type(row)][row.pk] = row

    def save(self) -> None:
        for model in self.ORDER:
            if self.new[model]:
                model.objects.bulk_create(self.new[model], batch_size=500)
        for model, rows in self.changed.items():
            for row in rows.values():
                # Bump the optimistic lock: an edit form opened before the import must not
                # overwrite what it brought.
                row.version += 1
                row.updated_at = self.now
            fields = [*self.UPDATE_FIELDS[model], "version", "updated_at"]
            model.objects.bulk_update(list(rows.values()), fields, batch_size=500)
        self.new.clear()
        self.changed.clear()


def frozen(values: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in values.items()))


class State:
    """What the record already holds for the file's children, read in one query per table."""

    def __init__(self):
        self.referrals: dict = {}
        self.assessments: dict = {}
        self.cin_plans: dict = {}
        self.enquiries: dict = {}
        self.cp_plans: dict = {}
        self.initial_by_enquiry: dict = defaultdict(list)
        self.unlinked: dict = defaultdict(list)
        self.reviews: dict = defaultdict(dict)
        self.kept: set = set()

    def enquiries_of(self, referral_id) -> list:
        return [e for (r, _), e in self.enquiries.items() if r == referral_id]

    @classmethod
    def read(cls, person_ids: list, census: Census) -> "State":
        state = cls()
        for referral in Referral.objects.filter(person__in=person_ids).order_by("created_at"):
            state.referrals.setdefault((referral.person_id, referral.referral_date), referral)
        referral_ids = [r.pk for r in state.referrals.values()]
        for model, keys, start in (
            (Assessment, state.assessments, "started_on"),
            (ChildInNeedPlan, state.cin_plans, "starts_on"),
            (Section47Enquiry, state.enquiries, "starts_on"),
            (ChildProtectionPlan, state.cp_plans, "starts_on"),
        ):
            for row in model.objects.filter(referral__in=referral_ids).order_by("created_at"):
                keys.setdefault((row.referral_id, getattr(row, start)), row)
        for conference in ChildProtectionConference.objects.filter(
            referral__in=referral_ids
        ).order_by("held_on"):
            if conference.kind == ChildProtectionConference.Kind.REVIEW:
                if conference.plan_id is not None:
                    state.reviews[conference.plan_id].setdefault(conference.held_on, conference)
            elif conference.enquiry_id is not None:
                state.initial_by_enquiry[conference.enquiry_id].append(conference)
            else:
                state.unlinked[conference.referral_id].append(conference)
        for row in KeptRow.objects.filter(person__in=person_ids, source=SOURCE, year=census.year):
            state.kept.add((row.person_id, row.table, frozen(row.values)))
        return state


class LoaderBase:
    """The loader's state and the helpers its parts share."""

    def __init__(self, report: ImportReport, *, recorder, acting_user, now: datetime, progress):
        self.report = report
        # Who the imported rows name as recording them; the audit names `acting_user`.
        self.user = recorder
        self.acting_user = acting_user
        self.now = now
        self.progress = progress
        self.rows = Rows(now)
        self._levels = list(
            LevelOfNeed.objects.filter(level=STATUTORY_LEVEL).order_by("valid_from")
        )
        self._holidays: dict[int, frozenset] = {}
        self._notes: dict[str, int] = defaultdict(int)

    # -- helpers ----------------------------------------------------------------------------

    def holidays(self, day: date) -> frozenset:
        if day.year not in self._holidays:
            self._holidays[day.year] = bank_holidays_between(
                date(day.year - 1, 1, 1), date(day.year + 1, 12, 31)
            )
        return self._holidays[day.year]

    def level_on(self, day: date) -> LevelOfNeed:
        if not self._levels:
            raise DomainError(
                "The council's levels of need have no level 4 (statutory): the front door "
                "records every referral at a level, so set one up before importing."
            )
        chosen = self._levels[0]
        for level in self._levels:
            if level.valid_from <= day:
                chosen = level
        return chosen

    def chronicle(self, person_id, day: date, summary: str, obj, category=SOCIAL_CARE_CATEGORY):
        self.rows.add(
            ChronologyEntry(
                person_id=person_id,
                occurred_at=midnight(day),
                category=category,
                summary=summary[:500],
                recorded_by=self.user,
                source_type=obj._meta.label_lower,
                source_id=str(obj.pk),
            )
        )

    def apply(self, row, **values) -> bool:
        """Set the fields that differ, and queue the row for saving; True when any did. A value
        the record held that the file replaces (not a blank it fills) is counted for the
        report's notes."""
        changed = False
        for name, value in values.items():
            current = getattr(row, name)
            if current != value:
                if current not in (None, "", [], False) and name not in DERIVED_FIELDS:
                    self._notes[REPLACED_NOTE] += 1
                setattr(row, name, value)
                changed = True
        if changed:
            self.rows.change(row)
        return changed

    def count(self, kind: str, created: bool = False, updated: bool = False) -> None:
        self.report.count(kind, "created" if created else "updated" if updated else "unchanged")
