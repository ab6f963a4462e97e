"""Reads of early help episodes, always scoped to the acting worker. They fail closed.

A worker sees an episode when they may open at least one of its family members. A partner
agency's practitioner also needs their agency to be one the family consented to share with for
this episode (or to be its lead professional): they see only the families their agency is
working with under consent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.selectors import audit_views, may_open_record, team_ids_of, visible_to
from onestory.core.clock import LONDON, today_in_london
from onestory.frontdoor.models import Decision
from onestory.frontdoor.rules import Outcome
from onestory.frontdoor.selectors_steps import is_child
from onestory.people.models import Person
from onestory.people.rules import age_in_years
from onestory.people.selectors import housemate_ids
from onestory.workforce.rules import CASE_ROLES, Role

from . import rules
from .actions.common import may_work_on
from .actions.episodes import OPENING_ROLES
from .models import Assessment, Episode, EpisodeMember, PlanAction


def episodes_visible_to(user, *, now: datetime) -> QuerySet[Episode]:
    episodes = Episode.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return episodes.none()
    if getattr(user, "role", None) not in CASE_ROLES:
        return episodes.none()
    seen = EpisodeMember.objects.filter(
        episode=OuterRef("pk"), person__in=visible_to(user, now=now)
    )
    return _as_their_agency_may(user, episodes.filter(Exists(seen)))


def _as_their_agency_may(user, episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Of episodes with a member the worker may open: a partner agency's worker sees those
    their agency works on or they lead."""
    if user.role == Role.PARTNER:
        episodes = episodes.filter(Q(agencies=user.agency_id) | Q(lead_professional=user))
    return episodes.distinct()


@dataclass
class EpisodeAccess:
    episode: Episode
    may_work_on: bool


def access_episode_by_id(
    user,
    episode_id,
    *,
    now: datetime,
    request=None,
    page: str = "early help episode",
    shows_members: bool = True,
) -> EpisodeAccess:
    """The episode, if this worker may see it, with whether they may change it.

    Every member the page shows is audited as viewed (`shows_members=False` for requests that
    show nobody, like the assessment's autosave, which audits its own change); missing and
    forbidden give the same 404, and a refused attempt is audited too.
    """
    episode = (
        episodes_visible_to(user, now=now)
        .select_related("team", "lead_professional", "household")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": page, "requested_id": str(episode_id)},
            request=request,
        )
        raise Http404("No page found")
    if shows_members:
        members = visible_members(user, episode, now=now)
        audit_views(user, members, now=now, page=page, request=request, action="view")
    return EpisodeAccess(episode=episode, may_work_on=may_work_on(user, episode))


def visible_members(user, episode: Episode, *, now: datetime) -> list:
    """The family members of the episode whose records this worker may open, children first."""
    members = visible_to(user, now=now).filter(pk__in=episode.members.values("person_id"))
    roles = dict(episode.members.values_list("person_id", "role"))
    return sorted(
        members,
        key=lambda p: (
            roles[p.pk] != EpisodeMember.Role.CHILD,
            p.date_of_birth is None,
            p.date_of_birth,
            p.family_name,
        ),
    )


def waiting_to_open(user, *, now: datetime) -> list[Decision]:
    """Front-door decisions of early help for this worker's teams (or naming them as lead
    professional) that no episode answers yet, oldest first."""
    if getattr(user, "role", None) not in OPENING_ROLES:
        return []
    decisions = (
        Decision.objects.filter(
            Q(early_help_team_id__in=team_ids_of(user)) | Q(lead_professional=user),
            outcome=Outcome.EARLY_HELP,
            final_at__isnull=False,
            contact__early_help_episode__isnull=True,
        )
        .select_related("contact", "early_help_team", "lead_professional")
        .order_by("final_at")
    )
    return list(decisions)


def decision_to_open(user, contact_id, *, now: datetime, request=None) -> Decision:
    """The front-door decision a worker may open an episode from, or 404 (audited)."""
    decision = next((d for d in waiting_to_open(user, now=now) if d.contact_id == contact_id), None)
    if decision is None:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": "open early help", "requested_id": str(contact_id)},
            request=request,
        )
        raise Http404("No page found")
    return decision


def families_of(user, *, now: datetime) -> QuerySet[Episode]:
    """The open episodes this worker leads or their team holds (for partners: their agency's),
    each with its count of overdue actions; reviews due soonest first."""
    mine = Q(lead_professional=user) | Q(team_id__in=team_ids_of(user))
    if user.role == Role.PARTNER:
        mine |= Q(agencies=user.agency_id)
    ids = episodes_visible_to(user, now=now).filter(mine, status=Episode.Status.OPEN)
    overdue = Q(
        actions__due_on__lt=today_in_london(now),
        actions__status__in=[PlanAction.Status.NOT_STARTED, PlanAction.Status.IN_PROGRESS],
    )
    return (
        Episode.objects.filter(pk__in=ids.values("pk"))
        .annotate(overdue_actions=Count("actions", filter=overdue))
        .select_related("lead_professional", "team")
        .order_by(F("next_review_on").asc(nulls_last=True), "opened_at")
    )


