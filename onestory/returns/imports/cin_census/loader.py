"""Loading a census: the children, their episodes as front-door referrals, what the census
holds that onestory does not model, and each child's re-referrals."""

import uuid
from collections import defaultdict

from onestory.frontdoor import rules as frontdoor_rules
from onestory.frontdoor.actions.common import CHRONOLOGY_CATEGORY as FRONT_DOOR_CATEGORY
from onestory.frontdoor.models import Contact, ContactPerson, Decision, Referral
from onestory.socialcare import rules as socialcare_rules

from ...models import KeptRow
from ..common import find_or_create_child
from ..common import progress as progress_bar
from .census import Census, CensusChild, Episode
from .load_work import WorkLoader
from .rows import (
    IMPORTED_CHANNEL,
    SOURCE,
    State,
    census_name,
    file_line,
    frozen,
    midnight,
    new_reference,
)


class Loader(WorkLoader):
    """Brings parsed censuses into the record, file by file in year order."""

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
        state = State.read([p.pk for p in people.values()], census)
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

    def _episode(self, census, child, person, episode: Episode, state: "State") -> None:
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
        received = midnight(day)
        where = file_line(census, episode.line)
        name = census_name(census)
        contact = Contact(
            id=uuid.uuid4(),
            reference=new_reference(),
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
            f"imported from the {census_name(census)}",
            referral,
        )

    # -- what the census holds that onestory does not model ----------------------------------

    def _kept(self, census: Census, child: CensusChild, person, state) -> None:
        for item in child.kept:
            key = (person.pk, item.table, frozen(item.values))
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
