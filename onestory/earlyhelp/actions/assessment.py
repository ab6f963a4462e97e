"""The early help assessment: starting it (from what the family's last assessment found),
saving the draft as the practitioner types, and completing it with the family's agreement and
the start scores that distance travelled is measured from."""

import uuid
from datetime import datetime

from django.db import transaction

from onestory.access.selectors import visible_to
from onestory.core.clock import LONDON, today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import once_per_form
from onestory.pathways.rules import PATHWAY_NEEDS
from onestory.pathways.selectors import active_flags

from .. import rules
from ..models import Assessment, AssessmentFactor, Episode, Score
from ..selectors_assessment import latest_completed_assessment, open_draft, prefill_factors
from .common import audit_episode, bump, chronology, locked_episode, require_may_work_on

# The free-text answers of the assessment, in the order the page asks them.
TEXT_FIELDS = ("family_story", "child_words", "parent_views", "strengths", "analysis")
FACTOR_FIELDS = ("presence", "severity", "evidence", "view", "person_id")
PRESENCES = frozenset(p.value for p in rules.Presence)
SEVERITIES = frozenset(s.value for s in rules.Severity)
VIEWS = frozenset(v.value for v in rules.View)
AGREED_BY_MAX = Assessment._meta.get_field("agreed_by").max_length

COMPLETED = (
    "This assessment was completed, so it cannot be changed. To record what has changed, start "
    "a new assessment from the episode."
)


class CompletionRefused(DetailsRefused):
    """Completion refused; the answers sent with it were saved as the draft at `version`."""

    def __init__(self, problems: dict, *, version: int):
        super().__init__(problems)
        self.version = version


# --- Start ------------------------------------------------------------------------------------


@once_per_form(Assessment)
def assessment_start(*, episode_id, acting_user, now: datetime, request=None) -> Assessment:
    """Start the episode's assessment, or give the draft already open (one draft at a time).

    A family assessed before starts from the latest completed assessment this worker may see,
    in this episode or an earlier one: each line of the framework is copied, to be checked.
    """
    episode = locked_episode(episode_id)
    require_may_work_on(acting_user, episode)
    draft = open_draft(episode)
    if draft is not None:
        return draft
    assessment = Assessment.objects.create(
        episode=episode,
        started_at=now,
        started_by=acting_user,
        last_saved_at=now,
        last_saved_by=acting_user,
    )
    source = latest_completed_assessment(acting_user, episode, now=now)
    copied = _copy_factors(assessment, episode, source, acting_user=acting_user, now=now)
    audit_episode(
        episode,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=assessment,
        detail={
            "assessment": "started",
            "factors_copied": copied,
            **({"copied_from": str(source.pk)} if source else {}),
        },
    )
    summary = "Early help assessment started"
    if source is not None:
        summary += f", from the assessment completed on {_day(source.completed_at)}"
    chronology(episode, summary, acting_user=acting_user, now=now, obj=assessment)
    return assessment


def _copy_factors(assessment, episode, source, *, acting_user, now) -> int:
    members = set(episode.members.values_list("person_id", flat=True))
    rows = {}
    if source is not None:
        for factor in source.factors.all():
            if factor.code not in rules.FACTORS:
                continue
            rows[factor.code] = AssessmentFactor(
                assessment=assessment,
                code=factor.code,
                presence=factor.presence,
                severity=factor.severity,
                evidence=factor.evidence,
                view=factor.view,
                person_id=factor.person_id if factor.person_id in members else None,
            )
    for code, presence in prefill_factors(episode, user=acting_user, now=now).items():
        if code in rules.FACTORS and code not in rows and presence in PRESENCES:
            rows[code] = AssessmentFactor(assessment=assessment, code=code, presence=presence)
    # A child's active pathway flag (Channel, youth violence, exploitation) is a local risk the
    # record already knows about.
    seen = visible_to(acting_user, now=now).filter(pk__in=members).values_list("pk", flat=True)
    for flag in active_flags(seen, today_in_london(now)):
        code = PATHWAY_NEEDS.get(flag.pathway)
        if code in rules.FACTORS and (code not in rows or rows[code].presence != "yes"):
            rows[code] = AssessmentFactor(
                assessment=assessment,
                code=code,
                presence=rules.Presence.YES,
                evidence=f"{flag.get_pathway_display()} flag on the record since "
                f"{flag.raised_on:%-d %B %Y}.",
                view=rules.View.OTHER_AGENCY,
                person_id=flag.person_id,
            )
    AssessmentFactor.objects.bulk_create(rows.values())
    return len(rows)


