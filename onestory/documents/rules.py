"""Who may receive what in a letter or report. Pure Python: no Django import.

Every value a template names is tagged with the restricted sources it comes from (documents.
fields); a value reaches a recipient only when every one of its sources is in that recipient
kind's allowance below. Anything else is replaced by WITHHELD_TEXT in that recipient's copy.
"""

import re
from enum import StrEnum


class RecipientKind(StrEnum):
    COUNCIL_STAFF = "council_staff"
    PARENT = "parent"
    PARENT_ALLEGED_HARM = "parent_alleged_harm"
    CHILD = "child"
    REFERRER = "referrer"
    PROFESSIONAL = "professional"

    @property
    def label(self) -> str:
        return RECIPIENT_KIND_LABELS[self]


RECIPIENT_KIND_LABELS = {
    RecipientKind.COUNCIL_STAFF: "Council staff",
    RecipientKind.PARENT: "Parent or carer",
    RecipientKind.PARENT_ALLEGED_HARM: "Parent or carer alleged to have harmed the child or the "
    "other parent",
    RecipientKind.CHILD: "The child or young person",
    RecipientKind.REFERRER: "The referrer",
    RecipientKind.PROFESSIONAL: "A partner professional",
}

RECIPIENT_KINDS = tuple(RecipientKind)


class Source(StrEnum):
    """Where a value comes from that limits who may have it."""

    # An address withheld on the record (people.rules.ADDRESS_WITHHELD: a refuge, a foster
    # carer's or adopters' home, another safety reason).
    WITHHELD_ADDRESS = "withheld_address"
    # Who the adopters (or prospective adopters) are: never to the birth family.
    ADOPTERS_IDENTITY = "adopters_identity"
    # Who made the referral, and their own account of it: never to the family.
    REFERRER_IDENTITY = "referrer_identity"
    # Replies from the police to the front door's information requests.
    POLICE_INFORMATION = "police_information"
    # Where someone lives whom a person on the record is alleged to have harmed: never to a
    # parent alleged to have harmed the child or the other parent.
    ADDRESS_OF_PERSON_HARMED = "address_of_person_harmed"


# The restricted sources each kind of recipient may receive. Council staff receive everything;
# the referrer and partner professionals may know who referred; everyone but a parent alleged to
# have harmed may know where a person at risk from them lives (unless that address is withheld).
MAY_RECEIVE: dict[RecipientKind, frozenset[Source]] = {
    RecipientKind.COUNCIL_STAFF: frozenset(Source),
    RecipientKind.PARENT: frozenset({Source.ADDRESS_OF_PERSON_HARMED}),
    RecipientKind.PARENT_ALLEGED_HARM: frozenset(),
    RecipientKind.CHILD: frozenset({Source.ADDRESS_OF_PERSON_HARMED}),
    RecipientKind.REFERRER: frozenset({Source.REFERRER_IDENTITY, Source.ADDRESS_OF_PERSON_HARMED}),
    RecipientKind.PROFESSIONAL: frozenset(
        {Source.REFERRER_IDENTITY, Source.ADDRESS_OF_PERSON_HARMED}
    ),
}

# What a recipient reads where a value they may not have would have been.
WITHHELD_TEXT = "[withheld]"


def may_receive(kind: str, sources) -> bool:
    """Whether a recipient of this kind may have a value drawn from these sources."""
    return set(sources) <= MAY_RECEIVE[RecipientKind(kind)]


def needs_approval(kind: str) -> bool:
    """Anything leaving the council needs a second person's approval before it is released."""
    return RecipientKind(kind) != RecipientKind.COUNCIL_STAFF


# A template names fields as {{ child.name }}: lower-case words joined by dots.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
# Anything else that looks like template syntax is refused: no tags, filters or comments.
_STRAY_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def placeholders(body: str) -> list[str]:
    """The field names a template body uses, in order, each once."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1))
    return list(seen)


def template_problems(body: str, known_fields) -> list[str]:
    """What is wrong with a template body: unknown fields (named) and unsupported syntax."""
    problems = []
    unknown = [name for name in placeholders(body) if name not in known_fields]
    if unknown:
        named = ", ".join("{{ " + name + " }}" for name in unknown)
        problems.append(
            f"The template names fields that do not exist: {named}. Use only the fields listed "
            "on this page, written like {{ child.name }}."
        )
    if _STRAY_SYNTAX.search(PLACEHOLDER.sub("", body)):
        problems.append(
            "The template has braces that are not a field. Write each field as "
            "{{ field.name }} with a field from the list, and use no other {{, {% or {# marks."
        )
    return problems
