"""Recording a Supporting Families claim as submitted, so that no family is claimed twice."""

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import (
    DuplicateSubmission,
    previous_result,
    remember_result,
)
from onestory.people.models import ChronologyEntry

from .. import rules, supporting_families
from ..models import Episode, EpisodeMember, SupportingFamiliesClaim
from .common import CHRONOLOGY_CATEGORY, audit_episode


@dataclass
class ClaimRecorded:
    """What one submitted form recorded (the same again when the form is sent twice)."""

    claimed_on: date
    claims: list = field(default_factory=list)
    again: bool = False

    @property
    def references(self) -> list[str]:
        return sorted(c.episode.reference for c in self.claims)


def claim_record(
    *,
    episode_ids: list,
    claimed_on: date | None,
    form_token: str = "",
    acting_user,
    now: datetime,
    request=None,
) -> ClaimRecorded:
    """Record that the council submitted a result for each of these families on `claimed_on`.

    Every family must be ready to claim on that day: if any is not, nothing is recorded and
    every refusal is given with its reason. The same form sent twice records the claim once.
    """
    earlier = previous_result(token=form_token, actor_id=acting_user.pk)
    if earlier:
        return _again(earlier, episode_ids)
    try:
        return _record(
            episode_ids=episode_ids,
            claimed_on=claimed_on,
            form_token=form_token,
            acting_user=acting_user,
            now=now,
            request=request,
        )
    except DuplicateSubmission:
        return _again(previous_result(token=form_token, actor_id=acting_user.pk), episode_ids)


def _again(claim_id, episode_ids) -> ClaimRecorded:
    """What the first sending of this form recorded (the form sent again chose the same)."""
    first = SupportingFamiliesClaim.objects.get(pk=claim_id)
    claims = SupportingFamiliesClaim.objects.select_related("episode").filter(
        claimed_by_id=first.claimed_by_id,
        claimed_on=first.claimed_on,
        episode_id__in=[pk for pk in map(_uuid, episode_ids) if pk],
    )
    return ClaimRecorded(claimed_on=first.claimed_on, claims=list(claims), again=True)


def _uuid(value) -> str | None:
    try:
        return str(UUID(str(value)))
    except ValueError:
        return None


@transaction.atomic
def _record(*, episode_ids, claimed_on, form_token, acting_user, now, request) -> ClaimRecorded:
    if not supporting_families.may_record_claims(acting_user):
        raise DomainError("Only a team manager can record a Supporting Families claim.")
    problems = {}
    today = today_in_london(now)
    wanted = list(dict.fromkeys(_uuid(pk) for pk in episode_ids))
    if not wanted:
        problems["episodes"] = "Choose the families the claim was submitted for."
    elif None in wanted:
        problems["episodes"] = "Choose the families from the list of families ready to claim."
    if claimed_on is None:
        problems["claimed_on"] = "Enter the date the claim was submitted."
    elif claimed_on > today:
        problems["claimed_on"] = "The date the claim was submitted must be today or in the past."
    if problems:
        raise DetailsRefused(problems)
    # Locked in one order, so two managers recording at once wait for each other; the second
    # then finds the families already claimed.
    episodes = list(Episode.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    found = {str(e.pk) for e in episodes}
    rows = {
        str(r.episode_id): r
        for r in supporting_families.family_rows(
            today=claimed_on, episodes=Episode.objects.filter(pk__in=found)
        )
    }
    refused = {}
    for pk in wanted:
        row = rows.get(pk)
        if pk not in found or row is None:
            refused[f"episode-{pk}"] = "A family chosen is not in the programme any more."
        elif row.status != rules.ClaimStatus.CLAIMABLE:
            refused[f"episode-{row.reference}"] = f"{row.reference}: {row.explanation}"
    if refused:
        raise DetailsRefused(refused)
    claims = [
        SupportingFamiliesClaim(
            episode_id=rows[pk].episode_id,
            claimed_on=claimed_on,
            claimed_by=acting_user,
            headlines=[h.value for h in rows[pk].headlines],
        )
        for pk in wanted
    ]
    for claim in claims:
        claim.full_clean(exclude=["episode"])
    SupportingFamiliesClaim.objects.bulk_create(claims)
    remember_result(token=form_token, actor_id=acting_user.pk, result=claims[0])
    by_pk = {str(e.pk): e for e in episodes}
    summary = f"Supporting Families result claimed (submitted {claimed_on:%d/%m/%Y})"
    entries = []
    for claim in claims:
        episode = by_pk[str(claim.episode_id)]
        claim.episode = episode
        audit_episode(
            episode,
            "create",
            acting_user=acting_user,
            now=now,
            request=request,
            obj=claim,
            detail={
                "page": "supporting families claim",
                "claimed_on": claimed_on.isoformat(),
                "headlines": claim.headlines,
            },
        )
    for episode_id, person_id in EpisodeMember.objects.filter(
        episode_id__in=[c.episode_id for c in claims]
    ).values_list("episode_id", "person_id"):
        episode = by_pk[str(episode_id)]
        entries.append(
            ChronologyEntry(
                person_id=person_id,
                occurred_at=now,
                category=CHRONOLOGY_CATEGORY,
                summary=f"{summary} for early help episode {episode.reference}",
                recorded_by=acting_user,
                source_type=Episode._meta.label_lower,
                source_id=str(episode_id),
            )
        )
    ChronologyEntry.objects.bulk_create(entries)
    return ClaimRecorded(claimed_on=claimed_on, claims=claims)
