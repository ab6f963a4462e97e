"""Importing children in need census files from another system (`onestory import_return cin`).

`run(paths, acting_user=..., now=...)` reads each file (cin_census_reader: any year from 2017,
hostile and malformed XML refused), then, in one transaction for the whole import, brings each
child into the record: the person (common.find_or_create_child: their LAchildID first, then their
UPN), and each episode (CINdetails) as a front-door referral with what was done under it:
assessments, child in need plans, section 47 enquiries, initial conferences, child protection
plans and their review conferences. Anything rejected anywhere means nothing is loaded
(common.all_or_nothing), and the report lists every rejected item.

Several years merge into one history. An episode is the same episode when it is the same child's
and has the same referral date; within it an assessment, plan or enquiry is the same when it
starts on the same day. A later file adds what an earlier one could not yet say (an end date, an
authorisation, a conference) and never erases what is known: a census cannot report an end that
had not come by its reference date. So importing the same file again changes nothing, and files
can be imported in any order.

What a census cannot say is filled with values labelled as imported, never passed off as
recorded: every episode gets a front-door contact and decision (reference CIN-..., "imported
from the children in need census" in its words), every section 47 enquiry a strategy discussion
on the day it started. The importing user (or, for an import run without one, the "Imported
return" account that cannot sign in) stands as who recorded them and as the worker for
assessments and enquiries, with the texts saying so.
"""

import secrets
import time as clock
import uuid
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path

from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DomainError
from onestory.frontdoor import rules as frontdoor_rules
from onestory.frontdoor.actions.common import CHRONOLOGY_CATEGORY as FRONT_DOOR_CATEGORY
from onestory.frontdoor.models import Contact, ContactPerson, Decision, LevelOfNeed, Referral
from onestory.people.models import ChronologyEntry
from onestory.socialcare import rules as socialcare_rules
from onestory.socialcare.actions.common import CHRONOLOGY_CATEGORY as SOCIAL_CARE_CATEGORY
from onestory.socialcare.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)

from ..models import KeptRow, Return
from .cin_census_reader import Census, CensusChild, Episode, read_census
from .common import ImportReport, all_or_nothing, find_or_create_child, import_account
from .common import progress as progress_bar

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


def _census_name(census: Census) -> str:
    return f"children in need census {census.year}"


def _where(census: Census, line: int | None) -> str:
    return f"{census.file}, line {line}" if line else census.file


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON)


def _new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class _Rows:
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


