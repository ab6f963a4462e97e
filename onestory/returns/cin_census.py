"""The children in need census (DfE): one XML file a year, reference date 31 March.

`export(year=2026, ...)` writes the return for the collection year 1 April 2025 to 31 March
2026: every child with a children in need episode (a front-door `Referral`) open at any time in
the year, with what was done under each episode that overlaps the year. It reads case data in a
handful of queries for the whole year (`select_year`), builds the document with a pure function
(`build_message`) and writes the file in one go.

Element names and order follow the DfE schema (liiatools' copy of CIN_schema_2024.xsd) with
2024/25's change: `Sex` (M, F, U) in the place of `GenderCurrent` (the 2025/26 validator,
csc-validator-be-cin 0.1.13, reads `Sex`: ingress.py and rules/cin2024_25/rule_4180.py).

What counts as "in the year" is what the validator's rules expect (rule codes beside each choice
in `build_message`'s helpers): an item is reported when it started on or before 31 March and had
not ended before 1 April; its end is reported only when it fell on or before 31 March.
"""

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from onestory.access import audit
from onestory.access.selectors import audit_views
from onestory.core.clock import LONDON
from onestory.core.errors import DomainError
from onestory.frontdoor.models import Referral
from onestory.people import rules as people_rules
from onestory.people.models import Person
from onestory.socialcare import reference
from onestory.socialcare.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    Section47Enquiry,
)

from .files import check_out_path, replace_when_complete
from .identifiers import check_unique, child_ids

# Luton's local authority number (DfE); a council sets settings.ONESTORY_LA_NUMBER.
DEFAULT_LA_NUMBER = "821"
SOFTWARE_CODE = "onestory"
RELEASE = "0.1.0"
SERIAL_NO = "001"  # Schema: three digits or more.

# UPNunknown codes the validator gives a meaning (csc-validator-be-cin 0.1.13):
# UN1 "child is not of school age" (rule 8770Q), UN7 "referral with no further action" (8772).
UPN_NOT_SCHOOL_AGE = "UN1"
UPN_NO_FURTHER_ACTION = "UN7"
NO_DISABILITY = "NONE"
UNBORN_SEX = "U"  # Rule 8750: Sex must equal U for an unborn child.

PAGE = "children in need census"


@dataclass(frozen=True)
class Period:
    """A collection year: 1 April (year - 1) to 31 March (year), the reference date."""

    start: date
    end: date

    @classmethod
    def of(cls, year: int) -> "Period":
        return cls(date(year - 1, 4, 1), date(year, 3, 31))

    def overlaps(self, began: date | None, ended: date | None) -> bool:
        return began is not None and began <= self.end and (ended is None or ended >= self.start)

    def by_end(self, day: date | None) -> date | None:
        """The day if it had come by the reference date, else None (not yet, as the census sees
        it)."""
        return day if day is not None and day <= self.end else None

    def within(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class Header:
    year: int
    la_number: str
    created_at: datetime


@dataclass
class CensusData:
    """The year's rows as plain dicts, grouped by child (people, referrals) or by episode."""

    people: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=lambda: defaultdict(list))
    assessments: dict = field(default_factory=lambda: defaultdict(list))
    cin_plans: dict = field(default_factory=lambda: defaultdict(list))
    enquiries: dict = field(default_factory=lambda: defaultdict(list))
    initial_conferences: list = field(default_factory=list)
    cp_plans: dict = field(default_factory=lambda: defaultdict(list))
    reviews: dict = field(default_factory=lambda: defaultdict(list))
    # Each plan's review conferences that recorded a category of abuse: [(held_on, category)].
    review_categories: dict = field(default_factory=lambda: defaultdict(list))
    # Each child's LAchildID (identifiers.child_ids).
    ids: dict = field(default_factory=dict)


# Reading the year ------------------------------------------------------------------------------


