"""Subject access requests: when the answer is due, and what a bundle leaves out. Pure Python.

Dates in, dates out; the bank holidays are passed in (onestory.core.calendar gives England and
Wales's). Who may receive a restricted source is the letters' matrix (documents.rules): a bundle
goes to the person themselves or to someone asking for them, so it is held to what a letter to
the child or to a parent may carry.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from onestory.core.rules import add_months, is_working_day, next_working_day
from onestory.documents.rules import MAY_RECEIVE, RecipientKind, Source

# ICO, "Right of access" (UK GDPR Article 12(3)), "How long do we have to comply?"
# (ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/right-of-access/):
# respond within one calendar month, counted from the day the request is received to the
# corresponding calendar date in the next month; where the next month has no such date, the last
# day of that month; where the date falls on a weekend or a public holiday, the next working day.
TIME_TO_RESPOND_MONTHS = 1
# The same guidance: the time may be extended "by a further two months" where requests are
# complex or numerous, telling the person within the first month and saying why.
MAX_EXTENSION_MONTHS = 2
# A reason is written for the person and for the ICO to read later.
MIN_REASON_LENGTH = 10


class Requester(StrEnum):
    SUBJECT = "subject"
    PARENT = "parent"
    REPRESENTATIVE = "representative"

    @property
    def label(self) -> str:
        return REQUESTER_LABELS[self]


REQUESTER_LABELS = {
    Requester.SUBJECT: "The person themselves (for example a young person or a care leaver)",
    Requester.PARENT: "A parent or carer, for a child too young to ask for themselves",
    Requester.REPRESENTATIVE: "Another representative with the person's authority (a solicitor, "
    "an advocate)",
}


def due_date(received: date, bank_holidays, *, extension_months: int = 0) -> date:
    """When the answer is due: one calendar month from receipt (plus any extension), moved to
    the next working day when it falls on a weekend or bank holiday."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is 0 to {MAX_EXTENSION_MONTHS} months")
    months = TIME_TO_RESPOND_MONTHS + extension_months
    due = add_months(received, months)
    return due if is_working_day(due, bank_holidays) else next_working_day(due, bank_holidays)


def days_left(due: date, today: date) -> int:
    """Calendar days until the answer is due: 0 on the day, negative when overdue."""
    return (due - today).days


# What a bundle is made for: the person themselves (as a letter to the child) or someone asking
# for them (as a letter to a parent). Both may receive no restricted source but the address of
# someone at risk, which is another person's address and is withheld as a third party's anyway.
RECIPIENT_KIND = {
    Requester.SUBJECT: RecipientKind.CHILD,
    Requester.PARENT: RecipientKind.PARENT,
    Requester.REPRESENTATIVE: RecipientKind.PARENT,
}


class Reason(StrEnum):
    """Why something was left out of a bundle (UK GDPR Art. 15(4) and DPA 2018 Sch. 2 para 16:
    third parties' data; Sch. 3 Part 3: social work data whose disclosure would cause serious
    harm)."""

    THIRD_PARTY = "third_party"
    REFERRER = "referrer"
    POLICE = "police"
    WITHHELD_ADDRESS = "withheld_address"
    ADOPTERS = "adopters"
    PERSON_AT_RISK = "person_at_risk"
    FOSTER_CARER = "foster_carer"
    LETTER_TO_OTHERS = "letter_to_others"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    Reason.THIRD_PARTY: "third party: another person's personal data",
    Reason.REFERRER: "third party: referrer",
    Reason.POLICE: "police information",
    Reason.WITHHELD_ADDRESS: "withheld address (a refuge, a carer's or adopters' home)",
    Reason.ADOPTERS: "third party: adopters' identity",
    Reason.PERSON_AT_RISK: "third party: where a person at risk lives",
    Reason.FOSTER_CARER: "third party: foster carer",
    Reason.LETTER_TO_OTHERS: "a letter to someone else, which may carry what the requester may "
    "not have (its record is in the bundle, withheld as above)",
}

# The letters' sources, as reasons of a bundle.
REASON_OF_SOURCE = {
    Source.WITHHELD_ADDRESS: Reason.WITHHELD_ADDRESS,
    Source.ADOPTERS_IDENTITY: Reason.ADOPTERS,
    Source.REFERRER_IDENTITY: Reason.REFERRER,
    Source.POLICE_INFORMATION: Reason.POLICE,
    Source.ADDRESS_OF_PERSON_HARMED: Reason.PERSON_AT_RISK,
}


def withheld_text(reason: Reason) -> str:
    """What the bundle reads where something was left out, saying of what kind."""
    if reason in (Reason.POLICE, Reason.WITHHELD_ADDRESS, Reason.LETTER_TO_OTHERS):
        return f"[withheld: {reason.label.split(' (')[0]}]"
    return "[withheld: third party]"


def source_withheld(requester: str, sources) -> Reason | None:
    """The reason to withhold a value drawn from these letter sources, or None to keep it.

    A bundle is held to the letters' matrix for its recipient, and never carries another
    person's address (so the address of someone at risk is withheld here too)."""
    allowed = MAY_RECEIVE[RECIPIENT_KIND[Requester(requester)]] - {Source.ADDRESS_OF_PERSON_HARMED}
    refused = [Source(s) for s in sources if Source(s) not in allowed]
    return REASON_OF_SOURCE[sorted(refused)[0]] if refused else None


def letter_may_be_shown(requester: str, letter_recipient_kind: str) -> bool:
    """A letter's kept text may go into a bundle only when it was made for a recipient allowed
    no more than the bundle's (its withholding then already suits the requester)."""
    mine = MAY_RECEIVE[RECIPIENT_KIND[Requester(requester)]]
    try:
        theirs = MAY_RECEIVE[RecipientKind(letter_recipient_kind)]
    except ValueError:
        return False
    return theirs <= mine


# Third parties' names and identifiers in free text -------------------------------------------

# Shorter words are too often ordinary words ("Al", "Jo" as in "job"): they are matched only as
# part of a full name.
MIN_TERM_LENGTH = 3


@dataclass(frozen=True)
class Redacted:
    text: str
    count: int  # how many mentions were withheld


def _pattern(terms) -> re.Pattern | None:
    cleaned = sorted({t.strip() for t in terms if t and len(t.strip()) >= MIN_TERM_LENGTH},
                     key=len, reverse=True)  # fmt: skip
    if not cleaned:
        return None
    # Whole words only, longest first so "Jo Smith" is taken before "Smith".
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in cleaned)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


class TextRedactor:
    """Replaces every mention of third parties' names and identifiers in free text."""

    def __init__(self, terms, *, keep=()):
        keep = {k.strip().lower() for k in keep if k}
        self.terms = frozenset(t for t in terms if t and t.strip().lower() not in keep)
        self._pattern = _pattern(self.terms)

    def redact(self, text: str) -> Redacted:
        if not text or self._pattern is None:
            return Redacted(text or "", 0)
        out, count = self._pattern.subn(withheld_text(Reason.THIRD_PARTY), text)
        return Redacted(out, count)


def third_party_terms(
    *, given_names, family_names, full_names, identifiers, subject_terms
) -> tuple[list[str], list[str]]:
    """The words to withhold for the people around the subject, and the subject's own words to
    keep: a sibling's family name is usually the subject's too, and a parent's address is often
    the subject's own, so what the subject shares is withheld only as part of a full name."""
    own = {n.strip().lower() for n in subject_terms if n}
    terms = list(full_names)
    terms += [
        n for n in (*given_names, *family_names, *identifiers) if n and n.strip().lower() not in own
    ]
    return terms, sorted(own)
