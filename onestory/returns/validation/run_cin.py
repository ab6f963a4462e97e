"""Run the children in need census validator (csc-validator-be-cin) over one XML file.

Executed by the validator's own Python (.validators/cin/bin/python), never imported by onestory:
it imports neither Django nor onestory. It prints one JSON document on stdout and nothing else.

    python run_cin.py FILE.xml YEAR            # validate: rules run, issues, crashed rules
    python run_cin.py FILE.xml YEAR --sector   # the package's own way: convert_data, CinValidator
    python run_cin.py FILE.xml YEAR --compare-readers  # are our tables the package's tables?

Why our own reader: the package's (cin_validator.ingress.XMLtoCSV) grows every table with
pd.concat once per child, so reading takes time in the square of the number of children (about
two minutes for 10,000), while its rules take seconds. `read_tables` builds the same tables in
one pass: the same rows in the same order, the same columns, every value kept as the package
keeps it (the element's text, None for an empty element, pd.NA for a missing one; the counters
it adds, CINdetailsID, AssessmentID and CPPID, as Python ints), object columns throughout.
`--compare-readers` proves it on a file: it reads the file both ways and compares every table
cell by cell, types included.

The rules are run the way CinValidator.create_issue_report_df runs them (each on its own deep
copy of the tables, in registry order), except that a rule that raises is recorded with its
exception's type instead of being printed and forgotten, so "no errors" is only said when every
rule ran.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import logging
import sys
import time
import warnings
import xml.etree.ElementTree as ET  # noqa: S405 - onestory refuses hostile XML before this runs

VALIDATOR = "csc-validator-be-cin 0.1.13"

# The package's tables and their columns (cin_validator/ingress.py XMLtoCSV).
COLUMNS = {
    "Header": [
        "Collection",
        "Year",
        "ReferenceDate",
        "SourceLevel",
        "LEA",
        "SoftwareCode",
        "Release",
        "SerialNo",
        "DateTime",
    ],
    "ChildIdentifiers": [
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
    ],
    "ChildCharacteristics": ["LAchildID", "Ethnicity"],
    "Disabilities": ["LAchildID", "Disability"],
    "CINdetails": [
        "LAchildID",
        "CINdetailsID",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
    ],
    "Assessments": [
        "LAchildID",
        "CINdetailsID",
        "AssessmentID",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "AssessmentFactors",
    ],
    "AssessmentFactorsList": ["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"],
    "CINplanDates": ["LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"],
    "Section47": [
        "LAchildID",
        "CINdetailsID",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "DateOfInitialCPC",
        "ICPCnotRequired",
    ],
    "ChildProtectionPlans": [
        "LAchildID",
        "CINdetailsID",
        "CPPID",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
    ],
    "Reviews": ["LAchildID", "CINdetailsID", "CPPID", "CPPreviewDate"],
}
# The order convert_data returns them in.
TABLES = [
    "Header",
    "ChildIdentifiers",
    "ChildCharacteristics",
    "ChildProtectionPlans",
    "CINdetails",
    "CINplanDates",
    "Reviews",
    "Section47",
    "Assessments",
    "AssessmentFactorsList",
    "Disabilities",
]


class NotACensus(Exception):
    """The file is not a children in need census the validator can read."""


def _values(block, names, row, missing):
    """utils.get_values: each element's text (None when empty), `missing` when absent or when
    the block itself is absent."""
    if block is None:
        for name in names:
            row[name] = missing
        return row
    for name in names:
        element = block.find(name)
        row[name] = missing if element is None else element.text
    return row


class _Tables:
    def __init__(self, missing):
        self.missing = missing
        self.rows = {name: [] for name in COLUMNS}

    def header(self, header):
        row = _values(header.find("CollectionDetails"), COLUMNS["Header"][:3], {}, self.missing)
        _values(header.find("Source"), COLUMNS["Header"][3:], row, self.missing)
        self.rows["Header"].append(row)

    def child(self, child):
        na = self.missing
        identifiers = _values(child.find("ChildIdentifiers"), COLUMNS["ChildIdentifiers"], {}, na)
        self.rows["ChildIdentifiers"].append(identifiers)
        code = identifiers["LAchildID"]
        characteristics = child.find("ChildCharacteristics")
        self.rows["ChildCharacteristics"].append(
            _values(characteristics, ["Ethnicity"], {"LAchildID": code}, na)
        )
        listed = None if characteristics is None else characteristics.find("Disabilities")
        if listed is not None:
            for disability in listed:
                self.rows["Disabilities"].append({"LAchildID": code, "Disability": disability.text})
        episode_id = 0
        for episode in child.findall("CINdetails"):
            episode_id += 1
            ids = {"LAchildID": code, "CINdetailsID": episode_id}
            self.rows["CINdetails"].append(
                _values(episode, COLUMNS["CINdetails"][2:], dict(ids), na)
            )
            self._assessments(episode, ids)
            for plan in episode.findall("CINPlanDates"):
                self.rows["CINplanDates"].append(
                    _values(plan, COLUMNS["CINplanDates"][2:], dict(ids), na)
                )
            for enquiry in episode.findall("Section47"):
                self.rows["Section47"].append(
                    _values(enquiry, COLUMNS["Section47"][2:], dict(ids), na)
                )
            self._plans(episode, ids)
        # The package also looks for plans and reviews directly under Child (create_child), with
        # the child's last episode number; the census never puts them there, but if a file
        # does, they are read as the package reads them.
        plan_id = self._plans(child, {"LAchildID": code, "CINdetailsID": episode_id})
        self._reviews(child, {"LAchildID": code, "CINdetailsID": episode_id, "CPPID": plan_id})

    def _assessments(self, episode, ids):
        na = self.missing
        for assessment_id, assessment in enumerate(episode.findall("Assessments"), start=1):
            keys = {**ids, "AssessmentID": assessment_id}
            row = _values(assessment, COLUMNS["Assessments"][3:], dict(keys), na)
            factors = assessment.find("FactorsIdentifiedAtAssessment")
            if factors is not None and len(factors):
                texts = [factor.text for factor in factors]
                for text in texts:
                    self.rows["AssessmentFactorsList"].append({**keys, "AssessmentFactor": text})
                row["AssessmentFactors"] = texts
            self.rows["Assessments"].append(row)

    def _plans(self, parent, ids) -> int:
        plan_id = 0
        for plan in parent.findall("ChildProtectionPlans"):
            plan_id += 1
            keys = {**ids, "CPPID": plan_id}
            self.rows["ChildProtectionPlans"].append(
                _values(plan, COLUMNS["ChildProtectionPlans"][3:], dict(keys), self.missing)
            )
            self._reviews(plan, keys)
        return plan_id

    def _reviews(self, parent, keys):
        # findall("Reviews[CPPreviewDate]") and get_values: one row per Reviews block that has
        # a review date, holding its first date.
        for reviews in parent.findall("Reviews[CPPreviewDate]"):
            self.rows["Reviews"].append(
                {**keys, "CPPreviewDate": reviews.find("CPPreviewDate").text}
            )

    def frames(self, pd):
        return {
            name: pd.DataFrame(self.rows[name], columns=COLUMNS[name], dtype=object)
            for name in TABLES
        }


def read_tables(path, pd):
    """The tables cin_validator.convert_data builds from the file, read in one pass."""
    tables = _Tables(pd.NA)
    depth = 0
    root = children = None
    header_seen = children_seen = False
    for event, element in ET.iterparse(path, events=("start", "end")):  # noqa: S314
        if event == "start":
            depth += 1
            if depth == 1:
                root = element
            elif depth == 2 and element.tag == "Children" and not children_seen:
                children = element
            continue
        depth -= 1
        if depth == 1:
            if element.tag == "Header" and not header_seen:
                header_seen = True
                tables.header(element)
            elif element is children:
                children_seen = True
                children = None
            root.remove(element)
        elif depth == 2 and element.tag == "Child" and children is not None:
            tables.child(element)
            children.remove(element)
    if not header_seen:
        raise NotACensus("The file has no Header block, so the validator cannot read it.")
    if not children_seen:
        raise NotACensus("The file has no Children block, so the validator cannot read it.")
    return tables.frames(pd)


def read_tables_package(path):
    """The package's own reader (quadratic): for comparison and for the benchmark."""
    from cin_validator.cin_validator import convert_data

    return convert_data(ET.parse(path).getroot())  # noqa: S314