def referrals_in(period: Period):
    """Episodes open at any time in the year. Episodes left on a record merged into another stay
    out: a merge moves a child's episodes to the kept record unless the kept record already has
    the same contact's referral (people.merging), so what stays behind is a duplicate."""
    return Referral.objects.filter(
        referral_date__lte=period.end, person__merged_into__isnull=True
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))


def select_year(period: Period) -> CensusData:
    """Everything the census needs for the year, in one query per table."""
    data = CensusData()
    referrals = referrals_in(period)
    episode_ids = referrals.values("pk")
    for row in referrals.values(
        "id",
        "person_id",
        "referral_date",
        "source",
        "primary_need",
        "closed_on",
        "closure_reason",
        "no_further_action",
    ):
        data.referrals[row["person_id"]].append(row)
    for row in Person.objects.filter(pk__in=referrals.values("person_id")).values(
        "id",
        "upn",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "date_of_death",
        "ethnicity",
        "disabilities",
    ):
        data.people[row["id"]] = row
    data.ids = child_ids(data.people)
    for row in (
        Assessment.objects.filter(referral__in=episode_ids, started_on__lte=period.end)
        .exclude(authorised_on__lt=period.start)
        .values("referral_id", "started_on", "authorised_on", "factors")
    ):
        data.assessments[row["referral_id"]].append(row)
    for row in (
        ChildInNeedPlan.objects.filter(referral__in=episode_ids, starts_on__lte=period.end)
        .exclude(ends_on__lt=period.start)
        .values("referral_id", "starts_on", "ends_on")
    ):
        data.cin_plans[row["referral_id"]].append(row)
    for row in Section47Enquiry.objects.filter(
        referral__in=episode_ids, starts_on__lte=period.end
    ).values("id", "referral_id", "starts_on", "conference_due_on", "completed_on", "outcome"):
        data.enquiries[row["referral_id"]].append(row)
    # Conferences after 31 March too: a plan whose reviews all came later still has them, so its
    # category on 31 March is the one it began with (latest_category), not today's.
    for row in ChildProtectionConference.objects.filter(referral__in=episode_ids).values(
        "referral_id", "kind", "enquiry_id", "plan_id", "held_on", "category"
    ):
        in_year = row["held_on"] <= period.end
        if row["kind"] == ChildProtectionConference.Kind.INITIAL:
            if in_year:
                data.initial_conferences.append(row)
        elif row["plan_id"] is not None:
            if in_year:
                data.reviews[row["plan_id"]].append(row["held_on"])
            if row["category"]:
                data.review_categories[row["plan_id"]].append((row["held_on"], row["category"]))
    for row in (
        ChildProtectionPlan.objects.filter(referral__in=episode_ids, starts_on__lte=period.end)
        .exclude(ends_on__lt=period.start)
        .values(
            "id",
            "referral_id",
            "starts_on",
            "ends_on",
            "initial_category",
            "latest_category",
            "previous_plans",
        )
    ):
        data.cp_plans[row["referral_id"]].append(row)
    return data


# Building the document (pure) -------------------------------------------------------------------


def _iso(day: date) -> str:
    return day.isoformat()


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _bool(value: bool) -> str:
    return "true" if value else "false"


def school_age_born_by(period: Period) -> date:
    """Children born on or before this day are of school age in the census (rule 8770Q: the
    reference date plus 4 months and 31 days, less 6 years: 31 August six years before)."""
    return date(period.end.year - 6, 8, 31)


def birth_dates(person: dict, period: Period) -> tuple[date | None, date | None]:
    """(birth date, expected birth date) as the census sees them on 31 March: a child born
    after it was unborn then (rule 8520), expected on the day they were born unless an expected
    date was recorded."""
    born, expected = person["date_of_birth"], person["expected_date_of_birth"]
    if born is not None and born > period.end:
        return None, expected or born
    return born, (None if born is not None else expected)


