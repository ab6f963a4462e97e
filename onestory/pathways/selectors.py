"""Reads of pathways and contexts, always scoped to the acting worker. They fail closed.

A child's flags, referrals and missing episodes are read by whoever may open the child's
record. Council practitioners see every context; a partner agency's practitioner sees a context
only while a child whose record they may open is linked to it. On a context's page a worker
sees by name only the linked children they may open, and a count of the others.
"""

from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.selectors import audit_views, may_open_record, visible_to
from onestory.core.clock import today_in_london
from onestory.people.models import Person
from onestory.workforce.models import Agency, Team, Worker
from onestory.workforce.rules import CASE_ROLES, Role

from . import rules
from .actions.common import AUDIT_PAGE, may_act
from .models import (
    Context,
    ContextAction,
    ContextLink,
    ContextNote,
    MissingEpisode,
    PanelReferral,
    PanelReview,
    PathwayFlag,
)


def active_flags(person_ids, on: date) -> QuerySet[PathwayFlag]:
    """The flags active on a date for these people. Not scoped: the caller scopes the people
    (early help uses it to start an assessment's local risks from the children's flags)."""
    return (
        PathwayFlag.objects.filter(person_id__in=list(person_ids), raised_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .order_by("person_id", "pathway")
    )


def may_read(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in rules.READING_ROLES
    )


# --- A child's pathways ------------------------------------------------------------------------


def _referrals_with_reviews():
    return Prefetch(
        "referrals",
        queryset=PanelReferral.objects.select_related("referred_by", "decided_by").prefetch_related(
            Prefetch("reviews", queryset=PanelReview.objects.select_related("recorded_by"))
        ),
    )


def _describe_referral(referral: PanelReferral, today: date) -> PanelReferral:
    referral.review_overdue = referral.is_held_by_panel and rules.is_overdue(
        referral.next_review_on, today
    )
    return referral


def person_section(user, person: Person, *, now: datetime) -> dict:
    """What the person page shows of a child's pathways: flags (active first) with their panel
    referral, and the contexts the child is linked to. Empty for anyone who may not open the
    record."""
    if not may_read(user) or not may_open_record(user, person, now=now):
        return {"shown": False}
    today = today_in_london(now)
    flags = list(
        PathwayFlag.objects.filter(person=person).prefetch_related(_referrals_with_reviews())
    )
    flags.sort(key=lambda f: (not f.is_active, -f.raised_on.toordinal()))
    for flag in flags:
        referrals = [_describe_referral(r, today) for r in flag.referrals.all()]
        flag.latest_referral = referrals[0] if referrals else None
    links = list(
        ContextLink.objects.filter(person=person, ended_on__isnull=True)
        .select_related("context")
        .order_by("context__name")
    )
    acting = may_act(user)
    child = rules.is_child(date_of_birth=person.date_of_birth, unborn=person.is_unborn, on=today)
    return {
        "shown": True,
        "person": person,
        "flags": flags,
        "links": links,
        "may_act": acting,
        # Flags and contexts are for children: not offered on an adult's or an unborn baby's
        # record (the flag action refuses them too).
        "may_raise": acting and child is not False and person.date_of_death is None,
        "may_link": acting and child is not False and contexts_to_link(person).exists(),
        "today": today,
    }


def flag_of(person: Person, flag_id) -> PathwayFlag:
    """One of this child's flags (the child's record is already open); 404 otherwise."""
    flag = PathwayFlag.objects.filter(pk=flag_id, person=person).first()
    if flag is None:
        raise Http404("No flag found")
    return flag


def referral_of(person: Person, referral_id) -> PanelReferral:
    referral = (
        PanelReferral.objects.select_related("flag")
        .filter(pk=referral_id, flag__person=person)
        .first()
    )
    if referral is None:
        raise Http404("No referral found")
    return referral


def missing_episode_of(person: Person, episode_id) -> MissingEpisode:
    episode = (
        MissingEpisode.objects.select_related("flag")
        .filter(pk=episode_id, flag__person=person)
        .first()
    )
    if episode is None:
        raise Http404("No missing episode found")
    return episode


def link_of(person: Person, link_id) -> ContextLink:
    link = ContextLink.objects.select_related("context").filter(pk=link_id, person=person).first()
    if link is None:
        raise Http404("No link found")
    return link


def flag_page(user, person: Person, flag_id, *, now: datetime) -> dict:
    """A flag with its referrals, their reviews, and (for missing children) missing episodes."""
    flag = (
        PathwayFlag.objects.filter(pk=flag_id, person=person)
        .select_related("raised_by", "ended_by")
        .prefetch_related(_referrals_with_reviews())
        .first()
    )
    if flag is None:
        raise Http404("No flag found")
    today = today_in_london(now)
    referrals = [_describe_referral(r, today) for r in flag.referrals.all()]
    episodes = list(flag.missing_episodes.select_related("recorded_by"))
    for episode in episodes:
        episode.interview_due_on = (
            rules.return_interview_due_on(episode.returned_at) if episode.returned_at else None
        )
        episode.interview_late = rules.return_interview_late(
            returned_at=episode.returned_at, offered_on=episode.interview_offered_on, today=today
        )
    acting = may_act(user)
    return {
        "person": person,
        "flag": flag,
        "referrals": referrals,
        "open_referral": next((r for r in referrals if r.is_open), None),
        "episodes": episodes,
        "is_missing": flag.pathway == rules.Pathway.MISSING,
        "panel": flag.pathway_enum.panel,
        "panel_source": rules.PANEL_SOURCES[flag.pathway_enum.panel],
        "may_act": acting and flag.is_active,
        "today": today,
    }


# --- Contexts ----------------------------------------------------------------------------------


def contexts_visible_to(user, *, now: datetime) -> QuerySet[Context]:
    contexts = Context.objects.all()
    if not may_read(user):
        return contexts.none()
    if user.role in rules.COUNCIL_CASE_ROLES:
        return contexts
    if user.role == Role.PARTNER:
        linked = ContextLink.objects.filter(
            context=OuterRef("pk"),
            ended_on__isnull=True,
            person__in=visible_to(user, now=now),
        )
        return contexts.filter(Exists(linked))
    return contexts.none()


def context_list(user, *, now: datetime) -> dict:
    """The contexts this worker may see, open ones first, each with how many children are
    linked now (a number only: the names are on the context's page, for those who may open
    them)."""
    rows = list(
        contexts_visible_to(user, now=now)
        .select_related("team")
        .annotate(linked=Count("links", filter=Q(links__ended_on__isnull=True)))
        .order_by("name")
    )
    return {
        "open_contexts": [c for c in rows if c.is_open],
        "closed_contexts": [c for c in rows if not c.is_open],
        "may_act": may_act(user),
    }


def access_context_by_id(
    user, context_id, *, now: datetime, request=None, page: str = "context"
) -> Context:
    """The context, if this worker may see it; the look is audited. Missing and forbidden
    give the same 404, and a refused attempt is audited too."""
    context = (
        contexts_visible_to(user, now=now)
        .select_related("team", "created_by")
        .filter(pk=context_id)
        .first()
    )
    if context is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": page, "requested_id": str(context_id)},
            request=request,
        )
        raise Http404("No page found")
    audit.record(
        actor=user,
        action="view",
        at=now,
        obj=context,
        detail={"page": f"{AUDIT_PAGE}: {page}"},
        request=request,
    )
    return context


