"""Reads of the Team Around the Family, the action plan, reviews and distance travelled.

The pages first open the episode through selectors.access_episode_by_id (404 for anyone who may
not see it); everything here reads inside an episode already opened, or for the acting worker
alone (their own overdue work), or the council's settings (not case data).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.http import Http404

from onestory.workforce.models import Worker
from onestory.workforce.rules import CASE_ROLES

from . import rules
from .actions.plan import NEED_CODES, OPEN_STATUSES, owner_label
from .models import (
    Assessment,
    Episode,
    Meeting,
    MeetingInvitee,
    PlanAction,
    Review,
    ReviewCadence,
    Score,
)

# How many practitioners a meeting or an action offers by name before the worker types one.
PRACTITIONERS_OFFERED = 40
FAMILY = "Family"
NOT_LISTED = "Agencies not on the list"


def _order_of_needs(codes) -> list[str]:
    wanted = set(codes)
    return [f.code for f in rules.NEEDS if f.code in wanted]


def need_label(code: str) -> str:
    factor = rules.FACTORS.get(code)
    return factor.label if factor else "The whole family"


# --- Overdue ---------------------------------------------------------------------------------


def is_overdue(plan_action: PlanAction, today: date) -> bool:
    return rules.is_overdue(plan_action.due_on, today, done=plan_action.is_finished)


def overdue_actions(episode: Episode, today: date) -> list[PlanAction]:
    """The episode's actions past their due date and not done (none once it has closed)."""
    if episode.status != Episode.Status.OPEN:
        return []
    return [a for a in episode.actions.filter(status__in=OPEN_STATUSES) if is_overdue(a, today)]


def review_overdue(episode: Episode, today: date) -> bool:
    return (
        episode.status == Episode.Status.OPEN
        and episode.next_review_on is not None
        and episode.next_review_on < today
    )


@dataclass
class EpisodeOverdue:
    actions: int = 0
    review_due_on: date | None = None


@dataclass
class LeadOverdue:
    """What is overdue in the open episodes a worker is lead professional for."""

    actions: int = 0
    reviews: int = 0
    by_episode: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.actions + self.reviews


