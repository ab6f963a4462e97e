"""Early help: assessments and who led them, the needs they found, the families helped, how
episodes closed, step ups and step downs (the strategy's other measures are in
earlyhelp_strategy).

There is no DfE return for early help: the definitions follow the words of the Early Help
Strategy (seed 004, section 12) and the council's Supporting Families work. Early help records
hold times (UTC); a period's days are Europe/London days, so "in the period" is from midnight
at the start of its first day to midnight at the end of its last, London time. Records merged
into another person's are left out of every list of children.
"""

from collections import Counter
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, Subquery, UUIDField
from django.db.models.functions import Coalesce

from onestory.core.clock import london_days, start_of_day
from onestory.earlyhelp import rules as earlyhelp_rules
from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.earlyhelp.models import AssessmentFactor, Episode, EpisodeMember, LeadProfessional
from onestory.frontdoor.models import Contact, ContactPerson, Referral
from onestory.socialcare import reference
from onestory.workforce.models import Agency

from .base import Context, Figure, Measure, Part, Unit
from .need import people_ids

GROUP = "Early help"

# The census's reason for closing a children in need episode after assessment with a referral
# to early help (children in need census 2026/27, CINclosureReason; socialcare.reference).
CLOSED_TO_EARLY_HELP = "RC9"
assert CLOSED_TO_EARLY_HELP in reference.CIN_CLOSURE_REASONS


def during(field: str, context: Context) -> Q:
    """A time field's London day falls in the period."""
    start, after = london_days(context.period.start, context.period.end)
    return Q(**{f"{field}__gte": start, f"{field}__lt": after})


def open_at_end(context: Context, *, starts: str, ends: str) -> Q:
    """Open on the period's last day: begun by the end of it and not ended by then (an end on
    the last day closes it, as for the census's episodes)."""
    after = start_of_day(context.period.end + timedelta(1))
    return Q(**{f"{starts}__lt": after}) & (
        Q(**{f"{ends}__isnull": True}) | Q(**{f"{ends}__gte": after})
    )


def children_of(episode_ids):
    """The children (not the adults) the episodes helped, each once."""
    return (
        EpisodeMember.objects.filter(
            episode_id__in=list(episode_ids),
            role=EpisodeMember.Role.CHILD,
            person__merged_into__isnull=True,
        )
        .values_list("person_id", flat=True)
        .distinct()
    )


# --- Assessments ------------------------------------------------------------------------------

NOT_RECORDED = "not_recorded"
KIND_LABELS = dict(Agency.Kind.choices)


def completed_assessments(context: Context):
    return EarlyHelpAssessment.objects.filter(
        during("completed_at", context), status=EarlyHelpAssessment.Status.COMPLETE
    )


def _assessment_rows(context: Context) -> list[tuple]:
    """(episode id, agency id, agency kind) of each assessment completed in the period: the
    agency of the lead professional at the moment it was completed (the episode's first lead
    when none had started by then)."""

    def compute():
        leads = LeadProfessional.objects.filter(episode_id=OuterRef("episode_id"))
        at_completion = leads.filter(started_at__lte=OuterRef("completed_at")).order_by(
            "-started_at"
        )
        first = leads.order_by("started_at")
        rows = completed_assessments(context).annotate(
            agency=Coalesce(
                Subquery(at_completion.values("agency_id")[:1]),
                Subquery(first.values("agency_id")[:1]),
                output_field=UUIDField(),
            )
        )
        found = list(rows.values_list("episode_id", "agency"))
        kinds = dict(
            Agency.objects.filter(pk__in={a for _, a in found if a}).values_list("pk", "kind")
        )
        return [(episode, agency, kinds.get(agency, NOT_RECORDED)) for episode, agency in found]

    return context.cached("early_help_assessment_rows", compute)


def _kind_parts(rows, total: int) -> tuple[Part, ...]:
    counts = Counter(kind for _, _, kind in rows)
    order = [*Agency.Kind.values, NOT_RECORDED]
    return tuple(
        Part(
            kind,
            KIND_LABELS.get(kind, "Lead professional not recorded"),
            counts[kind],
            total,
        )
        for kind in order
        if counts[kind]
    )


def _agencies_note(rows) -> str:
    agencies = len({agency for _, agency, _ in rows if agency})
    if not agencies:
        return ""
    return f"Led by professionals from {agencies} {'agency' if agencies == 1 else 'agencies'}."


def _assessments(context: Context) -> Figure:
    rows = _assessment_rows(context)
    return Figure(
        numerator=len(rows), parts=_kind_parts(rows, len(rows)), note=_agencies_note(rows)
    )


def _by_partners(context: Context) -> Figure:
    rows = _assessment_rows(context)
    partners = [r for r in rows if r[2] not in (Agency.Kind.COUNCIL, NOT_RECORDED)]
    return Figure(
        numerator=len(partners),
        denominator=len(rows),
        parts=_kind_parts(partners, len(rows)),
        note=_agencies_note(partners),
    )


