"""Reads for letters, always scoped to the acting worker: what a child's record offers a letter
to be about, who it may go to (only people on the record), the letters a worker may open, the
letters waiting for their approval and the managers told when a letter is recalled."""

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.access.selectors import audit_views, visible_to
from onestory.frontdoor.models import Contact
from onestory.people.models import Person
from onestory.socialcare.models import Assessment, ChildProtectionConference, ChildProtectionPlan
from onestory.workforce.models import Agency
from onestory.workforce.rules import Role

from .fields import Recipient, Record, address_text, current_address, long_date, recipient_kind_of
from .models import Letter, LetterTemplate
from .rules import RecipientKind

# Council staff who write to families and partners from a child's record, and approve each
# other's letters.
MAY_PRODUCE = frozenset({Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER})
# The council's letter and report templates are its own wording: managers and administrators
# edit them (ADR 17).
MAY_EDIT_TEMPLATES = frozenset({Role.TEAM_MANAGER, Role.ADMIN})

# What a letter may be about, by the name used in forms and in Letter.about_type.
ABOUT_MODELS = {
    "contact": Contact,
    "conference": ChildProtectionConference,
    "plan": ChildProtectionPlan,
    "assessment": Assessment,
}
# Which kind of record each kind of template is produced from.
TEMPLATE_NEEDS = {
    LetterTemplate.Kind.OUTCOME_LETTER: "contact",
    LetterTemplate.Kind.CONFERENCE_INVITATION: "conference",
    LetterTemplate.Kind.CHILD_PROTECTION_PLAN: "plan",
    LetterTemplate.Kind.ASSESSMENT_REPORT: "assessment",
}


def about_choices(child: Person) -> list[tuple[str, str]]:
    """What on this child's record a letter may be about: ("<kind>:<id>", label)."""
    choices = [("", f"{child.full_name}'s record as a whole")]
    for contact in Contact.objects.filter(people__person=child).distinct().order_by("-received_at"):
        choices.append(
            (
                f"contact:{contact.pk}",
                f"Contact {contact.reference}, {long_date(contact.received_at.date())}",
            )
        )
    for conference in ChildProtectionConference.objects.filter(person=child):
        choices.append(
            (
                f"conference:{conference.pk}",
                f"{conference.get_kind_display()}, {long_date(conference.held_on)}",
            )
        )
    for plan in ChildProtectionPlan.objects.filter(person=child):
        choices.append(
            (f"plan:{plan.pk}", f"Child protection plan from {long_date(plan.starts_on)}")
        )
    for item in Assessment.objects.filter(person=child):
        choices.append(
            (
                f"assessment:{item.pk}",
                f"Child and family assessment from {long_date(item.started_on)}",
            )
        )
    return choices


def about_object(child: Person, value: str):
    """The contact, conference, plan or assessment of this child named "<kind>:<id>", or None
    for the record as a whole; anything not on this child's record is None too."""
    if not value:
        return None
    kind, _, pk = value.partition(":")
    model = ABOUT_MODELS.get(kind)
    if model is None:
        return None
    rows = (
        model.objects.filter(people__person=child)
        if model is Contact
        else model.objects.filter(person=child)
    )
    try:
        pk = uuid.UUID(pk)
    except ValueError:
        return None
    return rows.filter(pk=pk).distinct().first()


