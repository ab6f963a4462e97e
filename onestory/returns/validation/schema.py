"""The children in need census's XML schema check, and safe reading of a census file.

The DfE publishes an XSD with each year's specification; its files for 2025/26 and 2026/27 are
not available to onestory. onestory writes its own (`render_cin_xsd(year)`, built when a file is
checked, never stored) from the DfE census specification's structure as the sector's validator
reads it (csc-validator-be-cin 0.1.13: cin_validator/ingress.py names the elements and where
they sit; its rules the code lists and what may repeat), with the code lists onestory records
(socialcare.reference, frontdoor.rules, people.rules), so it follows a code list the day it
changes. `write_schemas(folder)` writes it to files for anyone who wants to read it (from
`onestory shell`). A council that has the DfE's own XSD checks against it instead:
`onestory validate_return cin FILE --schema DFE.xsd`.

Hostile XML is refused before any schema or validator work: a file that declares a DTD or
entities (so external entities and "billion laughs" too) is never expanded, fetched or passed
on. The parser has entities, DTD loading and the network turned off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape

from lxml import etree

from onestory.core.errors import DomainError
from onestory.frontdoor import rules as frontdoor_rules
from onestory.people import rules as people_rules
from onestory.socialcare import reference

SCHEMA_YEARS = (2025, 2026, 2027)
# UPNunknown: the reasons a child has no unique pupil number (DfE common basic data set, as the
# validator's rule 8770Q lists them).
UPN_UNKNOWN = {
    "UN1": "Child is not of school age and has not yet been issued a UPN",
    "UN2": "Child has never attended a school in England",
    "UN3": "Child is educated outside the maintained sector or at home",
    "UN4": "Child is an unaccompanied asylum-seeking child",
    "UN5": "Sources collating UPNs reflect a discrepancy",
    "UN6": "Child is in a secure unit or the information is not available",
    "UN7": "Referral with no further action",
}


def schema_name(year: int) -> str:
    return f"cin_census_{year}.xsd"


# Writing the schema ------------------------------------------------------------------------------


def _codes(name: str, codes: dict, base: str = "code") -> str:
    values = "\n".join(
        f'      <xs:enumeration value="{escape(code)}">'
        f"<xs:annotation><xs:documentation>{escape(label)}</xs:documentation></xs:annotation>"
        "</xs:enumeration>"
        for code, label in codes.items()
    )
    return (
        f'  <xs:simpleType name="{name}">\n    <xs:restriction base="{base}">\n'
        f"{values}\n    </xs:restriction>\n  </xs:simpleType>\n"
    )


def _element(name: str, kind: str | None = None, *, optional=False, many=False, body="") -> str:
    occurs = (' minOccurs="0"' if optional else "") + (' maxOccurs="unbounded"' if many else "")
    if body:
        return (
            f'      <xs:element name="{name}"{occurs}>\n'
            f"        <xs:complexType>\n          <xs:sequence>\n{body}"
            "          </xs:sequence>\n        </xs:complexType>\n      </xs:element>\n"
        )
    return f'      <xs:element name="{name}" type="{kind}"{occurs}/>\n'


def _inner(name: str, kind: str, *, many=False) -> str:
    occurs = ' maxOccurs="unbounded"' if many else ""
    return f'            <xs:element name="{name}" type="{kind}"{occurs}/>\n'


def _complex(name: str, elements: list[str]) -> str:
    return (
        f'  <xs:complexType name="{name}">\n    <xs:sequence>\n'
        + "".join(elements)
        + "    </xs:sequence>\n  </xs:complexType>\n"
    )


def _fixed(name: str, value: str, base: str) -> str:
    return (
        f'  <xs:simpleType name="{name}">\n    <xs:restriction base="{base}">\n'
        f'      <xs:enumeration value="{value}"/>\n    </xs:restriction>\n  </xs:simpleType>\n'
    )


def _pattern(name: str, pattern: str, *, base="xs:string", max_length: int | None = None) -> str:
    length = f'      <xs:maxLength value="{max_length}"/>\n' if max_length else ""
    return (
        f'  <xs:simpleType name="{name}">\n    <xs:restriction base="{base}">\n'
        f'      <xs:pattern value="{pattern}"/>\n{length}    </xs:restriction>\n'
        "  </xs:simpleType>\n"
    )


def render_cin_xsd(year: int) -> str:
    """onestory's schema for the census of the collection year ending 31 March `year`."""
    header = f"""<?xml version="1.0" encoding="UTF-8"?>
<!--
  The children in need census, collection year {year - 1}/{str(year)[2:]} (1 April {year - 1} to
  31 March {year}): onestory's own schema, not the DfE's file.

  Written by onestory from the DfE children in need census specification's structure as the
  sector's validator reads it (csc-validator-be-cin 0.1.13: cin_validator/ingress.py names the
  elements and where they sit; its rules what may repeat and the code lists), from 2024/25 on:
  Sex (M, F, U) in the place of GenderCurrent. The code lists are the ones onestory records
  (onestory/socialcare/reference.py, onestory/frontdoor/rules.py, onestory/people/rules.py).
  The header must name this collection year and its reference date.{
        '''
  2026/27 adds blocks about pre-proceedings and family group decision-making, which neither the
  validator nor onestory reads or writes yet: they are not described here.'''
        if year >= 2027
        else ""
    }

  A council that has the DfE's own XSD for the year checks a file against it instead, with
  validate_return's schema option (an XML comment cannot hold its two hyphens):
      onestory validate_return cin FILE.xml [two hyphens]schema DFE.xsd
  Generated by onestory.returns.validation.schema.render_cin_xsd({year}); do not edit by hand.
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:element name="Message" type="message"/>

"""
    types = [
        _complex(
            "message",
            [_element("Header", "header"), _element("Children", "children")],
        ),
        _complex(
            "header",
            [
                _element("CollectionDetails", "collectionDetails"),
                _element("Source", "source"),
            ],
        ),
        _complex(
            "collectionDetails",
            [
                _element("Collection", "collection"),
                _element("Year", "collectionYear"),
                _element("ReferenceDate", "referenceDate"),
            ],
        ),
        _complex(
            "source",
            [
                _element("SourceLevel", "sourceLevel"),
                _element("LEA", "laNumber"),
                _element("SoftwareCode", "text"),
                _element("Release", "text"),
                _element("SerialNo", "serialNumber"),
                _element("DateTime", "xs:dateTime"),
            ],
        ),
        _complex("children", [_element("Child", "child", optional=True, many=True)]),
        _complex(
            "child",
            [
                _element("ChildIdentifiers", "childIdentifiers"),
                _element("ChildCharacteristics", "childCharacteristics"),
                _element("CINdetails", "cinDetails", many=True),
            ],
        ),
        _complex(
            "childIdentifiers",
            [
                _element("LAchildID", "laChildId"),
                _element("UPN", "upn", optional=True),
                _element("FormerUPN", "upn", optional=True),
                _element("UPNunknown", "upnUnknown", optional=True),
                _element("PersonBirthDate", "xs:date", optional=True),
                _element("ExpectedPersonBirthDate", "xs:date", optional=True),
                _element("Sex", "sex"),
                _element("PersonDeathDate", "xs:date", optional=True),
            ],
        ),
        _complex(
            "childCharacteristics",
            [
                _element("Ethnicity", "ethnicity"),
                _element(
                    "Disabilities",
                    optional=True,
                    body=_inner("Disability", "disability", many=True),
                ),
            ],
        ),
        _complex(
            "cinDetails",
            [
                _element("CINreferralDate", "xs:date"),
                _element("ReferralSource", "referralSource"),
                _element("PrimaryNeedCode", "primaryNeed", optional=True),
                _element("CINclosureDate", "xs:date", optional=True),
                _element("ReasonForClosure", "closureReason", optional=True),
                _element("DateOfInitialCPC", "xs:date", optional=True),
                _element("Assessments", "assessment", optional=True, many=True),
                _element("CINPlanDates", "cinPlan", optional=True, many=True),
                _element("Section47", "section47", optional=True, many=True),
                _element("ReferralNFA", "xs:boolean"),
                _element("ChildProtectionPlans", "childProtectionPlan", optional=True, many=True),
            ],
        ),
        _complex(
            "assessment",
            [
                _element("AssessmentActualStartDate", "xs:date"),
                _element("AssessmentInternalReviewDate", "xs:date", optional=True),
                _element("AssessmentAuthorisationDate", "xs:date", optional=True),
                _element(
                    "FactorsIdentifiedAtAssessment",
                    optional=True,
                    body=_inner("AssessmentFactors", "assessmentFactor", many=True),
                ),
            ],
        ),
        _complex(
            "cinPlan",
            [
                _element("CINPlanStartDate", "xs:date"),
                _element("CINPlanEndDate", "xs:date", optional=True),
            ],
        ),
        _complex(
            "section47",
            [
                _element("S47ActualStartDate", "xs:date"),
                _element("InitialCPCtarget", "xs:date", optional=True),
                _element("DateOfInitialCPC", "xs:date", optional=True),
                _element("ICPCnotRequired", "xs:boolean"),
            ],
        ),
        _complex(
            "childProtectionPlan",
            [
                _element("CPPstartDate", "xs:date"),
                _element("CPPendDate", "xs:date", optional=True),
                _element("InitialCategoryOfAbuse", "abuseCategory"),
                _element("LatestCategoryOfAbuse", "abuseCategory"),
                _element("NumberOfPreviousCPP", "xs:nonNegativeInteger"),
                _element(
                    "Reviews", optional=True, body=_inner("CPPreviewDate", "xs:date", many=True)
                ),
            ],
        ),
    ]
    simple = [
        '  <xs:simpleType name="text">\n    <xs:restriction base="xs:string">\n'
        '      <xs:minLength value="1"/>\n    </xs:restriction>\n  </xs:simpleType>\n',
        '  <xs:simpleType name="code">\n    <xs:restriction base="xs:string">\n'
        '      <xs:minLength value="1"/>\n    </xs:restriction>\n  </xs:simpleType>\n',
        _fixed("collection", "CIN", "xs:string"),
        _fixed("collectionYear", str(year), "xs:gYear"),
        _fixed("referenceDate", f"{year}-03-31", "xs:date"),
        _fixed("sourceLevel", "L", "xs:string"),
        # The DfE's three-digit local authority number; the serial number three digits or more.
        _pattern("laNumber", r"\d{3}"),
        _pattern("serialNumber", r"\d{3,}"),
        # The census's LAchildID: at most 10 characters, no spaces.
        _pattern("laChildId", r"\S{1,10}"),
        # A unique pupil number: a letter, 11 digits and a check digit or letter.
        _pattern("upn", r"[A-Z]\d{11}[0-9A-Z]"),
        _codes("upnUnknown", UPN_UNKNOWN),
        _codes("sex", people_rules.SEX),
        _codes("ethnicity", people_rules.ETHNICITY),
        _codes("disability", people_rules.DISABILITY),
        _codes("referralSource", frontdoor_rules.REFERRAL_SOURCES),
        _codes("primaryNeed", frontdoor_rules.PRIMARY_NEEDS),
        _codes("closureReason", reference.CIN_CLOSURE_REASONS),
        _codes("assessmentFactor", reference.ASSESSMENT_FACTORS),
        _codes("abuseCategory", reference.ABUSE_CATEGORIES),
    ]
    return header + "\n".join(types + simple) + "</xs:schema>\n"