def context_page(user, context: Context, *, now: datetime, request=None) -> dict:
    """A context's notes and plan, the linked children this worker may open (by name) and how
    many others are linked. Each child shown is audited as listed."""
    today = today_in_london(now)
    links = list(
        ContextLink.objects.filter(context=context)
        .select_related("person", "linked_by")
        .order_by("-linked_on")
    )
    openable = set(
        visible_to(user, now=now)
        .filter(pk__in={link.person_id for link in links})
        .values_list("pk", flat=True)
    )
    current = [link for link in links if link.is_current]
    shown = [link for link in current if link.person_id in openable]
    past = [link for link in links if not link.is_current and link.person_id in openable]
    people = list({link.person_id: link.person for link in shown + past}.values())
    if people:
        audit_views(user, people, now=now, page=f"{AUDIT_PAGE}: context", request=request)
    actions = list(
        ContextAction.objects.filter(context=context).select_related("owner_worker", "owner_agency")
    )
    for row in actions:
        row.overdue = not row.is_finished and rules.is_overdue(row.due_on, today)
    actions.sort(key=lambda a: (a.is_finished, a.due_on is None, a.due_on or today))
    return {
        "context": context,
        "links": shown,
        "past_links": past,
        "hidden_count": len({link.person_id for link in current} - openable),
        "notes": list(ContextNote.objects.filter(context=context).select_related("written_by")),
        "actions": actions,
        "may_act": may_act(user),
        "today": today,
    }


def contexts_to_link(person: Person) -> QuerySet[Context]:
    """Open contexts this child is not linked to now (the caller is a council practitioner)."""
    current = ContextLink.objects.filter(
        context=OuterRef("pk"), person=person, ended_on__isnull=True
    )
    return Context.objects.filter(status=Context.Status.OPEN).exclude(Exists(current))


def context_action_of(context: Context, action_id) -> ContextAction:
    row = ContextAction.objects.filter(pk=action_id, context=context).first()
    if row is None:
        raise Http404("No action found")
    return row


def teams_for_contexts() -> QuerySet[Team]:
    """Council teams that work with children (not performance or systems teams)."""
    return (
        Team.objects.filter(agency__kind=Agency.Kind.COUNCIL)
        .exclude(kind__in=[Team.Kind.PERFORMANCE, Team.Kind.SYSTEMS])
        .select_related("agency")
        .order_by("name")
    )


def owners_for(context: Context, user) -> QuerySet[Worker]:
    """Workers who may own an action in a context's plan: the acting worker and the case
    workers of the team that keeps the context."""
    return (
        Worker.objects.filter(is_active=True, role__in=[r.value for r in CASE_ROLES])
        .filter(Q(team_id=context.team_id) | Q(pk=user.pk))
        .order_by("last_name", "first_name", "username")
    )


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")