def overdue_for_lead(user, today: date) -> LeadOverdue:
    """Overdue actions and reviews in the open episodes this worker leads, in all and by
    episode id."""
    result = LeadOverdue()
    if not getattr(user, "is_authenticated", False):
        return result
    episodes = Episode.objects.filter(status=Episode.Status.OPEN, lead_professional=user)
    counts = (
        PlanAction.objects.filter(episode__in=episodes, status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values("episode_id")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        result.by_episode[row["episode_id"]] = EpisodeOverdue(actions=row["n"])
        result.actions += row["n"]
    for episode_id, due_on in episodes.filter(next_review_on__lt=today).values_list(
        "pk", "next_review_on"
    ):
        result.by_episode.setdefault(episode_id, EpisodeOverdue()).review_due_on = due_on
        result.reviews += 1
    return result


# --- Meetings --------------------------------------------------------------------------------


def meeting_in(episode: Episode, meeting_id) -> Meeting:
    meeting = (
        Meeting.objects.filter(episode=episode, pk=meeting_id).select_related("recorded_by").first()
    )
    if meeting is None:
        raise Http404("No page found")
    return meeting


@dataclass
class InviteeRow:
    name: str
    role: str
    agency: str
    attendance: str
    attended: bool
    group: str


@dataclass
class AgencyAttendance:
    agency: str
    invited: int = 0
    attended: int = 0
    apologies: int = 0
    absent: int = 0


def _invitee_agency(invitee: MeetingInvitee) -> str:
    if invitee.agency_id:
        return invitee.agency.name
    if invitee.family_member_id:
        return FAMILY
    return NOT_LISTED


def meeting_attendance(
    meeting: Meeting, *, visible_people
) -> tuple[list[InviteeRow], list[AgencyAttendance]]:
    """Who was invited and whether they came, and the same counted by agency (the family
    first). A family member the reader may not open stays unnamed."""
    rows, by_agency = [], {}
    invitees = meeting.invitees.select_related("agency").order_by("created_at")
    for invitee in invitees:
        agency = _invitee_agency(invitee)
        name = invitee.name
        if invitee.family_member_id and invitee.family_member_id not in visible_people:
            name = "A family member"
        rows.append(
            InviteeRow(
                name=name,
                role=invitee.role,
                agency="" if agency in (FAMILY, NOT_LISTED) else agency,
                attendance=invitee.get_attendance_display(),
                attended=invitee.attendance == MeetingInvitee.Attendance.ATTENDED,
                group=agency,
            )
        )
        count = by_agency.setdefault(agency, AgencyAttendance(agency=agency))
        count.invited += 1
        if invitee.attendance == MeetingInvitee.Attendance.ATTENDED:
            count.attended += 1
        elif invitee.attendance == MeetingInvitee.Attendance.APOLOGIES:
            count.apologies += 1
        else:
            count.absent += 1

    def order(agency: str) -> tuple:
        return (agency != FAMILY, agency == NOT_LISTED, agency.lower())

    rows.sort(key=lambda r: order(r.group))
    return rows, [by_agency[a] for a in sorted(by_agency, key=order)]


def meetings_of(episode: Episode) -> list[dict]:
    """The episode's meetings, latest first, with how many were invited and came."""
    meetings = episode.meetings.annotate(
        invited=Count("invitees"),
        came=Count("invitees", filter=Q(invitees__attendance=MeetingInvitee.Attendance.ATTENDED)),
    ).order_by("-held_at")
    return list(meetings)


def practitioners_for(episode: Episode, acting_user) -> list[Worker]:
    """Practitioners a meeting invites or an action names by default: the lead professional,
    the episode's team, the partner agencies working with the family, and the worker."""
    partner_agencies = episode.agencies.exclude(pk=episode.team.agency_id)
    workers = (
        Worker.objects.filter(is_active=True, role__in=CASE_ROLES)
        .filter(
            Q(pk=episode.lead_professional_id)
            | Q(pk=acting_user.pk)
            | Q(team=episode.team_id)
            | Q(agency__in=partner_agencies)
        )
        .select_related("agency")
        .order_by("last_name", "first_name")
    )
    return list(workers[:PRACTITIONERS_OFFERED])


# --- The action plan -------------------------------------------------------------------------


def action_in(episode: Episode, action_id) -> PlanAction:
    plan_action = (
        PlanAction.objects.filter(episode=episode, pk=action_id)
        .select_related("owner_worker__agency", "owner_agency", "owner_family_member")
        .first()
    )
    if plan_action is None:
        raise Http404("No page found")
    return plan_action


@dataclass
class ActionRow:
    action: PlanAction
    need: str
    owner: str
    overdue: bool


def plan_rows(episode: Episode, today: date, *, visible_people, open_only=False) -> list[ActionRow]:
    """The action plan, soonest due first, each with its owner and whether it is overdue."""
    actions = episode.actions.select_related(
        "owner_worker__agency", "owner_agency", "owner_family_member"
    )
    if open_only:
        actions = actions.filter(status__in=OPEN_STATUSES)
    is_open = episode.status == Episode.Status.OPEN
    return [
        ActionRow(
            action=a,
            need=need_label(a.need),
            owner=owner_label(a, visible_people=visible_people),
            overdue=is_open and is_overdue(a, today),
        )
        for a in actions
    ]


# --- Reviews and distance travelled ----------------------------------------------------------


def reviews_of(episode: Episode) -> list[Review]:
    return list(episode.reviews.select_related("recorded_by").order_by("-held_on", "-created_at"))


def needs_to_score(episode: Episode) -> list[str]:
    """The needs a review scores: those scored at the start, or else those present in the
    latest completed assessment (the worker may score others too)."""
    started = episode.scores.filter(review__isnull=True).values_list("need", flat=True)
    if started:
        return _order_of_needs(started)
    assessment = (
        episode.assessments.filter(status=Assessment.Status.COMPLETE)
        .order_by("-completed_at")
        .first()
    )
    if assessment is None:
        return []
    return _order_of_needs(
        assessment.factors.filter(presence=rules.Presence.YES, code__in=NEED_CODES).values_list(
            "code", flat=True
        )
    )


@dataclass
class ScorePoint:
    label: str
    day: date
    family: int | None
    practitioner: int


@dataclass
class NeedDistance:
    code: str
    label: str
    points: list[ScorePoint]

    @property
    def start(self) -> ScorePoint | None:
        return self.points[0] if self.points and self.points[0].label == "Start" else None

    @property
    def latest(self) -> ScorePoint | None:
        return self.points[-1] if self.points else None

    @property
    def practitioner_change(self) -> int | None:
        start, latest = self.start, self.latest
        if start is None or latest is start:
            return None
        return rules.distance_travelled(start.practitioner, latest.practitioner)

    @property
    def family_change(self) -> int | None:
        start, latest = self.start, self.latest
        if start is None or latest is start:
            return None
        return rules.distance_travelled(start.family, latest.family)


def distance_travelled(episode: Episode) -> list[NeedDistance]:
    """For each need scored, the start and every review's scores, oldest first."""
    scores = Score.objects.filter(episode=episode).select_related("review")
    by_need: dict[str, list[tuple]] = {}
    for score in scores:
        if score.review_id is None:
            key, label = (0, score.scored_on, score.created_at), "Start"
        else:
            held_on = score.review.held_on
            key = (1, held_on, score.review.created_at)
            label = f"Review {held_on:%-d %b %Y}"
        by_need.setdefault(score.need, []).append(
            (key, ScorePoint(label, score.scored_on, score.family_score, score.practitioner_score))
        )
    return [
        NeedDistance(
            code=code,
            label=need_label(code),
            points=[p for _, p in sorted(by_need[code], key=lambda item: item[0])],
        )
        for code in _order_of_needs(by_need)
    ]


# --- The council's review cadence ------------------------------------------------------------


@dataclass
class CadenceSettings:
    weeks: int
    current: ReviewCadence | None
    coming: list[ReviewCadence]
    rows: list[ReviewCadence]


def cadence_settings(today: date) -> CadenceSettings:
    """The review cadence today, changes already made that start later, and every change."""
    rows = list(
        ReviewCadence.objects.select_related("changed_by").order_by("-valid_from", "-created_at")
    )
    current = next((r for r in rows if r.valid_from <= today), None)
    return CadenceSettings(
        weeks=current.weeks if current else rules.DEFAULT_REVIEW_WEEKS,
        current=current,
        coming=[r for r in reversed(rows) if r.valid_from > today],
        rows=rows,
    )