def _missing(value, pd) -> bool:
    return value is pd.NA or (isinstance(value, float) and value != value)


def compare(ours: dict, theirs: dict, pd) -> tuple[list[str], int]:
    """Every difference between two sets of tables (names, columns, rows, each cell's value and
    type), and how many cells differ only in how a missing element is written: the package's
    pd.concat turns some of its pd.NA into NaN depending on the other cells of the child's block
    (pandas' rule for all-missing blocks), which every rule reads the same way (isna, notna,
    to_datetime)."""
    problems, representation = [], 0
    if list(ours) != list(theirs):
        problems.append(f"tables {list(ours)} != {list(theirs)}")
    for name in theirs:
        a, b = ours.get(name), theirs[name]
        if a is None:
            continue
        if list(a.columns) != list(b.columns):
            problems.append(f"{name}: columns {list(a.columns)} != {list(b.columns)}")
            continue
        if list(a.dtypes) != list(b.dtypes):
            problems.append(f"{name}: dtypes {list(a.dtypes)} != {list(b.dtypes)}")
        if list(a.index) != list(b.index):
            problems.append(f"{name}: {len(a)} rows != {len(b)} rows")
            continue
        for column in b.columns:
            for row, (x, y) in enumerate(zip(a[column].tolist(), b[column].tolist(), strict=True)):
                if _missing(x, pd) and _missing(y, pd):
                    representation += x is not y
                elif type(x) is not type(y) or x != y:
                    problems.append(f"{name}[{row}].{column}: {x!r} != {y!r}")
    return problems, representation


