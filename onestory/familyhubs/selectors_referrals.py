"""Reads of referrals to directory services, scoped to the acting worker. They fail closed.

A worker sees a referral when they may see where it was made from (the early help episode, or,
for the front door, any contact) or, outside partner agencies, when they may open one of the
family members referred. Names are shown only of the members whose records they may open (front
door screeners: every record but restricted ones they are not named on)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.selectors import (
    _deny,
    audit_views,
    identifying_details_hidden_from,
    visible_to,
)
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import today_in_london
from onestory.earlyhelp.actions.common import WORKING_ROLES
from onestory.earlyhelp.actions.episodes import OPENING_ROLES
from onestory.earlyhelp.models import Episode, EpisodeMember
from onestory.earlyhelp.selectors import access_episode_by_id, episodes_visible_to
from onestory.earlyhelp.selectors import visible_members as episode_members_visible
from onestory.frontdoor.actions import SCREENING_ROLES, may_screen
from onestory.frontdoor.models import Contact, ContactPerson
from onestory.frontdoor.selectors import access_contact_by_id, final_decision
from onestory.people.models import Person
from onestory.workforce.rules import CASE_ROLES, Role

from . import rules_referrals
from .models import Service, ServiceReferral
from .rules import ReferralStatus
from .selectors_directory import services_for_referral

# Who may refer a family to a service: those who work on early help episodes, and the front door.
REFERRING_ROLES = frozenset(OPENING_ROLES | SCREENING_ROLES)
# How many services a search shows at once.
SEARCH_LIMIT = 50
# How many finished referrals the list shows under the open ones.
FINISHED_LIMIT = 20

STATUS_TAGS = {
    ReferralStatus.MADE: "govuk-tag--blue",
    ReferralStatus.ACCEPTED: "govuk-tag--turquoise",
    ReferralStatus.DECLINED: "govuk-tag--orange",
    ReferralStatus.CLOSED: "govuk-tag--grey",
}

NOT_YOURS = "Only the practitioners working with this family can change this referral."


# --- Who may see, make and follow up a referral ----------------------------------------------


def referrals_visible_to(user, *, now: datetime) -> QuerySet[ServiceReferral]:
    referrals = ServiceReferral.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return referrals.none()
    if getattr(user, "role", None) not in CASE_ROLES:
        return referrals.none()
    seen = Q(episode__in=episodes_visible_to(user, now=now).values("pk"))
    if may_screen(user):
        seen |= Q(contact__isnull=False)
    if user.role != Role.PARTNER:
        # Partners see families only through the episode their agency works on.
        referred = ServiceReferral.people.through.objects.filter(
            servicereferral_id=OuterRef("pk"), person__in=visible_to(user, now=now)
        )
        seen |= Q(Exists(referred))
    return referrals.filter(seen)


def may_follow_up(user, referral: ServiceReferral) -> bool:
    """Whether this worker (who can see the referral) may record the service's answer and the
    close: whoever made it, managers, and those working on where it came from: the episode's
    lead professional, early help practitioners and the partner agencies working with the family,
    or the front door for a contact."""
    role = getattr(user, "role", None)
    if referral.made_by_id == user.pk or role == Role.TEAM_MANAGER:
        return True
    if referral.episode_id:
        episode = referral.episode
        if episode.lead_professional_id == user.pk or role in WORKING_ROLES:
            return True
        if role == Role.PARTNER and user.agency_id:
            return episode.agencies.filter(pk=user.agency_id).exists()
    if referral.contact_id:
        return may_screen(user)
    return False


# --- Where a referral is made from ---------------------------------------------------------


@dataclass
class Offered:
    """A family member the referral form offers."""

    person: Person
    label: str
    is_child: bool


@dataclass
class Origin:
    """Where a referral is being made from, and who in the family it may be for."""

    episode: Episode | None
    contact: Contact | None
    offered: list[Offered]
    reference: str
    back_url_name: str

    @property
    def query(self) -> dict:
        if self.episode is not None:
            return {"episode": str(self.episode.pk)}
        return {"contact": str(self.contact.pk)}

    @property
    def back_id(self):
        return self.episode.pk if self.episode is not None else self.contact.pk


def _born(person: Person) -> str:
    return f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""


def origin_episode(user, episode_id, *, now: datetime, request=None) -> Origin:
    """The episode a worker may refer its family from (open, and they may work on it), or 404."""
    access = access_episode_by_id(
        user, episode_id, now=now, request=request, page="refer to a service"
    )
    episode = access.episode
    if not access.may_work_on:
        raise Http404("No page found")
    roles = dict(episode.members.values_list("person_id", "role"))
    offered = [
        Offered(
            person=person,
            label=f"{person.full_name}{_born(person)}",
            is_child=roles[person.pk] == EpisodeMember.Role.CHILD,
        )
        for person in episode_members_visible(user, episode, now=now)
    ]
    return Origin(
        episode=episode,
        contact=None,
        offered=offered,
        reference=episode.reference,
        back_url_name="earlyhelp:episode",
    )


def refers_from_contact(contact: Contact) -> bool:
    """Whether the front door decided this contact in a way a family may be referred on from."""
    decision = final_decision(contact)
    return decision is not None and decision.outcome in rules_referrals.REFERRABLE_OUTCOMES


def origin_contact(user, contact_id, *, now: datetime, request=None) -> Origin:
    """The front-door contact a screener may refer the family from, or 404.

    Only a contact decided as no further action (signposting) or early help, and only the people
    named in it who are linked to a record, can be referred."""
    if not may_screen(user):
        _deny(user, None, now=now, page="refer to a service", request=request)
    contact, _view = access_contact_by_id(
        user, contact_id, now=now, request=request, page="refer to a service"
    )
    if not refers_from_contact(contact):
        raise Http404("No page found")
    named = [n for n in contact.people.select_related("person") if n.person_id]
    hidden = identifying_details_hidden_from(user, [n.person_id for n in named], now=now)
    offered, seen = [], set()
    for n in named:
        if n.person_id in hidden or n.person_id in seen or n.person.merged_into_id:
            continue
        seen.add(n.person_id)
        offered.append(
            Offered(
                person=n.person,
                label=f"{n.person.full_name}{_born(n.person)}",
                is_child=n.role == ContactPerson.Role.CHILD,
            )
        )
    return Origin(
        episode=None,
        contact=contact,
        offered=offered,
        reference=contact.reference,
        back_url_name="frontdoor:contact",
    )


# --- The directory, as the referral form searches it -----------------------------------------


def services_to_choose(user, *, query: str = "", category: str = "") -> list[Service]:
    """The directory's services matching the search (those taking referrals first), at most
    SEARCH_LIMIT of them."""
    return services_for_referral(user, query=query, category=category)[:SEARCH_LIMIT]


def service_to_refer(service_id) -> Service | None:
    return Service.objects.filter(pk=service_id, active=True).first()


# --- One referral ------------------------------------------------------------------------------


@dataclass
class ReferralRow:
    """A referral as a list or a page shows it to one worker."""

    referral: ServiceReferral
    names: list[str]
    hidden: int
    overdue: bool
    waiting_days: int | None
    may_follow_up: bool = False
    people: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        status = ReferralStatus(self.referral.status)
        if status == ReferralStatus.CLOSED and self.referral.attended is not None:
            return "Closed: attended" if self.referral.attended else "Closed: did not attend"
        return status.label

    @property
    def status_tag(self) -> str:
        if self.referral.status == ReferralStatus.CLOSED and self.referral.attended:
            return "govuk-tag--green"
        return STATUS_TAGS[ReferralStatus(self.referral.status)]


def _holidays(first: date, last: date):
    return bank_holidays_between(first, last)


def _rows(user, referrals: list[ServiceReferral], *, now: datetime) -> list[ReferralRow]:
    today = today_in_london(now)
    ids = {p.pk for r in referrals for p in r.people.all()}
    hidden = identifying_details_hidden_from(user, ids, now=now) if ids else set()
    earliest = min((today_in_london(r.made_at) for r in referrals), default=today)
    holidays = _holidays(earliest, today)
    rows = []
    for referral in referrals:
        people = sorted(
            (p for p in referral.people.all() if p.pk not in hidden),
            key=lambda p: (p.date_of_birth is None, p.date_of_birth, p.family_name),
        )
        waiting = None
        overdue = False
        if rules_referrals.is_open(referral.status):
            since = rules_referrals.last_step_on(
                referral.status,
                made_on=today_in_london(referral.made_at),
                decided_on=today_in_london(referral.decided_at) if referral.decided_at else None,
            )
            waiting = rules_referrals.working_days_waiting(since, today, holidays)
            overdue = rules_referrals.is_overdue(referral.status, since, today, holidays)
        rows.append(
            ReferralRow(
                referral=referral,
                names=[p.full_name for p in people],
                hidden=len(referral.people.all()) - len(people),
                overdue=overdue,
                waiting_days=waiting,
                people=people,
            )
        )
    return rows


def _with_related(referrals: QuerySet) -> QuerySet:
    return referrals.select_related(
        "service",
        "episode",
        "episode__lead_professional",
        "contact",
        "made_by",
        "decided_by",
        "closed_by",
    ).prefetch_related("people")


def access_referral_by_id(
    user, referral_id, *, now: datetime, request=None, page: str = "service referral"
) -> ReferralRow:
    """The referral if this worker may see it, with whether they may follow it up; each family
    member shown is audited as viewed. Missing and forbidden give the same (audited) 404."""
    referral = _with_related(referrals_visible_to(user, now=now)).filter(pk=referral_id).first()
    if referral is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": page, "requested_id": str(referral_id)},
            request=request,
        )
        raise Http404("No page found")
    row = _rows(user, [referral], now=now)[0]
    row.may_follow_up = may_follow_up(user, referral)
    if row.people:
        audit_views(user, row.people, now=now, page=page, request=request, action="view")
    return row


# --- Lists -------------------------------------------------------------------------------------


@dataclass
class MyReferrals:
    waiting: list[ReferralRow]
    accepted: list[ReferralRow]
    finished: list[ReferralRow]

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.waiting + self.accepted if row.overdue)


def referrals_of(user, *, now: datetime, request=None) -> MyReferrals:
    """The referrals this worker or their teams made, or made for the families they lead:
    waiting for the service's answer first (longest waiting first), then accepted and not yet
    closed, then the latest finished ones. Each family member named is audited as listed."""
    from onestory.access.selectors import team_ids_of

    teams = team_ids_of(user)
    mine = (
        Q(made_by=user)
        | Q(made_by__team_id__in=teams)
        | Q(episode__team_id__in=teams)
        | Q(episode__lead_professional=user)
    )
    referrals = _with_related(referrals_visible_to(user, now=now).filter(mine))
    open_ones = list(
        referrals.filter(status__in=[s.value for s in rules_referrals.OPEN_STATUSES]).order_by(
            "made_at"
        )
    )
    finished = list(
        referrals.exclude(status__in=[s.value for s in rules_referrals.OPEN_STATUSES]).order_by(
            "-made_at"
        )[:FINISHED_LIMIT]
    )
    rows = _rows(user, open_ones + finished, now=now)
    shown = {p.pk: p for row in rows for p in row.people}
    if shown:
        audit_views(user, list(shown.values()), now=now, page="service referrals", request=request)
    accepted = [r for r in rows[: len(open_ones)] if r.referral.status == ReferralStatus.ACCEPTED]
    accepted.sort(key=lambda r: r.referral.decided_at or r.referral.made_at)
    return MyReferrals(
        waiting=[r for r in rows[: len(open_ones)] if r.referral.status == ReferralStatus.MADE],
        accepted=accepted,
        finished=rows[len(open_ones) :],
    )


def referrals_from_episode(user, episode: Episode, *, now: datetime) -> list[ReferralRow]:
    """An episode's referrals, newest first, for its page (which has audited its members)."""
    referrals = _with_related(referrals_visible_to(user, now=now).filter(episode=episode)).order_by(
        "-made_at"
    )
    return _rows(user, list(referrals), now=now)


def referrals_from_contact(user, contact: Contact, *, now: datetime) -> list[ReferralRow]:
    """A contact's referrals, newest first, for its page (which has audited the people named)."""
    referrals = _with_related(referrals_visible_to(user, now=now).filter(contact=contact)).order_by(
        "-made_at"
    )
    return _rows(user, list(referrals), now=now)
