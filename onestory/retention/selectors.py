"""Reads for retention: which records are past their disposal date, and who is held.

Only the data protection officer reads these (every function refuses anyone else): the
schedule names records of every team, by reference, so it is theirs alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, Max, OuterRef, Q

from onestory.core.clock import LONDON
from onestory.workforce.rules import Role

from . import rules
from .models import LegalHold, RetentionRule
from .rules import Facts, RecordClass

# The classes whose disposal is built (docs/adr/0021): their records are deleted whole, with
# what hangs from them. The others are listed on the schedule for the officer to act on.
DISPOSABLE = frozenset({RecordClass.EARLY_HELP, RecordClass.FRONT_DOOR_CONTACT})
# Care period end reasons that mean the child was adopted (SSDA903 REC codes E11 and E12).
ADOPTED = ("E11", "E12")


class NotTheOfficer(PermissionError):
    """Someone other than the data protection officer asked for retention's reads."""


def _officer_only(acting_user) -> None:
    if getattr(acting_user, "role", None) != Role.DATA_PROTECTION_OFFICER:
        raise NotTheOfficer("Only the data protection officer reads the disposal schedule.")


@dataclass(frozen=True)
class DueRecord:
    record_class: RecordClass
    record_id: str
    person_ids: tuple[str, ...]  # the people the record is about (references, not names)
    disposal_on: date
    rule: str

    @property
    def disposable(self) -> bool:
        return self.record_class in DISPOSABLE

    @property
    def reference(self) -> str:
        """A short reference to the record: the start of its id."""
        return self.record_id[:8]


def council_rules() -> dict[RecordClass, rules.CouncilRule]:
    return {RecordClass(r.record_class): r.as_rule for r in RetentionRule.objects.all()}


def held_person_ids() -> set[str]:
    held = LegalHold.objects.filter(lifted_at__isnull=True)
    return {str(p) for p in held.values_list("person_id", flat=True)}


def _day(moment) -> date | None:
    return moment.astimezone(LONDON).date() if moment is not None else None


def _candidates(only: RecordClass | None = None) -> list[tuple]:
    """(class, record id, people, facts) of every record of each class (or of `only`), with
    the facts its disposal date depends on."""
    from onestory.earlyhelp.models import Episode, EpisodeMember
    from onestory.frontdoor.models import Contact, ContactPerson, Decision, Referral
    from onestory.frontdoor.models import StrategyDiscussion as FrontDoorStrategy
    from onestory.people.models import Person
    from onestory.socialcare.models import CarePeriod

    found = []

    def wanted(record_class):
        return only is None or only == record_class

    looked_after = Person.objects.filter(
        Exists(CarePeriod.objects.filter(person=OuterRef("pk")))
    ).values_list("pk", "date_of_birth", "date_of_death")
    for pk, born, died in looked_after if wanted(RecordClass.CHILD_LOOKED_AFTER) else ():
        found.append(
            (RecordClass.CHILD_LOOKED_AFTER, str(pk), (str(pk),),
             Facts(date_of_birth=born, date_of_death=died))
        )  # fmt: skip
    adopted = CarePeriod.objects.filter(end_reason__in=ADOPTED, ends_on__isnull=False)
    if not wanted(RecordClass.ADOPTION):
        adopted = adopted.none()
    for pk, person_id, ends_on in adopted.values_list("pk", "person_id", "ends_on"):
        found.append(
            (RecordClass.ADOPTION, str(pk), (str(person_id),), Facts(adoption_order_on=ends_on))
        )
    referrals = Referral.objects.filter(closed_on__isnull=False)
    if not wanted(RecordClass.CHILD_IN_NEED):
        referrals = referrals.none()
    for pk, person_id, closed_on, born in referrals.values_list(
        "pk", "person_id", "closed_on", "person__date_of_birth"
    ):
        found.append(
            (RecordClass.CHILD_IN_NEED, str(pk), (str(person_id),),
             Facts(closed_on=closed_on, date_of_birth=born))
        )  # fmt: skip
    members = defaultdict(list)
    closed = Episode.objects.filter(status=Episode.Status.CLOSED, closed_at__isnull=False)
    if not wanted(RecordClass.EARLY_HELP):
        closed = closed.none()
    for episode_id, person_id in EpisodeMember.objects.filter(
        episode__in=closed.values("pk")
    ).values_list("episode_id", "person_id"):
        members[episode_id].append(str(person_id))
    for pk, closed_at in closed.values_list("pk", "closed_at"):
        found.append(
            (RecordClass.EARLY_HELP, str(pk), tuple(members[pk]),
             Facts(closed_on=_day(closed_at)))
        )  # fmt: skip
    contacts = _contacts_that_went_no_further(
        Contact, Decision, Referral, FrontDoorStrategy, Episode
    )
    if not wanted(RecordClass.FRONT_DOOR_CONTACT):
        contacts = contacts.none()
    for pk, closed_at, decided_at in contacts:
        found.append((RecordClass.FRONT_DOOR_CONTACT, str(pk), (), Facts(
            closed_on=_day(closed_at or decided_at))))  # fmt: skip
    named = defaultdict(list)
    contact_ids = [f[1] for f in found if f[0] == RecordClass.FRONT_DOOR_CONTACT]
    for contact_id, person_id in ContactPerson.objects.filter(
        contact_id__in=contact_ids, person__isnull=False
    ).values_list("contact_id", "person_id"):
        named[str(contact_id)].append(str(person_id))
    return [
        (c, pk, tuple(named[pk]) if c == RecordClass.FRONT_DOOR_CONTACT else people, facts)
        for c, pk, people, facts in found
    ]