def run_rules(tables: dict, year: int):
    """Run the year's rules as CinValidator does; also the rules that raised, and why."""
    from cin_validator import cin_validator as engine
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(str(year))
    crashed: list[dict] = []

    class Validator(engine.CinValidator):
        def create_issue_report_df(self, selected_rules=None):
            _create_issue_report_df(self, engine, selected_rules, crashed)

    return registry, Validator(tables, registry), crashed


def _create_issue_report_df(self, engine, selected_rules, crashed):
    """cin_validator.CinValidator.create_issue_report_df (0.1.13), recording each rule that
    raises (the package prints it and carries on)."""
    pd = engine.pd
    enum_data_files = engine.enum_keys(self.data_files)
    self.issue_instances = pd.DataFrame()
    self.full_issue_df = pd.DataFrame(
        columns=[
            "tables_affected",
            "columns_affected",
            "ROW_ID",
            "ERROR_ID",
            "rule_code",
            "rule_description",
            "rule_type",
            "la_level",
            "LAchildID",
        ]
    )
    self.rules_passed = []
    self.rules_broken = []
    self.rule_messages = []
    self.la_rules_broken = []
    for rule in self.get_rules_to_run(self.ruleset_registry, selected_rules):
        data_files = copy.deepcopy(enum_data_files)
        ctx = engine.RuleContext(rule)
        try:
            rule.func(data_files, ctx)
        except Exception as error:  # noqa: BLE001 - a rule's failure is reported, not fatal
            crashed.append(
                {
                    "rule": str(rule.code),
                    "exception": type(error).__name__,
                    "message": str(error)[:300],
                }
            )
        self.process_issues(rule, ctx)
    try:
        self.la_rule_issues = pd.concat(self.la_rules_broken)
    except ValueError:
        self.la_rule_issues = pd.DataFrame()


