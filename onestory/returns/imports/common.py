"""What every import of another system's returns shares.

Interface (used by imports/ssda903/ and imports/cin_census/; keep it stable):

- `ImportReport(source)`: what an import did or would have done.
    - `reject(file, row, child, reason)`: a row refused, with the file's name, its line (CSV: the
      header is line 1, so the first child is line 2, as a spreadsheet numbers rows; XML: the
      element's line; None when not known), the child's code ("" when not known) and the reason
      in plain words. Any rejection means nothing is loaded.
    - `count(kind, outcome, n=1)`: outcome is one of OUTCOMES ("created", "updated",
      "matched", "unchanged"); kind is a plural noun ("children", "periods of care", ...).
    - `keep(table, n=1)`: rows kept as received (KeptRow) for a table onestory does not model.
    - `note(text)`: something the analyst should know that refuses nothing.
    - `touched(person)`: a child the import read or wrote (find_or_create_child calls it), for
      the audit rows.
    - `summary() -> str`, `loaded` (True once committed), `changed` (anything created or
      updated), `as_dict()` (for the audit row).
- `read_xml(path) -> xml.etree.ElementTree.Element` (the root): hostile XML (a DTD, entities,
  external references, so "billion laughs" too) and malformed XML raise DomainError
  "The file NAME was refused because ..." / "The file NAME cannot be read: ...".
- `read_csv(path) -> (columns, rows)`: columns upper-cased and stripped, rows as lists of
  stripped strings with their line numbers: [(line, {column: value})]. UTF-8 (with or without
  a byte order mark), else Windows-1252, as spreadsheets save them.
- `find_or_create_child(*, code, source, now, report, acting_user=None, upn="",
  date_of_birth=None, sex="", ethnicity="", given_name="", family_name="") -> (Person, created)`:
  the child the other system calls `code`: by LAChildId first (following merges), then by
  exact UPN among records not merged away (when the date of birth does not disagree and the
  record holds no other system's code), else a new Person with a placeholder name saying the
  name was not in the return. Blanks on a found record (UPN, date of birth, sex "U", ethnicity
  "NOBT") are filled from the return; anything else the record says is kept (and noted when
  the return disagrees). The LAChildId for `code` is always recorded. Optional
  `index=ChildIndex(codes, upns)` looks every child up in two queries for a large import.
- `all_or_nothing(report, *, acting_user, now, page, dry_run=False)`: a context manager, one
  transaction. On leaving: if anything was rejected (or dry_run), everything is rolled back
  and only a summary audit row is written ("import refused"); otherwise the import's audit
  rows are written inside the transaction (one "import" row for the return, and one per child
  via audit_views) and `report.loaded` is set.
- `import_account() -> Worker`: the inactive account "Imported return" (username
  IMPORT_ACCOUNT), made on first use, for `recorded_by` when no worker is named.
- `progress(iterable, *, total=None, description="", enabled=None)`: a tqdm progress bar on
  stderr when `enabled` is True, or when it is None and stderr is a terminal; else the
  iterable itself.
"""

import csv
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree
from django.db import transaction

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.access.selectors import audit_views
from onestory.core.errors import DomainError
from onestory.people.models import ChronologyEntry, Person, PersonName

from ..models import LAChildId

OUTCOMES = ("created", "updated", "matched", "unchanged")
SOURCE_NAMES = {"cin": "children in need census", "903": "SSDA903 return"}
# A new child's name when the return carries none (neither return does): it must say plainly
# that the name is not known, so nobody takes it for a real one.
PLACEHOLDER_GIVEN_NAME = "Child {code}"
PLACEHOLDER_FAMILY_NAME = "(name not in the {name})"
CHRONOLOGY_CATEGORY = "record"
IMPORTED_BY_TEAM = "Recorded by this team"
# The account work is recorded under when the import names no worker (see import_account).
IMPORT_ACCOUNT = "returns-import"
# A UPN is 13 characters; SSDA903's UN1 to UN10 say why there is none and match nobody.
UPN_LENGTH = 13
# How many rejected rows the summary lists (the report keeps them all).
SUMMARY_REJECTIONS = 200


