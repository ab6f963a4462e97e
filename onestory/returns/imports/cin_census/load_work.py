"""Loading what was done under an episode: assessments, child in need plans, section 47
enquiries, initial conferences, child protection plans and their review conferences."""

import uuid

from onestory.socialcare import rules as socialcare_rules
from onestory.socialcare.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)

from .census import Census, Episode
from .rows import LoaderBase, census_name, file_line


class WorkLoader(LoaderBase):
    """Brings in what was done under each episode (Loader, loader.py, brings the episodes)."""

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
                        f"Imported from the {census_name(census)} "
                        f"({file_line(census, row.line)}). The census records the assessment's "
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
                    f"Child and family assessment started, imported from the {census_name(census)}",
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
                        f"Imported from the {census_name(census)} "
                        f"({file_line(census, row.line)}): the census records the plan's dates, "
                        "not the plan."
                    ),
                )
                self.rows.add(found)
                state.cin_plans[key] = found
                self.chronicle(
                    person.pk,
                    row.starts_on,
                    f"Child in need plan started, imported from the {census_name(census)}",
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
                        f"Imported from the {census_name(census)} "
                        f"({file_line(census, row.line)}): the census records the section 47 "
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
                        f"Imported from the {census_name(census)}: the census records the "
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
                    f"Section 47 enquiry started, imported from the {census_name(census)}",
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
                f"Imported from the {census_name(census)}: the census records the conference's "
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
            f"Initial child protection conference, imported from the {census_name(census)}",
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
                    f"{census_name(census)}",
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
            f"Child protection plan ended, imported from the {census_name(census)}",
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
                    f"Imported from the {census_name(census)}: the census records the review's "
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
