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

from datetime import date
from pathlib import Path

from lxml import etree

from onestory.core.errors import DomainError
from onestory.people import rules as people_rules

from ..common import ImportReport, read_xml
from .census import (
    GENDER_CURRENT,
    ISO_DATE,
    MAX_CODE_LENGTH,
    NO_DISABILITY,
    SEX_CODES,
    Census,
    CensusChild,
    child_elements,
    find,
    find_all,
    local_name,
    text_of,
)
from .read_episode import EpisodeReader


class ChildReader(EpisodeReader):
    """Reads one <Child>, rejecting each problem into the report with its line."""

    # -- the child ---------------------------------------------------------------------------

    def read(self) -> CensusChild:
        identifiers = find(self.element, "ChildIdentifiers")
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
        self._characteristics(child, find(self.element, "ChildCharacteristics"))
        details = find_all(self.element, "CINdetails")
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
            find(identifiers, "PersonDeathDate"),
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
        listed = find(block, "Disabilities")
        codes = []
        for element in child_elements(listed) if listed is not None else []:
            value = text_of(element).upper()
            if local_name(element) != "Disability" or value not in people_rules.DISABILITY:
                self.refuse(
                    element,
                    f"Disability {text_of(element)!r} is not a disability code the census knows.",
                )
            elif value != NO_DISABILITY and value not in codes:
                codes.append(value)
        child.disabilities = codes
        child.kept.extend(
            self.keep_unknown(block, "ChildCharacteristics", {"LAchildID": child.code})
        )


# -- The file --------------------------------------------------------------------------------


def _parse_lines(path: Path):
    """The document again, with line numbers (lxml). read_xml has already refused DTDs,
    entities and external references; this parser resolves none of them either."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.parse(str(path), parser).getroot()


def _header(root, file: str, report: ImportReport, year: int | None) -> tuple[int, date] | None:
    header = find(root, "Header")
    details = find(header, "CollectionDetails") if header is not None else None
    if details is None:
        report.reject(
            file,
            root.sourceline,
            "",
            "The file has no Header/CollectionDetails, so "
            "the census year is not known: is it a children in need census?",
        )
        return None
    collection = text_of(find(details, "Collection"))
    if collection and collection.upper() != "CIN":
        report.reject(
            file,
            find(details, "Collection").sourceline,
            "",
            f"The file is a {collection!r} return, not the children in need census "
            "(Collection CIN).",
        )
        return None
    year_text = text_of(find(details, "Year"))
    reference_text = text_of(find(details, "ReferenceDate"))
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
            (find(details, "Year") if year_text else details).sourceline,
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
    children = find(root, "Children")
    if children is None:
        report.reject(file, root.sourceline, "", "The file has no <Children>: nothing to import.")
        return census
    listed = find_all(children, "Child")
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
        child = ChildReader(census, report, today, element).read()
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
