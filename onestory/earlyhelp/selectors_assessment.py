"""Reads for the early help assessment, scoped to the acting worker: what the record already
knows about the family (so that nobody types it again), the family's earlier assessments, and
where an episode's assessment stands."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.http import Http404

from onestory.access.models import Allocation
from onestory.core.clock import today_in_london
from onestory.people import rules as people_rules
from onestory.people.models import Address, Relationship
from onestory.people.selectors import addresses_for

from . import rules
from .models import Assessment, AssessmentFactor, Episode, EpisodeMember, Score
from .selectors import episodes_visible_to, visible_members


def assessment_of(episode: Episode, assessment_id) -> Assessment:
    """The episode's assessment with this id; 404 when it belongs to another episode."""
    assessment = (
        Assessment.objects.select_related("started_by", "last_saved_by", "completed_by")
        .filter(episode=episode, pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404("No page found")
    return assessment


def open_draft(episode: Episode) -> Assessment | None:
    return (
        episode.assessments.filter(status=Assessment.Status.DRAFT).order_by("-started_at").first()
    )


def latest_completed_in(episode: Episode) -> Assessment | None:
    return (
        episode.assessments.filter(status=Assessment.Status.COMPLETE)
        .order_by("-completed_at")
        .first()
    )


def latest_completed_assessment(
    user, episode: Episode, *, now: datetime, before: datetime | None = None, exclude=None
) -> Assessment | None:
    """The family's most recent completed assessment this worker may see: in this episode or
    an earlier one of any of its members."""
    people = episode.members.values("person_id")
    found = Assessment.objects.filter(
        status=Assessment.Status.COMPLETE,
        episode__in=episodes_visible_to(user, now=now).filter(members__person_id__in=people),
    )
    if before is not None:
        found = found.filter(completed_at__lt=before)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.select_related("episode", "completed_by").order_by("-completed_at").first()


def prefill_factors(episode: Episode, *, user=None, now: datetime | None = None) -> dict[str, str]:
    """What the record already says about each line of the framework: {code: presence}.

    Today this is what the family's latest completed assessment found; other sources (pathway
    flags, for example) may add to it. Codes the record says nothing about are left out.
    """
    if user is None:
        source = (
            Assessment.objects.filter(
                status=Assessment.Status.COMPLETE,
                episode__members__person_id__in=episode.members.values("person_id"),
            )
            .order_by("-completed_at")
            .first()
        )
    else:
        source = latest_completed_assessment(user, episode, now=now)
    if source is None:
        return {}
    return {
        code: presence
        for code, presence in source.factors.values_list("code", "presence")
        if code in rules.FACTORS and presence
    }


def copied_from(user, assessment: Assessment, *, now: datetime) -> Assessment | None:
    """The completed assessment this one started from, if any (the latest one completed before
    it was started)."""
    return latest_completed_assessment(
        user, assessment.episode, now=now, before=assessment.started_at, exclude=assessment
    )


# --- The family, as the record knows it -----------------------------------------------------


@dataclass
class Member:
    person: object
    role: str
    age: str
    address: Address | None


@dataclass
class Worker:
    who: str
    purpose: str
    people: list = field(default_factory=list)


@dataclass
class FamilyPicture:
    household: str
    members: list[Member]
    relationships: list[str]
    workers: list[Worker]
    contact: object | None
    what_the_family_wants: str


def family_picture(user, episode: Episode, *, now: datetime, members=None) -> FamilyPicture:
    """The family as the record already knows it, shown on the assessment and never re-typed:
    each member whose record this worker may open (name, date of birth and age, role, current
    address), their relationships to one another, who already works with them, and what the
    front door heard."""
    today = today_in_london(now)
    people = members if members is not None else visible_members(user, episode, now=now)
    ids = [p.pk for p in people]
    roles = dict(episode.members.values_list("person_id", "role"))
    addresses = {}
    current = Address.objects.filter(person_id__in=ids, valid_to__isnull=True)
    # A withheld address (a refuge…) is shown to a partner agency only as withheld.
    for address in addresses_for(user, current.order_by("-valid_from")):
        addresses.setdefault(address.person_id, address)
    rows = [
        Member(
            person=person,
            role=EpisodeMember.Role(roles[person.pk]).label,
            age=people_rules.age_description(
                date_of_birth=person.date_of_birth,
                expected_date_of_birth=person.expected_date_of_birth,
                estimated_age_years=person.estimated_age_years,
                date_of_death=person.date_of_death,
                today=today,
            ),
            address=addresses.get(person.pk),
        )
        for person in people
    ]
    return FamilyPicture(
        household=episode.household.name if episode.household_id else "",
        members=rows,
        relationships=_relationships(people, today=today),
        workers=_workers(people, episode=episode, now=now),
        contact=episode.contact if episode.contact_id else None,
        what_the_family_wants=episode.what_the_family_wants,
    )


def _relationships(people, *, today: date) -> list[str]:
    by_id = {p.pk: p for p in people}
    found = Relationship.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=today),
        from_person_id__in=list(by_id),
        to_person_id__in=list(by_id),
    ).order_by("created_at")
    lines = []
    for row in found:
        forward, _ = people_rules.RELATIONSHIP_KINDS.get(row.kind, (row.kind, row.kind))
        lines.append(
            f"{by_id[row.from_person_id].full_name}: {forward.lower()} of "
            f"{by_id[row.to_person_id].full_name}"
            + (" (parental responsibility)" if row.has_parental_responsibility else "")
        )
    return lines


