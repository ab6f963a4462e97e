"""Supporting Families: where every family stands in the programme, worked out from what
practitioners already record, and the claim report the council submits.

Nothing is keyed twice. For each early help episode (a family):

- the needs are the framework needs marked present in the episode's latest completed
  assessment; the start score of a need is its practitioner score with no review, and the latest
  is its practitioner score at the latest review that scored it (else the start score);
- the family was assessed if any assessment was completed, had a lead professional if one was
  ever named, and had a plan if the plan has at least one action;
- the family "came back" on the first day after closure any member needed help again: a contact
  received after closure that the front door finally decided as early help, a statutory referral
  or a strategy discussion; a new early help episode for a member; or a referral to children's
  social care.

The report is for the council's performance analysts and team managers. It names families by
episode reference only: no names, dates of birth or addresses (the ward is enough to plan with).
Every look at it is audited.
"""

import bisect
import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from onestory.access import audit
from onestory.core.clock import LONDON, today_in_london
from onestory.frontdoor.models import ContactPerson, Decision, Referral
from onestory.frontdoor.rules import Outcome
from onestory.people.models import Address
from onestory.workforce.rules import Role

from . import rules
from .models import (
    Assessment,
    AssessmentFactor,
    Episode,
    EpisodeMember,
    LeadProfessional,
    PlanAction,
    Score,
    SupportingFamiliesClaim,
)
from .rules import ClaimStatus, Headline

# Who reads the report, and who records a claim as submitted.
REPORT_ROLES = frozenset({Role.ANALYST, Role.TEAM_MANAGER})
CLAIM_ROLES = frozenset({Role.TEAM_MANAGER})
# Front-door outcomes that mean the family needed help again.
HELP_AGAIN = (Outcome.EARLY_HELP, Outcome.STATUTORY_REFERRAL, Outcome.STRATEGY_DISCUSSION)
NEED_CODES = tuple(f.code for f in rules.NEEDS)
# The order families are listed in: the ones to act on first.
STATUS_ORDER = (
    ClaimStatus.CLAIMABLE,
    ClaimStatus.SUSTAINING,
    ClaimStatus.WORKING,
    ClaimStatus.NOT_ACHIEVED,
    ClaimStatus.CLAIMED,
    ClaimStatus.NOT_ELIGIBLE,
)
PAGE = "supporting families"
# The GOV.UK tag colour each status is shown in.
STATUS_TAGS = {
    ClaimStatus.CLAIMABLE: "green",
    ClaimStatus.SUSTAINING: "blue",
    ClaimStatus.WORKING: "light-blue",
    ClaimStatus.NOT_ACHIEVED: "orange",
    ClaimStatus.CLAIMED: "grey",
    ClaimStatus.NOT_ELIGIBLE: "grey",
}
# Families listed on the page at most; the summary counts them all.
LIST_LIMIT = 500
# Families whose members are looked up at once for help again after closure (the query names
# each member, so it stays well inside every database's limit on parameters).
CHUNK = 400


@dataclass(frozen=True)
class FamilyRow:
    """One family (episode) in the programme, with the evidence for where it stands."""

    episode_id: UUID
    reference: str
    team: str
    opened_on: date
    closed_on: date | None
    closure: str
    ward: str
    evidence: tuple[rules.HeadlineEvidence, ...]
    # Each need identified: (code, start score, latest score).
    scores: tuple[tuple[str, int | None, int | None], ...]
    status: ClaimStatus
    reasons: tuple[str, ...]
    sustained_from: date | None
    came_back_on: date | None
    claimed_on: date | None
    explanation: str

    @property
    def status_label(self) -> str:
        return rules.CLAIM_STATUS_LABELS[self.status]

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS[self.status]

    @property
    def closure_label(self) -> str:
        return rules.CLOSURE_LABELS.get(self.closure, self.closure) if self.closure else ""

    @property
    def headlines(self) -> tuple[Headline, ...]:
        return tuple(e.headline for e in self.evidence)

    @property
    def is_eligible(self) -> bool:
        return self.status != ClaimStatus.NOT_ELIGIBLE


@dataclass(frozen=True)
class Summary:
    families: int
    by_status: tuple[tuple[ClaimStatus, str, int], ...]
    by_headline: tuple[tuple[Headline, str, int], ...]

    def count(self, status: ClaimStatus) -> int:
        return next(n for s, _, n in self.by_status if s == status)


