"""Every write at the front door.

Each action runs in one transaction with its audit rows, and adds what happened to the
chronology of every person linked to the contact. Time comes in as `now`.
"""

import logging
import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from onestory.access import audit
from onestory.access.models import Allocation, Notification
from onestory.access.selectors import visible_to
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import once_per_form
from onestory.core.rules import ASSESSMENT_WORKING_DAYS, add_working_days
from onestory.people import actions as people_actions
from onestory.people import matching
from onestory.people.models import ChronologyEntry, Person
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from . import rules
from .models import (
    Contact,
    ContactPerson,
    Decision,
    InformationRequest,
    LevelOfNeed,
    Referral,
    SignOffSetting,
    StrategyDiscussion,
)
from .rules import Outcome, Status

log = logging.getLogger(__name__)

# Roles that screen contacts at the front door, and those that may sign off its decisions.
SCREENING_ROLES = frozenset({Role.FRONT_DOOR, Role.TEAM_MANAGER})
SIGN_OFF_ROLES = frozenset({Role.TEAM_MANAGER})
# Roles that may ask the front door for help from inside the service (step up, step down).
STEP_UP_ROLES = frozenset({Role.EARLY_HELP, Role.PARTNER, Role.TEAM_MANAGER})
STEP_DOWN_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})

PURPOSE_FRONT_DOOR = "Front door screening"
PURPOSE_EARLY_HELP = "Early help (front door decision)"
PURPOSE_LEAD_PROFESSIONAL = "Lead professional (front door decision)"
PURPOSE_REFERRAL = "Statutory referral: child and family assessment"

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
INTAKE_MATCHES_KEPT = 5
CHRONOLOGY_CATEGORY = "front door"


class ContactRefused(DetailsRefused):
    """A request for support is missing facts; `problems` maps each field to its message."""


def _holidays_around(at: datetime) -> frozenset[date]:
    day = today_in_london(at)
    return bank_holidays_between(day - timedelta(days=31), day + timedelta(days=366))


def new_reference() -> str:
    return "FD-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _chronology(contact: Contact, summary: str, *, acting_user, now, people=None) -> None:
    people = people if people is not None else _linked_people(contact)
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=contact._meta.label_lower,
                source_id=str(contact.pk),
            )
            for person_id in people
        ]
    )


def _linked_people(contact: Contact, *, children_only: bool = False) -> list:
    named = contact.people.filter(person__isnull=False)
    if children_only:
        named = named.filter(role=ContactPerson.Role.CHILD)
    return list(dict.fromkeys(named.order_by("position").values_list("person_id", flat=True)))


def _audit(
    contact: Contact, action: str, *, acting_user, now, request=None, detail=None, person_id=None
) -> None:
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        person_id=person_id,
        obj=contact,
        detail={"page": "front door", **(detail or {})},
        request=request,
    )


def may_screen(user) -> bool:
    """Front-door workers, and managers of a front-door team, screen and decide contacts."""
    role = getattr(user, "role", None)
    if role == Role.FRONT_DOOR:
        return True
    if role != Role.TEAM_MANAGER or not user.is_active:
        return False
    if user.team_id and user.team.kind == Team.Kind.FRONT_DOOR:
        return True
    return user.managed_teams.filter(kind=Team.Kind.FRONT_DOOR).exists()


def may_sign_off(user) -> bool:
    return getattr(user, "role", None) in SIGN_OFF_ROLES and may_screen(user)


def _require_role(user, roles, message: str) -> None:
    if getattr(user, "role", None) not in roles:
        raise DomainError(message)


def _require_screener(user) -> None:
    if not may_screen(user):
        raise DomainError("Only the front door can do this.")


def _locked(contact_id, *, version: int | None = None, what: str = "contact") -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    if version is not None and contact.version != version:
        raise StaleEdit(what)
    return contact


def _bump(contact: Contact, *fields: str) -> None:
    contact.version += 1
    contact.save(update_fields=[*fields, "version", "updated_at"])


def _source_of_text(contact: Contact) -> str:
    agency = (
        contact.referrer_agency.name if contact.referrer_agency_id else contact.referrer_agency_name
    )
    return agency or rules.REFERRAL_SOURCES.get(contact.referral_source, "a member of the public")


# --- A request for support arrives ----------------------------------------------------------