@dataclass
class Rejection:
    file: str
    row: int | None
    child: str
    reason: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.row}" if self.row else "")
        child = f", child {self.child}" if self.child else ""
        return f"{where}{child}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    files: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    kept: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    person_ids: set = field(default_factory=set)
    loaded: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    def reject(self, file: str, row: int | None, child: str, reason: str) -> None:
        self.rejected.append(Rejection(str(file), row, child or "", reason))

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        self.counts[kind][outcome] += n

    def keep(self, table: str, n: int = 1) -> None:
        self.kept[table] += n

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def touched(self, person) -> None:
        self.person_ids.add(getattr(person, "pk", person))

    @property
    def changed(self) -> bool:
        """Whether anything was (or would have been) created or updated."""
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "files": self.files,
            "years": self.years,
            "loaded": self.loaded,
            "rejected": len(self.rejected),
            "counts": {kind: dict(c) for kind, c in self.counts.items()},
            "kept": dict(self.kept),
            "children": len(self.person_ids),
        }

    def _counts_lines(self) -> list[str]:
        lines = []
        for kind, c in self.counts.items():
            parts = [f"{c[o]} {o}" for o in OUTCOMES if c[o]]
            if parts:
                lines.append(f"  {kind}: {', '.join(parts)}")
        for table, n in self.kept.items():
            lines.append(f"  {table}: {n} rows kept as received, to be written back in the return")
        return lines

    def summary(self) -> str:
        name = SOURCE_NAMES.get(self.source, self.source)
        years = f" ({', '.join(str(y) for y in self.years)})" if self.years else ""
        lines = []
        if self.rejected:
            lines.append(
                f"Nothing was loaded from the {name}{years}: {len(self.rejected)} "
                f"row{'s were' if len(self.rejected) != 1 else ' was'} refused. Correct them "
                "(or remove them) in the files and import again."
            )
            lines.extend(f"  {r}" for r in self.rejected[:SUMMARY_REJECTIONS])
            if len(self.rejected) > SUMMARY_REJECTIONS:
                lines.append(f"  ... and {len(self.rejected) - SUMMARY_REJECTIONS} more.")
            lines.append("Had every row been right, the import would have loaded:")
        elif self.dry_run:
            lines.append(f"Checked the {name}{years}: nothing was loaded (a trial run). It would:")
        elif not self.changed:
            lines.append(f"The {name}{years} was imported before: unchanged, nothing new to load.")
        else:
            lines.append(f"Loaded the {name}{years}:")
        lines.extend(self._counts_lines())
        if self.notes:
            lines.append("To know:")
            lines.extend(f"  {note}" for note in self.notes)
        return "\n".join(lines)


# --- Reading files ---------------------------------------------------------------------------