@functools.cache
def our_schema(year: int) -> etree.XMLSchema:
    """onestory's schema for the collection year, built from the code lists once a process."""
    return etree.XMLSchema(etree.fromstring(render_cin_xsd(year).encode("utf-8"), _parser()))


def write_schemas(folder) -> list[Path]:
    """Write onestory's schemas into `folder` for reading."""
    written = []
    for year in SCHEMA_YEARS:
        path = Path(folder) / schema_name(year)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_cin_xsd(year), encoding="utf-8")
        written.append(path)
    return written


# Reading a census file safely ----------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


class _Prolog(Exception):
    """Raised by the prolog check: what it found ("" once the first element starts)."""


def _stop(what: str):
    def handler(*args):
        raise _Prolog(what)

    return handler


def refuse_hostile(path: Path) -> None:
    """Read the file up to its first element with expat, refusing a DTD or an entity
    declaration before anything is expanded (nothing is: expat stops at the declaration)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _stop("DTD")
    parser.EntityDeclHandler = _stop("entity")
    parser.ExternalEntityRefHandler = _stop("entity")
    parser.StartElementHandler = _stop("")
    found = None
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(65536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Prolog as stopped:
            found = str(stopped)
        except expat.ExpatError as error:
            raise DomainError(
                f"The file {path.name} is not well-formed XML (line {error.lineno}): "
                f"{expat.ErrorString(error.code)}."
            ) from error
    if found:
        raise DomainError(
            f"The file {path.name} was refused: it declares a DTD or entities, which a census "
            "return never does and which can be used to attack the server (external entities, "
            "'billion laughs'). Nothing in it was read."
        )


def read_census(path) -> etree._ElementTree:
    """The file's tree; hostile or malformed XML raises DomainError in plain words."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(
            f"There is no file {path}: give the census file's name"
            + (" (a folder was given)." if path.is_dir() else ".")
        )
    refuse_hostile(path)
    try:
        tree = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as error:
        raise DomainError(
            f"The file {path.name} is not well-formed XML (line {error.lineno}): {error.msg}"
        ) from error
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DomainError(
            f"The file {path.name} was refused: it declares a DTD or entities, which a census "
            "return never does and which can be used to attack the server (external entities, "
            "'billion laughs'). Nothing in it was read."
        )
    for node in tree.iter(etree.Entity):
        raise DomainError(
            f"The file {path.name} was refused: it refers to an entity (&{node.name};) on line "
            f"{node.sourceline}, which a census return never does. Nothing in it was read."
        )
    return tree


# Checking a file against a schema ---------------------------------------------------------


@dataclass(frozen=True)
class SchemaError:
    line: int
    message: str
    child: str | None
    element: str


def load_schema(path) -> etree.XMLSchema:
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"There is no schema file {path}.")
    try:
        return etree.XMLSchema(etree.parse(str(path), _parser()))
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise DomainError(f"{path.name} is not a schema onestory can use: {error}") from error


def _child_code(tree, error) -> str | None:
    if not error.path:
        return None
    try:
        found = tree.xpath(error.path)
    except etree.XPathError:
        return None
    node = found[0] if found else None
    while node is not None and node.tag != "Child":
        node = node.getparent()
    if node is None:
        return None
    code = node.findtext("ChildIdentifiers/LAchildID")
    return code.strip() if code else None


def check(tree, schema: etree.XMLSchema) -> list[SchemaError]:
    """Every place the file breaks the schema, with its line and the child it is about."""
    if schema.validate(tree):
        return []
    return [
        SchemaError(
            line=error.line,
            message=error.message,
            child=_child_code(tree, error),
            element=(error.path or "").rsplit("/", 1)[-1],
        )
        for error in schema.error_log
    ]
