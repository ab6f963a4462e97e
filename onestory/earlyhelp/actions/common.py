"""What every early help action shares: who may work on an episode, locking, the audit row and
the chronology line on every family member's record."""

import secrets
from datetime import datetime

from onestory.access import audit
from onestory.core.errors import DomainError, StaleEdit
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role

from ..models import Episode

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHRONOLOGY_CATEGORY = "early help"
PURPOSE_EPISODE = "Early help episode"
PURPOSE_LEAD = "Lead professional (early help episode)"
# Council roles that work on any early help episode they can see; partner agencies work on the
# episodes their agency is part of (Episode.agencies, under the family's consent).
WORKING_ROLES = frozenset({Role.EARLY_HELP, Role.TEAM_MANAGER})


def new_reference() -> str:
    return "EH-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def may_work_on(user, episode: Episode) -> bool:
    """Whether this worker may add to and change the episode (the caller has already checked
    they may see it): the lead professional, early help and managers, and partner agencies
    working with the family under its consent. Nobody changes a closed episode."""
    if episode.status != Episode.Status.OPEN:
        return False
    if episode.lead_professional_id == user.pk:
        return True
    role = getattr(user, "role", None)
    if role in WORKING_ROLES:
        return True
    if role == Role.PARTNER and user.agency_id:
        return episode.agencies.filter(pk=user.agency_id).exists()
    return False


def require_may_work_on(user, episode: Episode) -> None:
    if episode.status != Episode.Status.OPEN:
        raise DomainError("This episode is closed: nothing in it can change.")
    if not may_work_on(user, episode):
        raise DomainError("Only the practitioners working with this family can change this.")


def locked_episode(episode_id, *, version: int | None = None) -> Episode:
    """The episode, locked for this transaction; refused if it changed since it was read."""
    episode = Episode.objects.select_for_update().get(pk=episode_id)
    if version is not None and episode.version != version:
        raise StaleEdit("episode")
    return episode


def bump(episode: Episode, *fields: str) -> None:
    episode.version += 1
    episode.save(update_fields=[*fields, "version", "updated_at"])


def member_ids(episode: Episode) -> list:
    return list(episode.members.values_list("person_id", flat=True))


def audit_episode(
    episode: Episode,
    action: str,
    *,
    acting_user,
    now: datetime,
    request=None,
    detail=None,
    obj=None,
) -> None:
    """One audit row for a change to an episode (the people it concerns are its members)."""
    audit.record(
        actor=acting_user,
        action=action,
        at=now,
        obj=obj if obj is not None else episode,
        detail={"page": "early help", "episode": str(episode.pk), **(detail or {})},
        request=request,
    )


def chronology(
    episode: Episode, summary: str, *, acting_user, now: datetime, obj=None, people=None
) -> None:
    """A line in the chronology of every member of the family (or of `people`)."""
    source = obj if obj is not None else episode
    ChronologyEntry.objects.bulk_create(
        [
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=summary[:500],
                recorded_by=acting_user,
                source_type=source._meta.label_lower,
                source_id=str(source.pk),
            )
            for person_id in (people if people is not None else member_ids(episode))
        ]
    )