class _Loader:
    """Brings parsed censuses into the record, file by file in year order."""

    def __init__(self, report: ImportReport, *, recorder, acting_user, now: datetime, progress):
        self.report = report
        # Who the imported rows name as recording them; the audit names `acting_user`.
        self.user = recorder
        self.acting_user = acting_user
        self.now = now
        self.progress = progress
        self.rows = _Rows(now)
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
                occurred_at=_midnight(day),
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

    # -- a file -----------------------------------------------------------------------------

    def load(self, census: Census) -> None:
        children = [c for c in census.children if not c.refused]
        people = {}
        for child in progress_bar(
            children,
            total=len(children),
            description=f"{census.file}: children",
            enabled=self.progress,
        ):
            matched_before = self.report.counts["children"]["matched"]
            person, created = find_or_create_child(
                code=child.code,
                source=SOURCE,
                now=self.now,
                report=self.report,
                acting_user=self.acting_user,
                upn=child.upn,
                date_of_birth=child.date_of_birth,
                sex=child.sex,
                ethnicity=child.ethnicity,
            )
            matched = self.report.counts["children"]["matched"] > matched_before
            self._fill_person(person, child, matched)
            people[child.code] = person
        state = _State.read([p.pk for p in people.values()], census)
        for child in children:
            person = people[child.code]
            for episode in child.episodes:
                self._episode(census, child, person, episode, state)
            self._kept(census, child, person, state)
        self.rows.save()
        self._re_referrals(list(people.values()))

    def finish(self) -> None:
        """Add the notes counted over every file to the report."""
        for text, n in self._notes.items():
            self.report.note(text.format(n=n))

    def _fill_person(self, person, child: CensusChild, matched: bool) -> None:
        """What find_or_create_child does not fill: expected date of birth, death, disabilities
        (filled when the record leaves them blank, as it fills the rest)."""
        changed = []
        if (
            child.expected_date_of_birth
            and person.date_of_birth is None
            and person.expected_date_of_birth is None
        ):
            person.expected_date_of_birth = child.expected_date_of_birth
            changed.append("expected_date_of_birth")
        if child.date_of_death and person.date_of_death is None:
            person.date_of_death = child.date_of_death
            changed.append("date_of_death")
        if child.disabilities and not person.disabilities:
            person.disabilities = child.disabilities
            changed.append("disabilities")
        if not changed:
            return
        person._history_user = self.user
        person._history_date = self.now
        person.save(update_fields=[*changed, "updated_at"])
        if matched:  # find_or_create_child counted the child as matched: it was updated
            counts = self.report.counts["children"]
            counts["matched"] -= 1
            counts["updated"] += 1

    # -- an episode -------------------------------------------------------------------------

    def _episode(self, census, child, person, episode: Episode, state: "_State") -> None:
        referral = state.referrals.get((person.pk, episode.referral_date))
        if referral is None:
            referral = self._new_referral(census, person, episode)
            state.referrals[(person.pk, episode.referral_date)] = referral
            self.count("episodes", created=True)
        else:
            values = {"source": episode.source}
            if episode.primary_need:
                values["primary_need"] = episode.primary_need
            # Whether the referral needed no further action is known once it closes: a file
            # that still has it open does not undo what a later file said.
            if episode.closed_on is not None or referral.closed_on is None:
                values["no_further_action"] = episode.no_further_action
            if episode.closed_on is not None:
                values["closed_on"] = episode.closed_on
                values["closure_reason"] = episode.closure_reason
            was_open = referral.closed_on is None
            changed = self.apply(referral, **values)
            if changed and was_open and referral.closed_on is not None:
                self._chronicle_closure(census, person, referral)
            self.count("episodes", updated=changed)
        plans = self._cp_plans(census, person, referral, episode, state)
        self._assessments(census, person, referral, episode, state)
        self._cin_plans(census, person, referral, episode, state)
        self._enquiries(census, person, referral, episode, state, plans)
        self._episode_conference(census, person, referral, episode, state, plans)

    def _new_referral(self, census: Census, person, episode: Episode) -> Referral:
        day = episode.referral_date
        received = _midnight(day)
        where = _where(census, episode.line)
        name = _census_name(census)
        contact = Contact(
            id=uuid.uuid4(),
            reference=_new_reference(),
            received_at=received,
            channel=IMPORTED_CHANNEL,
            recorded_by=self.user,
            referrer_name=f"Not known: imported from the {name}",
            referrer_contact="Not known: the census does not record the referrer",
            referral_source=episode.source,
            what_happened=(
                f"Imported from the {name} ({where}). The census records the referral's date, "
                "source and primary need, not what the referrer said: the system the council "
                "used before holds the details."
            ),
            consent=frontdoor_rules.Consent.NOT_SOUGHT.value,
            consent_explanation="Not known: the census does not record consent.",
            status=frontdoor_rules.Status.DECIDED.value,
            due_at=frontdoor_rules.decision_due_at(
                received, immediate_danger=False, holidays=self.holidays(day)
            ),
        )
        self.rows.add(contact)
        self.rows.add(
            ContactPerson(
                contact=contact,
                role=ContactPerson.Role.CHILD,
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                upn=person.upn,
                person=person,
                link=ContactPerson.Link.EXISTING,
                linked_by=self.user,
                linked_at=self.now,
            )
        )
        self.rows.add(
            Decision(
                contact=contact,
                outcome=frontdoor_rules.Outcome.STATUTORY_REFERRAL.value,
                level=self.level_on(day),
                rationale=(
                    f"Imported from the {name}: the referral was accepted in the system the "
                    "council used before, which holds the reasons."
                ),
                primary_need=episode.primary_need,
                referrer_message=f"None sent: imported from the {name}.",
                decided_by=self.user,
                decided_at=received,
                sign_off=Decision.SignOff.NOT_NEEDED,
                final_at=received,
            )
        )
        referral = Referral(
            id=uuid.uuid4(),
            contact=contact,
            person=person,
            referral_date=day,
            source=episode.source,
            primary_need=episode.primary_need,
            assessment_due_on=socialcare_rules.assessment_due_on(day, self.holidays(day)),
            no_further_action=episode.no_further_action,
            closed_on=episode.closed_on,
            closure_reason=episode.closure_reason,
        )
        self.rows.add(referral)
        self.chronicle(
            person.pk,
            day,
            f"Referral to children's social care ({contact.reference}), imported from the {name}",
            contact,
            category=FRONT_DOOR_CATEGORY,
        )
        if episode.closed_on is not None:
            self._chronicle_closure(census, person, referral)
        return referral

    def _chronicle_closure(self, census, person, referral) -> None:
        self.chronicle(
            person.pk,
            referral.closed_on,
            f"Children in need episode closed ({referral.closure_reason or 'no reason given'}), "
            f"imported from the {_census_name(census)}",
            referral,
        )

    # -- what was done under it -------------------------------------------------------------

    def _assessments(self, census, person, referral, episode: Episode, state) -> None:
        for row in episode.assessments:
            key = (referral.pk, row.started_on)
            found = state.assessments.get(key)
            if found is None:
                found = Assessment(
                    referral=referral,
                    person=person,
                    worker=self.user,
                    started_on=row.started_on,
                    due_on=referral.assessment_due_on,
                    factors=row.factors,
                    analysis=(
                        f"Imported from the {_census_name(census)} "
                        f"({_where(census, row.line)}). The census records the assessment's "
                        "dates and factors, not who assessed the child or what they found: "
                        "the account that imported it stands as the worker."
                    ),
                )
                if row.authorised_on is not None:
                    found.status = Assessment.Status.AUTHORISED
                    found.completed_on = found.authorised_on = row.authorised_on
                self.rows.add(found)
                state.assessments[key] = found
                self.chronicle(
                    person.pk,
                    row.started_on,
                    f"Child and family assessment started, imported from the "
                    f"{_census_name(census)}",
                    found,
                )
                self.count("assessments", created=True)
                continue
            values = {}
            if row.authorised_on is not None:
                values = {
                    "authorised_on": row.authorised_on,
                    "completed_on": found.completed_on or row.authorised_on,
                    "status": Assessment.Status.AUTHORISED.value,
                }
            if row.factors and sorted(row.factors) != sorted(found.factors or []):
                values["factors"] = row.factors
            self.count("assessments", updated=self.apply(found, **values))

    def _cin_plans(self, census, person, referral, episode: Episode, state) -> None:
        for row in episode.cin_plans:
            key = (referral.pk, row.starts_on)
            found = state.cin_plans.get(key)
            if found is None:
                found = ChildInNeedPlan(
                    referral=referral,
                    person=person,
                    starts_on=row.starts_on,
                    ends_on=row.ends_on,
                    what_needs_to_change=(
                        f"Imported from the {_census_name(census)} "
                        f"({_where(census, row.line)}): the census records the plan's dates, "
                        "not the plan."
                    ),
                )
                self.rows.add(found)
                state.cin_plans[key] = found
                self.chronicle(
                    person.pk,
                    row.starts_on,
                    f"Child in need plan started, imported from the {_census_name(census)}",
                    found,
                )
                self.count("child in need plans", created=True)
                continue
            changed = row.ends_on is not None and self.apply(found, ends_on=row.ends_on)
            self.count("child in need plans", updated=changed)

    def _enquiries(self, census, person, referral, episode: Episode, state, plans) -> None:
        for row in episode.enquiries:
            key = (referral.pk, row.starts_on)
            found = state.enquiries.get(key)
            target = row.conference_due_on
            if target is None:
                target = socialcare_rules.initial_conference_due_on(
                    row.starts_on, self.holidays(row.starts_on)
                )
                self._notes[
                    "{n} section 47 enquiries had no InitialCPCtarget: the target was set 15 "
                    "working days after the enquiry started (Working Together 2023)."
                ] += 1
            if row.conference_on is not None:
                outcome, completed = Section47Enquiry.Outcome.CONFERENCE.value, row.conference_on
            elif row.not_required:
                # The census does not say when an enquiry that needed no conference ended: the
                # day it started, or the first day of the census year if it started before.
                outcome = Section47Enquiry.Outcome.NOT_REQUIRED.value
                completed = max(row.starts_on, census.period_start)
            else:
                outcome, completed = "", None
            if found is None:
                discussion = StrategyDiscussion(
                    id=uuid.uuid4(),
                    referral=referral,
                    person=person,
                    held_on=row.starts_on,
                    summary=(
                        f"Imported from the {_census_name(census)} "
                        f"({_where(census, row.line)}): the census records the section 47 "
                        "enquiry, not the strategy discussion that started it, which is shown "
                        "on the day the enquiry started."
                    ),
                    outcome=StrategyDiscussion.Outcome.SECTION_47,
                    recorded_by=self.user,
                )
                self.rows.add(discussion)
                found = Section47Enquiry(
                    id=uuid.uuid4(),
                    referral=referral,
                    person=person,
                    strategy_discussion=discussion,
                    worker=self.user,
                    starts_on=row.starts_on,
                    conference_due_on=target,
                    completed_on=completed,
                    outcome=outcome,
                    findings=(
                        f"Imported from the {_census_name(census)}: the census records the "
                        "enquiry's dates and whether a conference was needed, not who made the "
                        "enquiry or what it found: the account that imported it stands as the "
                        "worker."
                    ),
                )
                if outcome == Section47Enquiry.Outcome.NOT_REQUIRED:
                    found.not_required_reason = (
                        "Not known: the census records only that no initial conference was "
                        "needed. The day the enquiry ended is not in the census either."
                    )
                self.rows.add(found)
                state.enquiries[key] = found
                self.chronicle(
                    person.pk,
                    row.starts_on,
                    f"Section 47 enquiry started, imported from the {_census_name(census)}",
                    found,
                )
                self.count("section 47 enquiries", created=True)
            else:
                values = {}
                if row.conference_due_on is not None:
                    values["conference_due_on"] = row.conference_due_on
                if row.conference_on is not None:
                    values.update(outcome=outcome, completed_on=completed)
                elif row.not_required and found.outcome != outcome:
                    values.update(outcome=outcome, completed_on=found.completed_on or completed)
                self.count("section 47 enquiries", updated=self.apply(found, **values))
            if row.conference_on is not None:
                self._initial_conference(
                    census,
                    person,
                    referral,
                    found,
                    row.conference_on,
                    found.conference_due_on,
                    plans,
                    state,
                )

    def _initial_conference(
        self, census, person, referral, enquiry, held_on, due_on, plans, state
    ) -> None:
        held = state.initial_by_enquiry[enquiry.pk]
        if any(c.held_on == held_on for c in held):
            self.count("initial conferences")
            return
        if held:
            # The census reports an enquiry's first conference: a later file corrects its date.
            first = min(held, key=lambda c: c.held_on)
            self.apply(first, held_on=held_on)
            self.count("initial conferences", updated=True)
            return
        conference = self._conference(
            census, person, referral, held_on, due_on, plans, enquiry=enquiry
        )
        held.append(conference)

    def _episode_conference(self, census, person, referral, episode, state, plans) -> None:
        """An initial conference the census gives on the episode (DateOfInitialCPC outside any
        Section47 block)."""
        held_on = episode.initial_conference_on
        if held_on is None:
            return
        linked = [
            c
            for e in state.enquiries_of(referral.pk)
            for c in state.initial_by_enquiry.get(e.pk, ())
        ]
        if any(c.held_on == held_on for c in [*linked, *state.unlinked[referral.pk]]):
            self.count("initial conferences")
            return
        state.unlinked[referral.pk].append(
            self._conference(census, person, referral, held_on, held_on, plans, enquiry=None)
        )

    def _conference(self, census, person, referral, held_on, due_on, plans, *, enquiry):
        plan = plans.get(held_on)
        conference = ChildProtectionConference(
            referral=referral,
            person=person,
            kind=ChildProtectionConference.Kind.INITIAL,
            enquiry=enquiry,
            plan=plan,
            due_on=due_on,
            held_on=held_on,
            decision=(
                ChildProtectionConference.Decision.PLAN
                if plan is not None
                else ChildProtectionConference.Decision.NO_PLAN
            ),
            category=plan.initial_category if plan is not None else "",
            summary=(
                f"Imported from the {_census_name(census)}: the census records the conference's "
                "date; whether it decided on a plan is read from a child protection plan "
                "starting the same day."
                + ("" if enquiry is not None else " The census gives no target date for it.")
            ),
            recorded_by=self.user,
        )
        self.rows.add(conference)
        self.chronicle(
            person.pk,
            held_on,
            f"Initial child protection conference, imported from the {_census_name(census)}",
            conference,
        )
        self.count("initial conferences", created=True)
        return conference

    def _cp_plans(self, census, person, referral, episode: Episode, state) -> dict:
        """The episode's plans, created or updated, by the day each started."""
        by_start = {}
        for row in episode.cp_plans:
            key = (referral.pk, row.starts_on)
            found = state.cp_plans.get(key)
            if found is None:
                found = ChildProtectionPlan(
                    id=uuid.uuid4(),
                    referral=referral,
                    person=person,
                    starts_on=row.starts_on,
                    initial_category=row.initial_category,
                    latest_category=row.latest_category,
                    previous_plans=row.previous_plans,
                    ends_on=row.ends_on,
                )
                self.rows.add(found)
                state.cp_plans[key] = found
                self.chronicle(
                    person.pk,
                    row.starts_on,
                    f"Child protection plan started ({row.initial_category}), imported from the "
                    f"{_census_name(census)}",
                    found,
                )
                if row.ends_on is not None:
                    self._chronicle_plan_end(census, person, found)
                self.count("child protection plans", created=True)
            else:
                values = {
                    "initial_category": row.initial_category,
                    "previous_plans": row.previous_plans,
                }
                if not self._known_after(found, census, state):
                    values["latest_category"] = row.latest_category
                if row.ends_on is not None:
                    values["ends_on"] = row.ends_on
                was_open = found.ends_on is None
                changed = self.apply(found, **values)
                if changed and was_open and found.ends_on is not None:
                    self._chronicle_plan_end(census, person, found)
                self.count("child protection plans", updated=changed)
            by_start[row.starts_on] = found
            self._reviews(census, person, referral, found, row, state)
        return by_start

    @staticmethod
    def _known_after(plan, census: Census, state) -> bool:
        """Whether the record knows the plan went on after the file's reference date (it ended
        later, or was reviewed later): then its latest category is newer than the file's."""
        after = census.reference_date
        return (plan.ends_on is not None and plan.ends_on > after) or any(
            day > after for day in state.reviews.get(plan.pk, ())
        )

    def _chronicle_plan_end(self, census, person, plan) -> None:
        self.chronicle(
            person.pk,
            plan.ends_on,
            f"Child protection plan ended, imported from the {_census_name(census)}",
            plan,
        )

    def _reviews(self, census, person, referral, plan, row, state) -> None:
        """The plan's review conferences in the file. The last one held by 31 March (or by the
        plan's end) carries the file's LatestCategoryOfAbuse, so the census of each year reports
        the category as it stood then (returns.cin_census.latest_category)."""
        held = state.reviews[plan.pk]
        added = False
        as_at = min(row.ends_on or census.reference_date, census.reference_date)
        last = max((day for day in row.reviews if day <= as_at), default=None)
        for day in row.reviews:
            category = row.latest_category if day == last else None
            found = held.get(day)
            if found is not None:
                changed = category is not None and self.apply(found, category=category)
                self.count("review conferences", updated=changed)
                continue
            conference = ChildProtectionConference(
                referral=referral,
                person=person,
                kind=ChildProtectionConference.Kind.REVIEW,
                plan=plan,
                due_on=socialcare_rules.cp_review_due_on(
                    initial_conference_on=plan.starts_on,
                    reviews_held=[d for d in held if d < day],
                ),
                held_on=day,
                decision=(
                    ChildProtectionConference.Decision.END
                    if plan.ends_on == day
                    else ChildProtectionConference.Decision.CONTINUE
                ),
                category=category or "",
                summary=(
                    f"Imported from the {_census_name(census)}: the census records the review's "
                    "date, not what it decided; it is shown as continuing the plan unless the "
                    "plan ended that day"
                    + (
                        ", with the plan's category of abuse as the census gave it on 31 March."
                        if category
                        else "."
                    )
                ),
                recorded_by=self.user,
            )
            self.rows.add(conference)
            held[day] = conference
            added = True
            self.count("review conferences", created=True)
        if added or plan._state.adding:
            # When the next review is due, as recording a review conference sets it.
            next_review = socialcare_rules.cp_review_due_on(
                initial_conference_on=plan.starts_on, reviews_held=list(held)
            )
            if plan._state.adding:
                plan.next_review_on = next_review
            else:
                self.apply(plan, next_review_on=next_review)

    # -- what the census holds that onestory does not model ----------------------------------

    def _kept(self, census: Census, child: CensusChild, person, state) -> None:
        for item in child.kept:
            key = (person.pk, item.table, _frozen(item.values))
            if key in state.kept:
                continue
            self.rows.add(
                KeptRow(
                    person=person,
                    source=SOURCE,
                    table=item.table,
                    year=census.year,
                    row_number=item.line or 0,
                    values=item.values,
                    imported_at=self.now,
                )
            )
            state.kept.add(key)
            self.report.keep(item.table)

    # -- re-referrals ------------------------------------------------------------------------

    def _re_referrals(self, people) -> None:
        """Each imported child's referrals point at the one before and say whether they came
        within 12 months of it (frontdoor.rules.is_re_referral), now their history is known."""
        by_person = defaultdict(list)
        for referral in Referral.objects.filter(person__in=[p.pk for p in people]).order_by(
            "referral_date", "created_at"
        ):
            by_person[referral.person_id].append(referral)
        changed = []
        for referrals in by_person.values():
            for index, referral in enumerate(referrals):
                earlier = [r for r in referrals[:index] if r.referral_date < referral.referral_date]
                previous = earlier[-1].pk if earlier else None
                repeat = frontdoor_rules.is_re_referral(
                    referral.referral_date, [r.referral_date for r in earlier]
                )
                if referral.previous_referral_id != previous or referral.is_re_referral != repeat:
                    referral.previous_referral_id = previous
                    referral.is_re_referral = repeat
                    changed.append(referral)
        if changed:
            Referral.objects.bulk_update(
                changed, ["previous_referral", "is_re_referral"], batch_size=500
            )