@once_per_form(Contact)
def contact_submit(
    *,
    channel: str,
    referrer_name: str,
    referrer_job_title: str = "",
    referrer_agency=None,
    referrer_agency_name: str = "",
    referrer_contact: str,
    referral_source: str = "",
    what_happened: str,
    family_knows: str = "",
    consent: str,
    consent_explanation: str = "",
    immediate_danger: bool = False,
    people: list[dict],
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Save a request for support as it arrived, before anything else happens to it.

    Matching the people named against the record runs after the save has committed; if it fails,
    the contact stays in the queue marked for attention. A form submitted twice with the same
    `form_token` makes one contact.
    """
    problems = rules.request_problems(
        people=[
            rules.NamedPerson(p.get("role", ""), p.get("given_name", ""), p.get("family_name", ""))
            for p in people
        ],
        what_happened=what_happened,
        consent=consent,
        consent_explanation=consent_explanation,
        immediate_danger=immediate_danger,
        referrer_contact=referrer_contact,
    )
    if not referrer_name.strip():
        problems["referrer_name"] = "Enter the name of the person who is worried."
    if problems:
        raise ContactRefused(problems)
    is_partner = acting_user.role == Role.PARTNER
    if is_partner:
        referrer_agency = acting_user.agency
    source = referral_source or rules.referral_source_for(
        referrer_agency.kind if referrer_agency else None
    )
    if source not in rules.REFERRAL_SOURCES:
        raise ContactRefused({"referral_source": "Choose who the request came from."})
    contact = Contact.objects.create(
        reference=new_reference(),
        received_at=now,
        channel=channel,
        recorded_by=acting_user,
        referrer_worker=acting_user if is_partner else None,
        referrer_name=referrer_name.strip(),
        referrer_job_title=referrer_job_title.strip(),
        referrer_agency=referrer_agency,
        referrer_agency_name=referrer_agency_name.strip(),
        referrer_contact=referrer_contact.strip(),
        referral_source=source,
        what_happened=what_happened.strip(),
        family_knows=family_knows.strip(),
        consent=consent,
        consent_explanation=consent_explanation.strip(),
        immediate_danger=immediate_danger,
        due_at=rules.decision_due_at(
            now, immediate_danger=immediate_danger, holidays=_holidays_around(now)
        ),
    )
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact,
                position=index,
                role=p.get("role", ContactPerson.Role.CHILD),
                given_name=(p.get("given_name") or "").strip(),
                family_name=(p.get("family_name") or "").strip(),
                date_of_birth=p.get("date_of_birth"),
                address=(p.get("address") or "").strip(),
                postcode=(p.get("postcode") or "").strip().upper(),
                nhs_number=(p.get("nhs_number") or "").replace(" ", ""),
                upn=(p.get("upn") or "").replace(" ", "").upper(),
                relationship_to_child=(p.get("relationship_to_child") or "").strip(),
            )
            for index, p in enumerate(people)
        ]
    )
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"people_named": len(people), "immediate_danger": immediate_danger},
    )
    if immediate_danger:
        _notify_front_door(
            f"Immediate danger: contact {contact.reference} needs a decision and a strategy "
            "discussion today.",
        )
    contact_id = contact.pk
    transaction.on_commit(lambda: match_at_intake(contact_id))
    return contact


def _notify_front_door(message: str) -> None:
    workers = Worker.objects.filter(
        Q(role=Role.FRONT_DOOR) | Q(managed_teams__kind=Team.Kind.FRONT_DOOR), is_active=True
    ).distinct()
    Notification.objects.bulk_create([Notification(recipient=w, message=message) for w in workers])


def match_at_intake(contact_id) -> None:
    """Look for each named person in the record and keep the best matches (ids and scores).

    Never raises: a failure leaves the contact in the queue, marked for attention, so that a
    screener matches the people by hand.
    """
    try:
        with transaction.atomic():
            for named in ContactPerson.objects.filter(contact_id=contact_id, person__isnull=True):
                found = matching.search(
                    matching.prepare_query(
                        given_name=named.given_name,
                        family_name=named.family_name,
                        date_of_birth=named.date_of_birth,
                        postcode=named.postcode,
                        nhs_number=named.nhs_number,
                        upn=named.upn,
                    ),
                    limit=INTAKE_MATCHES_KEPT,
                )
                named.suggestions = [
                    {"person_id": str(r.person_id), "score": r.match.score, "band": r.match.band}
                    for r in found
                ]
                named.save(update_fields=["suggestions", "updated_at"])
    except Exception:
        # The contact itself is safe; say so in the queue. The log holds no personal details.
        log.exception("Matching at intake failed for contact %s", contact_id)
        Contact.objects.filter(pk=contact_id).update(
            needs_attention="Matching at intake failed: match the people named by hand."
        )


# --- Screening -------------------------------------------------------------------------------


def contact_assign(
    *, contact_id, to_worker, version: int, acting_user, now: datetime, request=None
) -> Contact:
    """Give a contact to a screener (themselves or another front-door worker)."""
    _require_screener(acting_user)
    if not may_screen(to_worker):
        raise DomainError("Choose a front-door worker to screen this contact.", field="worker")
    with transaction.atomic():
        contact = _locked(contact_id, version=version)
        if not rules.may("assign", contact.status):
            raise DomainError(
                f"This contact cannot be given to a screener: it is "
                f"{contact.status_enum.label.lower()}."
            )
        contact.assigned_to = to_worker
        contact.assigned_at = now
        contact.status = Status.SCREENING
        _bump(contact, "assigned_to", "assigned_at", "status")
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"assigned_to": to_worker.username},
        )
    return contact


def _front_door_allocation(person_id, *, acting_user, now) -> None:
    """Let the screener's team open the record while the contact is screened."""
    open_already = Allocation.objects.filter(
        person_id=person_id, purpose=PURPOSE_FRONT_DOOR, ends_at__isnull=True
    )
    if acting_user.team_id:
        open_already = open_already.filter(team_id=acting_user.team_id)
    else:
        open_already = open_already.filter(worker=acting_user)
    if not open_already.exists():
        Allocation.objects.create(
            person_id=person_id,
            team_id=acting_user.team_id,
            worker=None if acting_user.team_id else acting_user,
            purpose=PURPOSE_FRONT_DOOR,
            starts_at=now,
            allocated_by=acting_user,
        )


def _open_named(contact_person_id, *, acting_user) -> ContactPerson:
    named = (
        ContactPerson.objects.select_for_update()
        .select_related("contact")
        .get(pk=contact_person_id)
    )
    if not named.contact.is_open:
        raise DomainError("This contact is closed: the people named in it can no longer change.")
    if named.person_id:
        raise DomainError(
            "This person has already been linked to a record. Refresh the page to see it."
        )
    return named


def contact_person_link(
    *, contact_person_id, person_id, acting_user, now: datetime, request=None
) -> ContactPerson:
    """Link a person named in a contact to the record that is them."""
    _require_screener(acting_user)
    with transaction.atomic():
        named = _open_named(contact_person_id, acting_user=acting_user)
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None:
            raise DomainError("That record no longer exists. Search again.")
        if named.contact.people.filter(person=person).exists():
            raise DomainError("This record is already linked to someone else named in the contact.")
        named.person = person
        named.link = ContactPerson.Link.EXISTING
        named.linked_by = acting_user
        named.linked_at = now
        named.save(update_fields=["person", "link", "linked_by", "linked_at", "updated_at"])
        _front_door_allocation(person.pk, acting_user=acting_user, now=now)
        contact = named.contact
        _bump(contact)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            person_id=person.pk,
            detail={"linked": named.get_role_display()},
        )
        _chronology(
            contact,
            f"Named in request for support {contact.reference} from {_source_of_text(contact)} "
            f"(received {contact.received_at.astimezone(rules.LONDON):%-d %B %Y})",
            acting_user=acting_user,
            now=now,
            people=[person.pk],
        )
    return named