@dataclass(frozen=True)
class Report:
    """The page: the families listed (eligible ones, or one status), the summary of all, and
    the families ready to claim."""

    families: list[FamilyRow]
    summary: Summary
    claimable: list[FamilyRow]


# --- Building the rows (no user: callers scope and audit) ------------------------------------


def family_rows(*, today: date, episodes: QuerySet[Episode] | None = None) -> list[FamilyRow]:
    """Every family of `episodes` (default: all) assessed against the programme on `today`.

    A fixed handful of queries, however many episodes there are (a few more for every
    CHUNK families whose result waits on whether they needed help again).
    """
    episodes = Episode.objects.all() if episodes is None else episodes
    chosen = episodes.values("pk")
    facts = list(
        episodes.annotate(
            has_plan=Exists(PlanAction.objects.filter(episode=OuterRef("pk"))),
            had_lead=Exists(LeadProfessional.objects.filter(episode=OuterRef("pk"))),
        ).values(
            "pk",
            "reference",
            "team__name",
            "opened_at",
            "closed_at",
            "closure_reason",
            "lead_professional_id",
            "has_plan",
            "had_lead",
        )
    )
    needs = _needs(chosen)
    claims = dict(
        SupportingFamiliesClaim.objects.filter(episode__in=chosen).values_list(
            "episode_id", "claimed_on"
        )
    )
    members = defaultdict(list)
    first_child = {}
    for episode_id, person_id, role in (
        EpisodeMember.objects.filter(episode__in=chosen)
        .order_by("created_at")
        .values_list("episode_id", "person_id", "role")
    ):
        members[episode_id].append(person_id)
        if role == EpisodeMember.Role.CHILD:
            first_child.setdefault(episode_id, person_id)
    wards = _wards(chosen)
    inputs = {}
    for f in facts:
        episode_id = f["pk"]
        assessed, present = needs.get(episode_id, (False, ()))
        inputs[episode_id] = {
            "needs": {
                code: (start, start if reviewed is None else reviewed)
                for code, start, reviewed in present
            },
            "assessed": assessed,
            "has_lead_professional": bool(f["lead_professional_id"] or f["had_lead"]),
            "has_plan": f["has_plan"],
            "closed_on": today_in_london(f["closed_at"]) if f["closed_at"] else None,
            "closure": f["closure_reason"],
            "claimed": episode_id in claims,
            "today": today,
        }
    assessments = {
        pk: rules.assess_claim(came_back_on=None, **values) for pk, values in inputs.items()
    }
    # Whether the family needed help again decides only the results that are otherwise won.
    waiting = {
        f["pk"]: f["closed_at"]
        for f in facts
        if assessments[f["pk"]].status in (ClaimStatus.SUSTAINING, ClaimStatus.CLAIMABLE)
    }
    came_back = _came_back(waiting, members)
    for pk, day in came_back.items():
        assessments[pk] = rules.assess_claim(came_back_on=day, **inputs[pk])

    rows = []
    for f in facts:
        episode_id = f["pk"]
        assessment = assessments[episode_id]
        claimed_on = claims.get(episode_id)
        rows.append(
            FamilyRow(
                episode_id=episode_id,
                reference=f["reference"],
                team=f["team__name"],
                opened_on=today_in_london(f["opened_at"]),
                closed_on=inputs[episode_id]["closed_on"],
                closure=f["closure_reason"],
                ward=wards.get(first_child.get(episode_id), ""),
                evidence=assessment.evidence,
                scores=tuple(
                    (code, *scores) for code, scores in inputs[episode_id]["needs"].items()
                ),
                status=assessment.status,
                reasons=assessment.reasons,
                sustained_from=assessment.sustained_from,
                came_back_on=came_back.get(episode_id),
                claimed_on=claimed_on,
                explanation=rules.claim_explanation(assessment, claimed_on=claimed_on),
            )
        )
    rows.sort(key=_listing_order)
    return rows


def _listing_order(row: FamilyRow):
    return (
        STATUS_ORDER.index(row.status),
        row.sustained_from or date.max,
        row.closed_on or date.max,
        row.reference,
    )


