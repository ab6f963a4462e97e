"""Reading a children in need census file from any year (2017 onwards) into plain values.

`read_census(path, report=..., year=..., today=...)` checks the file is safe and well formed
(common.read_xml: no DTD, no entities, no external references), reads it again with lxml for
line numbers, and returns a `Census`: the header's year and reference date, and each child with
their episodes. Every problem is rejected into the report with the file, the line, the child
and the reason in plain words; a child with a problem is marked `refused` and never loaded.

What the DfE's files have looked like (liiatools' copies of CIN_schema_2017.xsd to 2024.xsd;
csc-validator-be-cin 0.1.13, ingress.py, for 2024/25 onwards):
- `GenderCurrent` (1 male, 2 female, 0 not known, 9 not specified) until 2023/24; `Sex` (M, F,
  U) from 2024/25 (rule 4180). Either is read, whatever the year.
- `CINPlanDates` from 2021/22; a file without them is still read.
- Assessment factors 18A and 19A (physical and sexual abuse) were split into 18B/18C and
  19B/19C in 2020/21 (CIN_schema_2021.xsd); referral source 5D and closure reason RC9 arrived
  in 2022/23 (CIN_schema_2023.xsd).
- Booleans: true, false, 1 or 0 in any case (the schemas' yesnotype).
Elements this reader does not know (for example 2026/27's new blocks) are kept as received
(`Kept`), never dropped in silence.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from onestory.core.errors import DomainError
from onestory.frontdoor import rules as frontdoor_rules
from onestory.people import rules as people_rules
from onestory.socialcare import reference

from .common import ImportReport, read_xml

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


def _elements(parent) -> list:
    """The child elements (comments and processing instructions left out)."""
    return [e for e in parent if isinstance(e.tag, str)]


def _find(parent, name: str):
    for element in _elements(parent):
        if local_name(element) == name:
            return element
    return None


def _find_all(parent, name: str) -> list:
    return [e for e in _elements(parent) if local_name(e) == name]


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


class _ChildReader:
    """Reads one <Child>, rejecting each problem into the report with its line."""

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
        element = _find(parent, name) if parent is not None else None
        value = _text(element)
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
        for element in _elements(block):
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

    # -- the child ---------------------------------------------------------------------------

    def read(self) -> CensusChild:
        identifiers = _find(self.element, "ChildIdentifiers")
        if identifiers is None:
            self.refuse(self.element, "ChildIdentifiers is missing: every child needs one.")
            return CensusChild(code="", line=self.element.sourceline, refused=True)
        code, _ = self.text(identifiers, "LAchildID")
        self.code = code
        child = CensusChild(code=code, line=self.element.sourceline)
        if not code:
            self.refuse(
                identifiers,
                "LAchildID is missing: every child needs the council's identifier for them.",
            )
        elif len(code) > MAX_CODE_LENGTH:
            self.refuse(
                identifiers,
                f"LAchildID {code!r} is longer than {MAX_CODE_LENGTH} "
                "characters: it cannot be a council's identifier for a child.",
            )
        self._identifiers(child, identifiers)
        self._characteristics(child, _find(self.element, "ChildCharacteristics"))
        details = _find_all(self.element, "CINdetails")
        if not details:
            self.refuse(
                self.element,
                "CINdetails is missing: every child in the census has at "
                "least one children in need episode.",
            )
        seen = {}
        for element in details:
            episode = self._episode(element, child)
            if episode is None:
                continue
            if episode.referral_date in seen:
                self.refuse(
                    element,
                    f"Two episodes (CINdetails) have the same referral date "
                    f"({episode.referral_date:%-d %B %Y}; the other is at line "
                    f"{seen[episode.referral_date]}): merge them into one.",
                )
                continue
            seen[episode.referral_date] = element.sourceline
            child.episodes.append(episode)
        child.kept.extend(self.keep_unknown(self.element, "Child", {"LAchildID": code}))
        child.kept.extend(self.keep_unknown(identifiers, "ChildIdentifiers", {"LAchildID": code}))
        child.refused = self.problems > 0
        return child

    def _identifiers(self, child: CensusChild, identifiers) -> None:
        upn, element = self.text(identifiers, "UPN")
        if upn:
            normal = people_rules.normalise_upn(upn)
            if normal is None:
                self.refuse(
                    element,
                    f"UPN {upn!r} is not a unique pupil number (13 characters with a check "
                    "letter that matches): correct it, or leave it out and give UPNunknown.",
                )
            child.upn = normal or ""
        child.date_of_birth = self.day(identifiers, "PersonBirthDate")
        child.expected_date_of_birth = self.day(
            identifiers, "ExpectedPersonBirthDate", not_future=False
        )
        sex, sex_element = self.text(identifiers, "Sex")
        gender, gender_element = self.text(identifiers, "GenderCurrent")
        if sex:
            if sex.upper() not in SEX_CODES:
                self.refuse(sex_element, f"Sex must be M, F or U: it says {sex!r}.")
            child.sex = sex.upper() if sex.upper() in SEX_CODES else "U"
        elif gender:
            if gender not in GENDER_CURRENT:
                self.refuse(
                    gender_element,
                    f"GenderCurrent must be 1 (male), 2 (female), 0 (not known) or 9 (not "
                    f"specified): it says {gender!r}.",
                )
            child.sex = GENDER_CURRENT.get(gender, "U")
        else:
            self.refuse(
                identifiers,
                "Sex is missing (GenderCurrent before 2024/25): every child needs it, U when "
                "it is not known.",
            )
        child.date_of_death = self.day(identifiers, "PersonDeathDate")
        self.in_order(
            _find(identifiers, "PersonDeathDate"),
            child.date_of_birth,
            child.date_of_death,
            "PersonDeathDate is before PersonBirthDate: check both dates.",
        )

    def _characteristics(self, child: CensusChild, block) -> None:
        if block is None:
            self.refuse(
                self.element, "ChildCharacteristics is missing: every child needs their Ethnicity."
            )
            return
        child.ethnicity = (
            self.code_from(
                block,
                "Ethnicity",
                people_rules.ETHNICITY,
                required="every child needs one (NOBT when not yet obtained).",
                what="ethnicity",
            )
            or "NOBT"
        )
        listed = _find(block, "Disabilities")
        codes = []
        for element in _elements(listed) if listed is not None else []:
            value = _text(element).upper()
            if local_name(element) != "Disability" or value not in people_rules.DISABILITY:
                self.refuse(
                    element,
                    f"Disability {_text(element)!r} is not a disability code the census knows.",
                )
            elif value != NO_DISABILITY and value not in codes:
                codes.append(value)
        child.disabilities = codes
        child.kept.extend(
            self.keep_unknown(block, "ChildCharacteristics", {"LAchildID": child.code})
        )

    # -- the episode ---------------------------------------------------------------------------

    def _episode(self, element, child: CensusChild) -> Episode | None:
        referral_date = self.day(
            element, "CINreferralDate", required="every episode needs the date of the referral."
        )
        source = self.code_from(
            element,
            "ReferralSource",
            frontdoor_rules.REFERRAL_SOURCES,
            required="every episode needs the source of the referral (10 when unknown).",
            what="referral source",
        )
        need = self.code_from(
            element, "PrimaryNeedCode", frontdoor_rules.PRIMARY_NEEDS, what="primary need"
        )
        closed_on = self.day(element, "CINclosureDate")
        reason = self.code_from(
            element,
            "ReasonForClosure",
            reference.CIN_CLOSURE_REASONS,
            what="reason for closure",
        )
        nfa = self.boolean(
            element,
            "ReferralNFA",
            required="every episode says whether the referral needed "
            "no further action (true or false).",
        )
        conference_on = self.day(element, "DateOfInitialCPC")
        self.in_order(
            _find(element, "CINclosureDate"),
            referral_date,
            closed_on,
            "CINclosureDate is before CINreferralDate: an episode cannot close before the "
            "referral.",
        )
        if closed_on is not None and not reason:
            value, _ = self.text(element, "ReasonForClosure")
            if not value:
                self.refuse(
                    _find(element, "CINclosureDate"),
                    "ReasonForClosure is missing: a closed episode needs the reason (RC1 to RC9).",
                )
        if referral_date is None or not source or nfa is None:
            return None
        episode = Episode(
            line=element.sourceline,
            referral_date=referral_date,
            source=source,
            primary_need=need,
            closed_on=closed_on,
            closure_reason=reason,
            no_further_action=nfa,
            initial_conference_on=conference_on,
        )
        for block in _find_all(element, "Assessments"):
            self._assessment(block, episode)
        for block in _find_all(element, "CINPlanDates"):
            starts = self.day(
                block, "CINPlanStartDate", required="a child in need plan needs its start date."
            )
            ends = self.day(block, "CINPlanEndDate")
            ok = self.in_order(
                _find(block, "CINPlanEndDate"),
                starts,
                ends,
                "CINPlanEndDate is before CINPlanStartDate: a plan cannot end before it starts.",
            )
            if starts is not None and ok:
                episode.cin_plans.append(PlanDates(block.sourceline, starts, ends))
        for block in _find_all(element, "Section47"):
            self._enquiry(block, episode)
        for block in _find_all(element, "ChildProtectionPlans"):
            self._cp_plan(block, episode)
        context = {"LAchildID": child.code, "CINreferralDate": referral_date.isoformat()}
        child.kept.extend(self.keep_unknown(element, "CINdetails", context))
        for name in ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"):
            for block in _find_all(element, name):
                child.kept.extend(self.keep_unknown(block, name, context))
        self._no_duplicates(element, episode)
        return episode

    def _no_duplicates(self, element, episode: Episode) -> None:
        for items, what in (
            (episode.assessments, "assessments"),
            (episode.cin_plans, "child in need plans"),
            (episode.enquiries, "section 47 enquiries"),
            (episode.cp_plans, "child protection plans"),
        ):
            seen = set()
            for item in items:
                start = getattr(item, "started_on", None) or item.starts_on
                if start in seen:
                    self.refuse(
                        element,
                        f"Two {what} in the episode referred on "
                        f"{episode.referral_date:%-d %B %Y} start on the same day "
                        f"({start:%-d %B %Y}): remove the repeat.",
                    )
                seen.add(start)

    def _assessment(self, block, episode: Episode) -> None:
        started = self.day(
            block, "AssessmentActualStartDate", required="an assessment needs its start date."
        )
        authorised = self.day(block, "AssessmentAuthorisationDate")
        ok = self.in_order(
            _find(block, "AssessmentAuthorisationDate"),
            started,
            authorised,
            "AssessmentAuthorisationDate is before AssessmentActualStartDate: an assessment "
            "cannot be authorised before it starts.",
        )
        factors = []
        listed = _find(block, "FactorsIdentifiedAtAssessment")
        for element in _elements(listed) if listed is not None else []:
            code = _text(element).upper()
            if not code:
                continue
            retired_until = RETIRED_FACTORS.get(code)
            known = code in reference.ASSESSMENT_FACTORS or (
                retired_until is not None and self.census.year <= retired_until
            )
            if not known:
                hint = (
                    f" ({code} was replaced by {code[:-1]}B and {code[:-1]}C in the 2021 census)"
                    if retired_until
                    else ""
                )
                self.refuse(
                    element,
                    f"Assessment factor {code!r} is not a factor code the census knows{hint}.",
                )
                ok = False
                continue
            self.early(code, "Assessment factor")
            if code not in factors:
                factors.append(code)
        if started is not None and ok:
            episode.assessments.append(
                AssessmentRow(block.sourceline, started, authorised, factors)
            )

    def _enquiry(self, block, episode: Episode) -> None:
        starts = self.day(
            block, "S47ActualStartDate", required="a section 47 enquiry needs its start date."
        )
        target = self.day(block, "InitialCPCtarget", not_future=False)
        held = self.day(block, "DateOfInitialCPC")
        not_required = self.boolean(
            block,
            "ICPCnotRequired",
            required="a section 47 enquiry says whether an initial conference was not needed "
            "(true or false).",
        )
        ok = self.in_order(
            _find(block, "DateOfInitialCPC"),
            starts,
            held,
            "DateOfInitialCPC is before S47ActualStartDate: the initial conference cannot come "
            "before the enquiry starts.",
        )
        if not_required and held is not None:
            self.refuse(
                _find(block, "ICPCnotRequired"),
                "ICPCnotRequired is true but DateOfInitialCPC gives the conference's date: say "
                "one or the other.",
            )
            ok = False
        if starts is not None and not_required is not None and ok:
            episode.enquiries.append(Enquiry(block.sourceline, starts, target, held, not_required))

    def _cp_plan(self, block, episode: Episode) -> None:
        starts = self.day(
            block, "CPPstartDate", required="a child protection plan needs its start date."
        )
        ends = self.day(block, "CPPendDate")
        categories = {}
        for name in ("InitialCategoryOfAbuse", "LatestCategoryOfAbuse"):
            categories[name] = self.code_from(
                block,
                name,
                reference.ABUSE_CATEGORIES,
                required="a child protection plan needs it (NEG, PHY, SAB, EMO or MUL).",
                what="category of abuse",
            )
        previous_text, previous_element = self.text(
            block,
            "NumberOfPreviousCPP",
            required="a child protection plan says how many "
            "plans the child had before (0 when none).",
        )
        previous = None
        if previous_text:
            if previous_text.isdigit():
                previous = int(previous_text)
            else:
                self.refuse(
                    previous_element,
                    f"NumberOfPreviousCPP must be a whole number: it says {previous_text!r}.",
                )
        ok = self.in_order(
            _find(block, "CPPendDate"),
            starts,
            ends,
            "CPPendDate is before CPPstartDate: a plan cannot end before it starts.",
        )
        reviews = []
        for listed in _find_all(block, "Reviews"):
            for element in _elements(listed):
                if local_name(element) != "CPPreviewDate":
                    continue
                day = self._review(element)
                if day is None:
                    ok = False
                    continue
                if starts is not None and day < starts:
                    self.refuse(
                        element,
                        f"CPPreviewDate ({day:%-d %B %Y}) is before CPPstartDate: a review "
                        "conference cannot come before the plan starts.",
                    )
                    ok = False
                    continue
                if day not in reviews:
                    reviews.append(day)
        if starts is None or previous is None or not all(categories.values()) or not ok:
            return
        episode.cp_plans.append(
            ProtectionPlan(
                block.sourceline,
                starts,
                ends,
                categories["InitialCategoryOfAbuse"],
                categories["LatestCategoryOfAbuse"],
                previous,
                sorted(reviews),
            )
        )

    def _review(self, element) -> date | None:
        value = _text(element)
        match = ISO_DATE.match(value)
        try:
            day = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None:
            self.refuse(
                element, f"CPPreviewDate is not a date written YYYY-MM-DD: it says {value!r}."
            )
            return None
        if day > self.today:
            self.refuse(element, f"CPPreviewDate ({day:%-d %B %Y}) is in the future.")
            return None
        return day


# -- The file --------------------------------------------------------------------------------


def _parse_lines(path: Path):
    """The document again, with line numbers (lxml). read_xml has already refused DTDs,
    entities and external references; this parser resolves none of them either."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.parse(str(path), parser).getroot()


