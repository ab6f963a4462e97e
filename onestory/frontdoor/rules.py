"""The front door's rules: code lists, the decision clock, re-referrals and the contact's life.

Pure Python: no Django import. Bank holidays and the time are passed in.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from onestory.core.rules import FRONT_DOOR_DECISION_WORKING_DAYS, LONDON, due_after_working_days

# ---------------------------------------------------------------------------------------------
# Code lists of the children in need census (DfE, "Children in need census 2025 to 2026: guide",
# referral source and primary need code sets; DOMAIN.md).

REFERRAL_SOURCES = {
    "1A": "Individual",
    "1B": "Individual: family member, relative or carer",
    "1C": "Individual: acquaintance, including neighbours and childminders",
    "1D": "Individual: self",
    "2A": "School",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "Local authority: social care",
    "5B": "Local authority: other internal department",
    "5C": "Local authority: external, for example another council",
    "5D": "Local authority: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

PRIMARY_NEEDS = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability or illness",
    "N3": "Parent's disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
    "N0": "Not stated",
}

# The referral source a request from each kind of agency usually has; the screener can change it.
SOURCE_FOR_AGENCY_KIND = {
    "school": "2A",
    "gp": "3A",
    "health_visiting": "3B",
    "school_nursing": "3C",
    "hospital": "3E",
    "police": "6",
    "housing": "4",
    "voluntary": "8",
    "council": "5B",
    "other": "8",
}


def referral_source_for(agency_kind: str | None, *, from_early_help: bool = False) -> str:
    if from_early_help:
        return "5D"
    return SOURCE_FOR_AGENCY_KIND.get(agency_kind or "", "10")


# ---------------------------------------------------------------------------------------------
# Decisions


class Outcome(StrEnum):
    NO_FURTHER_ACTION = "nfa"
    EARLY_HELP = "early_help"
    STATUTORY_REFERRAL = "referral"
    STRATEGY_DISCUSSION = "strategy"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.NO_FURTHER_ACTION: "No further action: signpost to universal services",
    Outcome.EARLY_HELP: "Early help",
    Outcome.STATUTORY_REFERRAL: "Statutory referral for a child and family assessment",
    Outcome.STRATEGY_DISCUSSION: "Strategy discussion: significant harm is suspected",
}

# The levels of need (DOMAIN.md) each outcome may be recorded at. The names of the levels are
# the council's data; these numbers are the seed's four-level model.
LEVELS_FOR_OUTCOME = {
    Outcome.NO_FURTHER_ACTION: (1,),
    Outcome.EARLY_HELP: (2, 3),
    Outcome.STATUTORY_REFERRAL: (4,),
    Outcome.STRATEGY_DISCUSSION: (4,),
}

# Outcomes that open a referral to children's social care (counted in the children in need census).
STATUTORY_OUTCOMES = frozenset({Outcome.STATUTORY_REFERRAL, Outcome.STRATEGY_DISCUSSION})

# A decision needs at least this much written reasoning: it is read later by managers,
# auditors and inspectors. A council choice, not statute.
MIN_RATIONALE_LENGTH = 20

# What the referrer is told, drafted for the screener to edit before the decision is saved.
REFERRER_MESSAGES = {
    Outcome.NO_FURTHER_ACTION: (
        "Thank you for your request for support. We have looked at what you told us and what we "
        "already know. Children's services will not take further action. The family can get help "
        "from universal services: {signposting}"
    ),
    Outcome.EARLY_HELP: (
        "Thank you for your request for support. The family will be offered early help. "
        "{team} will contact the family and may contact you to plan support together."
    ),
    Outcome.STATUTORY_REFERRAL: (
        "Thank you for your request for support. It has been accepted as a referral to "
        "children's social care. A social worker will assess the child's needs and may contact "
        "you for information."
    ),
    Outcome.STRATEGY_DISCUSSION: (
        "Thank you for your request for support. Children's social care is holding a strategy "
        "discussion with the police and health today. You may be asked to take part."
    ),
}


def draft_referrer_message(outcome: Outcome, *, signposting: str = "", team: str = "") -> str:
    return REFERRER_MESSAGES[outcome].format(
        signposting=signposting.strip() or "see the council's family services directory.",
        team=team or "An early help practitioner",
    )


def decision_problems(
    *,
    outcome: Outcome,
    level: int | None,
    rationale: str,
    primary_need: str,
    signposting: str,
    early_help_team: bool,
    lead_professional: bool,
    social_work_team: bool,
) -> dict[str, str]:
    """What is missing or inconsistent in a decision, by field, in words a screener can act on."""
    problems = {}
    if len((rationale or "").strip()) < MIN_RATIONALE_LENGTH:
        problems["rationale"] = (
            "Explain the decision: what you weighed up and why this is the right help. "
            f"Write at least {MIN_RATIONALE_LENGTH} characters."
        )
    if level is None:
        problems["level"] = "Choose the level of need."
    elif level not in LEVELS_FOR_OUTCOME[outcome]:
        problems["level"] = (
            "This level of need does not fit the decision: "
            f"{outcome.label.lower()} is level "
            f"{' or '.join(map(str, LEVELS_FOR_OUTCOME[outcome]))}."
        )
    if outcome in STATUTORY_OUTCOMES:
        if primary_need not in PRIMARY_NEEDS or primary_need == "N0":
            # The census refuses a referral without a primary need (CIN census guide, N00101).
            problems["primary_need"] = (
                "Choose the child's primary need: the children in need census needs one for "
                "every referral."
            )
        if not social_work_team:
            problems["social_work_team"] = (
                "Choose the social work team that will take the referral."
            )
    if outcome == Outcome.NO_FURTHER_ACTION and not (signposting or "").strip():
        problems["signposting"] = (
            "Say which universal services the family can use, for example their GP, school "
            "or family hub."
        )
    if outcome == Outcome.EARLY_HELP and early_help_team == lead_professional:
        problems["early_help_team"] = (
            "Choose either an early help team or a partner lead professional, not both."
            if early_help_team
            else "Choose the early help team, or a lead professional from a partner agency."
        )
    return problems


# ---------------------------------------------------------------------------------------------
# The contact's life


class Status(StrEnum):
    RECEIVED = "received"
    SCREENING = "screening"
    AWAITING_SIGN_OFF = "sign_off"
    DECIDED = "decided"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.RECEIVED: "Waiting for a screener",
    Status.SCREENING: "Being screened",
    Status.AWAITING_SIGN_OFF: "Waiting for a manager to sign off",
    Status.DECIDED: "Decided",
    Status.CLOSED: "Closed without a decision",
}

# Which status each step may start from.
TRANSITIONS = {
    "assign": {Status.RECEIVED, Status.SCREENING},
    "decide": {Status.RECEIVED, Status.SCREENING},
    "sign_off": {Status.AWAITING_SIGN_OFF},
    "return": {Status.AWAITING_SIGN_OFF},
    "close": {Status.RECEIVED, Status.SCREENING},
}
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.SCREENING, Status.AWAITING_SIGN_OFF})


def may(step: str, status: Status) -> bool:
    return Status(status) in TRANSITIONS[step]


# A family in immediate danger is screened at once: the decision (and the strategy discussion it
# leads to) is due within this many hours. A council choice; Working Together 2023 asks for
# immediate action, without a number.
IMMEDIATE_DANGER_HOURS = 2


def decision_due_at(
    received_at: datetime, *, immediate_danger: bool, holidays: Collection[date]
) -> datetime:
    """When the front door's decision on a contact is due."""
    if immediate_danger:
        return received_at + timedelta(hours=IMMEDIATE_DANGER_HOURS)
    return due_after_working_days(received_at, FRONT_DOOR_DECISION_WORKING_DAYS, holidays)