def _needs(chosen) -> dict:
    """Per episode: whether an assessment was completed, and each need present in the latest
    completed one with its (start score, latest review's score or None)."""
    latest = {}
    for episode_id, assessment_id in (
        Assessment.objects.filter(episode__in=chosen, status=Assessment.Status.COMPLETE)
        .order_by("completed_at", "last_saved_at")
        .values_list("episode_id", "pk")
    ):
        latest[episode_id] = assessment_id  # the last one wins
    scores = Score.objects.filter(
        episode_id=OuterRef("assessment__episode_id"), need=OuterRef("code")
    ).values("practitioner_score")
    present = defaultdict(list)
    for assessment_id, code, start, reviewed in (
        AssessmentFactor.objects.filter(
            assessment__episode__in=chosen,
            assessment__status=Assessment.Status.COMPLETE,
            presence=rules.Presence.YES,
            code__in=NEED_CODES,
        )
        .annotate(
            start=Subquery(scores.filter(review__isnull=True)[:1]),
            reviewed=Subquery(
                scores.filter(review__isnull=False).order_by(
                    "-review__held_on", "-review__created_at"
                )[:1]
            ),
        )
        .order_by("code")
        .values_list("assessment_id", "code", "start", "reviewed")
    ):
        present[assessment_id].append((code, start, reviewed))
    return {
        episode_id: (True, tuple(present.get(assessment_id, ())))
        for episode_id, assessment_id in latest.items()
    }


def _wards(chosen) -> dict:
    """The ward of each child's current address (the latest, if more than one is current)."""
    children = EpisodeMember.objects.filter(
        episode__in=chosen, role=EpisodeMember.Role.CHILD
    ).values("person_id")
    wards = {}
    for person_id, ward in (
        Address.objects.filter(person_id__in=children, valid_to__isnull=True, ward__isnull=False)
        .order_by("valid_from")
        .values_list("person_id", "ward__name")
    ):
        wards[person_id] = ward
    return wards


def _came_back(closed: dict, members: dict) -> dict:
    """Per closed episode, the first London date after closure any member needed help again."""
    result = {}
    episodes = list(closed)
    for start in range(0, len(episodes), CHUNK):
        chunk = {pk: closed[pk] for pk in episodes[start : start + CHUNK]}
        result.update(_came_back_chunk(chunk, members))
    return result


def _came_back_chunk(closed: dict, members: dict) -> dict:
    since = min(closed.values())
    people = list({person_id for pk in closed for person_id in members.get(pk, ())})
    final_outcome = Subquery(
        Decision.objects.filter(contact=OuterRef("contact_id"), final_at__isnull=False)
        .order_by("-final_at")
        .values("outcome")[:1]
    )
    times = defaultdict(list)  # person -> datetimes they needed help again
    for person_id, received_at in (
        ContactPerson.objects.filter(person_id__in=people, contact__received_at__gt=since)
        .annotate(final_outcome=final_outcome)
        .filter(final_outcome__in=[o.value for o in HELP_AGAIN])
        .values_list("person_id", "contact__received_at")
    ):
        times[person_id].append(received_at)
    for person_id, opened_at in EpisodeMember.objects.filter(
        person_id__in=people, episode__opened_at__gt=since
    ).values_list("person_id", "episode__opened_at"):
        times[person_id].append(opened_at)
    days = defaultdict(list)  # person -> dates of referrals to children's social care
    for person_id, referred_on in Referral.objects.filter(
        person_id__in=people, referral_date__gt=since.astimezone(LONDON).date()
    ).values_list("person_id", "referral_date"):
        days[person_id].append(referred_on)
    for values in (*times.values(), *days.values()):
        values.sort()

    result = {}
    for episode_id, closed_at in closed.items():
        closed_on = today_in_london(closed_at)
        first = None
        for person_id in members.get(episode_id, ()):
            moments = times.get(person_id, ())
            i = bisect.bisect_right(moments, closed_at)
            if i < len(moments):
                first = _earlier(first, today_in_london(moments[i]))
            referred = days.get(person_id, ())
            j = bisect.bisect_right(referred, closed_on)
            if j < len(referred):
                first = _earlier(first, referred[j])
        if first is not None:
            result[episode_id] = first
    return result


def _earlier(a: date | None, b: date) -> date:
    return b if a is None or b < a else a


def summarise(rows: list[FamilyRow]) -> Summary:
    """Families per status, and eligible families per headline."""
    statuses = Counter(row.status for row in rows)
    headlines = Counter(h for row in rows if row.is_eligible for h in row.headlines)
    return Summary(
        families=len(rows),
        by_status=tuple((s, rules.CLAIM_STATUS_LABELS[s], statuses[s]) for s in STATUS_ORDER),
        by_headline=tuple((h, h.label, headlines[h]) for h in Headline),
    )