def episodes_of_person(user, person, *, now: datetime) -> list[Episode]:
    """The episodes of one person this worker may see, newest first (for the person page):
    none unless they may open the record."""
    if getattr(user, "role", None) not in CASE_ROLES or not may_open_record(user, person, now=now):
        return []
    return list(
        _as_their_agency_may(user, Episode.objects.filter(members__person=person))
        .select_related("lead_professional")
        .order_by("-opened_at")
    )


NOT_YET_SHARED = "not yet shared with you"


@dataclass
class Household:
    """Who a worker may include when opening early help for a child: the child's current
    household. Members whose records they cannot open yet are offered without their names
    (the family's consent will open them); restricted records are never offered."""

    child: object
    offered: list  # (person, label)


def household_to_offer(user, child, *, now: datetime, request=None) -> Household:
    today = today_in_london(now)
    members = Person.objects.filter(
        pk__in=housemate_ids(child, today),
        merged_into__isnull=True,
        date_of_death__isnull=True,
        restriction__isnull=True,
    ).order_by("date_of_birth")
    visible = set(visible_to(user, now=now).filter(pk__in=members).values_list("pk", flat=True))
    shown = [p for p in members if p.pk in visible]
    if shown:
        audit_views(user, shown, now=now, page="open early help", request=request)
    offered = []
    for person in members:
        young = is_child(person, today)
        if person.pk in visible:
            born = f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""
            offered.append((person, f"{person.full_name}{born}"))
        elif young:
            age = (
                f", aged {age_in_years(person.date_of_birth, today)}"
                if person.date_of_birth
                else ""
            )
            offered.append((person, f"A child in the household{age} ({NOT_YET_SHARED})"))
        else:
            offered.append((person, f"An adult in the household ({NOT_YET_SHARED})"))
    return Household(child=child, offered=offered)


def step_up_draft(episode: Episode, *, now: datetime) -> str:
    """A first draft of the handover to the front door, from the episode: nothing re-typed."""
    lines = [
        f"Early help episode {episode.reference}, open since "
        f"{episode.opened_at.astimezone(LONDON):%-d %B %Y}."
    ]
    lead = episode.lead_professional
    if lead:
        lines.append(f"Lead professional: {lead.get_full_name()}, {lead.agency}.")
    agencies = ", ".join(a.name for a in episode.agencies.all())
    if agencies:
        lines.append(f"Agencies working with the family: {agencies}.")
    if episode.consent_given_by:
        lines.append(
            f"Consent to early help given by {episode.consent_given_by} on "
            f"{episode.consent_given_on:%-d %B %Y}."
        )
    assessment = (
        episode.assessments.filter(status=Assessment.Status.COMPLETE)
        .order_by("-completed_at")
        .first()
    )
    if assessment is not None:
        needs = [
            f"- {rules.FACTORS[f.code].label}"
            + (f" ({f.get_severity_display().split(':')[0].lower()})" if f.severity else "")
            for f in assessment.factors.filter(presence=rules.Presence.YES)
            if not rules.FACTORS[f.code].is_strength
        ]
        if needs:
            lines.append(
                "Needs found at assessment "
                f"({assessment.completed_at.astimezone(LONDON):%-d %B %Y}):"
            )
            lines += needs
        if assessment.analysis:
            lines.append(f"Analysis: {assessment.analysis}")
    scores = _latest_scores(episode)
    if scores:
        lines.append("Distance travelled (practitioner's score, 1–10, start → latest):")
        lines += [
            f"- {rules.FACTORS[need].label}: {start} → {latest}"
            for need, (start, latest) in scores.items()
        ]
    actions = [a for a in episode.actions.all() if not a.is_finished]
    if actions:
        lines.append("Open actions in the plan:")
        lines += [
            f"- {a.action} (due {a.due_on:%-d %B %Y}, {a.get_status_display().lower()})"
            for a in actions
        ]
    return "\n".join(lines)


def _latest_scores(episode: Episode) -> dict:
    """Per need: (start, latest) practitioner scores."""
    found: dict = {}
    for score in episode.scores.select_related("review").order_by("scored_on", "created_at"):
        start, _ = found.get(score.need, (None, None))
        if score.review_id is None:
            start = score.practitioner_score
        found[score.need] = (start, score.practitioner_score)
    return found