def strategy_discussion_due_at(decided_at: datetime) -> datetime:
    """A strategy discussion for a child in immediate danger is held the same day: by the end of
    the London day the decision was made."""
    local = decided_at.astimezone(LONDON)
    return datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=LONDON)


# What a strategy discussion decided (Working Together to Safeguard Children 2023, chapter 2).
STRATEGY_OUTCOMES = {
    "section_47": "Start a section 47 enquiry",
    "assessment": "No section 47 enquiry: carry on with a child and family assessment",
    "nfa": "No further action",
}
# The agencies a strategy discussion brings together (Working Together 2023: at least social care,
# police and health, and the referring agency).
STRATEGY_AGENCIES = {
    "social_care": "Children's social care",
    "police": "Police",
    "health": "Health",
    "education": "School or education",
    "other": "Other agency",
}


def queue_key(*, immediate_danger: bool, due_at: datetime, received_at: datetime) -> tuple:
    """Queue order: families in immediate danger first, then least time left, then oldest."""
    return (not immediate_danger, due_at, received_at)


# Re-referral: a referral within 12 months of the previous referral of the same child
# (DfE children in need census guide: "re-referrals within 12 months of a previous referral").
RE_REFERRAL_MONTHS = 12


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def is_re_referral(referral_date: date, earlier_referral_dates: Iterable[date]) -> bool:
    """Whether a referral on `referral_date` follows another within 12 months."""
    window_start = months_before(referral_date, RE_REFERRAL_MONTHS)
    return any(window_start <= d <= referral_date for d in earlier_referral_dates)


# ---------------------------------------------------------------------------------------------
# What a request for support must hold


class Consent(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"

    @property
    def label(self) -> str:
        return CONSENT_LABELS[self]


CONSENT_LABELS = {
    Consent.GIVEN: "Yes, the family agreed to their information being shared",
    Consent.REFUSED: "No, the family refused",
    Consent.NOT_SOUGHT: "No, I did not ask them",
}


@dataclass(frozen=True)
class NamedPerson:
    """A person named in a request, as typed."""

    role: str
    given_name: str
    family_name: str


def request_problems(
    *,
    people: list[NamedPerson],
    what_happened: str,
    consent: str,
    consent_explanation: str,
    immediate_danger: bool,
    referrer_contact: str,
) -> dict[str, str]:
    """What a request for support is missing, by field, in words the referrer can act on."""
    problems = {}
    if not any(p.role == "child" for p in people):
        problems["people"] = "Name at least one child you are worried about."
    for index, person in enumerate(people):
        if not (person.given_name.strip() or person.family_name.strip()):
            problems[f"person-{index}"] = (
                "Enter a first name or a last name for each person, or remove the row."
            )
    if not (what_happened or "").strip():
        problems["what_happened"] = "Say what has happened and why you are worried."
    if consent not in {c.value for c in Consent}:
        problems["consent"] = "Say whether the family agreed to their information being shared."
    elif consent != Consent.GIVEN and not (consent_explanation or "").strip():
        problems["consent_explanation"] = (
            "Say why consent was refused or not asked for. Consent is not needed when a child may "
            "be at risk of significant harm: say so here if that is the reason."
        )
    if not (referrer_contact or "").strip():
        problems["referrer_contact"] = (
            "Give a phone number or email address so the front door can reach you today."
        )
    return problems
