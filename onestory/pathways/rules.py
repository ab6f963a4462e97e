"""Pathways for risks outside the home (extremism, gangs and youth violence, child sexual
exploitation and trafficking, missing children), the panels they go to, and contexts. Pure
Python: no Django import."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from onestory.core.rules import LONDON, add_months
from onestory.people.rules import ADULT_AGE, age_in_years
from onestory.workforce.rules import Role


class Pathway(StrEnum):
    CHANNEL = "channel"
    YOUTH_VIOLENCE = "youth_violence"
    EXPLOITATION = "exploitation"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return PATHWAY_LABELS[self]

    @property
    def panel(self) -> "Panel":
        return PANEL_OF[self]


PATHWAY_LABELS = {
    Pathway.CHANNEL: "Extremism and radicalisation (Channel)",
    Pathway.YOUTH_VIOLENCE: "Gangs and youth violence",
    Pathway.EXPLOITATION: "Child sexual exploitation and trafficking",
    Pathway.MISSING: "Missing children",
}

# The early help needs framework's code for the same risk, so an early help assessment can
# start from the child's active flags. Missing children has no line of its own in the framework.
PATHWAY_NEEDS = {
    Pathway.CHANNEL: "extremism",
    Pathway.YOUTH_VIOLENCE: "youth_violence",
    Pathway.EXPLOITATION: "exploitation",
    Pathway.MISSING: "",
}


class Panel(StrEnum):
    CHANNEL = "channel"
    EXPLOITATION = "mace"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return PANEL_LABELS[self]


PANEL_LABELS = {
    Panel.CHANNEL: "Channel panel",
    Panel.EXPLOITATION: "Multi-agency child exploitation (MACE) panel",
    Panel.MISSING: "Missing children panel",
}

# Why each panel exists. The Channel panel is a statutory duty on the council: Counter-Terrorism
# and Security Act 2015, s.36 (a local panel to assess and support people vulnerable to being
# drawn into terrorism; where Channel is not the right support the panel considers other
# support, as the Channel duty guidance (Home Office, 2023) describes). The MACE panel is a
# local multi-agency arrangement for children at risk of exploitation and serious youth
# violence outside the home (Working Together to Safeguard Children 2023, on harm outside the
# home; no national timescale or form is set). The missing children panel follows the
# Statutory guidance on children who run away or go missing from home or care (DfE, 2014).
PANEL_SOURCES = {
    Panel.CHANNEL: "Counter-Terrorism and Security Act 2015, section 36",
    Panel.EXPLOITATION: "Local multi-agency arrangements for harm outside the home "
    "(Working Together to Safeguard Children 2023)",
    Panel.MISSING: "Statutory guidance on children who run away or go missing from home or "
    "care (DfE, 2014)",
}

PANEL_OF = {
    Pathway.CHANNEL: Panel.CHANNEL,
    Pathway.YOUTH_VIOLENCE: Panel.EXPLOITATION,
    Pathway.EXPLOITATION: Panel.EXPLOITATION,
    Pathway.MISSING: Panel.MISSING,
}


class Decision(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    NO_FURTHER_ACTION = "no_further_action"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.ACCEPTED: "Accepted: support offered",
    Decision.NOT_ACCEPTED: "Not accepted: support elsewhere",
    Decision.NO_FURTHER_ACTION: "No further action",
    Decision.ESCALATED: "Escalated to children's social care",
}

# Only an accepted case stays with the panel, which reviews it; every other decision closes
# the panel's part on the day it is made.
KEEPS_CASE_OPEN = frozenset({Decision.ACCEPTED})

# How often a panel reviews a case it accepted, unless it sets another date. Hand-set by us
# (panels set their own review dates; no national timescale was found), a council can change it.
DEFAULT_REVIEW_MONTHS = 3

# A child who returns from going missing is offered an independent return interview within 72
# hours of returning. Source: Statutory guidance on children who run away or go missing from
# home or care (DfE, January 2014), "Independent return interviews".
RETURN_INTERVIEW_HOURS = 72


class ContextKind(StrEnum):
    PLACE = "place"
    PEER_GROUP = "peer_group"
    SCHOOL = "school"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return CONTEXT_KIND_LABELS[self]


CONTEXT_KIND_LABELS = {
    ContextKind.PLACE: "A place",
    ContextKind.PEER_GROUP: "A peer group",
    ContextKind.SCHOOL: "A school",
    ContextKind.ONLINE: "An online space",
}


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return ACTION_STATUS_LABELS[self]


ACTION_STATUS_LABELS = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.STOPPED: "Stopped",
}
FINISHED_ACTIONS = frozenset({ActionStatus.DONE, ActionStatus.STOPPED})

# Council roles that raise and end flags, refer to panels, record their decisions, and create
# and keep contexts. Partner agencies see the flags and contexts of children they may open, but
# tell the council (through the front door or the child's worker) rather than raise flags.
COUNCIL_CASE_ROLES = frozenset(
    {Role.FRONT_DOOR, Role.EARLY_HELP, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
)
# Everyone who may read a child's pathways: the roles that open case records.
READING_ROLES = frozenset(COUNCIL_CASE_ROLES | {Role.PARTNER})

REASON_MIN_LENGTH = 10
CONTEXT_NAME_MAX = 200


# --- Dates -----------------------------------------------------------------------------------


def next_review_on(last: date, months: int = DEFAULT_REVIEW_MONTHS) -> date:
    """When a panel next reviews a case it last decided or reviewed on `last`."""
    return add_months(last, months)


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on < today


def return_interview_due_on(returned_at: datetime) -> date:
    """The last London date on which a return interview can be offered in time."""
    return (returned_at + timedelta(hours=RETURN_INTERVIEW_HOURS)).astimezone(LONDON).date()


def return_interview_late(
    *, returned_at: datetime | None, offered_on: date | None, today: date
) -> bool:
    """Whether the offer of a return interview came (or is still to come) too late."""
    if returned_at is None:
        return False
    return (offered_on or today) > return_interview_due_on(returned_at)


def is_child(*, date_of_birth: date | None, unborn: bool, on: date) -> bool | None:
    """Whether the person is a child on a date; None when the record does not say."""
    if unborn:
        return False
    if date_of_birth is None:
        return None
    return date_of_birth <= on and age_in_years(date_of_birth, on) < ADULT_AGE


# --- What each record must hold ----------------------------------------------------------------


def _reason(text: str) -> bool:
    return len((text or "").strip()) >= REASON_MIN_LENGTH


def flag_problems(
    *,
    pathway: str,
    raised_on: date | None,
    reason: str,
    today: date,
    child: bool | None,
    already_flagged: bool,
) -> dict[str, str]:
    """What stops a pathway flag being raised, in words a practitioner can act on."""
    problems = {}
    if pathway not in set(Pathway):
        problems["pathway"] = "Choose the pathway this flag is for."
    elif already_flagged:
        problems["pathway"] = (
            f"This child already has an active “{Pathway(pathway).label}” flag. Open it to add "
            "a referral, or end it before raising a new one."
        )
    if raised_on is None:
        problems["raised_on"] = "Enter the date the concern was raised."
    elif raised_on > today:
        problems["raised_on"] = "The date the concern was raised cannot be in the future."
    elif child is False:
        problems["raised_on"] = (
            "Pathway flags are for children: this person was not a child on that date."
        )
    if not _reason(reason):
        problems["reason"] = (
            "Say why you are raising this flag: what has been seen or heard, when and by whom "
            f"(at least {REASON_MIN_LENGTH} characters)."
        )
    return problems


def flag_end_problems(
    *,
    ended_on: date | None,
    raised_on: date,
    end_reason: str,
    today: date,
    open_referral: bool,
) -> dict[str, str]:
    problems = {}
    if open_referral:
        problems[None] = (
            "The panel still has this child's case: record the panel's decision, or the review "
            "at which it closed the case, before ending the flag."
        )
    if ended_on is None:
        problems["ended_on"] = "Enter the date the flag ends."
    elif ended_on > today:
        problems["ended_on"] = "The date the flag ends cannot be in the future."
    elif ended_on < raised_on:
        problems["ended_on"] = f"The flag cannot end before it was raised ({raised_on:%d/%m/%Y})."
    if not _reason(end_reason):
        problems["end_reason"] = (
            "Say why the flag is ending, for example what has changed for the child "
            f"(at least {REASON_MIN_LENGTH} characters)."
        )
    return problems


def referral_problems(
    *,
    referred_on: date | None,
    raised_on: date,
    reason: str,
    today: date,
    flag_active: bool,
    open_referral: bool,
) -> dict[str, str]:
    problems = {}
    if not flag_active:
        problems[None] = "This flag has ended: raise a new flag to refer the child again."
    elif open_referral:
        problems[None] = (
            "The panel already has a referral for this flag. Record its decision or its last "
            "review before referring again."
        )
    if referred_on is None:
        problems["referred_on"] = "Enter the date of the referral."
    elif referred_on > today:
        problems["referred_on"] = "The date of the referral cannot be in the future."
    elif referred_on < raised_on:
        problems["referred_on"] = (
            f"The referral cannot be before the flag was raised ({raised_on:%d/%m/%Y})."
        )
    if not _reason(reason):
        problems["reason"] = (
            "Say what you are asking the panel for and why "
            f"(at least {REASON_MIN_LENGTH} characters)."
        )
    return problems


def decision_problems(
    *,
    decision: str,
    decided_on: date | None,
    referred_on: date,
    next_review: date | None,
    notes: str,
    today: date,
    already_decided: bool,
) -> dict[str, str]:
    problems = {}
    if already_decided:
        problems[None] = "The panel's decision on this referral has already been recorded."
    if decision not in set(Decision):
        problems["decision"] = "Choose what the panel decided."
    if decided_on is None:
        problems["decided_on"] = "Enter the date the panel decided."
    elif decided_on > today:
        problems["decided_on"] = "The date the panel decided cannot be in the future."
    elif decided_on < referred_on:
        problems["decided_on"] = (
            f"The panel cannot decide before the referral was made ({referred_on:%d/%m/%Y})."
        )
    if next_review is not None and decision in set(Decision) - KEEPS_CASE_OPEN:
        problems["next_review_on"] = (
            "Only a case the panel accepted has a next review: leave the date blank."
        )
    elif next_review is not None and decided_on is not None and next_review <= decided_on:
        problems["next_review_on"] = "The next review must be after the date of the decision."
    if not (notes or "").strip():
        problems["decision_notes"] = (
            "Say what the panel decided and why: the support offered, or where the child will "
            "get support instead."
        )
    return problems


def review_problems(
    *,
    held_on: date | None,
    last_held_on: date,
    outcome: str,
    closes_case: bool,
    next_review: date | None,
    today: date,
    case_open: bool,
) -> dict[str, str]:
    problems = {}
    if not case_open:
        problems[None] = "The panel is not holding this case: only an accepted case is reviewed."
    if held_on is None:
        problems["held_on"] = "Enter the date the panel reviewed the case."
    elif held_on > today:
        problems["held_on"] = "The date of the review cannot be in the future."
    elif held_on < last_held_on:
        problems["held_on"] = (
            f"The review cannot be before the panel's last decision or review "
            f"({last_held_on:%d/%m/%Y})."
        )
    if not (outcome or "").strip():
        problems["outcome"] = "Say what the panel found at the review and what happens next."
    if closes_case and next_review is not None:
        problems["next_review_on"] = "Leave the next review blank when the panel closes the case."
    elif next_review is not None and held_on is not None and next_review <= held_on:
        problems["next_review_on"] = "The next review must be after the date of this review."
    return problems


def missing_problems(
    *,
    went_missing_at: datetime | None,
    returned_at: datetime | None,
    interview_offered_on: date | None,
    interview_held_on: date | None,
    now: datetime,
    today: date,
    flag_pathway: str,
) -> dict[str, str]:
    problems = {}
    if flag_pathway != Pathway.MISSING:
        problems[None] = "Missing episodes are recorded on a “Missing children” flag."
    if went_missing_at is None:
        problems["went_missing_on"] = "Enter when the child went missing."
    elif went_missing_at > now:
        problems["went_missing_on"] = "When the child went missing cannot be in the future."
    if returned_at is not None:
        if returned_at > now:
            problems["returned_on"] = "When the child returned cannot be in the future."
        elif went_missing_at is not None and returned_at < went_missing_at:
            problems["returned_on"] = "The child cannot return before they went missing."
    elif interview_offered_on or interview_held_on:
        problems["returned_on"] = (
            "Enter when the child returned before recording their return interview."
        )
    returned_on = returned_at.astimezone(LONDON).date() if returned_at else None
    if interview_offered_on and returned_on and interview_offered_on < returned_on:
        problems["interview_offered_on"] = (
            "The return interview is offered after the child returns."
        )
    if interview_held_on:
        if interview_held_on > today:
            problems["interview_held_on"] = "The return interview cannot be in the future."
        elif interview_offered_on is None:
            problems["interview_offered_on"] = (
                "Enter when the return interview was offered, as well as when it was held."
            )
        elif interview_held_on < interview_offered_on:
            problems["interview_held_on"] = (
                "The return interview cannot be held before it was offered."
            )
    return problems


def context_problems(*, kind: str, name: str, has_team: bool) -> dict[str, str]:
    problems = {}
    if kind not in set(ContextKind):
        problems["kind"] = "Choose what kind of context this is."
    if not (name or "").strip():
        problems["name"] = (
            "Enter a name for the context, for example the park, the group or the app."
        )
    elif len(name.strip()) > CONTEXT_NAME_MAX:
        problems["name"] = f"The name must be {CONTEXT_NAME_MAX} characters or fewer."
    if not has_team:
        problems["team"] = "Choose the team that looks after this context."
    return problems


def link_problems(
    *,
    linked_on: date | None,
    reason: str,
    today: date,
    context_open: bool,
    already_linked: bool,
) -> dict[str, str]:
    problems = {}
    if not context_open:
        problems["context"] = "This context is closed: reopen it before linking children to it."
    elif already_linked:
        problems["context"] = "This child is already linked to this context."
    if linked_on is None:
        problems["linked_on"] = "Enter the date the child was linked to the context."
    elif linked_on > today:
        problems["linked_on"] = "The date of the link cannot be in the future."
    if not _reason(reason):
        problems["reason"] = (
            "Say how the child is connected to this context "
            f"(at least {REASON_MIN_LENGTH} characters)."
        )
    return problems


def unlink_problems(
    *, ended_on: date | None, linked_on: date, end_reason: str, today: date
) -> dict[str, str]:
    problems = {}
    if ended_on is None:
        problems["ended_on"] = "Enter the date the link ends."
    elif ended_on > today:
        problems["ended_on"] = "The date the link ends cannot be in the future."
    elif ended_on < linked_on:
        problems["ended_on"] = f"The link cannot end before it started ({linked_on:%d/%m/%Y})."
    if not _reason(end_reason):
        problems["end_reason"] = (
            "Say why the child is no longer linked to this context "
            f"(at least {REASON_MIN_LENGTH} characters)."
        )
    return problems


def action_problems(
    *, action: str, owners: int, due_on: date | None, today: date, context_open: bool
) -> dict[str, str]:
    problems = {}
    if not context_open:
        problems[None] = "This context is closed: reopen it before adding to its plan."
    if not (action or "").strip():
        problems["action"] = "Say what will be done."
    if owners == 0:
        problems["owner"] = (
            "Say who will do it: choose a worker or an agency, or type who (for example "
            "“Community safety team”)."
        )
    elif owners > 1:
        problems["owner"] = "Give one owner: a worker, an agency or a name, not more than one."
    if due_on is not None and due_on < today:
        problems["due_on"] = "The date it is due cannot be in the past."
    return problems