def _header(root, file: str, report: ImportReport, year: int | None) -> tuple[int, date] | None:
    header = _find(root, "Header")
    details = _find(header, "CollectionDetails") if header is not None else None
    if details is None:
        report.reject(
            file,
            root.sourceline,
            "",
            "The file has no Header/CollectionDetails, so "
            "the census year is not known: is it a children in need census?",
        )
        return None
    collection = _text(_find(details, "Collection"))
    if collection and collection.upper() != "CIN":
        report.reject(
            file,
            _find(details, "Collection").sourceline,
            "",
            f"The file is a {collection!r} return, not the children in need census "
            "(Collection CIN).",
        )
        return None
    year_text = _text(_find(details, "Year"))
    reference_text = _text(_find(details, "ReferenceDate"))
    file_year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    reference_date = None
    if ISO_DATE.match(reference_text):
        try:
            reference_date = date.fromisoformat(reference_text[:10])
        except ValueError:
            reference_date = None
    if file_year is None and reference_date is not None:
        file_year = reference_date.year
    if file_year is None:
        report.reject(
            file,
            details.sourceline,
            "",
            "The file's Header gives no collection "
            "Year (four digits, for example 2026 for the year ending 31 March 2026).",
        )
        return None
    if year is not None and file_year != year:
        report.reject(
            file,
            (_find(details, "Year") if year_text else details).sourceline,
            "",
            f"The file is the census for {file_year} (1 April {file_year - 1} to 31 March "
            f"{file_year}), not {year}: check the file, or import it without --year {year}.",
        )
        return None
    return file_year, reference_date or date(file_year, 3, 31)