def contact_person_create_record(
    *, contact_person_id, none_of_the_matches: bool, acting_user, now: datetime, request=None
) -> ContactPerson:
    """Make a new record for a person named in a contact who is not known.

    Refused while a likely match exists that the screener has not ruled out, so that nobody is
    created twice by accident; refused too once the person is linked (a second click).
    """
    _require_screener(acting_user)
    with transaction.atomic():
        named = _open_named(contact_person_id, acting_user=acting_user)
        query = matching.prepare_query(
            given_name=named.given_name,
            family_name=named.family_name,
            date_of_birth=named.date_of_birth,
            postcode=named.postcode,
            nhs_number=named.nhs_number,
            upn=named.upn,
        )
        likely = [r for r in matching.search(query) if r.match.band == matching.match_rules.LIKELY]
        if likely and not none_of_the_matches:
            raise DomainError(
                "A record looks like the same person. Link them to it, or confirm that none of "
                "the records found is this person.",
                field="none_of_the_matches",
            )
        if not (named.given_name and named.family_name):
            raise DomainError(
                "A new record needs a first and a last name. Ask the referrer, or link an "
                "existing record."
            )
        address = None
        if named.address and named.postcode:
            address = {"line_1": named.address, "postcode": named.postcode}
        person = people_actions.person_create(
            given_name=named.given_name,
            family_name=named.family_name,
            date_of_birth=named.date_of_birth,
            nhs_number=named.nhs_number,
            upn=named.upn,
            address=address,
            acting_user=acting_user,
            now=now,
            request=request,
        )
        named.person = person
        named.link = ContactPerson.Link.NEW
        named.linked_by = acting_user
        named.linked_at = now
        named.save(update_fields=["person", "link", "linked_by", "linked_at", "updated_at"])
        _front_door_allocation(person.pk, acting_user=acting_user, now=now)
        contact = named.contact
        _bump(contact)
        _chronology(
            contact,
            f"Named in request for support {contact.reference} from {_source_of_text(contact)}",
            acting_user=acting_user,
            now=now,
            people=[person.pk],
        )
    return named


