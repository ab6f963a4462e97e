"""Reads at the front door, scoped to the acting worker. They fail closed.

Front-door workers and managers screen every contact. A partner sees the requests they made and
what was decided, nothing more. A worker who can open a child's record reads the contacts that
named the child.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from onestory.access.selectors import (
    _deny,
    audit_views,
    identifying_details_hidden_from,
    visible_to,
)
from onestory.core.clock import today_in_london
from onestory.core.rules import Rag, rag_status
from onestory.people.models import Person
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from . import rules
from .actions import current_levels, may_screen, may_sign_off
from .models import (
    Contact,
    ContactPerson,
    Decision,
    InformationRequest,
    Referral,
    StrategyDiscussion,
)

QUEUE_PAGE_SIZE = 50  # contacts a page of the queue shows, most urgent first


class View:
    SCREEN = "screen"  # front door: everything, and may act
    READ = "read"  # a worker who can open a child named: everything, read only
    REFERRER = "referrer"  # the person who asked: their request and the outcome


def screens(user) -> bool:
    return getattr(user, "is_authenticated", False) and may_screen(user)


def _named_people_visible(user, *, now: datetime):
    return ContactPerson.objects.filter(
        contact=OuterRef("pk"), person__in=visible_to(user, now=now)
    )


def contacts_visible_to(user, *, now: datetime) -> QuerySet[Contact]:
    """Contacts this worker may open now, in any of the three views."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Contact.objects.none()
    if screens(user):
        return Contact.objects.all()
    own = Q(referrer_worker=user) | Q(recorded_by=user)
    return Contact.objects.filter(own | Q(Exists(_named_people_visible(user, now=now))))


def access_contact_by_id(user, contact_id, *, now: datetime, request=None, page: str = "contact"):
    """The contact and how this worker sees it; each linked record shown is audited.

    Missing and forbidden give the same 404, and the refusal is audited.
    """
    contact = (
        contacts_visible_to(user, now=now)
        .filter(pk=contact_id)
        .select_related("referrer_agency", "assigned_to", "recorded_by")
        .first()
    )
    if contact is None:
        _deny(user, None, now=now, page=f"front door {page}", request=request)
    if screens(user):
        view = View.SCREEN
    elif visible_to(user, now=now).filter(contact_mentions__contact=contact).exists():
        view = View.READ
    else:
        view = View.REFERRER
    if view != View.REFERRER:
        people = Person.objects.filter(contact_mentions__contact=contact).distinct()
        audit_views(
            user, list(people), now=now, page=f"front door {page}", request=request, action="view"
        )
    else:
        from onestory.access import audit

        audit.record(
            actor=user,
            action="view",
            at=now,
            obj=contact,
            detail={"page": f"front door {page} (referrer)"},
            request=request,
        )
    return contact, view


# --- The queue -------------------------------------------------------------------------------


@dataclass
class QueueRow:
    contact: Contact
    rag: Rag
    children: int
    linked: int
    named: int
    likely_known: int
    open_requests: int
    decision: Decision | None


def _rag(contact: Contact, now: datetime) -> Rag:
    return rag_status(started_at=contact.received_at, due_at=contact.due_at, now=now)


def screening_queue(user, *, now: datetime, assigned: str = "", page_number=1) -> Page:
    """Open contacts, families in immediate danger first, then least time left on the clock: one
    page of QueueRow (a busy morning's queue is read from the top, a page at a time)."""
    if not screens(user):
        raise Http404("No page found")
    contacts = (
        Contact.objects.filter(status__in=[rules.Status.RECEIVED, rules.Status.SCREENING])
        .select_related("assigned_to", "referrer_agency")
        .prefetch_related("people", "info_requests")
        .order_by("-immediate_danger", "due_at", "received_at", "pk")
    )
    if assigned == "me":
        contacts = contacts.filter(assigned_to=user)
    elif assigned == "nobody":
        contacts = contacts.filter(assigned_to__isnull=True)
    page = Paginator(contacts, QUEUE_PAGE_SIZE).get_page(page_number)
    rows = []
    for contact in page.object_list:
        named = list(contact.people.all())
        rows.append(
            QueueRow(
                contact=contact,
                rag=_rag(contact, now),
                children=sum(1 for p in named if p.role == ContactPerson.Role.CHILD),
                linked=sum(1 for p in named if p.person_id),
                named=len(named),
                likely_known=sum(
                    1
                    for p in named
                    if not p.person_id
                    and any(s.get("band") == "Likely match" for s in p.suggestions)
                ),
                open_requests=sum(1 for r in contact.info_requests.all() if not r.replied_at),
                decision=None,
            )
        )
    page.object_list = rows
    return page


