"""The field catalogue: every field a letter or report template may name, how each is read from
the record the letter is for, and which restricted sources (documents.rules.Source) its value
comes from. A value's sources decide who may receive it; rendering replaces it otherwise.

The record is one child and, where the letter is about one, the contact, child protection
conference, child protection plan or assessment it is for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q

from onestory.frontdoor.models import Contact, InformationRequest
from onestory.people.models import Address, Person, Relationship
from onestory.socialcare.models import (
    Assessment,
    ChildProtectionConference,
    ChildProtectionPlan,
)

from .rules import RecipientKind, Source

PARENT_KINDS = ("parent", "step_parent", "carer")


@dataclass(frozen=True)
class Value:
    text: str
    sources: frozenset = frozenset()


@dataclass(frozen=True)
class Recipient:
    """Someone a letter may go to, found on the record (never typed in)."""

    key: str
    kind: RecipientKind
    name: str
    address: str = ""
    person: Person | None = None
    user: object = None


@dataclass
class Record:
    """What a letter is produced from: the child, what it is about, and the people around them."""

    child: Person
    about: object
    today: date
    worker: object
    contact: Contact | None = None
    parents: list = field(default_factory=list)
    # People someone on the record is alleged to have harmed.
    harmed_ids: set = field(default_factory=set)
    # (from_person_id, to_person_id) pairs of alleged harm.
    harm_pairs: set = field(default_factory=set)

    @property
    def reference(self) -> str:
        if self.contact is not None:
            return self.contact.reference
        return f"P-{self.child.pk.hex[:8].upper()}"


def _current(q_prefix: str, today: date) -> Q:
    return Q(**{f"{q_prefix}valid_to__isnull": True}) | Q(**{f"{q_prefix}valid_to__gt": today})


def current_address(person: Person, today: date) -> Address | None:
    return (
        person.addresses.filter(_current("", today))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .order_by("-valid_from")
        .first()
    )


def address_text(address: Address | None) -> str:
    if address is None:
        return ""
    return "\n".join(
        p for p in (address.line_1, address.line_2, address.town, address.postcode) if p
    )


def related_to_child(child: Person, kinds, today: date) -> list[Person]:
    """People in a current relationship of these kinds to the child (they are its <kind>)."""
    rows = (
        Relationship.objects.filter(to_person=child, kind__in=kinds)
        .filter(_current("", today))
        .select_related("from_person")
        .order_by("from_person__family_name", "from_person__given_name")
    )
    return [row.from_person for row in rows if row.from_person.merged_into_id is None]


def _contact_of(child: Person, about) -> Contact | None:
    if isinstance(about, Contact):
        return about
    referral = getattr(about, "referral", None)
    if referral is not None:
        return referral.contact
    return (
        Contact.objects.filter(people__person=child).order_by("-received_at").first()
        if child is not None
        else None
    )


def build_record(*, child: Person, about=None, today: date, worker) -> Record:
    parents = related_to_child(child, PARENT_KINDS, today)
    around = {child.pk, *(p.pk for p in parents)}
    harm = set(
        Relationship.objects.filter(alleged_harm=True, to_person_id__in=around)
        .filter(_current("", today))
        .values_list("from_person_id", "to_person_id")
    )
    return Record(
        child=child,
        about=about,
        today=today,
        worker=worker,
        contact=_contact_of(child, about),
        parents=parents,
        harmed_ids={to for _, to in harm},
        harm_pairs=harm,
    )


def recipient_kind_of(record: Record, person: Person) -> RecipientKind:
    """A parent alleged to have harmed the child or another parent of the child is told apart."""
    if person.pk == record.child.pk:
        return RecipientKind.CHILD
    harmed = {to for frm, to in record.harm_pairs if frm == person.pk}
    if harmed & ({record.child.pk} | {p.pk for p in record.parents}):
        return RecipientKind.PARENT_ALLEGED_HARM
    return RecipientKind.PARENT


# Formatting ---------------------------------------------------------------------------------


def long_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _names(people) -> str:
    names = [p.full_name for p in people]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _address_value(record: Record, person: Person) -> Value:
    """A person's current address, tagged by whether it is withheld and whether someone on the
    record is alleged to have harmed the person who lives there."""
    address = current_address(person, record.today)
    sources = set()
    if address is not None and address.withheld:
        sources.add(Source.WITHHELD_ADDRESS)
    if person.pk in record.harmed_ids:
        sources.add(Source.ADDRESS_OF_PERSON_HARMED)
    return Value(address_text(address), frozenset(sources))


def _join(values: list[Value], sep: str = "\n\n") -> Value:
    return Value(
        sep.join(v.text for v in values if v.text),
        frozenset().union(*(v.sources for v in values)) if values else frozenset(),
    )


def _about(record: Record, model):
    about = record.about
    if isinstance(about, model):
        return about
    if model is ChildProtectionPlan and isinstance(about, ChildProtectionConference):
        return about.plan
    return None


# Loaders --------------------------------------------------------------------------------------


def _other_parents(record: Record, recipient: Recipient) -> list[Person]:
    me = recipient.person.pk if recipient.person is not None else None
    return [p for p in record.parents if p.pk != me]


def _referrer_agency(record: Record, recipient) -> Value:
    contact = record.contact
    if contact is None:
        return Value("")
    name = contact.referrer_agency_name or (
        contact.referrer_agency.name if contact.referrer_agency_id else ""
    )
    return Value(name, frozenset({Source.REFERRER_IDENTITY}))


def _contact_outcome(record: Record, recipient) -> Value:
    if record.contact is None:
        return Value("")
    decision = record.contact.decisions.filter(final_at__isnull=False).first()
    return Value(decision.get_outcome_display() if decision else "")


def _police(record: Record, recipient) -> Value:
    if isinstance(record.about, Contact):
        contacts = [record.about.pk]
    else:
        contacts = list(
            Contact.objects.filter(people__person=record.child).values_list("pk", flat=True)
        )
    replies = InformationRequest.objects.filter(
        contact_id__in=contacts,
        agency_kind=InformationRequest.AgencyKind.POLICE,
        replied_at__isnull=False,
    ).order_by("replied_at")
    return Value(
        "\n\n".join(r.reply for r in replies if r.reply),
        frozenset({Source.POLICE_INFORMATION}),
    )


def _carers(record: Record) -> list[Person]:
    return related_to_child(record.child, ("foster_carer",), record.today)


def _adopters(record: Record) -> list[Person]:
    return related_to_child(record.child, ("adoptive_parent",), record.today)


def _conference(record: Record, attribute: Callable) -> Value:
    conference = _about(record, ChildProtectionConference)
    return Value(attribute(conference) if conference else "")


def _plan(record: Record, attribute: Callable) -> Value:
    plan = _about(record, ChildProtectionPlan)
    return Value(attribute(plan) if plan else "")


def _assessment(record: Record, attribute: Callable) -> Value:
    assessment = _about(record, Assessment)
    return Value(attribute(assessment) if assessment else "")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # Who may receive it, in words (the rules decide: documents.rules.MAY_RECEIVE).
    disclosure: str
    load: Callable[[Record, Recipient], Value]


OPEN = "Anyone the letter is for"
ADDRESS = (
    "Anyone the letter is for, unless the address is withheld (council staff only) or the person "
    "is at risk from the recipient"
)
REFERRER = "Council staff, the referrer and partner professionals: never the family"
COUNCIL_ONLY = "Council staff only"

FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("child.name", "The child's name", OPEN, lambda r, _: Value(r.child.full_name)),
        Field("child.first_name", "The child's first name", OPEN,
              lambda r, _: Value(r.child.given_name)),
        Field("child.date_of_birth", "The child's date of birth", OPEN,
              lambda r, _: Value(long_date(r.child.date_of_birth))),
        Field("child.address", "The child's address", ADDRESS,
              lambda r, _: _address_value(r, r.child)),
        Field("recipient.name", "The recipient's name", OPEN, lambda _, rc: Value(rc.name)),
        Field("recipient.address", "The recipient's own address", OPEN,
              lambda _, rc: Value(rc.address)),
        Field("parent.name", "The child's parents' and carers' names", OPEN,
              lambda r, _: Value(_names(r.parents))),
        Field("other_parent.name", "The names of the child's parents other than the recipient",
              OPEN, lambda r, rc: Value(_names(_other_parents(r, rc)))),
        Field("other_parent.address",
              "The addresses of the child's parents other than the recipient", ADDRESS,
              lambda r, rc: _join([_address_value(r, p) for p in _other_parents(r, rc)])),
        Field("referrer.name", "Who made the referral", REFERRER,
              lambda r, _: Value(r.contact.referrer_name if r.contact else "",
                                 frozenset({Source.REFERRER_IDENTITY}))),
        Field("referrer.agency", "The referrer's agency", REFERRER, _referrer_agency),
        Field("contact.reference", "The contact's reference", OPEN,
              lambda r, _: Value(r.contact.reference if r.contact else "")),
        Field("contact.date", "When the contact was received", OPEN,
              lambda r, _: Value(long_date(r.contact.received_at.date()) if r.contact else "")),
        Field("contact.what_happened", "What the referrer said happened (their own words)",
              REFERRER,
              lambda r, _: Value(r.contact.what_happened if r.contact else "",
                                 frozenset({Source.REFERRER_IDENTITY}))),
        Field("contact.outcome", "What the front door decided", OPEN, _contact_outcome),
        Field("conference.kind", "The kind of conference", OPEN,
              lambda r, _: _conference(r, lambda c: c.get_kind_display())),
        Field("conference.date", "The conference's date", OPEN,
              lambda r, _: _conference(r, lambda c: long_date(c.held_on))),
        Field("conference.chair", "Who chairs the conference", OPEN,
              lambda r, _: _conference(r, lambda c: c.chair)),
        Field("conference.decision", "What the conference decided", OPEN,
              lambda r, _: _conference(r, lambda c: c.get_decision_display())),
        Field("plan.category", "The plan's category of abuse", OPEN,
              lambda r, _: _plan(r, lambda p: p.get_latest_category_display().split(": ", 1)[-1])),
        Field("plan.start_date", "When the plan started", OPEN,
              lambda r, _: _plan(r, lambda p: long_date(p.starts_on))),
        Field("plan.next_review", "When the plan is next reviewed", OPEN,
              lambda r, _: _plan(r, lambda p: long_date(p.next_review_on))),
        Field("assessment.summary", "The assessment's analysis", OPEN,
              lambda r, _: _assessment(r, lambda a: a.analysis)),
        Field("assessment.family_views", "The family's views in the assessment", OPEN,
              lambda r, _: _assessment(r, lambda a: a.family_views)),
        Field("assessment.outcome", "The assessment's outcome", OPEN,
              lambda r, _: _assessment(r, lambda a: a.get_outcome_display())),
        Field("police.information", "What the police told the front door", COUNCIL_ONLY,
              _police),
        Field("carer.name", "The child's foster carers' names", OPEN,
              lambda r, _: Value(_names(_carers(r)))),
        Field("carer.address", "The foster carers' address", COUNCIL_ONLY,
              lambda r, _: _join(
                  [Value(v.text, v.sources | {Source.WITHHELD_ADDRESS})
                   for v in (_address_value(r, p) for p in _carers(r))])),
        Field("adopters.name", "The adopters' names", COUNCIL_ONLY,
              lambda r, _: Value(_names(_adopters(r)), frozenset({Source.ADOPTERS_IDENTITY}))),
        Field("adopters.address", "The adopters' address", COUNCIL_ONLY,
              lambda r, _: _join(
                  [Value(v.text, v.sources | {Source.ADOPTERS_IDENTITY, Source.WITHHELD_ADDRESS})
                   for v in (_address_value(r, p) for p in _adopters(r))])),
        Field("worker.name", "Your name", OPEN,
              lambda r, _: Value(r.worker.get_full_name() or r.worker.username)),
        Field("worker.job_title", "Your job title", OPEN,
              lambda r, _: Value(r.worker.job_title)),
        Field("team.name", "Your team", OPEN,
              lambda r, _: Value(r.worker.team.name if r.worker.team_id else "")),
        Field("council.name", "The council's name", OPEN,
              lambda r, _: Value(settings.ONESTORY_COUNCIL_NAME)),
        Field("record.reference", "The record's reference", OPEN,
              lambda r, _: Value(r.reference)),
        Field("today", "Today's date", OPEN, lambda r, _: Value(long_date(r.today))),
    ]
}  # fmt: skip


def values_for(record: Record, recipient: Recipient, names) -> dict[str, Value]:
    """The values of the named fields for one recipient's copy."""
    return {name: FIELDS[name].load(record, recipient) for name in names}