def information_request_add(
    *,
    contact_id,
    agency_kind: str,
    asked_of: str,
    question: str,
    reply_within_hours: int,
    acting_user,
    now: datetime,
    request=None,
) -> InformationRequest:
    _require_screener(acting_user)
    problems = {}
    if agency_kind not in InformationRequest.AgencyKind.values:
        problems["agency_kind"] = "Choose which agency you asked."
    if not asked_of.strip():
        problems["asked_of"] = "Say who you asked, for example the police public protection unit."
    if not question.strip():
        problems["question"] = "Write down what you asked."
    if not 1 <= reply_within_hours <= 72:
        problems["reply_within_hours"] = "Choose when you need the reply by."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        contact = _locked(contact_id)
        if not contact.is_open:
            raise DomainError("This contact is closed: no more information can be asked for.")
        info = InformationRequest.objects.create(
            contact=contact,
            agency_kind=agency_kind,
            asked_of=asked_of.strip(),
            question=question.strip(),
            requested_at=now,
            requested_by=acting_user,
            due_at=now + timedelta(hours=reply_within_hours),
        )
        _bump(contact)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"information_request": info.get_agency_kind_display()},
        )
    return info


def information_request_reply(
    *, information_request_id, reply: str, acting_user, now: datetime, request=None
) -> InformationRequest:
    _require_screener(acting_user)
    if not reply.strip():
        raise DomainError("Write down what the agency told you.", field="reply")
    with transaction.atomic():
        info = InformationRequest.objects.select_for_update().get(pk=information_request_id)
        if info.replied_at:
            raise DomainError("A reply to this request is already recorded.")
        info.reply = reply.strip()
        info.replied_at = now
        info.reply_recorded_by = acting_user
        info.save(update_fields=["reply", "replied_at", "reply_recorded_by", "updated_at"])
        _audit(
            info.contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"information_reply": info.get_agency_kind_display()},
        )
    return info


# --- Deciding --------------------------------------------------------------------------------


def current_levels(today: date) -> dict[int, LevelOfNeed]:
    """The council's levels of need as named on `today`, by number."""
    levels = {}
    for level in (
        LevelOfNeed.objects.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        .order_by("level", "-valid_from")
    ):
        levels.setdefault(level.level, level)
    return levels


def needs_sign_off(outcome: Outcome, today: date) -> bool:
    setting = SignOffSetting.objects.filter(outcome=outcome, valid_from__lte=today).first()
    return bool(setting and setting.needs_sign_off)


