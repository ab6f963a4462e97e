"""Validate a return with the sector's validators and, for the census, the XML schema.

The validators (csc-validator-be-cin, csc-validator-be-903) live in their own virtual
environments under settings.ONESTORY_VALIDATORS_DIR (`make validators`): they pin pandas < 2 and
clash with each other and with onestory. Each runs in a subprocess, on a runner script in this
folder (run_cin.py, run_903.py) that prints JSON; nothing of theirs is imported here.

`validate_file` checks a file (CIN) or a folder of CSV files (903) and says, for every issue, the
child, the rule, its message and the child's page to fix it on; and which rules crashed or were
skipped, so "no errors" is only said when every rule ran. `validate_export` writes the year's
return to a temporary place, validates it and keeps the run (ValidationRun), audited.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Upper
from django.urls import reverse

from onestory.access import audit
from onestory.access.selectors import audit_views
from onestory.core.errors import DomainError
from onestory.people.models import Person

from ..identifiers import CHILD_ID_LENGTH, child_id
from ..models import LAChildId, ValidationRun
from . import schema as census_schema

HERE = Path(__file__).resolve().parent
RUNNERS = {"cin": HERE / "run_cin.py", "903": HERE / "run_903.py"}
NAMES = {"cin": "children in need census", "903": "SSDA903"}
# The collection years each validator has rules for (cin_validator/rules/cin2022_23 to
# cin2026_27; lac_validator/rules/lac2022_23 to lac2026_27), named by the 31 March they end on.
RULE_YEARS = {"cin": range(2023, 2028), "903": range(2023, 2028)}
# Luton's ONS code, which the SSDA903 validator wants for its postcode checks; a council sets
# settings.ONESTORY_LA_ONS_CODE.
DEFAULT_LA_ONS_CODE = "E06000032"
# How long a validator may take before it is stopped: the census for 20,000 children takes
# under a minute, SSDA903 for 5,000 children about as long.
TIMEOUT_SECONDS = 900
PAGE = "validation"
# Codes looked up in one query (SQLite allows 500 terms in a compound SELECT).
UNION_SIZE = 200
HEX_CODE = re.compile(rf"[0-9A-Fa-f]{{{CHILD_ID_LENGTH}}}")
# SSDA903's columns holding the dates of the year's events (not birthdays).
DATED_COLUMNS = ("DECOM", "DEC", "REVIEW", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC")


@dataclass
class Outcome:
    """What a validation found. Issues are dicts: child, person_id, link, rule, kind ("error",
    "query" or "schema"), message, table, fields, row (and line, for schema errors)."""

    source: str
    year: int
    path: str
    validator: str = ""
    rules_total: int = 0
    rules_run: list = field(default_factory=list)
    issues: list = field(default_factory=list)
    crashed_rules: list = field(default_factory=list)
    skipped_rules: list = field(default_factory=list)
    schema_errors: list = field(default_factory=list)
    schema: str = ""
    notes: list = field(default_factory=list)
    children: int = 0
    seconds: float = 0.0
    # Where the time went: reading the XML, the schema, the validator's subprocess.
    timings: dict = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for issue in self.issues if issue["kind"] == kind)

    @property
    def errors(self) -> int:
        return self.count("error") + self.count("schema")

    @property
    def clean(self) -> bool:
        """No errors, no schema errors and every rule ran (queries are allowed)."""
        return not self.errors and not self.crashed_rules


# The validators' environments ----------------------------------------------------------------


def validators_dir() -> Path:
    return Path(settings.ONESTORY_VALIDATORS_DIR)


def validator_python(source: str) -> Path:
    """The Python of the validator's own virtual environment, or a DomainError saying how to
    build it."""
    python = validators_dir() / source / "bin" / "python"
    if not python.exists():
        raise DomainError(
            f"The {NAMES[source]} validator is not installed on this machine (no "
            f"{python}). Run `make validators` in onestory's folder: it builds the sector's "
            "validators in their own virtual environments (about a minute), then try again."
        )
    return python


def validators_installed() -> bool:
    return all((validators_dir() / s / "bin" / "python").exists() for s in RUNNERS)


def run_validator(source: str, arguments: list[str]) -> dict:
    """Run a runner script in the validator's environment; its JSON result."""
    python = validator_python(source)
    command = [str(python), str(RUNNERS[source]), *arguments]
    try:
        # Our own script, run by the validator's own Python; the arguments are paths and a year.
        finished = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            cwd=tempfile.gettempdir(),
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise DomainError(
            f"The {NAMES[source]} validator was stopped after {TIMEOUT_SECONDS} seconds."
        ) from error
    try:
        result = json.loads(finished.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
        raise DomainError(
            f"The {NAMES[source]} validator stopped without a result (exit "
            f"{finished.returncode}): {last}. If its environment is damaged, delete "
            f"{validators_dir()} and run `make validators`."
        ) from None
    if result.get("failure"):
        raise DomainError(result["failure"])
    return result


# Which year -----------------------------------------------------------------------------------


def _check_year(source: str, year: int) -> None:
    years = RULE_YEARS[source]
    if year not in years:
        raise DomainError(
            f"The sector's {NAMES[source]} validator has rules for the collection years "
            f"{years[0]} to {years[-1]} (each named by the 31 March it ends on), not {year}."
        )


def census_year(tree) -> int | None:
    text = (tree.getroot().findtext("Header/CollectionDetails/Year") or "").strip()
    return int(text) if text.isdigit() else None


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def ssda903_year(folder: Path) -> int | None:
    """The collection year the files' latest event falls in (1 April to 31 March), or None."""
    latest = None
    for path in sorted(folder.glob("*.csv")):
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                for row in csv.DictReader(handle):
                    for column in DATED_COLUMNS:
                        day = _parse_day(row.get(column) or "")
                        if day and (latest is None or day > latest):
                            latest = day
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    if latest is None:
        return None
    return latest.year + (1 if latest.month >= 4 else 0)


def _settle_year(source: str, given: int | None, found: int | None, where: str) -> tuple:
    notes = []
    if given is None:
        if found is None:
            raise DomainError(
                f"Could not tell which collection year {where} is for: give --year (the 31 March "
                "the year ends on, e.g. --year 2026)."
            )
        year = found
    else:
        year = int(given)
        if found is not None and found != year:
            notes.append(
                f"You asked for the {year} rules, but {where} says it is for {found}: it was "
                f"checked against the {year} rules as asked. Give --year {found} to check it "
                "against its own year's rules."
            )
    _check_year(source, year)
    return year, notes


# Children and their pages --------------------------------------------------------------------


def people_for(codes) -> dict[str, uuid.UUID]:
    """Each child's code in a return -> the person it stands for: the identifier another system
    gave them (LAChildId, any case), else the person whose UUID starts with the code."""
    wanted = {str(c).strip().upper() for c in codes if c}
    found: dict[str, uuid.UUID] = {}
    if not wanted:
        return found
    for code, person_id in (
        LAChildId.objects.annotate(upper=Upper("code"))
        .filter(upper__in=wanted)
        .values_list("upper", "person_id")
    ):
        found[code] = person_id
    hexes = sorted(c for c in wanted - set(found) if HEX_CODE.fullmatch(c))
    for start in range(0, len(hexes), UNION_SIZE):
        # A merged record's code stands for the record it was merged into only if nothing else
        # has it: records still in use win.
        rows = _people_in_ranges(hexes[start : start + UNION_SIZE])
        for person_id, merged in sorted(rows, key=lambda row: row[1] is not None):
            found.setdefault(child_id(person_id), merged or person_id)
    return found


def _people_in_ranges(codes: list[str]) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """(pk, merged_into) of the people whose UUID starts with each code: one indexed range scan
    of the primary key per code, joined by UNION ALL into one query (an OR of ranges makes
    SQLite scan the whole table; the ORM builds 200 querysets slowly)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    key = Person._meta.pk
    merged = Person._meta.get_field("merged_into")
    column, merged_column = (connection.ops.quote_name(f.column) for f in (key, merged))
    # Names from the model, values as parameters.
    select = f"SELECT {column}, {merged_column} FROM {table} WHERE {column} BETWEEN %s AND %s"  # noqa: S608
    params = []
    for code in codes:
        for fill in ("0", "f"):
            value = uuid.UUID(code.lower() + fill * 22)
            params.append(key.get_db_prep_value(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([select] * len(codes)), params)
        rows = cursor.fetchall()
    return [
        (
            key.to_python(pk),
            None if other is None else merged.target_field.to_python(other),
        )
        for pk, other in rows
    ]


def child_link(person_id) -> str:
    return reverse("socialcare:child", kwargs={"person_id": person_id}) if person_id else ""


def _attach_people(issues: list[dict]) -> None:
    people = people_for(issue["child"] for issue in issues)
    for issue in issues:
        code = (issue["child"] or "").strip().upper()
        person_id = people.get(code)
        issue["person_id"] = str(person_id) if person_id else None
        issue["link"] = child_link(person_id)


# Validating ---------------------------------------------------------------------------------


def _schema_issues(errors) -> list[dict]:
    return [
        {
            "child": error.child,
            "rule": "schema",
            "kind": "schema",
            "message": error.message,
            "table": error.element,
            "fields": [error.element] if error.element else [],
            "row": None,
            "line": error.line,
        }
        for error in errors
    ]


def _validate_census(path: Path, year, schema) -> Outcome:
    started = time.perf_counter()
    tree = census_schema.read_census(path)
    year, notes = _settle_year("cin", year, census_year(tree), f"the file {path.name}")
    outcome = Outcome(source="cin", year=year, path=str(path), notes=notes)
    outcome.timings["read_xml"] = time.perf_counter() - started
    started = time.perf_counter()
    if schema:
        checker, outcome.schema = census_schema.load_schema(schema), Path(schema).name
    elif year in census_schema.SCHEMA_YEARS:
        checker, outcome.schema = census_schema.our_schema(year), census_schema.schema_name(year)
    else:
        checker = None
        outcome.notes.append(
            f"onestory has no schema for {year}: only the sector's rules were checked. Give the "
            "DfE's XSD with --schema to check the file's structure too."
        )
    if checker is not None:
        errors = census_schema.check(tree, checker)
        outcome.schema_errors = [
            {"line": e.line, "message": e.message, "child": e.child, "element": e.element}
            for e in errors
        ]
        outcome.issues += _schema_issues(errors)
    del tree
    outcome.timings["schema"] = time.perf_counter() - started
    started = time.perf_counter()
    result = run_validator("cin", [str(path), str(year)])
    outcome.timings["validator"] = time.perf_counter() - started
    _take(outcome, result)
    return outcome


def _validate_903(folder: Path, year, previous) -> Outcome:
    if not folder.is_dir():
        raise DomainError(
            f"There is no folder {folder}: give the folder holding the year's SSDA903 CSV files."
        )
    if not any(folder.glob("*.csv")):
        raise DomainError(f"The folder {folder} holds no CSV files.")
    arguments = [str(folder)]
    if previous is not None:
        previous = Path(previous)
        if not previous.is_dir() or not any(previous.glob("*.csv")):
            raise DomainError(
                f"There are no CSV files in {previous}: give the folder holding the previous "
                "year's SSDA903 files, or leave out --previous."
            )
    year, notes = _settle_year("903", year, ssda903_year(folder), f"the folder {folder.name}")
    outcome = Outcome(source="903", year=year, path=str(folder), notes=notes)
    arguments.append(str(year))
    if previous is not None:
        arguments += ["--previous", str(previous)]
        found = ssda903_year(previous)
        if found is not None and found != year - 1:
            outcome.notes.append(
                f"The previous year's folder {previous.name} seems to be for {found}, not "
                f"{year - 1}."
            )
    arguments += ["--la", str(getattr(settings, "ONESTORY_LA_ONS_CODE", DEFAULT_LA_ONS_CODE))]
    started = time.perf_counter()
    _take(outcome, run_validator("903", arguments))
    outcome.timings["validator"] = time.perf_counter() - started
    return outcome


def _take(outcome: Outcome, result: dict) -> None:
    outcome.validator = result["validator"]
    outcome.rules_total = result["rules_total"]
    outcome.rules_run = result["rules_run"]
    outcome.issues += result["issues"]
    outcome.crashed_rules = result["crashed"]
    outcome.skipped_rules = result["skipped"]
    outcome.children = result.get("children", 0)
    for name in ("read_seconds", "rules_seconds"):
        if name in result:
            outcome.timings[f"validator_{name.removesuffix('_seconds')}"] = result[name]


def validate_file(
    source: str, path, *, year: int | None = None, previous=None, schema=None
) -> Outcome:
    """Validate a census file (source "cin", with the XML schema) or a folder of SSDA903 CSV
    files (source "903", with the previous year's folder when given). The year comes from the
    file's header (CIN) or its latest dates (903) unless given; when the two disagree, the given
    year's rules are used and a note says so."""
    started = time.perf_counter()
    if source not in RUNNERS:
        raise DomainError(f"There is no return called {source!r}: choose cin or 903.")
    if source == "cin":
        outcome = _validate_census(Path(path), year, schema)
    else:
        if schema:
            raise DomainError("SSDA903 returns are CSV files: there is no schema to give.")
        outcome = _validate_903(Path(path), year, previous)
    _attach_people(outcome.issues)
    outcome.seconds = time.perf_counter() - started
    return outcome


def record_run(outcome: Outcome, *, acting_user, now: datetime, via: str) -> ValidationRun:
    """Keep the run and audit it: one "validate" row for the run, and one per child the issues
    name (the report shows who they are)."""
    with transaction.atomic():
        run = ValidationRun.objects.create(
            source=outcome.source,
            year=outcome.year,
            ran_at=now,
            ran_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            validator=outcome.validator[:60],
            rules_run=len(outcome.rules_run),
            issues=outcome.issues,
            crashed_rules=outcome.crashed_rules,
            skipped_rules=outcome.skipped_rules,
            schema_errors=outcome.schema_errors,
            seconds=outcome.seconds,
        )
        named = {issue["person_id"] for issue in outcome.issues if issue.get("person_id")}
        page = f"{PAGE} {NAMES[outcome.source]} {outcome.year}"
        audit_views(
            acting_user if getattr(acting_user, "is_authenticated", False) else None,
            [Person(pk=uuid.UUID(pk)) for pk in sorted(named)],
            now=now,
            page=page,
            action="validate",
        )
        audit.record(
            actor=acting_user,
            action="validate",
            at=now,
            obj=run,
            detail={
                "page": page,
                "via": via,
                "errors": outcome.errors,
                "queries": outcome.count("query"),
                "crashed": len(outcome.crashed_rules),
                "skipped": len(outcome.skipped_rules),
                "children": outcome.children,
            },
        )
    return run


def validate_export(
    source: str, year: int, *, acting_user, now: datetime, previous: bool = True
) -> ValidationRun:
    """Write the year's return to a temporary place, validate it (SSDA903 with the previous
    year's return beside it, when there is one), keep the run and audit it."""
    from .. import cin_census, ssda903

    if source not in RUNNERS:
        raise DomainError(f"There is no return called {source!r}: choose cin or 903.")
    _check_year(source, year)
    validator_python(source)
    with tempfile.TemporaryDirectory(prefix="onestory-validate-") as folder:
        here = Path(folder)
        if source == "cin":
            out = here / f"cin_census_{year}.xml"
            cin_census.export(year=year, out=out, now=now, acting_user=acting_user, via=PAGE)
            outcome = validate_file("cin", out, year=year)
        else:
            out = here / str(year)
            ssda903.export(year=year, out=out, now=now, acting_user=acting_user, via=PAGE)
            before = None
            if previous and year - 1 in RULE_YEARS["903"]:
                before = here / str(year - 1)
                try:
                    ssda903.export(
                        year=year - 1, out=before, now=now, acting_user=acting_user, via=PAGE
                    )
                except DomainError:
                    before = None  # Nobody was looked after the year before.
            outcome = validate_file("903", out, year=year, previous=before)
    return record_run(outcome, acting_user=acting_user, now=now, via="export")
