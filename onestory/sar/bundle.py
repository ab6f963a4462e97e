"""The bundle for a subject access request: everything the council holds about one person, from
every app that records it, with third parties' personal data withheld and each withholding
counted (sar.rules says why; the letters' matrix says who may have a restricted source).

Each item is read field by field from its model: text and dates as they are, choices as their
words, a link to the subject as "you", a link to anyone else withheld, links to workers, teams
and internal records left out (they are the council's, not the person's). Free text has every
mention of the people around the subject (and the referrers) withheld by name and identifier.
The audit of who opened the record is not part of it (the issue's brief leaves it out).

Completeness: every model that points at a person (directly, or through a parent row such as an
episode, a plan or a contact) is either read by build() (the Bundle says which, as `read`) or
named in EXCLUDED or REFERENCE below with its reason; tests/test_completeness.py holds it to that.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.db.models import Q

from onestory.core.clock import LONDON
from onestory.documents.rules import Source
from onestory.people.models import Address, Person, PersonName

from . import rules
from .rules import Reason

YOU = "You"
# Never shown: ids, bookkeeping, search keys, stored files' insides, matching evidence.
SKIP_FIELDS = {
    "id", "version", "created_at", "updated_at", "merged_into", "given_name_key",
    "family_name_key", "file", "sha256", "size", "content_type", "suggestions", "source_id",
    "source_type", "about_id", "about_type", "html", "needs_attention", "overdue_notified_on",
    "lsoa", "removed_reason", "recipient_address",
}  # fmt: skip
# Fields that are somebody else's whatever the record: the letters' sources (withheld unless
# the requester may have them) or a bundle's own reason.
FIELD_RULES: dict[str, dict[str, Source | Reason]] = {
    "frontdoor.contact": {
        "referrer_name": Source.REFERRER_IDENTITY,
        "referrer_job_title": Source.REFERRER_IDENTITY,
        "referrer_agency": Source.REFERRER_IDENTITY,
        "referrer_agency_name": Source.REFERRER_IDENTITY,
        "referrer_contact": Source.REFERRER_IDENTITY,
        # The referrer's own account (as in a letter: documents.fields "contact.what_happened").
        "what_happened": Source.REFERRER_IDENTITY,
    },
    "socialcare.placement": {
        "carer": Reason.FOSTER_CARER,
        "placement_postcode": Source.WITHHELD_ADDRESS,
        "urn": Reason.FOSTER_CARER,
    },
    "documents.letter": {"recipient_name": Reason.THIRD_PARTY},
}
ADDRESS_FIELDS = ("line_1", "line_2", "town", "postcode", "ward")
RELATIONSHIP_REASON = {"adoptive_parent": Reason.ADOPTERS, "foster_carer": Reason.FOSTER_CARER}


@dataclass(frozen=True)
class Read:
    """A simple section: every row of `label` whose `path` leads to the subject, one item each."""

    title: str
    label: str
    path: str


# The simple sections, in the order they appear (the hand-written ones are in build()).
SOCIAL_CARE_READS = (
    Read("Social care: child in need reviews", "socialcare.ChildInNeedReview", "plan__person"),
    Read("Social care: legal statuses", "socialcare.LegalStatus", "period__person"),
    Read("Social care: pathway plan reviews", "socialcare.PathwayPlanReview", "plan__person"),
)
PATHWAYS_READS = (
    Read("Pathways: pathway flags", "pathways.PathwayFlag", "person"),
    Read("Pathways: panel referrals", "pathways.PanelReferral", "flag__person"),
    Read("Pathways: panel reviews", "pathways.PanelReview", "referral__flag__person"),
    Read("Pathways: missing episodes", "pathways.MissingEpisode", "flag__person"),
    Read("Pathways: context links", "pathways.ContextLink", "person"),
    Read("Pathways: contexts you were linked to", "pathways.Context", "links__person"),
    Read("Pathways: context notes", "pathways.ContextNote", "context__links__person"),
    Read("Pathways: context plans", "pathways.ContextAction", "context__links__person"),
)
FAMILY_HUB_READS = (
    Read("Family hubs: registered people", "familyhubs.RegisteredPerson", "person"),
    Read("Family hubs: bookings", "familyhubs.Booking", "person"),
    Read("Family hubs: attendances", "familyhubs.Attendance", "person"),
)
OTHER_READS = (
    Read("Consent to share your information", "access.Consent", "person"),
    Read("Workers and teams allocated to you", "access.Allocation", "person"),
    Read("Messages sent to you", "notify.Message", "to_person"),
    Read("Your identifier in statutory returns", "returns.LAChildId", "person"),
)

# Models that point at a person but whose rows are not the person's data for a bundle: one line
# each saying why. (A model added later is neither read nor here: the completeness test fails.)
EXCLUDED = {
    # Change history of the record (django-simple-history): the current values, former names and
    # addresses kept as such are in the bundle; old versions are the audit trail of edits.
    "people.HistoricalPerson": "edit history of the record (audit trail); current values are read",
    "people.HistoricalPersonName": "edit history of names (audit trail); the names are read",
    "people.HistoricalAddress": "edit history of addresses (audit trail); the addresses are read",
    "people.HistoricalHouseholdMember": "edit history of households (audit trail); memberships "
    "are read",
    "people.HistoricalRelationship": "edit history of relationships (audit trail); relationships "
    "are read",
    "people.DuplicateCandidate": "data-quality bookkeeping: a possible match between two records, "
    "the other being someone else's",
    "people.PersonMerge": "bookkeeping of a merge: the merged record's data now sits on the kept "
    "record, which is read",
    "synthetic.PlantedDuplicate": "synthetic-data test bookkeeping, never real data",
    "access.AuditEvent": "the access log (who opened the record) is a separate right, answered "
    "from the audit app",
    "access.AccessGrant": "a worker's time-limited right to open the record: access control, "
    "part of the access log",
    "access.Notification": "a message to a worker about access to the record: part of the "
    "access log",
    "access.RecordRestriction": "a security marking; its reason can reveal who is being protected",
    "retention.LegalHold": "a legal hold on disposal: the council's litigation record, not the "
    "person's",
    "sar.SubjectAccessRequest": "the subject access request itself (the bundle is its answer)",
    "sar.Withholding": "the bundle's own withholding decisions, listed to the officer",
    "insight.CaseAudit": "a manager's grading of workers' practice on the case (staff "
    "performance, not the person's record)",
    "documents.DocumentSubject": "only links a document to the people it is about; the documents "
    "are read",
}
# Shared reference rows that records point at (catalogues, templates, places): about nobody.
# The completeness test does not look below them (every row would reach everyone).
REFERENCE = {
    "people.Ward": "an electoral ward",
    "familyhubs.Session": "a session of a hub activity, open to many families",
    "familyhubs.Service": "a service in the directory",
    "documents.LetterTemplate": "a letter's template",
    "insight.CaseAuditTemplate": "an audit form's questions",
}


@dataclass
class Item:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Bundle:
    person: Person
    sections: list[Section]
    decisions: Counter  # (section, item kind, reason) -> count
    read: frozenset = frozenset()  # labels ("app.Model") of every model the bundle read

    @property
    def withheld(self) -> int:
        return sum(self.decisions.values())


def _shown(value) -> str:
    if isinstance(value, datetime):
        return f"{value.astimezone(LONDON):%d %B %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


class Builder:
    def __init__(self, person: Person, requester: str, *, today: date):
        self.person = person
        self.requester = requester
        self.today = today
        self.decisions: Counter = Counter()
        self.sections: list[Section] = []
        self.read: set[str] = set()
        terms, keep = self._terms()
        self.redactor = rules.TextRedactor(terms, keep=keep)

    # Who is around the subject ---------------------------------------------------------------

    def _around_ids(self) -> set:
        p = self.person.pk
        ids = set()
        Relationship = apps.get_model("people", "Relationship")
        for a, b in Relationship.objects.filter(Q(from_person=p) | Q(to_person=p)).values_list(
            "from_person_id", "to_person_id"
        ):
            ids |= {a, b}
        pairs = [
            ("people.HouseholdMember", "household__members__person", "person_id"),
            ("frontdoor.ContactPerson", "contact__people__person", "person_id"),
            ("earlyhelp.EpisodeMember", "episode__members__person", "person_id"),
            ("earlyhelp.MeetingInvitee", "meeting__episode__members__person", "family_member_id"),
            ("earlyhelp.MeetingInvitee", "meeting__invitees__family_member", "family_member_id"),
            ("recording.CaseNoteSubject", "note__subjects__person", "person_id"),
            ("documents.DocumentSubject", "document__subjects__person", "person_id"),
            ("pathways.ContextLink", "context__links__person", "person_id"),
            ("familyhubs.RegisteredPerson", "registration__people__person", "person_id"),
        ]
        for label, path, column in pairs:
            ids |= set(
                apps.get_model(label).objects.filter(**{path: p}).values_list(column, flat=True)
            )
        ServiceReferral = apps.get_model("familyhubs", "ServiceReferral")
        ids |= set(
            ServiceReferral.people.through.objects.filter(servicereferral__people=p).values_list(
                "person_id", flat=True
            )
        )
        Letter = apps.get_model("documents", "Letter")
        for a, b in Letter.objects.filter(Q(person=p) | Q(recipient_person=p)).values_list(
            "person_id", "recipient_person_id"
        ):
            ids |= {a, b}
        ids.discard(None)
        ids.discard(p)
        return ids

    def _terms(self) -> tuple[list[str], list[str]]:
        others = self._around_ids()
        given, family, full, identifiers = [], [], [], []
        for person in Person.objects.filter(pk__in=others):
            given += [person.given_name, *person.middle_names.split()]
            family.append(person.family_name)
            full.append(person.full_name)
            identifiers += [person.nhs_number, person.upn, person.email, person.mobile]
        for name in PersonName.objects.filter(person_id__in=others):
            given.append(name.given_name)
            family.append(name.family_name)
            full.append(f"{name.given_name} {name.family_name}".strip())
        for address in Address.objects.filter(person_id__in=others):
            identifiers += [address.line_1, address.postcode]
        ContactPerson = apps.get_model("frontdoor", "ContactPerson")
        Contact = apps.get_model("frontdoor", "Contact")
        contacts = Contact.objects.filter(people__person=self.person).distinct()
        for row in ContactPerson.objects.filter(contact__in=contacts).exclude(person=self.person):
            given.append(row.given_name)
            family.append(row.family_name)
            full.append(row.typed_name)
            identifiers += [row.address, row.postcode, row.nhs_number, row.upn]
        for name, contact in contacts.values_list("referrer_name", "referrer_contact"):
            full.append(name)
            identifiers.append(contact)
        MeetingInvitee = apps.get_model("earlyhelp", "MeetingInvitee")
        for row in MeetingInvitee.objects.filter(
            Q(meeting__episode__members__person=self.person)
            | Q(meeting__invitees__family_member=self.person)
        ).exclude(family_member=self.person).distinct():
            if not _professional(row):
                full.append(row.name)
        Placement = apps.get_model("socialcare", "Placement")
        full += list(Placement.objects.filter(person=self.person).values_list("carer", flat=True))
        me = self.person
        subject_terms = [me.given_name, me.family_name, me.full_name, *me.middle_names.split(),
                         me.nhs_number, me.upn, me.email, me.mobile]  # fmt: skip
        for name in PersonName.objects.filter(person=me):
            subject_terms += [name.given_name, name.family_name]
        for address in Address.objects.filter(person=me, withheld=""):
            subject_terms += [address.line_1, address.postcode]
        return rules.third_party_terms(
            given_names=given, family_names=family, full_names=full,
            identifiers=identifiers, subject_terms=subject_terms,
        )  # fmt: skip

    # Withholding -----------------------------------------------------------------------------

    def withhold(self, section: str, item: str, reason: Reason, count: int = 1) -> str:
        self.decisions[(section, item, reason)] += count
        return rules.withheld_text(reason)

    def _reason(self, rule) -> Reason | None:
        if isinstance(rule, Reason):
            return rule
        return rules.source_withheld(self.requester, {rule})

    def free_text(self, section: str, item: str, text: str) -> str:
        done = self.redactor.redact(text)
        if done.count:
            self.decisions[(section, f"{item}: mentions of other people", Reason.THIRD_PARTY)] += (
                done.count
            )
        return done.text

    # Items -------------------------------------------------------------------------------------

    def item(
        self, section: str, obj, heading: str, *, withheld: dict | None = None, skip=()
    ) -> Item:
        """Every field of one row, as the requester may read it (but the fields in `skip`)."""
        label = obj._meta.label_lower
        kind = obj._meta.verbose_name
        field_rules = {**FIELD_RULES.get(label, {}), **(withheld or {})}
        out = Item(heading)
        for f in obj._meta.concrete_fields:
            if (
                f.name in SKIP_FIELDS
                or f.name in skip
                or isinstance(f, models.UUIDField | models.FileField)
            ):
                continue
            name = str(f.verbose_name)
            name = name[:1].upper() + name[1:]
            value = getattr(obj, f.attname)
            if value in (None, "", [], {}):
                continue
            rule = field_rules.get(f.name)
            reason = self._reason(rule) if rule is not None else None
            if reason is not None:
                out.rows.append((name, self.withhold(section, f"{kind}: {name.lower()}", reason)))
                continue
            if f.is_relation:
                shown = self._related(section, kind, f, value, name)
                if shown is not None:
                    out.rows.append((name, shown))
                continue
            if isinstance(f, models.JSONField) and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                continue
            if f.choices:
                shown = getattr(obj, f"get_{f.name}_display")()
            elif isinstance(f, models.CharField | models.TextField):
                shown = self.free_text(section, kind, value)
            else:
                shown = _shown(value)
            out.rows.append((name, shown))
        return out

    def _related(self, section, kind, f, value, name) -> str | None:
        model = f.related_model
        if model is Person:
            if value == self.person.pk:
                return YOU
            return self.withhold(section, f"{kind}: {name.lower()}", Reason.THIRD_PARTY)
        if model._meta.label_lower in ("workforce.agency", "workforce.team", "people.ward"):
            return str(model.objects.get(pk=value))
        return None  # workers and internal records are the council's, not the person's

    def model(self, label: str):
        """A model whose rows go into the bundle (so the bundle can say what it covers)."""
        model = apps.get_model(label)
        self.read.add(model._meta.label)
        return model

    def add(self, title: str, rows, heading, **kwargs) -> None:
        self.read.add(rows.model._meta.label)
        section = Section(title)
        for obj in rows:
            section.items.append(self.item(title, obj, heading(obj), **kwargs))
        if section.items:
            self.sections.append(section)


def build(person: Person, requester: str, *, today: date) -> Bundle:
    """Everything held about `person`, for this kind of requester."""
    b = Builder(person, requester, today=today)
    p = person

    me = Section("Your record")
    me.items.append(b.item(me.title, p, "Your details"))
    b.sections.append(me)
    b.add(
        "Names you are or were known by",
        PersonName.objects.filter(person=p),
        lambda n: n.get_kind_display(),
    )

    addresses = Section("Your addresses")
    for address in b.model("people.Address").objects.filter(person=p):
        withheld = (
            dict.fromkeys(ADDRESS_FIELDS, Source.WITHHELD_ADDRESS) if address.withheld else None
        )
        addresses.items.append(b.item(addresses.title, address, "Address", withheld=withheld))
    if addresses.items:
        b.sections.append(addresses)

    b.model("people.Household")  # each membership's heading is its household's name
    b.add("Families and households", b.model("people.HouseholdMember").objects.filter(person=p)
          .select_related("household"), lambda m: b.free_text(
              "Families and households", "household", m.household.name))  # fmt: skip
    relationships = Section("Relationships")
    Relationship = b.model("people.Relationship")
    for row in Relationship.objects.filter(Q(from_person=p) | Q(to_person=p)).order_by(
        "valid_from"
    ):
        other_reason = RELATIONSHIP_REASON.get(row.kind, Reason.THIRD_PARTY)
        item = b.item(relationships.title, row, row.get_kind_display())
        if other_reason is not Reason.THIRD_PARTY:
            b.withhold(relationships.title, f"relationship: {row.get_kind_display()}", other_reason)
        relationships.items.append(item)
    if relationships.items:
        b.sections.append(relationships)
    b.add(
        "Your chronology",
        b.model("people.ChronologyEntry").objects.filter(person=p),
        lambda e: e.category,
    )

    # The front door
    Contact = b.model("frontdoor.Contact")
    contacts = Contact.objects.filter(people__person=p).distinct().order_by("received_at")
    b.add("Front-door contacts", contacts, lambda c: f"Contact {c.reference}")
    named = Section("People named in front-door contacts")
    for row in b.model("frontdoor.ContactPerson").objects.filter(contact__in=contacts):
        if row.person_id == p.pk:
            named.items.append(b.item(named.title, row, f"You, in contact {row.contact.reference}",
                                      withheld={"person": None}))  # fmt: skip
        else:
            named.items.append(Item(f"{row.get_role_display()} in contact {row.contact.reference}",
                                    [("Name and details", b.withhold(
                                        named.title, "another person named in a contact",
                                        Reason.THIRD_PARTY))]))  # fmt: skip
    if named.items:
        b.sections.append(named)
    asked = Section("Information from other agencies")
    InformationRequest = b.model("frontdoor.InformationRequest")
    for row in InformationRequest.objects.filter(contact__in=contacts):
        if row.agency_kind == InformationRequest.AgencyKind.POLICE:
            reason = rules.source_withheld(requester, {Source.POLICE_INFORMATION})
            if reason is not None:
                asked.items.append(Item("Police", [("Question and reply", b.withhold(
                    asked.title, "information request to the police", reason))]))  # fmt: skip
                continue
        asked.items.append(b.item(asked.title, row, row.get_agency_kind_display()))
    if asked.items:
        b.sections.append(asked)
    b.add("Front-door strategy discussions", b.model("frontdoor.StrategyDiscussion").objects
          .filter(contact__in=contacts), lambda d: f"Strategy discussion, contact "
          f"{d.contact.reference}")  # fmt: skip
    decisions = b.model("frontdoor.Decision").objects.filter(contact__in=contacts)
    b.add("Front-door decisions", decisions, lambda d: "Decision")
    b.add(
        "Referrals",
        b.model("frontdoor.Referral").objects.filter(person=p),
        lambda r: "Referral to children's social care",
    )

    # Early help
    episodes = b.model("earlyhelp.Episode").objects.filter(members__person=p).distinct()
    b.add("Early help", episodes, lambda e: "Early help episode")
    b.add("Early help assessments", b.model("earlyhelp.Assessment").objects.filter(
        episode__in=episodes), lambda a: "Early help assessment")  # fmt: skip
    factors = Section("Early help assessment: what was found")
    for row in b.model("earlyhelp.AssessmentFactor").objects.filter(
        assessment__episode__in=episodes
    ):
        if row.person_id not in (None, p.pk):
            b.withhold(factors.title, "a finding about another family member", Reason.THIRD_PARTY)
            continue
        factors.items.append(b.item(factors.title, row, row.get_code_display()))
    if factors.items:
        b.sections.append(factors)
    b.add("Early help: your part in each episode", b.model("earlyhelp.EpisodeMember").objects
          .filter(person=p).select_related("episode"),
          lambda m: f"Episode {m.episode.reference}")  # fmt: skip
    b.add("Early help: lead professionals", b.model("earlyhelp.LeadProfessional").objects.filter(
        episode__in=episodes), lambda lead: "Lead professional")  # fmt: skip
    meetings = b.model("earlyhelp.Meeting").objects.filter(
        Q(episode__in=episodes) | Q(invitees__family_member=p)
    ).distinct()
    b.add("Team around the family meetings", meetings, lambda m: "Meeting")
    _meeting_invitees(b, meetings)
    b.add(
        "Early help plan",
        b.model("earlyhelp.PlanAction").objects.filter(
            Q(episode__in=episodes) | Q(owner_family_member=p)
        ).distinct(),
        lambda a: "Action",
    )
    b.add(
        "Early help reviews",
        b.model("earlyhelp.Review").objects.filter(episode__in=episodes),
        lambda r: "Review",
    )
    b.add("Early help: scores (distance travelled)", b.model("earlyhelp.Score").objects.filter(
        episode__in=episodes), lambda s: s.get_need_display())  # fmt: skip
    _supporting_families_claims(b, episodes)

    # Statutory social care: every record kept on the child, then the ones kept on those
    for model in apps.get_app_config("socialcare").get_models():
        fields = model._meta.concrete_fields
        if not any(f.name == "person" and f.related_model is Person for f in fields):
            continue
        title = str(model._meta.verbose_name_plural).capitalize()
        b.add(
            f"Social care: {title}",
            model.objects.filter(person=p),
            lambda o: str(o._meta.verbose_name).capitalize(),
        )
    _reads(b, SOCIAL_CARE_READS)
    _strategy_participants(b)

    # Pathways and contexts
    _reads(b, PATHWAYS_READS)

    # Family hubs
    _hub_registrations(b)
    _reads(b, FAMILY_HUB_READS)
    b.add("Referrals to services", b.model("familyhubs.ServiceReferral").objects.filter(people=p)
          .select_related("service"), lambda r: f"Referral to {r.service}")  # fmt: skip

    # Case recording: submitted notes only (a draft is its author's until it is submitted)
    notes = b.model("recording.CaseNote").objects.filter(subjects__person=p, status="submitted")
    b.add("Case notes", notes.distinct(), lambda n: n.get_kind_display())
    b.add("Case notes: whether you were seen", b.model("recording.CaseNoteSubject").objects.filter(
        person=p, note__in=notes).select_related("note"),
        lambda s: f"{s.note.get_kind_display()}, {_shown(s.note.occurred_at)}")  # fmt: skip
    b.add("Additions to case notes", b.model("recording.CaseNoteAddendum").objects.filter(
        note__in=notes).distinct(), lambda a: "Addition")  # fmt: skip

    # Documents and letters
    b.add("Documents", b.model("documents.Document").objects.filter(
        subjects__person=p, removed_at__isnull=True).distinct(), lambda d: d.title)  # fmt: skip
    letters = Section("Letters and reports")
    Letter = b.model("documents.Letter")
    for letter in Letter.objects.filter(Q(person=p) | Q(recipient_person=p)).select_related(
        "template"
    ):
        item = b.item(letters.title, letter, letter.template.name)
        if letter.recipient_person_id == p.pk or (
            letter.person_id == p.pk and rules.letter_may_be_shown(requester, letter.recipient_kind)
        ):
            from django.utils.html import strip_tags

            item.rows.append(
                ("Text", b.free_text(letters.title, "letter", strip_tags(letter.html)))
            )
        else:
            item.rows.append(("Text", b.withhold(letters.title, "the text of a letter to someone "
                                                 "else", Reason.LETTER_TO_OTHERS)))  # fmt: skip
        letters.items.append(item)
    if letters.items:
        b.sections.append(letters)

    # Everything else kept about the person
    _reads(b, OTHER_READS)
    _kept_return_rows(b)
    return Bundle(person, b.sections, b.decisions, frozenset(b.read))


def _reads(b: Builder, reads) -> None:
    for read in reads:
        b.add(read.title, b.model(read.label).objects.filter(**{read.path: b.person}).distinct(),
              lambda o: str(o._meta.verbose_name).capitalize())  # fmt: skip


def _meeting_invitees(b: Builder, meetings) -> None:
    """Who was invited to the subject's meetings. Professionals are listed by role and agency
    (their names left out, as workers' are); another family member, or anyone not known to be a
    professional, is withheld."""
    section = Section("Team around the family meetings: who was invited")
    for row in b.model("earlyhelp.MeetingInvitee").objects.filter(meeting__in=meetings).order_by(
        "meeting__held_at", "created_at"
    ).select_related("meeting"):  # fmt: skip
        heading = f"Meeting of {_shown(row.meeting.held_at)}"
        if row.family_member_id == b.person.pk or _professional(row):
            item = b.item(section.title, row, heading, skip={"name"})
        else:
            who = b.withhold(section.title, "another person invited to a meeting",
                             Reason.THIRD_PARTY)  # fmt: skip
            item = Item(heading, [("Who", who)])
        section.items.append(item)
    if section.items:
        b.sections.append(section)


def _professional(invitee) -> bool:
    """An invitee who came as a worker or for an agency, not as one of the family."""
    return invitee.family_member_id is None and bool(invitee.worker_id or invitee.agency_id)


def _supporting_families_claims(b: Builder, episodes) -> None:
    """A Supporting Families claim is made for the whole family: the subject's episode's claim,
    its outcomes, and the family members it covers (the others withheld)."""
    from onestory.earlyhelp.rules import HEADLINE_LABELS

    section = Section("Supporting Families claims")
    for claim in b.model("earlyhelp.SupportingFamiliesClaim").objects.filter(
        episode__in=episodes
    ).select_related("episode"):  # fmt: skip
        item = b.item(section.title, claim, f"Claim for episode {claim.episode.reference}")
        labels = [HEADLINE_LABELS.get(h, h) for h in claim.headlines]
        item.rows = [r for r in item.rows if r[0] != "Headlines"]
        item.rows.append(("Outcomes claimed", ", ".join(labels)))
        others = claim.episode.members.exclude(person=b.person).count()
        family = [YOU]
        if others:
            family.append(b.withhold(section.title, "another family member on a claim",
                                     Reason.THIRD_PARTY, others))  # fmt: skip
        item.rows.append(("Family members claimed for", ", ".join(family)))
        section.items.append(item)
    if section.items:
        b.sections.append(section)


def _strategy_participants(b: Builder) -> None:
    """Who took part in the subject's strategy discussions: the agencies and roles of the
    professionals (their names left out, as workers' are)."""
    section = Section("Social care: who took part in strategy discussions")
    for row in b.model("socialcare.StrategyParticipant").objects.filter(
        discussion__person=b.person
    ).select_related("discussion").order_by("discussion__held_on", "created_at"):  # fmt: skip
        item = b.item(section.title, row, f"Strategy discussion of "
                      f"{_shown(row.discussion.held_on)}", skip={"name"})  # fmt: skip
        section.items.append(item)
    if section.items:
        b.sections.append(section)


def _hub_registrations(b: Builder) -> None:
    """The family's hub registration: its phone and e-mail are the family's contact (usually a
    parent's), shown only when they are the subject's own."""
    section = Section("Family hubs: registrations")
    me = b.person
    for row in b.model("familyhubs.Registration").objects.filter(people__person=me).distinct():
        withheld = {}
        if row.phone and row.phone.replace(" ", "") != me.mobile.replace(" ", ""):
            withheld["phone"] = Reason.THIRD_PARTY
        if row.email and row.email.lower() != me.email.lower():
            withheld["email"] = Reason.THIRD_PARTY
        section.items.append(b.item(section.title, row, f"Registration {row.reference}",
                                    withheld=withheld))  # fmt: skip
    if section.items:
        b.sections.append(section)


def _kept_return_rows(b: Builder) -> None:
    """Rows of imported statutory returns kept as received (for tables onestory does not model):
    each value by its column, adopters' details withheld."""
    section = Section("Statutory returns: rows kept as received")
    adopters = b._reason(Source.ADOPTERS_IDENTITY)
    for row in b.model("returns.KeptRow").objects.filter(person=b.person).order_by(
        "source", "year", "table", "row_number"
    ):  # fmt: skip
        item = Item(f"{row.get_source_display()} {row.year}, {row.table}")
        values = row.values if isinstance(row.values, dict) else {}
        for column, value in values.items():
            if value in (None, ""):
                continue
            if adopters is not None and "ADOPTR" in str(column).upper():
                item.rows.append((column, b.withhold(section.title, f"return row: {column}",
                                                     adopters)))  # fmt: skip
            else:
                item.rows.append((column, b.free_text(section.title, "return row", str(value))))
        section.items.append(item)
    if section.items:
        b.sections.append(section)