def contact_decide(
    *,
    contact_id,
    version: int,
    outcome: str,
    level: int | None,
    rationale: str,
    referrer_message: str,
    primary_need: str = "",
    signposting: str = "",
    early_help_team: Team | None = None,
    lead_professional: Worker | None = None,
    social_work_team: Team | None = None,
    referral_source: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> Decision:
    """Record the front door's decision on a contact, with its reasons.

    Where the council wants a manager to sign off this kind of decision it waits for them;
    otherwise it takes effect at once. A second screener deciding the same contact is refused.
    """
    _require_screener(acting_user)
    return _decide(
        contact_id=contact_id,
        version=version,
        outcome=outcome,
        level=level,
        rationale=rationale,
        referrer_message=referrer_message,
        primary_need=primary_need,
        signposting=signposting,
        early_help_team=early_help_team,
        lead_professional=lead_professional,
        social_work_team=social_work_team,
        referral_source=referral_source,
        acting_user=acting_user,
        now=now,
        request=request,
    )


def _decide(
    *,
    contact_id,
    version,
    outcome,
    level,
    rationale,
    referrer_message,
    primary_need,
    signposting,
    early_help_team,
    lead_professional,
    social_work_team,
    referral_source,
    acting_user,
    now,
    request,
) -> Decision:
    outcome = Outcome(outcome)
    problems = rules.decision_problems(
        outcome=outcome,
        level=level,
        rationale=rationale,
        primary_need=primary_need,
        signposting=signposting,
        early_help_team=early_help_team is not None,
        lead_professional=lead_professional is not None,
        social_work_team=social_work_team is not None,
    )
    if not referrer_message.strip():
        problems["referrer_message"] = "Write what the referrer will be told."
    if referral_source and referral_source not in rules.REFERRAL_SOURCES:
        problems["referral_source"] = "Choose who the request came from."
    if problems:
        raise DetailsRefused(problems)
    today = today_in_london(now)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact_id)
        latest = contact.decisions.select_related("decided_by").first()
        if contact.version != version or not rules.may("decide", contact.status):
            if latest and latest.sign_off != Decision.SignOff.RETURNED:
                raise DomainError(
                    f"{latest.decided_by} decided this contact at "
                    f"{latest.decided_at.astimezone(rules.LONDON):%H:%M on %-d %B %Y}. Your "
                    "decision has not been saved: read theirs, and talk to them or a manager if "
                    "you disagree."
                )
            raise StaleEdit("contact")
        if contact.people.filter(role=ContactPerson.Role.CHILD, person__isnull=True).exists():
            raise DomainError(
                "Link every child named to their record (or make a new one) before deciding."
            )
        level_row = current_levels(today).get(level)
        if level_row is None:
            raise DomainError("That level of need is not in use. Choose another.", field="level")
        if referral_source:
            contact.referral_source = referral_source
        sign_off = (
            Decision.SignOff.WAITING
            if needs_sign_off(outcome, today)
            else Decision.SignOff.NOT_NEEDED
        )
        decision = Decision.objects.create(
            contact=contact,
            outcome=outcome,
            level=level_row,
            rationale=rationale.strip(),
            primary_need=primary_need,
            signposting=signposting.strip(),
            early_help_team=early_help_team,
            lead_professional=lead_professional,
            social_work_team=social_work_team,
            referrer_message=referrer_message.strip(),
            decided_by=acting_user,
            decided_at=now,
            sign_off=sign_off,
        )
        contact.status = (
            Status.AWAITING_SIGN_OFF if sign_off == Decision.SignOff.WAITING else contact.status
        )
        if contact.assigned_to_id is None:
            contact.assigned_to, contact.assigned_at = acting_user, now
        _bump(contact, "status", "referral_source", "assigned_to", "assigned_at")
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"decision": outcome.value, "sign_off": sign_off},
        )
        _chronology(
            contact,
            f"Front door decision on {contact.reference}: {outcome.label}"
            + (
                " (waiting for a manager to sign off)"
                if sign_off == Decision.SignOff.WAITING
                else ""
            ),
            acting_user=acting_user,
            now=now,
        )
        if sign_off == Decision.SignOff.WAITING:
            _ask_for_sign_off(contact, acting_user)
        else:
            _take_effect(contact, decision, acting_user=acting_user, now=now)
    return decision


def _ask_for_sign_off(contact: Contact, acting_user) -> None:
    managers = (
        Worker.objects.filter(managed_teams__kind=Team.Kind.FRONT_DOOR, is_active=True)
        .exclude(pk=acting_user.pk)
        .distinct()
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=m,
                message=f"A front door decision on {contact.reference} is "
                "waiting for your sign-off.",
            )
            for m in managers
        ]
    )