def _assessed_children(context: Context, part: str | None = None, *, partners=False):
    rows = _assessment_rows(context)
    if partners:
        rows = [r for r in rows if r[2] not in (Agency.Kind.COUNCIL, NOT_RECORDED)]
    return children_of({episode for episode, _, kind in rows if part is None or kind == part})


def _partner_children(context: Context, part: str | None = None):
    return _assessed_children(context, part, partners=True)


# --- Needs found at assessment ------------------------------------------------------------------


def _need_rows(context: Context) -> list[tuple]:
    """(assessment id, episode id, need code) of each need marked present in an assessment
    completed in the period."""
    return context.cached(
        "early_help_need_rows",
        lambda: list(
            AssessmentFactor.objects.filter(
                assessment__in=completed_assessments(context),
                presence=earlyhelp_rules.Presence.YES,
                code__in=[f.code for f in earlyhelp_rules.NEEDS],
            ).values_list("assessment_id", "assessment__episode_id", "code")
        ),
    )


def _needs(context: Context) -> Figure:
    total = len(_assessment_rows(context))
    counts = Counter(code for _, _, code in set(_need_rows(context)))
    return Figure(
        numerator=total,
        parts=tuple(Part(f.code, f.label, counts[f.code], total) for f in earlyhelp_rules.NEEDS),
    )


def _needs_children(context: Context, part: str | None = None):
    if part is None:
        return _assessed_children(context)
    return children_of({episode for _, episode, code in _need_rows(context) if code == part})


# --- Episodes open, closed, stepped up ----------------------------------------------------------

SOURCE_LABELS = dict(Episode.Source.choices)


def _open_rows(context: Context) -> list[tuple]:
    return context.cached(
        "early_help_open_rows",
        lambda: list(
            Episode.objects.filter(
                open_at_end(context, starts="opened_at", ends="closed_at")
            ).values_list("pk", "source")
        ),
    )


def _open(context: Context) -> Figure:
    rows = _open_rows(context)
    counts = Counter(source for _, source in rows)
    children = children_of(pk for pk, _ in rows).count()
    return Figure(
        numerator=len(rows),
        parts=tuple(
            Part(source, label, counts[source], len(rows))
            for source, label in SOURCE_LABELS.items()
        ),
        note=f"{children:,} children in these families." if rows else "",
    )


def _open_children(context: Context, part: str | None = None):
    return children_of(pk for pk, source in _open_rows(context) if part in (None, source))


def _closed_rows(context: Context) -> list[tuple]:
    """(episode id, closure reason, whether a step up's contact became a referral) of each
    episode closed in the period."""

    def compute():
        referred = Referral.objects.filter(contact_id=OuterRef("step_up_contact_id"))
        return list(
            Episode.objects.filter(during("closed_at", context))
            .annotate(referred=Exists(referred))
            .values_list("pk", "closure_reason", "referred")
        )

    return context.cached("early_help_closed_rows", compute)


def _outcomes(context: Context) -> Figure:
    rows = _closed_rows(context)
    counts = Counter(reason for _, reason, _ in rows)
    return Figure(
        numerator=len(rows),
        parts=tuple(
            Part(str(reason), earlyhelp_rules.CLOSURE_LABELS[reason], counts[reason], len(rows))
            for reason in earlyhelp_rules.Closure
        ),
    )


def _outcome_children(context: Context, part: str | None = None):
    return children_of(pk for pk, reason, _ in _closed_rows(context) if part in (None, reason))


STEPPED_UP = earlyhelp_rules.Closure.STEPPED_UP
STEP_UP_PARTS = {
    "referred": "Accepted as a referral to children's social care",
    "not_referred": "Not (yet) a referral: the front door decided otherwise or has not decided",
}


def _step_ups(context: Context) -> Figure:
    rows = _closed_rows(context)
    up = [referred for _, reason, referred in rows if reason == STEPPED_UP]
    return Figure(
        numerator=len(up),
        denominator=len(rows),
        parts=(
            Part("referred", STEP_UP_PARTS["referred"], sum(up), len(up)),
            Part("not_referred", STEP_UP_PARTS["not_referred"], len(up) - sum(up), len(up)),
        ),
    )


def _step_up_children(context: Context, part: str | None = None):
    wanted = {None: (True, False), "referred": (True,), "not_referred": (False,)}[part]
    return children_of(
        pk
        for pk, reason, referred in _closed_rows(context)
        if reason == STEPPED_UP and referred in wanted
    )


# --- Step downs from children's social care ---------------------------------------------------

STEP_DOWN_PARTS = {
    "after_assessment": "Closed after assessment and referred to early help (census RC9)",
    "handed_over": "Handed over to early help by their social worker (a step down)",
}