def _frozen(values: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in values.items()))


class _State:
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
    def read(cls, person_ids: list, census: Census) -> "_State":
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
            state.kept.add((row.person_id, row.table, _frozen(row.values)))
        return state


def run(
    paths,
    *,
    acting_user,
    now: datetime,
    progress: bool | None = None,
    year: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import children in need census files (see the module's docstring). `year`, when given,
    refuses a file for any other collection year; `dry_run` checks and counts without loading.
    Returns the report: every rejected item, what was created, updated or unchanged. Without
    an `acting_user` (a scheduled import), the rows name the "Imported return" account as
    recording them (common.import_account) and the audit names no one."""
    started = clock.perf_counter()
    report = ImportReport(SOURCE)
    today = today_in_london(now)
    censuses = []
    for path in paths:
        report.files.append(Path(path).name)
        census = read_census(path, report=report, year=year, today=today)
        if census is not None:
            censuses.append(census)
    report.years = sorted({c.year for c in censuses})
    with all_or_nothing(report, acting_user=acting_user, now=now, page=PAGE, dry_run=dry_run):
        recorder = (
            acting_user if getattr(acting_user, "is_authenticated", False) else import_account()
        )
        loader = _Loader(
            report, recorder=recorder, acting_user=acting_user, now=now, progress=progress
        )
        for census in sorted(censuses, key=lambda c: c.year):
            loader.load(census)
        loader.finish()
    report.seconds = clock.perf_counter() - started
    return report