def decision_sign_off(
    *, decision_id, agree: bool, comment: str, acting_user, now: datetime, request=None
) -> Decision:
    """A manager agrees a decision (it takes effect) or returns it to the screener, saying why."""
    if not may_sign_off(acting_user):
        raise DomainError("Only a front door manager can sign off a front door decision.")
    if not agree and not comment.strip():
        raise DomainError(
            "Say why you are returning the decision, so the screener can act on it.",
            field="comment",
        )
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update().select_related("contact").get(pk=decision_id)
        )
        contact = _locked(decision.contact_id)
        if decision.sign_off != Decision.SignOff.WAITING or not rules.may(
            "sign_off", contact.status
        ):
            raise DomainError("This decision has already been signed off or returned.")
        if decision.decided_by_id == acting_user.pk:
            raise DomainError(
                "Someone other than the person who made the decision must sign it off."
            )
        decision.sign_off = Decision.SignOff.AGREED if agree else Decision.SignOff.RETURNED
        decision.signed_off_by = acting_user
        decision.signed_off_at = now
        decision.sign_off_comment = comment.strip()
        decision.version += 1
        decision.save(
            update_fields=[
                "sign_off",
                "signed_off_by",
                "signed_off_at",
                "sign_off_comment",
                "version",
                "updated_at",
            ]
        )
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"sign_off": decision.sign_off},
        )
        if agree:
            _chronology(
                contact,
                f"Manager signed off the front door decision on "
                f"{contact.reference}: {decision.outcome_enum.label}",
                acting_user=acting_user,
                now=now,
            )
            _take_effect(contact, decision, acting_user=acting_user, now=now)
        else:
            contact.status = Status.SCREENING
            _bump(contact, "status")
            _chronology(
                contact,
                f"Manager returned the front door decision on {contact.reference} to the screener",
                acting_user=acting_user,
                now=now,
            )
            if contact.assigned_to_id:
                Notification.objects.create(
                    recipient_id=contact.assigned_to_id,
                    message=f"Your decision on {contact.reference} was returned: {comment.strip()}",
                )
    return decision


def _take_effect(contact: Contact, decision: Decision, *, acting_user, now: datetime) -> None:
    """The decision is final: the family gets the help decided, and the referrer is told."""
    decision.final_at = now
    decision.save(update_fields=["final_at", "updated_at"])
    contact.status = Status.DECIDED
    _bump(contact, "status")
    people = _linked_people(contact)
    children = _linked_people(contact, children_only=True)
    # The front door's own access ends with the decision.
    Allocation.objects.filter(
        person_id__in=people, purpose=PURPOSE_FRONT_DOOR, ends_at__isnull=True
    ).update(ends_at=now)
    outcome = decision.outcome_enum
    if outcome == Outcome.EARLY_HELP:
        Allocation.objects.bulk_create(
            [
                Allocation(
                    person_id=person_id,
                    team=decision.early_help_team,
                    worker=decision.lead_professional,
                    purpose=PURPOSE_LEAD_PROFESSIONAL
                    if decision.lead_professional
                    else PURPOSE_EARLY_HELP,
                    starts_at=now,
                    allocated_by=acting_user,
                )
                for person_id in people
            ]
        )
    elif outcome in rules.STATUTORY_OUTCOMES:
        _refer(contact, decision, children, acting_user=acting_user, now=now)
        Allocation.objects.bulk_create(
            [
                Allocation(
                    person_id=person_id,
                    team=decision.social_work_team,
                    purpose=PURPOSE_REFERRAL,
                    starts_at=now,
                    allocated_by=acting_user,
                )
                for person_id in people
            ]
        )
        if outcome == Outcome.STRATEGY_DISCUSSION:
            StrategyDiscussion.objects.create(
                contact=contact,
                due_at=rules.strategy_discussion_due_at(now),
                social_work_team=decision.social_work_team,
            )
            _chronology(
                contact,
                f"Strategy discussion called, to be held today ({contact.reference})",
                acting_user=acting_user,
                now=now,
            )
    if contact.referrer_worker_id:
        Notification.objects.create(
            recipient_id=contact.referrer_worker_id,
            message=f"The front door has decided your request for support {contact.reference}. "
            "Open “My requests” to read the outcome.",
        )


def _refer(contact, decision, children, *, acting_user, now) -> None:
    today = today_in_london(now)
    holidays = bank_holidays_between(today, today + timedelta(days=120))
    for person_id in children:
        earlier = list(
            Referral.objects.filter(person_id=person_id, referral_date__lte=today).order_by(
                "-referral_date"
            )
        )
        repeat = rules.is_re_referral(today, [r.referral_date for r in earlier])
        Referral.objects.create(
            contact=contact,
            person_id=person_id,
            referral_date=today,
            source=contact.referral_source,
            primary_need=decision.primary_need,
            is_re_referral=repeat,
            previous_referral=earlier[0] if earlier else None,
            social_work_team=decision.social_work_team,
            assessment_due_on=add_working_days(today, ASSESSMENT_WORKING_DAYS, holidays),
        )
        summary = f"Referral to children's social care ({contact.reference})"
        if repeat:
            summary += f": a re-referral within {rules.RE_REFERRAL_MONTHS} months"
        _chronology(contact, summary, acting_user=acting_user, now=now, people=[person_id])