def queue_counts(*, now: datetime) -> dict:
    open_contacts = Contact.objects.filter(
        status__in=[rules.Status.RECEIVED, rules.Status.SCREENING]
    )
    return {
        "open": open_contacts.count(),
        "overdue": open_contacts.filter(due_at__lte=now).count(),
        "immediate_danger": open_contacts.filter(immediate_danger=True).count(),
        "unassigned": open_contacts.filter(assigned_to__isnull=True).count(),
        "needs_attention": open_contacts.exclude(needs_attention="").count(),
    }


def waiting_for_sign_off(user) -> list[Decision]:
    if not may_sign_off(user):
        return []
    return list(
        Decision.objects.filter(sign_off=Decision.SignOff.WAITING)
        .select_related("contact", "decided_by", "level")
        .order_by("decided_at")
    )


def strategy_discussions_due(user, *, now: datetime) -> list[StrategyDiscussion]:
    if not screens(user) and getattr(user, "role", None) != "socialworker":
        return []
    due = StrategyDiscussion.objects.filter(held_at__isnull=True).select_related(
        "contact", "social_work_team"
    )
    if not screens(user):
        due = due.filter(social_work_team=user.team_id)
    return list(due.order_by("due_at"))


def my_requests(user) -> list[Contact]:
    """The requests for support this worker made, newest first, with what was decided."""
    final = Decision.objects.exclude(
        sign_off__in=[Decision.SignOff.WAITING, Decision.SignOff.RETURNED]
    )
    return list(
        Contact.objects.filter(Q(referrer_worker=user) | Q(recorded_by=user))
        .prefetch_related(Prefetch("decisions", queryset=final, to_attr="final_decisions"))
        .order_by("-received_at")[:200]
    )


# --- One contact -----------------------------------------------------------------------------


def final_decision(contact: Contact) -> Decision | None:
    return (
        contact.decisions.exclude(
            sign_off__in=[Decision.SignOff.WAITING, Decision.SignOff.RETURNED]
        )
        .select_related(
            "level",
            "decided_by",
            "signed_off_by",
            "early_help_team",
            "social_work_team",
            "lead_professional",
        )
        .first()
    )


@dataclass
class HistoryLine:
    """An earlier contact or referral about a person named, for the screener to weigh."""

    contact: Contact
    received_on: date
    outcome: str
    decided: bool
    referral: Referral | None


def front_door_history(person_id, *, before: Contact) -> list[HistoryLine]:
    """Every earlier contact that named this person, newest first, with what came of it."""
    contacts = (
        Contact.objects.filter(people__person_id=person_id, received_at__lt=before.received_at)
        .exclude(pk=before.pk)
        .prefetch_related("decisions")
        .distinct()
        .order_by("-received_at")
    )
    referrals = {r.contact_id: r for r in Referral.objects.filter(person_id=person_id)}
    lines = []
    for contact in contacts:
        decision = next(
            (
                d
                for d in contact.decisions.all()
                if d.sign_off in (Decision.SignOff.NOT_NEEDED, Decision.SignOff.AGREED)
            ),
            None,
        )
        if decision:
            outcome = decision.outcome_enum.label
        elif contact.status == rules.Status.CLOSED:
            outcome = "Closed without a decision"
        else:
            outcome = "No decision yet"
        lines.append(
            HistoryLine(
                contact=contact,
                received_on=today_in_london(contact.received_at),
                outcome=outcome,
                decided=decision is not None,
                referral=referrals.get(contact.pk),
            )
        )
    return lines