def upn_unknown(person: dict, episodes: list[dict], period: Period) -> str | None:
    """Why a child has no UPN, when our record can say: not of school age (UN1, which includes
    unborn children), or every episode was a referral with no further action (UN7). For a child
    of school age with further action we cannot say why (never at school in England, educated
    outside school...): the code is left out and the validator's query 8770Q asks the council."""
    born, _ = birth_dates(person, period)
    if born is None or born > school_age_born_by(period):
        return UPN_NOT_SCHOOL_AGE
    if episodes and all(e["no_further_action"] for e in episodes):
        return UPN_NO_FURTHER_ACTION
    return None


def disabilities(codes) -> list[str]:
    """The child's disability codes in code-list order, NONE when none (rule 8790: NONE stands
    alone; 8794: each code once)."""
    known = [c for c in codes or [] if c in people_rules.DISABILITY and c != NO_DISABILITY]
    return people_rules.ordered_disabilities(known) or [NO_DISABILITY]


def assessment_factors(codes) -> list[str]:
    """Factors once each in code-list order; "No factors" (21) only when it stands alone
    (rule 8869)."""
    order = list(reference.ASSESSMENT_FACTORS)
    known = sorted({c for c in codes or [] if c in reference.ASSESSMENT_FACTORS}, key=order.index)
    if len(known) > 1 and reference.NO_FACTORS in known:
        known.remove(reference.NO_FACTORS)
    return known


def _child_identifiers(
    parent, code: str, person: dict, episodes: list[dict], period: Period
) -> None:
    block = _add(parent, "ChildIdentifiers")
    _add(block, "LAchildID", code)
    upn = (person["upn"] or "").strip().upper()
    if upn:
        _add(block, "UPN", upn)
    else:
        reason = upn_unknown(person, episodes, period)
        if reason:
            _add(block, "UPNunknown", reason)
    born, expected = birth_dates(person, period)
    if born is not None:
        _add(block, "PersonBirthDate", _iso(born))
    elif expected is not None:
        _add(block, "ExpectedPersonBirthDate", _iso(expected))
    unborn = born is None and expected is not None
    _add(block, "Sex", UNBORN_SEX if unborn else (person["sex"] or "U"))
    died = period.by_end(person["date_of_death"])
    if died is not None:
        _add(block, "PersonDeathDate", _iso(died))


def _child_characteristics(parent, person: dict) -> None:
    block = _add(parent, "ChildCharacteristics")
    _add(block, "Ethnicity", person["ethnicity"] or "NOBT")
    listed = _add(block, "Disabilities")
    for code in disabilities(person["disabilities"]):
        _add(listed, "Disability", code)


def _assessments(parent, rows: list[dict], period: Period) -> None:
    """Assessments under way in the year: started by 31 March and not authorised before 1 April
    (rules 8696, 8736). The authorisation date and factors only once authorised by 31 March
    (rule 8614: factors belong to completed assessments)."""
    for row in sorted(rows, key=lambda r: r["started_on"]):
        if not period.overlaps(row["started_on"], row["authorised_on"]):
            continue
        block = _add(parent, "Assessments")
        _add(block, "AssessmentActualStartDate", _iso(row["started_on"]))
        authorised = period.by_end(row["authorised_on"])
        if authorised is None:
            continue
        _add(block, "AssessmentAuthorisationDate", _iso(authorised))
        factors = assessment_factors(row["factors"])
        if factors:
            listed = _add(block, "FactorsIdentifiedAtAssessment")
            for code in factors:
                _add(listed, "AssessmentFactors", code)


def _cin_plans(parent, rows: list[dict], period: Period) -> None:
    """Child in need plans open in the year (rules 4010, 4013)."""
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        if not period.overlaps(row["starts_on"], row["ends_on"]):
            continue
        block = _add(parent, "CINPlanDates")
        _add(block, "CINPlanStartDate", _iso(row["starts_on"]))
        ended = period.by_end(row["ends_on"])
        if ended is not None:
            _add(block, "CINPlanEndDate", _iso(ended))