def contact_close(
    *, contact_id, version: int, reason: str, acting_user, now: datetime, request=None
) -> Contact:
    """Close a contact that needs no decision (a repeat of one already open, sent in error)."""
    _require_screener(acting_user)
    if len(reason.strip()) < 10:
        raise DomainError(
            "Say why this contact needs no decision, for example which contact it repeats.",
            field="reason",
        )
    with transaction.atomic():
        contact = _locked(contact_id, version=version)
        if not rules.may("close", contact.status):
            raise DomainError("Only a contact waiting for a decision can be closed.")
        contact.status = Status.CLOSED
        contact.closed_reason = reason.strip()
        contact.closed_at = now
        _bump(contact, "status", "closed_reason", "closed_at")
        Allocation.objects.filter(
            person_id__in=_linked_people(contact),
            purpose=PURPOSE_FRONT_DOOR,
            ends_at__isnull=True,
        ).update(ends_at=now)
        _audit(
            contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"closed": True},
        )
        _chronology(
            contact,
            f"Contact {contact.reference} closed without a decision: {reason.strip()}",
            acting_user=acting_user,
            now=now,
        )
    return contact


def strategy_discussion_record(
    *,
    discussion_id,
    held_at: datetime,
    agencies_present: list,
    summary: str,
    outcome: str,
    acting_user,
    now: datetime,
    request=None,
) -> StrategyDiscussion:
    """Record that the strategy discussion was held: who took part, and what it decided."""
    if not (may_screen(acting_user) or acting_user.role == Role.SOCIAL_WORKER):
        raise DomainError("Only the front door or a social worker can record this.")
    problems = {}
    if held_at > now:
        problems["held_at"] = "The time it was held must be in the past."
    if not {"social_care", "police"} <= set(agencies_present):
        problems["agencies_present"] = (
            "A strategy discussion needs at least children's social care and the police."
        )
    if outcome not in rules.STRATEGY_OUTCOMES:
        problems["outcome"] = "Choose what the strategy discussion decided."
    if not summary.strip():
        problems["summary"] = "Summarise what was shared and why the discussion decided this."
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        discussion = (
            StrategyDiscussion.objects.select_for_update()
            .select_related("contact")
            .get(pk=discussion_id)
        )
        if discussion.held_at:
            raise DomainError("This strategy discussion has already been recorded.")
        discussion.held_at = held_at
        discussion.agencies_present = [a for a in rules.STRATEGY_AGENCIES if a in agencies_present]
        discussion.summary = summary.strip()
        discussion.outcome = outcome
        discussion.recorded_by = acting_user
        discussion.version += 1
        discussion.save()
        _audit(
            discussion.contact,
            "update",
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"strategy_discussion": outcome},
        )
        _chronology(
            discussion.contact,
            f"Strategy discussion held: {rules.STRATEGY_OUTCOMES[outcome]}",
            acting_user=acting_user,
            now=now,
        )
    return discussion


# --- Step up and step down -------------------------------------------------------------------


def _carried_people(person_ids, *, acting_user, now) -> list[Person]:
    people = list(visible_to(acting_user, now=now).filter(pk__in=person_ids))
    if len(people) != len(set(person_ids)):
        raise DomainError("You can only step up or down people whose records you can open.")
    return people


def _current_postcode(person: Person) -> str:
    address = person.addresses.filter(valid_to__isnull=True).order_by("-valid_from").first()
    return address.postcode if address else ""


def _carry(contact: Contact, people: list[Person], children_ids: set, *, acting_user, now):
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact,
                position=index,
                role=ContactPerson.Role.CHILD
                if p.pk in children_ids
                else ContactPerson.Role.PARENT,
                given_name=p.given_name,
                family_name=p.family_name,
                date_of_birth=p.date_of_birth,
                postcode=_current_postcode(p),
                nhs_number=p.nhs_number,
                upn=p.upn,
                person=p,
                link=ContactPerson.Link.CARRIED,
                linked_by=acting_user,
                linked_at=now,
            )
            for index, p in enumerate(people)
        ]
    )