def _step_down_ids(context: Context) -> dict[str, set]:
    def compute():
        period = context.period
        closed = Referral.objects.filter(
            closed_on__gte=period.start,
            closed_on__lte=period.end,
            closure_reason=CLOSED_TO_EARLY_HELP,
            person__merged_into__isnull=True,
        ).values_list("person_id", flat=True)
        handed = ContactPerson.objects.filter(
            during("contact__received_at", context),
            contact__channel=Contact.Channel.STEP_DOWN,
            role=ContactPerson.Role.CHILD,
            person__isnull=False,
            person__merged_into__isnull=True,
        ).values_list("person_id", flat=True)
        return {"after_assessment": set(closed), "handed_over": set(handed)}

    return context.cached("early_help_step_downs", compute)


def _step_downs(context: Context) -> Figure:
    found = _step_down_ids(context)
    everyone = set().union(*found.values())
    return Figure(
        numerator=len(everyone),
        parts=tuple(
            Part(key, label, len(found[key]), len(everyone))
            for key, label in STEP_DOWN_PARTS.items()
        ),
    )


def _step_down_children(context: Context, part: str | None = None):
    found = _step_down_ids(context)
    return people_ids(set().union(*found.values()) if part is None else found[part])


MEASURES = (
    Measure(
        id="early_help_assessments",
        name="Early help assessments completed",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Early help assessments completed in the period (the day the practitioner "
            "completed it, with the family's agreement), whenever they were started. Drafts "
            "are left out. Broken down by the kind of agency of the family's lead professional "
            "when the assessment was completed (the episode's first lead professional if none "
            "had started by then), as the Early Help Strategy asks for assessments completed "
            "by a range of partners. The list is of the children in those families."
        ),
        compute=_assessments,
        source="early_help",
        children=_assessed_children,
    ),
    Measure(
        id="early_help_assessments_by_partners",
        name="Early help assessments led by partner agencies",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Early help assessments completed in the period whose lead professional, when it "
            "was completed, worked for a partner agency (a school, health, the police, housing, "
            "the voluntary sector...) rather than a council service; beside it, all "
            "assessments completed in the period. The Early Help Strategy's measure of more "
            "assessments completed by a range of partners; the note says how many agencies."
        ),
        compute=_by_partners,
        source="early_help",
        children=_partner_children,
    ),
    Measure(
        id="early_help_needs",
        name="Needs found at early help assessments",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Early help assessments completed in the period, and for each need of the needs "
            "framework (seed 004, Appendix 1) the share of them that recorded it as present. "
            "Strengths are left out; a need marked \u201cnot known yet\u201d does not count. "
            "The strategy's systematic analysis of early help assessments."
        ),
        compute=_needs,
        source="early_help",
        children=_needs_children,
    ),
    Measure(
        id="early_help_episodes_open",
        name="Families receiving early help",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Early help episodes (one for each family helped) open on the last day of the "
            "period: opened by the end of that day and not closed by then (one closed on the "
            "last day is not open). Broken down by how the episode began: a front-door "
            "decision, a step down from children's social care or an agency working with the "
            "family. The note gives the children in those families."
        ),
        compute=_open,
        source="early_help",
        children=_open_children,
    ),
    Measure(
        id="early_help_outcomes",
        name="Early help episodes closed, by outcome",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Early help episodes closed in the period, broken down by the reason recorded at "
            "closure: needs met, stepped up to children's social care, stepped down to "
            "universal services, the family declined support, or the family moved away. "
            "Supporting Families claims a result only for families closed as needs met or "
            "stepped down whose progress has lasted six months (see its own report)."
        ),
        compute=_outcomes,
        source="early_help",
        children=_outcome_children,
    ),
    Measure(
        id="early_help_step_ups",
        name="Early help episodes stepped up to social care",
        group=GROUP,
        unit=Unit.SHARE,
        definition=(
            "The share of early help episodes closed in the period that closed because the "
            "family was stepped up to children's social care through the front door. "
            "Broken down by whether the step up's contact became a referral to children's "
            "social care (by the time the figure is computed)."
        ),
        compute=_step_ups,
        source="early_help",
        children=_step_up_children,
    ),
    Measure(
        id="early_help_step_downs",
        name="Children stepped down from social care to early help",
        group=GROUP,
        unit=Unit.COUNT,
        definition=(
            "Children whose children in need episode closed in the period after assessment "
            "with a referral to early help (the census's closure reason RC9), or whom a "
            "social worker handed over to early help in the period (a step down contact "
            "naming the child). Each child counts once, however many times; the parts count "
            "each route. Whether early help then opened an episode is not part of the count."
        ),
        compute=_step_downs,
        source="referrals",
        children=_step_down_children,
    ),
)