def _section_47s(parent, rows: list[dict], conferences: dict, period: Period) -> None:
    """Section 47 enquiries open in the year. An enquiry ends at its initial conference, or when
    it is completed with no conference needed; one open at 31 March has neither (rules 8715,
    8740)."""
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        held = period.by_end(conferences.get(row["id"]))
        not_required = (
            row["outcome"] == Section47Enquiry.Outcome.NOT_REQUIRED
            and period.by_end(row["completed_on"]) is not None
        )
        ended = held or (row["completed_on"] if not_required else None)
        if not period.overlaps(row["starts_on"], ended):
            continue
        block = _add(parent, "Section47")
        _add(block, "S47ActualStartDate", _iso(row["starts_on"]))
        _add(block, "InitialCPCtarget", _iso(row["conference_due_on"]))
        if held is not None:
            _add(block, "DateOfInitialCPC", _iso(held))
        _add(block, "ICPCnotRequired", _bool(not_required))


def latest_category(plan: dict, recorded: list, period: Period) -> str:
    """The plan's category of abuse as at 31 March, or on the day it ended when that was in
    the year: the category the last review conference held by then recorded, else the one the
    plan began with. A plan none of whose review conferences recorded a category (one imported
    from another system's return) keeps the latest category recorded on the plan.

    Not the plan's category today: a review after 31 March changes the plan, not the census."""
    if not recorded:
        return plan["latest_category"]
    ended = period.by_end(plan["ends_on"])
    as_at = ended if ended is not None else period.end
    by_then = [(held, category) for held, category in recorded if held <= as_at]
    if not by_then:
        return plan["initial_category"]
    return max(by_then, key=lambda review: review[0])[1]


def _cp_plans(parent, rows: list[dict], data: CensusData, period: Period) -> None:
    """Child protection plans open in the year (rules 8720, 8930), with the reviews held in the
    year after the plan began (rule 8841)."""
    for row in sorted(rows, key=lambda r: r["starts_on"]):
        if not period.overlaps(row["starts_on"], row["ends_on"]):
            continue
        block = _add(parent, "ChildProtectionPlans")
        _add(block, "CPPstartDate", _iso(row["starts_on"]))
        ended = period.by_end(row["ends_on"])
        if ended is not None:
            _add(block, "CPPendDate", _iso(ended))
        _add(block, "InitialCategoryOfAbuse", row["initial_category"])
        _add(
            block,
            "LatestCategoryOfAbuse",
            latest_category(row, data.review_categories.get(row["id"], []), period),
        )
        _add(block, "NumberOfPreviousCPP", str(row["previous_plans"]))
        held = sorted(
            day
            for day in set(data.reviews.get(row["id"], ()))
            if period.within(day) and day > row["starts_on"]
        )
        if held:
            listed = _add(block, "Reviews")
            for day in held:
                _add(listed, "CPPreviewDate", _iso(day))


def _cin_details(parent, episode: dict, data: CensusData, conferences: dict, period: Period):
    block = _add(parent, "CINdetails")
    _add(block, "CINreferralDate", _iso(episode["referral_date"]))
    _add(block, "ReferralSource", episode["source"])
    if episode["primary_need"]:
        _add(block, "PrimaryNeedCode", episode["primary_need"])
    closed = period.by_end(episode["closed_on"])
    if closed is not None:
        _add(block, "CINclosureDate", _iso(closed))
        if episode["closure_reason"]:
            _add(block, "ReasonForClosure", episode["closure_reason"])
    enquiries = data.enquiries.get(episode["id"], [])
    # An initial conference recorded without its enquiry is reported on the episode; one linked
    # to an enquiry on the enquiry, never both (rule 2884).
    if not any(period.by_end(conferences["by_enquiry"].get(e["id"])) for e in enquiries):
        unlinked = sorted(
            day for day in conferences["unlinked"].get(episode["id"], ()) if period.within(day)
        )
        if unlinked:
            _add(block, "DateOfInitialCPC", _iso(unlinked[0]))
    _assessments(block, data.assessments.get(episode["id"], []), period)
    _cin_plans(block, data.cin_plans.get(episode["id"], []), period)
    _section_47s(block, enquiries, conferences["by_enquiry"], period)
    _add(block, "ReferralNFA", _bool(episode["no_further_action"]))
    _cp_plans(block, data.cp_plans.get(episode["id"], []), data, period)