def _day(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%-d %B %Y")


# --- Save the draft ---------------------------------------------------------------------------


def _locked_draft(assessment_id, *, version: int, acting_user) -> tuple[Assessment, Episode]:
    assessment = (
        Assessment.objects.select_for_update().select_related("episode").get(pk=assessment_id)
    )
    episode = assessment.episode
    require_may_work_on(acting_user, episode)
    if assessment.status != Assessment.Status.DRAFT:
        raise DomainError(COMPLETED)
    if assessment.version != version:
        raise StaleEdit("assessment")
    return assessment, episode


def _choice_problems(data: dict, *, members: set) -> dict:
    """Answers that are not among the choices the page offers (nothing else is checked while
    the assessment is a draft)."""
    problems = {}
    agreed_by = data.get("agreed_by")
    if agreed_by is not None and len(agreed_by) > AGREED_BY_MAX:
        problems["agreed_by"] = f"Who agreed must be {AGREED_BY_MAX} characters or fewer."
    for code, answers in (data.get("factors") or {}).items():
        factor = rules.FACTORS.get(code)
        if factor is None:
            problems[None] = "The assessment was sent with a line the framework does not have."
            continue
        presence = answers.get("presence") or ""
        if presence and presence not in PRESENCES:
            problems[f"{code}_presence"] = f"Choose yes, no or not known yet for “{factor.label}”."
        severity = answers.get("severity") or ""
        if severity and (severity not in SEVERITIES or factor.is_strength):
            problems[f"{code}_severity"] = f"Choose how serious “{factor.label}” is."
        view = answers.get("view") or ""
        if view and view not in VIEWS:
            problems[f"{code}_view"] = f"Choose whose view “{factor.label}” is."
        person_id = answers.get("person_id")
        if person_id and _as_key(person_id) not in members:
            problems[f"{code}_person_id"] = (
                f"Choose a member of this family for “{factor.label}”, or nobody."
            )
    return problems


def _as_key(value):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _apply(assessment: Assessment, episode: Episode, data: dict, *, now: datetime) -> list[str]:
    """Write what was sent onto the draft; returns the names (never the values) of what changed.

    Only the keys present in `data` change. A severity is kept only for a need recorded as
    present.
    """
    members = set(episode.members.values_list("person_id", flat=True))
    problems = _choice_problems(data, members=members)
    if problems:
        raise DetailsRefused(problems)
    changed = []
    for name in (*TEXT_FIELDS, "agreed_by"):
        if name in data and (data[name] or "") != getattr(assessment, name):
            setattr(assessment, name, data[name] or "")
            changed.append(name)
    if "family_agreed" in data and bool(data["family_agreed"]) != assessment.family_agreed:
        assessment.family_agreed = bool(data["family_agreed"])
        changed.append("family_agreed")
    existing = {f.code: f for f in assessment.factors.all()}
    new, updated = [], []
    for code, answers in (data.get("factors") or {}).items():
        row = existing.get(code)
        if row is None:
            row = AssessmentFactor(assessment=assessment, code=code)
        values = {
            "presence": answers.get("presence", row.presence) or "",
            "severity": answers.get("severity", row.severity) or "",
            "evidence": answers.get("evidence", row.evidence) or "",
            "view": answers.get("view", row.view) or "",
            "person_id": _as_key(answers["person_id"]) if answers.get("person_id") else None,
        }
        if "person_id" not in answers:
            values["person_id"] = row.person_id
        if values["presence"] != rules.Presence.YES:
            values["severity"] = ""
        touched = [name for name in FACTOR_FIELDS if getattr(row, name) != values[name]]
        if not touched:
            continue
        for name in touched:
            setattr(row, name, values[name])
        row.updated_at = now
        changed += [f"{code}.{name.removesuffix('_id')}" for name in touched]
        (updated if code in existing else new).append(row)
    AssessmentFactor.objects.bulk_create(new)
    if updated:
        AssessmentFactor.objects.bulk_update(updated, [*FACTOR_FIELDS, "updated_at"])
    return changed


def _saved(assessment: Assessment, changed: list[str], *, acting_user, now, extra=()) -> None:
    assessment.last_saved_at = now
    assessment.last_saved_by = acting_user
    assessment.version += 1
    fields = [n for n in (*TEXT_FIELDS, "agreed_by", "family_agreed") if n in changed]
    assessment.save(
        update_fields=[*fields, *extra, "last_saved_at", "last_saved_by", "version", "updated_at"]
    )


@transaction.atomic
def assessment_save_draft(
    *, assessment_id, version: int, data: dict, acting_user, now: datetime, request=None
) -> Assessment:
    """Save whatever has been typed so far. Nothing has to be complete; only the choices are
    checked. A save based on an older version is refused (StaleEdit) and changes nothing.

    `data` holds the free-text answers, `family_agreed`, `agreed_by`, and `factors`:
    {code: {presence, severity, evidence, view, person_id}}; keys left out stay as they are.
    """
    assessment, episode = _locked_draft(assessment_id, version=version, acting_user=acting_user)
    changed = _apply(assessment, episode, data, now=now)
    if not changed:
        return assessment
    _saved(assessment, changed, acting_user=acting_user, now=now)
    audit_episode(
        episode,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=assessment,
        detail={"assessment": "draft saved", "changed": sorted(changed)},
    )
    return assessment


# --- Complete ---------------------------------------------------------------------------------


def _score_problems(needs: list, start_scores: dict) -> dict:
    problems = {}
    for code in needs:
        label = rules.FACTORS[code].label
        family, practitioner = start_scores.get(code, (None, None))
        if practitioner is None:
            problems[f"{code}_practitioner_score"] = (
                f"Give your score for “{label}” at the start, from 1 (worst) to 10 (best)."
            )
        elif practitioner not in rules.SCORE_RANGE:
            problems[f"{code}_practitioner_score"] = (
                f"Your score for “{label}” must be from 1 to 10."
            )
        if family is not None and family not in rules.SCORE_RANGE:
            problems[f"{code}_family_score"] = (
                f"The family's score for “{label}” must be from 1 to 10."
            )
    return problems


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def assessment_complete(
    *,
    assessment_id,
    version: int,
    data: dict,
    start_scores: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Assessment:
    """Save the answers, then complete the assessment if nothing stops it.

    Completing needs the family's consent and a lead professional on the episode, the family's
    agreement (and who gave it), every need present with its severity and evidence, and the
    practitioner's start score (1–10) for every need present that has none yet in this episode
    (the family's score is optional). Every problem is refused at once (CompletionRefused); the
    answers are kept as the draft all the same.

    `start_scores` maps need codes to (family score or None, practitioner score or None).
    """
    with transaction.atomic():
        # The episode is locked first, as every early help action does.
        episode = locked_episode(
            Assessment.objects.values_list("episode_id", flat=True).get(pk=assessment_id)
        )
        assessment, _ = _locked_draft(assessment_id, version=version, acting_user=acting_user)
        changed = _apply(assessment, episode, data, now=now)
        factors = {f.code: f for f in assessment.factors.all()}
        answered = {code: (f.presence, f.severity, f.evidence) for code, f in factors.items()}
        problems = rules.completion_problems(
            has_consent=episode.has_consent,
            has_lead_professional=episode.lead_professional_id is not None,
            family_agreed=assessment.family_agreed,
            agreed_by=assessment.agreed_by,
            answered=answered,
        )
        present = {code for code, f in factors.items() if f.presence == rules.Presence.YES}
        needs = [f.code for f in rules.NEEDS if f.code in present]
        strengths = [f.code for f in rules.STRENGTHS if f.code in present]
        scored = set(
            Score.objects.filter(episode=episode, review__isnull=True).values_list(
                "need", flat=True
            )
        )
        problems.update(_score_problems([c for c in needs if c not in scored], start_scores))
        if problems:
            if changed:
                _saved(assessment, changed, acting_user=acting_user, now=now)
                audit_episode(
                    episode,
                    "update",
                    acting_user=acting_user,
                    now=now,
                    request=request,
                    obj=assessment,
                    detail={"assessment": "draft saved", "changed": sorted(changed)},
                )
            refusal = CompletionRefused(problems, version=assessment.version)
        else:
            return _complete(
                assessment,
                episode,
                changed,
                needs=needs,
                strengths=strengths,
                scored=scored,
                start_scores=start_scores,
                acting_user=acting_user,
                now=now,
                request=request,
            )
    raise refusal


def _complete(
    assessment,
    episode,
    changed,
    *,
    needs,
    strengths,
    scored,
    start_scores,
    acting_user,
    now,
    request,
) -> Assessment:
    today = today_in_london(now)
    assessment.status = Assessment.Status.COMPLETE
    assessment.completed_at = now
    assessment.completed_by = acting_user
    _saved(
        assessment,
        changed,
        acting_user=acting_user,
        now=now,
        extra=("status", "completed_at", "completed_by"),
    )
    Score.objects.bulk_create(
        [
            Score(
                episode=episode,
                review=None,
                need=code,
                family_score=start_scores[code][0],
                practitioner_score=start_scores[code][1],
                scored_on=today,
                recorded_by=acting_user,
            )
            for code in needs
            if code not in scored
        ]
    )
    fields = []
    if episode.next_review_on is None:
        episode.next_review_on = rules.next_review_on(today, episode.review_every_weeks)
        fields.append("next_review_on")
    bump(episode, *fields)
    audit_episode(
        episode,
        "update",
        acting_user=acting_user,
        now=now,
        request=request,
        obj=assessment,
        detail={
            "assessment": "completed",
            "needs": len(needs),
            "strengths": len(strengths),
            "changed": sorted(changed),
        },
    )
    chronology(
        episode,
        f"Early help assessment completed: {_plural(len(needs), 'need')}, "
        f"{_plural(len(strengths), 'strength')}",
        acting_user=acting_user,
        now=now,
        obj=assessment,
    )
    return assessment