def run_sector(path, year: int, pd, process_data) -> dict:
    """The validator as its authors run it (its reader, CinValidator), timed: the benchmark's
    yardstick. A rule that crashes is only printed by the package, so none is reported here."""
    from cin_validator.cin_validator import CinValidator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    started = time.perf_counter()
    tables = read_tables_package(path)
    read_seconds = time.perf_counter() - started
    registry = get_year_ruleset(str(year))
    validator = CinValidator(process_data(tables), registry)
    return {
        "rules_total": len(registry),
        "rules_run": sorted(map(str, registry)),
        "issues": issues_of(registry, validator, pd),
        "crashed": [],
        "skipped": [],
        "children": len(tables["ChildIdentifiers"]),
        "read_seconds": read_seconds,
        "rules_seconds": time.perf_counter() - started - read_seconds,
    }


def _blank(value, pd) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def issues_of(registry, validator, pd) -> list[dict]:
    """One issue per child, rule, table and row, with the fields the rule names there."""
    kinds = {
        str(code): ("query" if rule.rule_type.name == "QUERY" else "error")
        for code, rule in registry.items()
    }
    messages = {str(code): rule.message or "" for code, rule in registry.items()}
    grouped: dict = {}
    frame = validator.full_issue_df
    for record in frame.to_dict("records"):
        code = str(record["rule_code"])
        child = record.get("child_id")
        child = None if _blank(child, pd) else str(child)
        row = record.get("row_id")
        row = None if _blank(row, pd) else int(row)
        table = record.get("tables_affected")
        table = None if _blank(table, pd) else str(table)
        key = (child, code, table, row)
        issue = grouped.setdefault(
            key,
            {
                "child": child,
                "rule": code,
                "kind": kinds.get(code, "error"),
                "message": messages.get(code, str(record.get("rule_description") or "")),
                "table": table,
                "fields": [],
                "row": row,
            },
        )
        field = record.get("columns_affected")
        if not _blank(field, pd) and str(field) not in issue["fields"]:
            issue["fields"].append(str(field))
    # Rules about the whole return (and the Header) name no child.
    for record in validator.multichild_issues.to_dict("records"):
        code = str(record["rule_code"])
        key = (None, code, "Header", None)
        grouped.setdefault(
            key,
            {
                "child": None,
                "rule": code,
                "kind": kinds.get(code, "error"),
                "message": messages.get(code, str(record.get("rule_description") or "")),
                "table": None,
                "fields": [],
                "row": None,
            },
        )
    return list(grouped.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("year", type=int)
    parser.add_argument("--sector", action="store_true")
    parser.add_argument("--compare-readers", action="store_true")
    args = parser.parse_args(argv)

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    chatter = io.StringIO()
    started = time.perf_counter()
    result: dict = {"validator": VALIDATOR, "year": args.year}
    with contextlib.redirect_stdout(chatter):
        import pandas as pd
        from cin_validator.cin_validator import process_data

        try:
            if args.compare_readers:
                ours = read_tables(args.file, pd)
                theirs = read_tables_package(args.file)
                problems, representation = compare(ours, theirs, pd)
                result.update(
                    same=not problems,
                    missing_written_differently=representation,
                    differences=problems[:50],
                    rows={name: len(table) for name, table in theirs.items()},
                )
            elif args.sector:
                result.update(run_sector(args.file, args.year, pd, process_data))
            else:
                tables = read_tables(args.file, pd)
                result["read_seconds"] = time.perf_counter() - started
                ruled = time.perf_counter()
                registry, validator, crashed = run_rules(process_data(tables), args.year)
                result.update(
                    rules_total=len(registry),
                    rules_run=sorted(set(map(str, registry)) - {c["rule"] for c in crashed}),
                    issues=issues_of(registry, validator, pd),
                    crashed=crashed,
                    skipped=[],
                    children=len(tables["ChildIdentifiers"]),
                    rules_seconds=time.perf_counter() - ruled,
                )
        except NotACensus as error:
            result["failure"] = str(error)
        except ET.ParseError as error:
            result["failure"] = f"The file is not well-formed XML ({error})."
    result["seconds"] = time.perf_counter() - started
    json.dump(result, sys.stdout, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
