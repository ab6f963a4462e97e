"""Reads of early help episodes, always scoped to the acting worker. They fail closed.

A worker sees an episode when they may open at least one of its family members. A partner
agency's practitioner also needs their agency to be one the family consented to share with for
this episode (or to be its lead professional): they see only the families their agency is
working with under consent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.selectors import audit_views, visible_to
from onestory.workforce.rules import CASE_ROLES, Role

from .actions.common import may_work_on
from .models import Episode, EpisodeMember


def episodes_visible_to(user, *, now: datetime) -> QuerySet[Episode]:
    episodes = Episode.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return episodes.none()
    if getattr(user, "role", None) not in CASE_ROLES:
        return episodes.none()
    seen = EpisodeMember.objects.filter(
        episode=OuterRef("pk"), person__in=visible_to(user, now=now)
    )
    episodes = episodes.filter(Exists(seen))
    if user.role == Role.PARTNER:
        episodes = episodes.filter(Q(agencies=user.agency_id) | Q(lead_professional=user))
    return episodes.distinct()


@dataclass
class EpisodeAccess:
    episode: Episode
    may_work_on: bool


def access_episode_by_id(
    user, episode_id, *, now: datetime, request=None, page: str = "early help episode"
) -> EpisodeAccess:
    """The episode, if this worker may see it, with whether they may change it.

    Every member shown is audited as viewed; missing and forbidden give the same 404, and a
    refused attempt is audited too.
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
    audit_views(user, visible_members(user, episode, now=now), now=now, page=page,
                request=request, action="view")
    return EpisodeAccess(episode=episode, may_work_on=may_work_on(user, episode))


def visible_members(user, episode: Episode, *, now: datetime) -> list:
    """The family members of the episode whose records this worker may open, children first."""
    members = visible_to(user, now=now).filter(
        pk__in=episode.members.values("person_id")
    )
    roles = dict(episode.members.values_list("person_id", "role"))
    return sorted(
        members,
        key=lambda p: (roles[p.pk] != EpisodeMember.Role.CHILD, p.date_of_birth is None,
                       p.date_of_birth, p.family_name),
    )