def _contacts_that_went_no_further(Contact, Decision, Referral, FrontDoorStrategy, Episode):
    """Decided or closed contacts with no referral, early help episode or strategy discussion,
    and no decision other than no further action: (id, closed_at, last decision's time)."""
    return (
        Contact.objects.filter(status__in=("decided", "closed"))
        .exclude(Exists(Referral.objects.filter(contact=OuterRef("pk"))))
        .exclude(Exists(FrontDoorStrategy.objects.filter(contact=OuterRef("pk"))))
        .exclude(
            Exists(
                Episode.objects.filter(
                    Q(contact=OuterRef("pk")) | Q(step_up_contact=OuterRef("pk"))
                )
            )
        )
        .exclude(Exists(Decision.objects.filter(contact=OuterRef("pk")).exclude(outcome="nfa")))
        .annotate(decided_at=Max("decisions__decided_at"))
        .values_list("pk", "closed_at", "decided_at")
    )


def due_records(
    *, acting_user, today: date, include_held: bool = False, only: RecordClass | None = None
) -> list[DueRecord]:
    """Records whose disposal date is on or before `today`, oldest date first. Records about
    anyone under a legal hold are left out (unless `include_held`, for the officer's checks)."""
    _officer_only(acting_user)
    council = council_rules()
    held = set() if include_held else held_person_ids()
    due = []
    for record_class, pk, people, facts in _candidates(only):
        rule = council.get(record_class)
        if record_class not in rules.STATUTORY and rule is None:
            continue  # no rule: nothing is proposed for a class the council has not set
        disposal_on = rules.disposal_date(record_class, facts, rule)
        if not rules.is_due(disposal_on, today) or held.intersection(people):
            continue
        due.append(
            DueRecord(record_class, pk, people, disposal_on, rules.describe(record_class, rule))
        )
    due.sort(key=lambda d: (d.disposal_on, d.record_class, d.record_id))
    return due


def due_record(*, acting_user, today: date, record_class: str, record_id) -> DueRecord | None:
    """One record of the schedule, held or not (None when it is not past its date)."""
    try:
        wanted = (RecordClass(record_class), str(UUID(str(record_id))))
    except ValueError:
        return None
    everything = due_records(
        acting_user=acting_user, today=today, include_held=True, only=wanted[0]
    )
    for record in everything:
        if (record.record_class, record.record_id) == wanted:
            return record
    return None


def holds(*, acting_user):
    _officer_only(acting_user)
    return LegalHold.objects.select_related("person", "placed_by", "lifted_by").order_by(
        "lifted_at", "-placed_at"
    )


def hold_by_id(*, acting_user, hold_id):
    _officer_only(acting_user)
    return holds(acting_user=acting_user).filter(pk=hold_id).first()


def rules_for(*, acting_user):
    _officer_only(acting_user)
    return RetentionRule.objects.select_related("updated_by")


def person_to_hold(*, acting_user, person_id):
    """The person a hold is placed on (the officer confirms the name), or None."""
    from onestory.people.models import Person

    _officer_only(acting_user)
    return Person.objects.filter(pk=person_id).first()