def _workers(people, *, episode: Episode, now: datetime) -> list[Worker]:
    by_id = {p.pk: p for p in people}
    active = (
        Allocation.objects.filter(person_id__in=list(by_id), starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("worker", "worker__agency", "team", "team__agency")
        .order_by("starts_at")
    )
    grouped: dict[tuple, Worker] = {}
    for allocation in active:
        if allocation.worker_id:
            worker = allocation.worker
            who = worker.get_full_name() + (f", {worker.agency}" if worker.agency_id else "")
        else:
            who = str(allocation.team)
        key = (allocation.worker_id, allocation.team_id, allocation.purpose)
        row = grouped.setdefault(key, Worker(who=who, purpose=allocation.purpose))
        name = by_id[allocation.person_id].full_name
        if name not in row.people:
            row.people.append(name)
    return list(grouped.values())


# --- Where the assessment stands (the episode page's section) -------------------------------


@dataclass
class Overview:
    draft: Assessment | None
    completed: Assessment | None
    needs: list  # (Factor, severity label) of the latest completed assessment
    strengths: list  # Factor


def overview(episode: Episode) -> Overview:
    draft = open_draft(episode)
    completed = latest_completed_in(episode)
    needs, strengths = [], []
    if completed is not None:
        found = {f.code: f for f in completed.factors.filter(presence=rules.Presence.YES)}
        needs = [
            (factor, rules.SEVERITY_LABELS.get(found[factor.code].severity, "Not said"))
            for factor in rules.NEEDS
            if factor.code in found
        ]
        strengths = [factor for factor in rules.STRENGTHS if factor.code in found]
    return Overview(draft=draft, completed=completed, needs=needs, strengths=strengths)


def start_scores(episode: Episode) -> dict[str, Score]:
    """The episode's start scores (distance travelled is measured from them), by need."""
    return {s.need: s for s in episode.scores.filter(review__isnull=True)}


@dataclass
class FactorLine:
    factor: rules.Factor
    row: object | None
    presence: str
    severity: str
    view: str
    person: str
    score: Score | None

    @property
    def answered(self) -> bool:
        return bool(self.row and (self.row.presence or self.row.evidence.strip()))


@dataclass
class SectionLines:
    name: str
    answered: list[FactorLine]
    unanswered: list[str]  # the labels of the lines nobody has answered yet


def factor_lines(assessment: Assessment, *, people=None) -> list[SectionLines]:
    """The framework, section by section, with what this assessment recorded (for reading).

    A family member's name is shown only when they are among `people` (the members this worker
    may open).
    """
    names = {p.pk: p.full_name for p in people or []}
    rows = {f.code: f for f in assessment.factors.all()}
    scores = (
        start_scores(assessment.episode) if assessment.status == Assessment.Status.COMPLETE else {}
    )
    presence_labels = dict(AssessmentFactor._meta.get_field("presence").choices)
    sections = []
    for section in rules.SECTIONS:
        lines = []
        for factor in rules.FRAMEWORK:
            if factor.section != section:
                continue
            row = rows.get(factor.code)
            lines.append(
                FactorLine(
                    factor=factor,
                    row=row,
                    presence=presence_labels.get(row.presence, "Not answered")
                    if row and row.presence
                    else "Not answered",
                    severity=rules.SEVERITY_LABELS.get(row.severity, "") if row else "",
                    view=rules.VIEW_LABELS.get(row.view, "") if row else "",
                    person=names.get(row.person_id, "") if row and row.person_id else "",
                    score=scores.get(factor.code)
                    if row and row.presence == rules.Presence.YES
                    else None,
                )
            )
        sections.append(
            SectionLines(
                name=section,
                answered=[line for line in lines if line.answered],
                unanswered=[line.factor.label for line in lines if not line.answered],
            )
        )
    return sections