def read_xml(path) -> ElementTree.Element:
    """The root element of the XML file at `path`, read safely (no DTD, no entities, no external
    references: such a file is refused, not read)."""
    name = Path(path).name
    try:
        tree = SafeElementTree.parse(
            str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden as error:
        raise DomainError(
            f"The file {name} was refused because it declares a document type (a DTD). A "
            "return never does, and a DTD can be used to attack the service. Ask for the file "
            "to be written again without it."
        ) from error
    except EntitiesForbidden as error:
        raise DomainError(
            f"The file {name} was refused because it defines its own entities, which can be "
            "used to attack the service (for example by expanding into millions of copies). "
            "Ask for the file to be written again without them."
        ) from error
    except ExternalReferenceForbidden as error:
        raise DomainError(
            f"The file {name} was refused because it refers to other files or web addresses, "
            "which the service never follows. Ask for the file to be written again without them."
        ) from error
    except ElementTree.ParseError as error:
        line, column = getattr(error, "position", (None, None))
        raise DomainError(
            f"The file {name} cannot be read: it is not well-formed XML (line {line}, column "
            f"{column}). Check it is the whole file the other system wrote, not cut short or "
            "edited by hand."
        ) from error
    except OSError as error:
        raise DomainError(
            f"The file {path} cannot be read: {error.strerror or error}. Check the name."
        ) from error
    return tree.getroot()


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(path) -> tuple[list[str], list[tuple[int, dict]]]:
    """The columns (upper case, stripped) and rows ((line, {column: value})) of a CSV file.
    Blank lines are skipped; line numbers count the header as line 1."""
    try:
        text = _decode(Path(path).read_bytes())
    except OSError as error:
        raise DomainError(
            f"The file {path} cannot be read: {error.strerror or error}. Check the name."
        ) from error
    reader = csv.reader(text.splitlines())
    columns: list[str] = []
    rows = []
    for line, values in enumerate(reader, start=1):
        if not columns:
            if any(v.strip() for v in values):
                columns = [v.strip().upper() for v in values]
            continue
        if not any(v.strip() for v in values):
            continue
        padded = [v.strip() for v in values] + [""] * (len(columns) - len(values))
        rows.append((line, dict(zip(columns, padded, strict=False))))
    return columns, rows


# --- Children --------------------------------------------------------------------------------


def _survivor(person: Person) -> Person:
    seen = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _usable_upn(upn: str) -> str:
    upn = (upn or "").strip().upper()
    return upn if len(upn) == UPN_LENGTH else ""


class ChildIndex:
    """The children an import names, looked up in two queries instead of two per child:
    pass it as find_or_create_child(index=...) when importing many. `codes` are the other
    system's codes, `upns` the UPNs the return gives."""

    def __init__(self, codes, upns=()):
        self.by_code = {
            row.code: row
            for row in LAChildId.objects.filter(code__in=list(set(codes))).select_related("person")
        }
        self.by_upn = defaultdict(list)
        wanted = [u for u in {_usable_upn(u) for u in upns} if u]
        for person in Person.objects.filter(
            upn__in=wanted, merged_into__isnull=True
        ).select_related("la_child_id"):
            self.by_upn[person.upn].append(person)

    def add(self, person: Person, code_row: LAChildId | None) -> None:
        if code_row is not None:
            self.by_code[code_row.code] = code_row
        if person.upn and person not in self.by_upn[person.upn]:
            self.by_upn[person.upn].append(person)


def _by_upn(upn: str, date_of_birth: date | None, code: str, report: ImportReport, index=None):
    if not upn:
        return None
    if index is not None:
        found = index.by_upn.get(upn, [])[:2]
    else:
        found = list(
            Person.objects.filter(upn=upn, merged_into__isnull=True).select_related("la_child_id")[
                :2
            ]
        )
    if len(found) != 1:
        if found:
            report.note(
                f"Child {code}: more than one record holds the UPN {upn}, so the child was "
                "recorded as a new person. Check for duplicates."
            )
        return None
    person = found[0]
    if date_of_birth and person.date_of_birth and person.date_of_birth != date_of_birth:
        report.note(
            f"Child {code}: a record holds the same UPN but another date of birth, so the "
            "child was recorded as a new person. Check whether they are the same child."
        )
        return None
    held = getattr(person, "la_child_id", None) if _has_code(person) else None
    if held is not None and held.code != code:
        report.note(
            f"Child {code}: the record holding the same UPN is already child {held.code} in "
            "another return, so the child was recorded as a new person. Check whether they are "
            "the same child."
        )
        return None
    return person


def _has_code(person: Person) -> bool:
    try:
        person.la_child_id  # noqa: B018
    except LAChildId.DoesNotExist:
        return False
    return True


def _fill_blanks(person: Person, code: str, values: dict, report: ImportReport) -> bool:
    """Fill what the record leaves blank; keep (and note) what it says otherwise."""
    blank = {"upn": "", "date_of_birth": None, "sex": "U", "ethnicity": "NOBT"}
    changed = []
    for name, value in values.items():
        if value in (None, "", blank[name]):
            continue
        current = getattr(person, name)
        if current in (None, "", blank[name]):
            setattr(person, name, value)
            changed.append(name)
        elif current != value:
            label = Person._meta.get_field(name).verbose_name
            report.note(
                f"Child {code}: the return gives another {label} than the record; the record's "
                "is kept."
            )
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _placeholder(code: str, source: str) -> tuple[str, str]:
    name = SOURCE_NAMES.get(source, source)
    return PLACEHOLDER_GIVEN_NAME.format(code=code), PLACEHOLDER_FAMILY_NAME.format(name=name)


def _create(*, code, source, now, acting_user, values, given_name, family_name) -> Person:
    placeholder_given, placeholder_family = _placeholder(code, source)
    person = Person(
        given_name=(given_name or placeholder_given)[:100],
        family_name=(family_name or placeholder_family)[:100],
        upn=values["upn"],
        date_of_birth=values["date_of_birth"],
        sex=values["sex"] or "U",
        ethnicity=values["ethnicity"] or "NOBT",
    )
    person._history_user = acting_user
    person._history_date = now
    person.save()
    PersonName.objects.create(
        person=person, kind="legal", given_name=person.given_name, family_name=person.family_name
    )
    if getattr(acting_user, "is_active", False):
        # The importing worker's team (or the worker) can open what the import made; the
        # "Imported return" account cannot sign in, so it is given nothing.
        team_id = getattr(acting_user, "team_id", None)
        Allocation.objects.create(
            person=person,
            team_id=team_id,
            worker=None if team_id else acting_user,
            purpose=IMPORTED_BY_TEAM,
            starts_at=now,
            allocated_by=acting_user,
        )
    ChronologyEntry.objects.create(
        person=person,
        occurred_at=now,
        category=CHRONOLOGY_CATEGORY,
        summary=f"Record created from the {SOURCE_NAMES.get(source, source)} of another system "
        f"(child {code})",
        recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        source_type=person._meta.label_lower,
        source_id=str(person.pk),
    )
    return person


def find_or_create_child(
    *,
    code: str,
    source: str,
    now: datetime,
    report: ImportReport,
    acting_user=None,
    upn: str = "",
    date_of_birth: date | None = None,
    sex: str = "",
    ethnicity: str = "",
    given_name: str = "",
    family_name: str = "",
    index: ChildIndex | None = None,
) -> tuple[Person, bool]:
    """The child another system calls `code`, found or made (see the module's docstring).
    Counts "children" created / matched / updated in `report`. Call inside the import's
    transaction. `index` (optional) saves two queries a child."""
    code = code.strip()
    values = {
        "upn": (upn or "").strip().upper()[:UPN_LENGTH],
        "date_of_birth": date_of_birth,
        "sex": sex or "",
        "ethnicity": ethnicity or "",
    }
    if index is not None:
        known = index.by_code.get(code)
    else:
        known = LAChildId.objects.filter(code=code).select_related("person").first()
    if known is not None:
        person = _survivor(known.person)
        updated = _fill_blanks(person, code, values, report)
        report.count("children", "updated" if updated else "matched")
        report.touched(person)
        return person, False
    person = _by_upn(_usable_upn(values["upn"]), date_of_birth, code, report, index)
    created = person is None
    if created:
        person = _create(
            code=code,
            source=source,
            now=now,
            acting_user=acting_user,
            values=values,
            given_name=given_name,
            family_name=family_name,
        )
        report.count("children", "created")
    else:
        _fill_blanks(person, code, values, report)
        report.count("children", "matched")
    code_row = None
    if created or not _has_code(person):
        code_row = LAChildId.objects.create(
            person=person, code=code, source=source, imported_at=now
        )
    if index is not None:
        index.add(person, code_row)
    report.touched(person)
    return person, created


# --- Transaction, audit and progress ---------------------------------------------------------


@contextmanager
def all_or_nothing(report: ImportReport, *, acting_user, now: datetime, page: str, dry_run=False):
    """One transaction for the whole import (see the module's docstring)."""
    report.dry_run = dry_run
    with transaction.atomic():
        yield report
        if report.rejected or dry_run:
            transaction.set_rollback(True)
            report.loaded = False
        else:
            audit_import(report, acting_user=acting_user, now=now, page=page)
            report.loaded = True
    if not report.loaded:
        audit.record(
            actor=acting_user,
            action="import",
            at=now,
            reason="trial run" if dry_run and not report.rejected else "import refused",
            detail={"page": page, **report.as_dict()},
        )


def audit_import(report: ImportReport, *, acting_user, now: datetime, page: str) -> None:
    """The audit rows of a loaded import: one for the return, one per child it touched."""
    audit.record(
        actor=acting_user,
        action="import",
        at=now,
        detail={"page": page, **report.as_dict()},
    )
    audit_views(
        acting_user if getattr(acting_user, "is_authenticated", False) else None,
        [Person(pk=pk) for pk in sorted(report.person_ids, key=str)],
        now=now,
        page=page,
        action="import",
    )


def import_account():
    """The account imports record work under when no worker is named (`recorded_by` is
    required on reviews, contacts and missing episodes): "Imported return", which cannot sign
    in. Made on first use."""
    from onestory.workforce.models import Worker
    from onestory.workforce.rules import Role

    account, created = Worker.objects.get_or_create(
        username=IMPORT_ACCOUNT,
        defaults={
            "first_name": "Imported",
            "last_name": "return",
            "role": Role.ANALYST.value,
            "is_active": False,
        },
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    return account


def progress(iterable, *, total: int | None = None, description: str = "", enabled=None):
    """A progress bar on stderr for long imports (see the module's docstring)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=description, file=sys.stderr, unit="row")