def _conferences(data: CensusData) -> dict:
    """The first initial conference of each enquiry, and those recorded without an enquiry."""
    by_enquiry: dict = {}
    unlinked: dict = defaultdict(list)
    for row in data.initial_conferences:
        if row["enquiry_id"] is None:
            unlinked[row["referral_id"]].append(row["held_on"])
        elif row["enquiry_id"] not in by_enquiry or row["held_on"] < by_enquiry[row["enquiry_id"]]:
            by_enquiry[row["enquiry_id"]] = row["held_on"]
    return {"by_enquiry": by_enquiry, "unlinked": unlinked}


def _header(parent, header: Header, period: Period) -> None:
    block = _add(parent, "Header")
    details = _add(block, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(header.year))
    _add(details, "ReferenceDate", _iso(period.end))
    source = _add(block, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", header.la_number)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", SERIAL_NO)
    local = header.created_at.astimezone(LONDON).replace(tzinfo=None, microsecond=0)
    _add(source, "DateTime", local.isoformat())


def build_message(data: CensusData, *, header: Header) -> ET.Element:
    """The census document: <Message><Header/><Children><Child/>...</Children></Message>, the
    children in order of their LAchildID and each child's episodes in date order."""
    period = Period.of(header.year)
    message = ET.Element("Message")
    _header(message, header, period)
    children = _add(message, "Children")
    conferences = _conferences(data)
    ids = data.ids or child_ids(data.people)
    for person_id in sorted(data.people, key=ids.get):
        person = data.people[person_id]
        episodes = sorted(
            (
                e
                for e in data.referrals.get(person_id, [])
                if period.overlaps(e["referral_date"], e["closed_on"])
            ),
            key=lambda e: (e["referral_date"], str(e["id"])),
        )
        if not episodes:
            continue
        child = _add(children, "Child")
        _child_identifiers(child, ids[person_id], person, episodes, period)
        _child_characteristics(child, person)
        for episode in episodes:
            _cin_details(child, episode, data, conferences, period)
    return message


# Writing the return ------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise DomainError(
            "Give the collection year as four digits: --year 2026 is the year ending 31 March 2026."
        )


def write_xml(message: ET.Element, path: Path) -> None:
    """Write the document in one go, replacing the file only once it is complete."""
    ET.indent(message)
    replace_when_complete(
        path,
        lambda partial: ET.ElementTree(message).write(
            partial, encoding="UTF-8", xml_declaration=True
        ),
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def export(*, year: int, out, now: datetime, acting_user=None, via: str = "command") -> str:
    """Write the census for the collection year ending 31 March `year` to the file `out`, audit
    it (one "export" row per child and one for the file) and say what was written."""
    _check_year(year)
    path = check_out_path(out)
    period = Period.of(year)
    data = select_year(period)
    if not data.people:
        raise DomainError(
            f"No child had a children in need episode open between {period.start:%-d %B %Y} and "
            f"{period.end:%-d %B %Y}, so there is no census to write for {year}."
        )
    check_unique(data.ids, name="census identifier", written="the return")
    la_number = str(getattr(settings, "ONESTORY_LA_NUMBER", DEFAULT_LA_NUMBER))
    message = build_message(data, header=Header(year=year, la_number=la_number, created_at=now))
    write_xml(message, path)
    children = len(message.find("Children"))
    episodes = sum(len(v) for v in data.referrals.values())
    page = f"{PAGE} {year}"
    audit_views(
        acting_user, [Person(pk=p) for p in data.people], now=now, page=page, action="export"
    )
    audit.record(
        actor=acting_user,
        action="export",
        at=now,
        detail={"page": page, "via": via, "children": children, "episodes": episodes},
    )
    return (
        f"Children in need census {year} (1 April {year - 1} to 31 March {year}): "
        f"{_count(children, 'child', 'children')}, {_count(episodes, 'episode', 'episodes')}, "
        f"written to {path}"
    )