def re_referral_warning(lines: list[HistoryLine], *, on: date) -> Referral | None:
    """The referral within the last 12 months that would make a new referral a re-referral."""
    referrals = [line.referral for line in lines if line.referral]
    recent = [r for r in referrals if rules.is_re_referral(on, [r.referral_date])]
    return max(recent, key=lambda r: r.referral_date) if recent else None


def contact_page(user, contact: Contact, view: str, *, now: datetime) -> dict:
    """What the contact page shows this worker."""
    decision = final_decision(contact)
    context = {
        "contact": contact,
        "view": view,
        "decision": decision,
        "rag": _rag(contact, now) if contact.is_open else None,
    }
    if view == View.REFERRER:
        return context
    named = list(contact.people.select_related("person", "linked_by"))
    hidden = identifying_details_hidden_from(
        user, [n.person_id for n in named if n.person_id], now=now
    )
    today = today_in_london(contact.received_at)
    people = []
    for n in named:
        history = front_door_history(n.person_id, before=contact) if n.person_id else []
        people.append(
            {
                "named": n,
                "hidden": n.person_id in hidden,
                "history": history,
                "repeat_contacts": sum(1 for h in history if not h.decided),
                "re_referral": re_referral_warning(history, on=today) if n.person_id else None,
            }
        )
    latest = contact.decisions.select_related("decided_by", "signed_off_by", "level").first()
    info_requests = contact.info_requests.select_related("requested_by", "reply_recorded_by")
    if getattr(user, "role", None) == Role.PARTNER:
        # What the police told the front door is for council staff only (ADR 17): a partner
        # agency who may open a child named reads the contact without it.
        info_requests = info_requests.exclude(agency_kind=InformationRequest.AgencyKind.POLICE)
    context.update(
        {
            "people": people,
            "all_children_linked": all(
                n.person_id for n in named if n.role == ContactPerson.Role.CHILD
            ),
            "info_requests": [
                {
                    "request": r,
                    "rag": None
                    if r.replied_at
                    else rag_status(started_at=r.requested_at, due_at=r.due_at, now=now),
                }
                for r in info_requests
            ],
            "latest_decision": latest,
            "decisions": list(
                contact.decisions.select_related("decided_by", "signed_off_by", "level")
            ),
            "referrals": list(contact.referrals.select_related("person", "social_work_team")),
            "strategy_discussion": StrategyDiscussion.objects.filter(contact=contact).first(),
            "may_act": view == View.SCREEN and contact.is_open,
            "may_sign_off": (
                may_sign_off(user)
                and latest is not None
                and latest.sign_off == Decision.SignOff.WAITING
                and latest.decided_by_id != user.pk
            ),
        }
    )
    return context


# --- Choices for forms ------------------------------------------------------------------------


def screeners() -> QuerySet[Worker]:
    return (
        Worker.objects.filter(is_active=True, role__in=["frontdoor", "manager"])
        .filter(Q(team__kind=Team.Kind.FRONT_DOOR) | Q(managed_teams__kind=Team.Kind.FRONT_DOOR))
        .distinct()
        .order_by("last_name", "first_name")
    )


def teams_of_kind(*kinds: str) -> QuerySet[Team]:
    return Team.objects.filter(kind__in=kinds).select_related("agency").order_by("name")


def lead_professionals() -> QuerySet[Worker]:
    """Partner-agency practitioners who can be a family's lead professional."""
    return (
        Worker.objects.filter(is_active=True, role__in=["partner", "earlyhelp"])
        .select_related("agency")
        .order_by("last_name", "first_name")
    )


def levels_on(day: date) -> list:
    return [level for _, level in sorted(current_levels(day).items())]