@once_per_form(Contact)
def step_up(
    *,
    child_ids: list,
    adult_ids: list,
    what_has_changed: str,
    handover_summary: str,
    consent: str,
    consent_explanation: str = "",
    immediate_danger: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Early help asks the front door for statutory help, carrying over what is already known."""
    _require_role(acting_user, STEP_UP_ROLES, "Only early help can step a family up.")
    problems = {}
    if not child_ids:
        problems["child_ids"] = "Choose at least one child to step up."
    if not what_has_changed.strip():
        problems["what_has_changed"] = "Say what has changed and why early help is not enough."
    if consent not in {c.value for c in rules.Consent}:
        problems["consent"] = "Say whether the family agreed to their information being shared."
    elif consent != rules.Consent.GIVEN and not consent_explanation.strip():
        problems["consent_explanation"] = "Say why consent was refused or not asked for."
    if problems:
        raise DetailsRefused(problems)
    people = _carried_people([*child_ids, *adult_ids], acting_user=acting_user, now=now)
    contact = Contact.objects.create(
        reference=new_reference(),
        received_at=now,
        channel=Contact.Channel.STEP_UP,
        recorded_by=acting_user,
        referrer_worker=acting_user,
        referrer_name=acting_user.get_full_name() or acting_user.username,
        referrer_job_title=acting_user.job_title,
        referrer_agency=acting_user.agency,
        referrer_contact=acting_user.email or "Through onestory",
        referral_source=rules.referral_source_for(None, from_early_help=True),
        what_happened=what_has_changed.strip(),
        handover_summary=handover_summary.strip(),
        consent=consent,
        consent_explanation=consent_explanation.strip(),
        immediate_danger=immediate_danger,
        due_at=rules.decision_due_at(
            now, immediate_danger=immediate_danger, holidays=_holidays_around(now)
        ),
    )
    _carry(contact, people, set(child_ids), acting_user=acting_user, now=now)
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"step_up": True, "people_named": len(people)},
    )
    _chronology(
        contact,
        f"Stepped up to the front door ({contact.reference}): {what_has_changed.strip()}",
        acting_user=acting_user,
        now=now,
    )
    return contact


@once_per_form(Contact)
def step_down(
    *,
    child_ids: list,
    adult_ids: list,
    early_help_team: Team | None,
    level: int,
    handover_summary: str,
    rationale: str,
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Children's social care hands a family to early help, with a handover summary.

    It is recorded as a front door contact decided "early help" (signed off where the council
    asks), so the family's history reads as one story.
    """
    _require_role(
        acting_user, STEP_DOWN_ROLES, "Only children's social care can step a family down."
    )
    problems = {}
    if not child_ids:
        problems["child_ids"] = "Choose at least one child to step down."
    if len(handover_summary.strip()) < rules.MIN_RATIONALE_LENGTH:
        problems["handover_summary"] = (
            "Write a handover summary: what the family needs, what has worked, and who knows them."
        )
    if early_help_team is None:
        problems["early_help_team"] = "Choose the early help team that will take the family."
    if len(rationale.strip()) < rules.MIN_RATIONALE_LENGTH:
        problems["rationale"] = "Explain why early help is now the right help."
    if problems:
        raise DetailsRefused(problems)
    people = _carried_people([*child_ids, *adult_ids], acting_user=acting_user, now=now)
    contact = Contact.objects.create(
        reference=new_reference(),
        received_at=now,
        channel=Contact.Channel.STEP_DOWN,
        recorded_by=acting_user,
        referrer_worker=acting_user,
        referrer_name=acting_user.get_full_name() or acting_user.username,
        referrer_job_title=acting_user.job_title,
        referrer_agency=acting_user.agency,
        referrer_contact=acting_user.email or "Through onestory",
        referral_source="5A",
        what_happened="Step down from children's social care to early help.",
        handover_summary=handover_summary.strip(),
        consent=rules.Consent.GIVEN,
        status=Status.SCREENING,
        assigned_to=acting_user,
        assigned_at=now,
        due_at=rules.decision_due_at(now, immediate_danger=False, holidays=_holidays_around(now)),
    )
    _carry(contact, people, set(child_ids), acting_user=acting_user, now=now)
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"step_down": True, "people_named": len(people)},
    )
    _chronology(
        contact,
        f"Stepped down to early help ({contact.reference})",
        acting_user=acting_user,
        now=now,
    )
    _decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome=Outcome.EARLY_HELP,
        level=level,
        rationale=rationale,
        primary_need="",
        signposting="",
        early_help_team=early_help_team,
        lead_professional=None,
        social_work_team=None,
        referral_source="",
        referrer_message=rules.draft_referrer_message(
            Outcome.EARLY_HELP, team=early_help_team.name
        ),
        acting_user=acting_user,
        now=now,
        request=request,
    )
    contact.refresh_from_db()
    return contact