def read_census(path, *, report: ImportReport, year: int | None, today: date) -> Census | None:
    """The census in the file at `path`, or None when the whole file is refused (each reason is
    in the report). Children with problems are in the census, marked `refused`."""
    path = Path(path)
    file = path.name
    try:
        read_xml(path)
        root = _parse_lines(path)
    except DomainError as error:
        report.reject(file, None, "", str(error))
        return None
    except etree.XMLSyntaxError as error:  # read_xml accepted it; lxml is stricter on encodings
        report.reject(file, error.lineno, "", f"The file cannot be read: {error.msg}.")
        return None
    if local_name(root) != "Message":
        report.reject(
            file,
            root.sourceline,
            "",
            f"The file starts with <{local_name(root)}>, "
            "not <Message>: it is not a children in need census.",
        )
        return None
    header = _header(root, file, report, year)
    if header is None:
        return None
    census = Census(file=file, year=header[0], reference_date=header[1])
    children = _find(root, "Children")
    if children is None:
        report.reject(file, root.sourceline, "", "The file has no <Children>: nothing to import.")
        return census
    listed = _find_all(children, "Child")
    if not listed:
        report.reject(
            file,
            children.sourceline,
            "",
            "The file lists no children (<Child>): check it is the whole census.",
        )
        return census
    first_line: dict[str, int] = {}
    for element in listed:
        child = _ChildReader(census, report, today, element).read()
        if child.code and child.code in first_line:
            report.reject(
                file,
                element.sourceline,
                child.code,
                f"The child {child.code} is in the file twice (also at line "
                f"{first_line[child.code]}): a census lists each child once, with all their "
                "episodes.",
            )
            child.refused = True
        elif child.code:
            first_line[child.code] = element.sourceline
        census.children.append(child)
    return census