# --- The claim file ----------------------------------------------------------------------------


def csv_header() -> list[str]:
    header = [
        "Episode reference",
        "Team",
        "Ward",
        "Opened",
        "Closed",
        "Closure reason",
        "Sustained from",
        "Status",
        "Headlines",
    ]
    for headline in Headline:
        header += [
            f"{headline.label}: needs",
            f"{headline.label}: start score",
            f"{headline.label}: latest score",
            f"{headline.label}: significant progress",
        ]
    return header


def csv_row(row: FamilyRow) -> list[str]:
    evidence = {e.headline: e for e in row.evidence}
    cells = [
        row.reference,
        row.team,
        row.ward,
        row.opened_on.isoformat(),
        row.closed_on.isoformat() if row.closed_on else "",
        row.closure_label,
        row.sustained_from.isoformat() if row.sustained_from else "",
        row.status_label,
        "; ".join(h.label for h in row.headlines),
    ]
    for headline in Headline:
        found = evidence.get(headline)
        if found is None:
            cells += ["", "", "", ""]
            continue
        cells += [
            "; ".join(rules.FACTORS[code].label for code in found.needs),
            "" if found.start is None else str(found.start),
            "" if found.latest is None else str(found.latest),
            "Yes" if found.progress else "No",
        ]
    return [_safe_cell(c) for c in cells]


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_claim_csv(out, rows: list[FamilyRow]) -> int:
    """Write the claim (the families ready to claim, with their evidence); how many were written."""
    claimable = [row for row in rows if row.status == ClaimStatus.CLAIMABLE]
    writer = csv.writer(out)
    writer.writerow(csv_header())
    for row in claimable:
        writer.writerow(csv_row(row))
    return len(claimable)


# --- Reads for a worker: scoped, failing closed, audited ----------------------------------------


def may_see_report(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in REPORT_ROLES
    )


def may_record_claims(user) -> bool:
    return may_see_report(user) and user.role in CLAIM_ROLES


def _require_report(user) -> None:
    if not may_see_report(user):
        raise Http404("No page found")


def report_for(user, *, now: datetime, status: str = "", request=None) -> Report:
    """The summary of every family and the families to list: the eligible ones, or those of
    one status. Audited as a listing, with counts only."""
    _require_report(user)
    rows = family_rows(today=today_in_london(now))
    shown = (
        [r for r in rows if r.status == status] if status else [r for r in rows if r.is_eligible]
    )
    audit.record(
        actor=user,
        action="list",
        at=now,
        detail={"page": PAGE, "status": status, "families": len(shown), "all": len(rows)},
        request=request,
    )
    return Report(
        families=shown,
        summary=summarise(rows),
        claimable=[r for r in rows if r.status == ClaimStatus.CLAIMABLE],
    )


def family_for(user, episode_id, *, now: datetime, request=None) -> FamilyRow:
    """One family's evidence, by episode; 404 (audited) for anyone else or a missing episode."""
    found = []
    if may_see_report(user):
        found = family_rows(
            today=today_in_london(now), episodes=Episode.objects.filter(pk=episode_id)
        )
    if not found:
        audit.record(
            actor=user,
            action="denied",
            at=now,
            detail={"page": f"{PAGE} family", "requested_id": str(episode_id)},
            request=request,
        )
        raise Http404("No page found")
    row = found[0]
    audit.record(
        actor=user,
        action="view",
        at=now,
        obj=Episode(pk=row.episode_id),
        detail={"page": f"{PAGE} family", "status": row.status.value},
        request=request,
    )
    return row


def claim_for(user, *, now: datetime, request=None, purpose: str = "") -> list[FamilyRow]:
    """Every family's row, for the claim file; the download is audited with its count and
    the purpose the worker gave."""
    _require_report(user)
    rows = family_rows(today=today_in_london(now))
    record_export(user, rows, now=now, request=request, via="download", purpose=purpose)
    return rows


def record_export(user, rows, *, now: datetime, request=None, via: str, purpose: str = "") -> None:
    """Audit a copy of the claim leaving the service (`user` None: the console command)."""
    audit.record(
        actor=user,
        action="export",
        at=now,
        detail={
            "page": f"{PAGE} claim",
            "via": via,
            "families": sum(1 for r in rows if r.status == ClaimStatus.CLAIMABLE),
            **({"purpose": purpose} if purpose else {}),
        },
        request=request,
    )
