"""What a children in need census file holds, as plain values (`Census`), the codes and
elements it may have, and the small readers of its elements (`ElementReader`)."""

import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from onestory.people import rules as people_rules

from ..common import ImportReport

# GenderCurrent (CIN schemas 2017-2024, gendertype): 1 male, 2 female, 0 not known,
# 9 not specified; Sex (2024/25 onwards, rule 4180): M, F, U.
GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "U"}
SEX_CODES = frozenset(people_rules.SEX)
# Factors retired when 18 and 19 were split by who harmed the child (CIN_schema_2021.xsd: the
# collection year ending 31 March 2021). They stay readable in the years they were used.
RETIRED_FACTORS = {"18A": 2020, "19A": 2020}
# Codes that arrived in a later year (CIN_schema_2021.xsd to 2023.xsd): read in an earlier
# year's file too (they are in today's code lists), with a note saying the DfE's schema for
# that year would have refused them.
FIRST_YEAR = {
    "5D": 2023,
    "RC9": 2023,
    "24A": 2022,
    "18B": 2021,
    "18C": 2021,
    "19B": 2021,
    "19C": 2021,
}
NO_DISABILITY = "NONE"
# returns.models.LAChildId.code holds up to 20 characters (the DfE's own limit is 10).
MAX_CODE_LENGTH = 20
TRUE_WORDS = {"true": True, "1": True, "false": False, "0": False}
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
# The earliest census this reader knows (CIN_schema_2017.xsd); older files are read the same way.
OLDEST_SCHEMA_YEAR = 2017

# What each block may hold; anything else is kept as received.
KNOWN = {
    "Child": {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"},
    "ChildIdentifiers": {
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
    },
    "ChildCharacteristics": {"Ethnicity", "Disabilities"},
    "CINdetails": {
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    },
    "Assessments": {
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
    },
    "CINPlanDates": {"CINPlanStartDate", "CINPlanEndDate"},
    "Section47": {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"},
    "ChildProtectionPlans": {
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
        "Reviews",
    },
}


@dataclass
class Kept:
    """An element this reader does not model, kept exactly as received."""

    table: str
    line: int | None
    values: dict


@dataclass
class AssessmentRow:
    line: int | None
    started_on: date
    authorised_on: date | None
    factors: list[str]


@dataclass
class PlanDates:
    line: int | None
    starts_on: date
    ends_on: date | None


@dataclass
class Enquiry:
    line: int | None
    starts_on: date
    conference_due_on: date | None
    conference_on: date | None
    not_required: bool


@dataclass
class ProtectionPlan:
    line: int | None
    starts_on: date
    ends_on: date | None
    initial_category: str
    latest_category: str
    previous_plans: int
    reviews: list[date]


@dataclass
class Episode:
    line: int | None
    referral_date: date
    source: str
    primary_need: str
    closed_on: date | None
    closure_reason: str
    no_further_action: bool
    initial_conference_on: date | None
    assessments: list[AssessmentRow] = field(default_factory=list)
    cin_plans: list[PlanDates] = field(default_factory=list)
    enquiries: list[Enquiry] = field(default_factory=list)
    cp_plans: list[ProtectionPlan] = field(default_factory=list)


@dataclass
class CensusChild:
    code: str
    line: int | None
    upn: str = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = "U"
    date_of_death: date | None = None
    ethnicity: str = "NOBT"
    disabilities: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    refused: bool = False


@dataclass
class Census:
    file: str
    year: int
    reference_date: date
    children: list[CensusChild] = field(default_factory=list)

    @property
    def period_start(self) -> date:
        return date(self.reference_date.year - 1, 4, 1)


def local_name(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child_elements(parent) -> list:
    """The child elements (comments and processing instructions left out)."""
    return [e for e in parent if isinstance(e.tag, str)]


def find(parent, name: str):
    for element in child_elements(parent):
        if local_name(element) == name:
            return element
    return None


def find_all(parent, name: str) -> list:
    return [e for e in child_elements(parent) if local_name(e) == name]


def text_of(element) -> str:
    return (element.text or "").strip() if element is not None else ""


class ElementReader:
    """The small readers of one <Child>'s elements: each problem is rejected into the report
    with its line."""

    def __init__(self, census: Census, report: ImportReport, today: date, child_element):
        self.census = census
        self.report = report
        self.today = today
        self.element = child_element
        self.code = ""
        self.problems = 0

    # -- the small readers -------------------------------------------------------------------

    def refuse(self, element, reason: str) -> None:
        line = getattr(element, "sourceline", None) if element is not None else None
        self.report.reject(self.census.file, line or self.element.sourceline, self.code, reason)
        self.problems += 1

    def text(self, parent, name: str, *, required: str = "") -> tuple[str, object]:
        element = find(parent, name) if parent is not None else None
        value = text_of(element)
        if not value and required:
            self.refuse(
                element if element is not None else parent, f"{name} is missing: {required}"
            )
        return value, element

    def day(self, parent, name: str, *, required: str = "", not_future=True) -> date | None:
        value, element = self.text(parent, name, required=required)
        if not value:
            return None
        match = ISO_DATE.match(value)
        day = None
        if match:
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                day = None
        if day is None:
            self.refuse(
                element,
                f"{name} is not a date written as the census writes dates "
                f"(YYYY-MM-DD, for example 2025-06-02): it says {value!r}.",
            )
            return None
        if not_future and day > self.today:
            self.refuse(element, f"{name} ({day:%-d %B %Y}) is in the future. Check the date.")
            return None
        return day

    def code_from(self, parent, name: str, codes, *, required: str = "", what: str = "") -> str:
        value, element = self.text(parent, name, required=required)
        if not value:
            return ""
        code = value.upper()
        if code not in codes:
            self.refuse(element, f"{name} {value!r} is not a {what} code the census knows.")
            return ""
        self.early(code, name)
        return code

    def early(self, code: str, name: str) -> None:
        first = FIRST_YEAR.get(code)
        if first and self.census.year < first:
            self.report.note(
                f"{self.census.file}: {name} {code} is used, though the census only had it "
                f"from {first} (this file is for {self.census.year}); it was read as given."
            )

    def boolean(self, parent, name: str, *, required: str) -> bool | None:
        value, element = self.text(parent, name, required=required)
        if not value:
            return None
        if value.lower() not in TRUE_WORDS:
            self.refuse(element, f"{name} must be true or false (or 1 or 0): it says {value!r}.")
            return None
        return TRUE_WORDS[value.lower()]

    def in_order(self, element, earlier: date | None, later: date | None, message: str) -> bool:
        if earlier is not None and later is not None and later < earlier:
            self.refuse(element, message)
            return False
        return True

    def keep_unknown(self, block, block_name: str, context: dict) -> list[Kept]:
        kept = []
        for element in child_elements(block):
            if local_name(element) not in KNOWN.get(block_name, set()):
                kept.append(
                    Kept(
                        table=f"{block_name}/{local_name(element)}",
                        line=element.sourceline,
                        values={
                            **context,
                            "xml": etree.tostring(element, encoding="unicode").strip(),
                        },
                    )
                )
        return kept