def recipients_for(record: Record, *, now: datetime) -> list[Recipient]:
    """Everyone a letter from this record may go to: the child, their parents and carers (a
    parent alleged to have harmed the child or the other parent marked as such), the contact's
    referrer, and the workers allocated to the child (council staff or partner professionals)."""
    today = record.today
    child = record.child
    found = [
        Recipient(
            key=f"person:{child.pk}",
            kind=RecipientKind.CHILD,
            name=child.full_name,
            address=address_text(current_address(child, today)),
            person=child,
        )
    ]
    for parent in record.parents:
        found.append(
            Recipient(
                key=f"person:{parent.pk}",
                kind=recipient_kind_of(record, parent),
                name=parent.full_name,
                address=address_text(current_address(parent, today)),
                person=parent,
            )
        )
    if record.contact is not None:
        contact = record.contact
        found.append(
            Recipient(
                key=f"referrer:{contact.pk}",
                kind=RecipientKind.REFERRER,
                name=contact.referrer_name,
                address=contact.referrer_agency_name
                or (contact.referrer_agency.name if contact.referrer_agency_id else ""),
            )
        )
    allocations = (
        Allocation.objects.filter(person=child, worker__isnull=False, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("worker__agency", "worker__team")
    )
    seen = set()
    for allocation in allocations:
        worker = allocation.worker
        if worker.pk in seen:
            continue
        seen.add(worker.pk)
        council = worker.agency_id is not None and worker.agency.kind == Agency.Kind.COUNCIL
        found.append(
            Recipient(
                key=f"worker:{worker.pk}",
                kind=RecipientKind.COUNCIL_STAFF if council else RecipientKind.PROFESSIONAL,
                name=worker.get_full_name() or worker.username,
                address=", ".join(
                    filter(None, [worker.job_title, worker.agency.name if worker.agency_id else ""])
                ),
                user=worker,
            )
        )
    return found


def letters_visible_to(user, *, now: datetime) -> QuerySet[Letter]:
    if user.role not in MAY_PRODUCE:
        return Letter.objects.none()
    return Letter.objects.filter(person__in=visible_to(user, now=now))


def letters_of_child(user, child: Person, *, now: datetime) -> QuerySet[Letter]:
    return (
        letters_visible_to(user, now=now)
        .filter(person=child)
        .select_related(
            "template", "produced_by", "approved_by", "released_by", "withdrawn_by", "recalled_by"
        )
    )


def approval_queue(user, *, now: datetime, request=None) -> list[Letter]:
    """Letters waiting for a second person's approval that this worker may approve (not their
    own), oldest first. Each child whose letter is listed is audited once, as on other lists."""
    letters = list(
        letters_visible_to(user, now=now)
        .filter(status=Letter.Status.AWAITING_APPROVAL)
        .exclude(produced_by=user)
        .select_related("template", "person", "produced_by")
        .order_by("created_at")
    )
    children = list({letter.person_id: letter.person for letter in letters}.values())
    if children:
        audit_views(user, children, now=now, page="letters to approve", request=request)
    return letters


def managers_to_tell_of_a_recall(letter: Letter, acting_user, *, now: datetime) -> list:
    """The team managers of the teams the letter's child is allocated to now (through a team or
    a worker), and the manager of the worker recalling it, so that a recall is always seen by
    a manager; never the worker themselves."""
    allocations = (
        Allocation.objects.filter(person_id=letter.person_id, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("team__manager", "worker__team__manager")
    )
    teams = [acting_user.team] if acting_user.team_id else []
    for allocation in allocations:
        team = allocation.team or (allocation.worker.team if allocation.worker_id else None)
        if team is not None:
            teams.append(team)
    managers = {
        team.manager.pk: team.manager
        for team in teams
        if team.manager_id and team.manager.is_active and team.manager_id != acting_user.pk
    }
    return list(managers.values())


def access_letter_by_id(user, letter_id, *, now: datetime, request=None, page: str) -> Letter:
    """The letter, if this worker may open its child's record; the look is audited. Missing
    and forbidden give the same 404, and a refused look is audited too (in its own statement,
    never inside a transaction the 404 would roll back)."""
    letter = (
        letters_visible_to(user, now=now)
        .select_related(
            "template", "person", "produced_by", "approved_by", "released_by", "withdrawn_by",
            "recalled_by",
        )
        .filter(pk=letter_id)
        .first()
    )  # fmt: skip
    if letter is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            person_id=Letter.objects.filter(pk=letter_id).values_list("person_id", flat=True)
            .first(),
            detail={"page": page, "requested_id": str(letter_id)},
            request=request,
        )  # fmt: skip
        raise Http404("No letter found")
    audit.record(
        actor=user,
        action="view",
        at=now,
        person_id=letter.person_id,
        obj=letter,
        detail={"page": page},
        request=request,
    )
    return letter
