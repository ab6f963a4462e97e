"""Importing another system's SSDA903 returns (children looked after): `onestory import_return
903 DIR [DIR ...] [--year YYYY]`.

A folder holds one year's tables, or several years' (named like `2019-header.csv`, or in
folders named by year). Each file is recognised by its columns, as the sector's validator does
(lac_validator/config.py), so the files can be named anything; the collection year of a set of
files comes from `--year`, else from the dates of its episodes, and a year in the names (the
year the collection year starts or ends in) must agree.

What becomes what:
- Header: the child (found by the other system's CHILD code, then by UPN, else a new record
  with a placeholder name: common.find_or_create_child): sex, date of birth, ethnicity, UPN.
  Each year's Header row is also kept as received, so the export of that year lists the same
  children with the same mother fields (and any UN code the other system gave for a UPN it did
  not know).
- Episodes: the episodes of every year are merged into one history per child (an episode that
  spans years appears in each year's file: it is one episode, its end taken from the year that
  knows it). Episodes that follow on (REC X1, the next one starting that day) form a period of
  care (CarePeriod) ending with the first reason that is not X1. Within it a legal status
  (LegalStatus) starts whenever the status or the reason for a new episode (L, U, B) says so,
  and a placement (Placement) whenever the reason (P, T, U, B) or the placement's details say
  so; carers are labelled so that socialcare.rules.new_episode_reason gives the file's reason
  again (P and B a new carer; T and U the same carer). A period whose first episode is not S
  continued care begun before the other system's data: its reason is kept (KEPT_CONTINUED).
- Reviews (CareReview), Missing (MissingEpisode), UASC (UnaccompaniedChild), OC3
  (CareLeaverContact): when the record can hold the row as it is; otherwise (a review outside
  the year or outside care, an OC3 code the DfE does not list, ...) the row is kept as received
  (KeptRow) and written back in that year's return.
- OC2, AD1, PlacedAdoption, PrevPerm, SWEpisodes (social workers cannot be matched to ours) and
  DoLo: kept as received (KeptRow) and written back by the export for those children and years.

Rows that cannot be read (no child, a date that is not a date, a code no SSDA903 year uses in a
field that becomes the record, a child twice in a Header, two different episodes starting the
same day, an episode that ends before it starts, a child missing from the year's Header) are
refused, each with its file, line, child and reason, and then nothing is loaded: one
transaction, all or nothing, with a report of what would have been loaded. Re-importing the
same files changes nothing. Matched children's existing care records are kept: the return only
fills what they leave blank (each disagreement is counted in the report).
"""

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from onestory.core.clock import LONDON
from onestory.core.errors import DomainError
from onestory.core.rules import add_months
from onestory.frontdoor.rules import PRIMARY_NEEDS
from onestory.people.rules import ETHNICITY
from onestory.socialcare import reference
from onestory.socialcare.models import (
    CareLeaverContact,
    CarePeriod,
    CareReview,
    LegalStatus,
    MissingEpisode,
    Placement,
    UnaccompaniedChild,
)

from .. import ssda903 as export
from ..models import KeptRow, Return
from . import common

SOURCE = Return.SSDA903
PAGE = "SSDA903 import"
TABLE_COLUMNS = {table: export.COLUMNS[table] for table in export.COLUMNS}
KEPT_AS_RECEIVED = {*export.UNMODELLED_TABLES, "SWEpisodes"}
# Header first: the children; then the history; then what hangs on it.
ORDER = ("Header", "Episodes", "Reviews", "Missing", "UASC", "OC3", *sorted(KEPT_AS_RECEIVED))

# Codes: the record's lists (socialcare/reference.py), and the codes earlier years used. The
# placement types H5 (semi-independent living), P2 (independent living) and Z1 (other) were
# valid to 2024/25 and replaced by K3, Z11 to Z14 from 2025/26 (csc-validator-be-903 0.1.17:
# lac2024_25/rule_146 lists them, lac2025_26/rule_146 does not).
RETIRED_PLACEMENT_TYPES = {"H5": 2025, "P2": 2025, "Z1": 2025}
CONTINUATION = "X1"  # REC: the episode ends and a new one begins the same day
LEGAL_CHANGES = frozenset({"L", "U", "B"})
PLACEMENT_CHANGES = frozenset({"P", "T", "U", "B"})
SAME_CARER = frozenset({"T", "U"})
STARTED = "S"
# SEX: 1 (male) and 2 (female) to 2023/24, M, F, U from 2024/25 (validator rule 101).
SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
CATEGORIES_OF_NEED = frozenset(code for code in PRIMARY_NEEDS if code != "N0")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y")
CARER_LABEL = "Carer {n} (not named in the SSDA903 return)"
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
EXCEL_NUMBER = re.compile(r"(?<=^\d)\.0$")
# How long a child's code may be (LAChildId.code).
CODE_LENGTH = 20
# The most a return's year can be from today's, to catch a mistyped --year.
YEARS_AHEAD = 1


# --- Reading the files --------------------------------------------------------------------


@dataclass
class SourceFile:
    path: Path
    name: str
    table: str
    group: tuple
    hint: int | None
    rows: list
    year: int | None = None


def _table_of(columns: list[str]) -> tuple[str | None, list[str]]:
    """(table, missing columns): the table whose columns the file has (extra columns are
    ignored), else the closest one and what it lacks."""
    have = set(columns)
    exact = [t for t, cols in TABLE_COLUMNS.items() if set(cols) == have]
    if exact:
        return exact[0], []
    within = [t for t, cols in TABLE_COLUMNS.items() if set(cols) <= have]
    if within:
        return max(within, key=lambda t: len(TABLE_COLUMNS[t])), []
    overlap = max(TABLE_COLUMNS, key=lambda t: len(set(TABLE_COLUMNS[t]) & have))
    shared = set(TABLE_COLUMNS[overlap]) & have
    if len(shared) < 2 or "CHILD" not in shared:
        return None, []
    return None, [c for c in TABLE_COLUMNS[overlap] if c not in have] + [overlap]


def _hint(path: Path, root: Path) -> int | None:
    for part in [path.stem, *[p.name for p in path.relative_to(root).parents if p.name]]:
        found = YEAR_IN_NAME.findall(part)
        if found:
            return int(found[0])
    return None


def discover(paths, report: common.ImportReport) -> tuple[list[SourceFile], set]:
    """The tables in the folders (or files) given, and the sets of files one was refused from."""
    files = []
    refused = set()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.suffix.lower() == ".csv")
        elif root.is_file():
            found, root = [root], root.parent
        else:
            raise DomainError(f"{given} is not a folder or a file: check the name.")
        if not found:
            raise DomainError(
                f"The folder {given} holds no CSV files: give the folder the return's tables "
                "were saved in."
            )
        for path in found:
            name = str(path.relative_to(root)) if path != root else path.name
            columns, rows = common.read_csv(path)
            if not columns:
                report.note(f"{name} is empty: skipped.")
                continue
            table, missing = _table_of(columns)
            hint = _hint(path, root)
            if table is None:
                refused.add((str(root), str(path.parent), hint))
                if missing:
                    closest = missing.pop()
                    report.reject(
                        name,
                        None,
                        "",
                        f"The file looks like the {closest} table but has no "
                        f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}: it "
                        "cannot be read without them. Save the table again with every column.",
                    )
                else:
                    report.reject(
                        name,
                        None,
                        "",
                        "Its columns are not those of any SSDA903 table ("
                        + ", ".join(columns[:8])
                        + "): check it is one of the return's tables.",
                    )
                continue
            extra = [c for c in columns if c and c not in TABLE_COLUMNS[table]]
            if extra:
                report.note(f"{name}: columns {', '.join(extra)} are not SSDA903's: ignored.")
            files.append(
                SourceFile(
                    path=path,
                    name=name,
                    table=table,
                    group=(str(root), str(path.parent), hint),
                    hint=hint,
                    rows=rows,
                )
            )
    return files, refused


def _upper(rows):
    """Rows as the validator reads them: text upper case (it capitalises every column), and a
    number a spreadsheet saved as 1.0 read as 1."""
    for line, row in rows:
        yield line, {k: EXCEL_NUMBER.sub("", v.upper()) for k, v in row.items()}


def _parse_date(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(value)


def _episode_range(rows) -> tuple[int, int | None] | None:
    """The collection years (named by the 31 March they end on) the episodes fit, (earliest,
    latest or None): a return's episodes begin before its year ends and end after it begins."""
    latest_start = earliest_end = None
    for _line, row in rows:
        try:
            began, ended = _parse_date(row.get("DECOM", "")), _parse_date(row.get("DEC", ""))
        except ValueError:
            continue
        if began and (latest_start is None or began > latest_start):
            latest_start = began
        if ended and (earliest_end is None or ended < earliest_end):
            earliest_end = ended
    if latest_start is None:
        return None
    low = year_of(latest_start)
    high = year_of(earliest_end) if earliest_end else None
    return low, (max(high, low) if high is not None else None)


def _fits(year: int, span) -> bool:
    return year >= span[0] and (span[1] is None or year <= span[1])


def _naming(groups: dict, spans: dict) -> int | None:
    """How the names give the year: 0 by the year it ends in, 1 by the year it starts in (the
    same for every set of files), None when no one way fits them all."""
    hinted = [(key[2], spans[key]) for key in groups if key[2] is not None and spans[key]]
    if not hinted:
        return None
    for offset in (0, 1):
        if all(_fits(hint + offset, span) for hint, span in hinted):
            return offset
    return None


def resolve_years(
    files: list[SourceFile], year: int | None, report, today: date, refused=frozenset()
) -> list:
    """Give each set of files its collection year; refuse sets that cannot be placed (a set
    with a refused file is already reported: it is not refused twice)."""
    groups: dict[tuple, list[SourceFile]] = defaultdict(list)
    for f in files:
        groups[f.group].append(f)
    spans = {}
    for key, members in groups.items():
        episodes = [f for f in members if f.table == "Episodes"]
        spans[key] = _episode_range(episodes[0].rows) if episodes else None
    offset = _naming(groups, spans)
    placed: dict[int, tuple] = {}
    kept = []
    for key, members in groups.items():
        label = ", ".join(f.name for f in members[:3]) + (" ..." if len(members) > 3 else "")
        episodes = [f for f in members if f.table == "Episodes"]
        span, hint = spans[key], key[2]
        where = episodes[0].name if episodes else label
        if year is not None and len(groups) == 1:
            chosen = year
            if span is not None and not _fits(year, span):
                report.reject(
                    where,
                    None,
                    "",
                    f"Wrong year: --year {year} is the year ending 31 March {year}, but the "
                    f"episodes belong to the year ending 31 March {span[0]}"
                    + (f" or later (up to {span[1]})" if span[1] != span[0] else "")
                    + ". Check the files are that year's, or give the right year.",
                )
                continue
        elif span is not None and hint is not None:
            if offset is not None:
                chosen = hint + offset
            elif _fits(hint, span) or _fits(hint + 1, span):
                chosen = hint if _fits(hint, span) else hint + 1
            else:
                report.reject(
                    where,
                    None,
                    "",
                    f"Wrong year: the name says {hint}, but the episodes belong to the year "
                    f"ending 31 March {span[0]}. Check the files belong together.",
                )
                continue
        elif span is not None:
            chosen = span[1] if span[1] is not None else span[0]
            if span[1] != span[0]:
                report.note(
                    f"{label}: taken to be the year ending 31 March {chosen} from the episodes' "
                    "dates; if not, import them with --year."
                )
        elif key in refused:
            continue
        else:
            report.reject(
                label,
                None,
                "",
                "Cannot tell which collection year these tables are for: there is no Episodes "
                "table to date them. Import them with --year YYYY (the year ending 31 March "
                "YYYY).",
            )
            continue
        if year is not None and len(groups) > 1 and chosen != year:
            report.note(f"{label}: the year ending 31 March {chosen}, not {year}: skipped.")
            continue
        if chosen > today.year + YEARS_AHEAD or chosen < 2000:
            report.reject(label, None, "", f"Wrong year: {chosen} cannot be a return's year.")
            continue
        if chosen in placed:
            report.reject(
                label,
                None,
                "",
                f"Two sets of files are for the year ending 31 March {chosen} (also "
                f"{placed[chosen][1]}): import one of them.",
            )
            continue
        tables = Counter(f.table for f in members)
        twice = [t for t, n in tables.items() if n > 1]
        if twice:
            report.reject(
                label,
                None,
                "",
                f"The year ending 31 March {chosen} has two {', '.join(twice)} files: keep one.",
            )
            continue
        if "Header" not in tables:
            report.reject(
                label,
                None,
                "",
                f"The year ending 31 March {chosen} has no Header table: the children's "
                "details are in it, so it is needed with the other tables.",
            )
            continue
        placed[chosen] = (key, label)
        for f in members:
            f.year = chosen
            kept.append(f)
    return kept


# --- Rows -----------------------------------------------------------------------------------


@dataclass
class Ep:
    """An episode: received from a file, or worked out from the record (origin "record")."""

    decom: date
    dec: date | None
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    rec: str
    reason: str
    home: str
    pl: str
    urn: str
    year: int = 0
    file: str = ""
    line: int | None = None
    origin: str = "received"
    period_id: object = None
    status_id: object = None
    placement_id: object = None
    carer: str = ""

    def details(self) -> tuple:
        return (self.rne, self.ls, self.cin, *self.placement_details(), self.home)

    def placement_details(self) -> tuple:
        return (self.place, self.provider, self.urn, self.pl)


@dataclass
class Child:
    code: str
    headers: dict = field(default_factory=dict)  # year -> (file, line, row, row as received)
    episodes: list = field(default_factory=list)  # Ep (received)
    rows: dict = field(default_factory=lambda: defaultdict(list))  # table -> [(year, f, line, row)]


class Reader:
    """Reads and checks every row; refusals go into the report."""

    def __init__(self, report: common.ImportReport):
        self.report = report
        self.children: dict[str, Child] = {}

    def _record(self, code: str) -> Child:
        return self.children.setdefault(code, Child(code))

    def reject(self, f: SourceFile, line, child, reason):
        self.report.reject(f.name, line, child, reason)

    def _date(self, f, line, child, row, column, *, required=False):
        value = row.get(column, "")
        try:
            day = _parse_date(value)
        except ValueError:
            self.reject(f, line, child, f"{column} '{value}' is not a date: write it dd/mm/yyyy.")
            return False
        if day is None and required:
            self.reject(f, line, child, f"{column} is blank: it is needed.")
            return False
        return day

    def _code(self, f, line, child, row, column, codes, *, blank=False, extra=()) -> bool:
        value = row.get(column, "")
        if (blank and not value) or value in codes or value in extra:
            return True
        what = f"'{value}' is not" if value else "blank is not"
        self.reject(f, line, child, f"{column} {what} an SSDA903 code for it.")
        return False

    def read(self, files: list[SourceFile]) -> None:
        by_year: dict[int, dict[str, SourceFile]] = defaultdict(dict)
        for f in files:
            by_year[f.year][f.table] = f
        for year in sorted(by_year):
            tables = by_year[year]
            header = self._header(tables["Header"], year)
            for table in ORDER[1:]:
                if table in tables:
                    getattr(self, f"_{table.lower()}", self._kept)(tables[table], year, header)

    def _child(self, f, line, row) -> str | None:
        code = (row.get("CHILD") or "").strip().upper()
        if not code:
            self.reject(f, line, "", "CHILD is blank: every row needs the child's code.")
            return None
        if len(code) > CODE_LENGTH:
            self.reject(f, line, code, f"CHILD is longer than {CODE_LENGTH} characters.")
            return None
        return code

    def _known(self, f, line, row, header) -> str | None:
        code = self._child(f, line, row)
        if code is not None and code not in header:
            self.reject(
                f, line, code, "The child is not in this year's Header table: add them to it."
            )
            return None
        return code

    def _header(self, f: SourceFile, year: int) -> set[str]:
        seen: dict[str, int] = {}
        raw = dict(f.rows)  # kept as received
        for line, row in _upper(f.rows):
            code = self._child(f, line, row)
            if code is None:
                continue
            if code in seen:
                self.reject(
                    f, line, code, f"The child is in the Header twice (also line {seen[code]})."
                )
                continue
            seen[code] = line
            ok = self._date(f, line, code, row, "DOB", required=True) is not False
            ok &= self._code(f, line, code, row, "SEX", SEX_CODES)
            ok &= self._code(f, line, code, row, "ETHNIC", ETHNICITY)
            if len(row.get("UPN", "")) > common.UPN_LENGTH:
                self.reject(f, line, code, "UPN is longer than 13 characters.")
                ok = False
            if ok:
                child = self.children.setdefault(code, Child(code))
                child.headers[year] = (f, line, row, raw[line])
        return set(seen)

    def _episodes(self, f: SourceFile, year: int, header) -> None:
        start, end = export.collection_year(year)
        places = {*reference.PLACEMENT_TYPES}
        places |= {code for code, last in RETIRED_PLACEMENT_TYPES.items() if year <= last}
        seen: dict[tuple, Ep] = {}
        for line, row in _upper(f.rows):
            code = self._known(f, line, row, header)
            if code is None:
                continue
            decom = self._date(f, line, code, row, "DECOM", required=True)
            dec = self._date(f, line, code, row, "DEC")
            ok = decom not in (False, None) and dec is not False
            ok &= self._code(f, line, code, row, "RNE", reference.NEW_EPISODE_REASONS)
            ok &= self._code(f, line, code, row, "LS", reference.LEGAL_STATUSES)
            ok &= self._code(f, line, code, row, "CIN", CATEGORIES_OF_NEED)
            ok &= self._code(f, line, code, row, "PLACE", places)
            ok &= self._code(
                f, line, code, row, "PLACE_PROVIDER", reference.PLACEMENT_PROVIDERS, blank=True
            )
            ok &= self._code(
                f,
                line,
                code,
                row,
                "REC",
                reference.CARE_END_REASONS,
                blank=True,
                extra=(CONTINUATION,),
            )
            ok &= self._code(
                f,
                line,
                code,
                row,
                "REASON_PLACE_CHANGE",
                reference.PLACEMENT_CHANGE_REASONS,
                blank=True,
            )
            for column, length in (("URN", 10), ("HOME_POST", 10), ("PL_POST", 10)):
                if len(row.get(column, "")) > length:
                    self.reject(f, line, code, f"{column} is longer than {length} characters.")
                    ok = False
            if not ok:
                continue
            if dec and dec < decom:
                self.reject(
                    f,
                    line,
                    code,
                    f"The episode ends ({row['DEC']}) before it begins ({row['DECOM']}).",
                )
                continue
            if decom > end:
                self.reject(
                    f,
                    line,
                    code,
                    f"The episode begins ({row['DECOM']}) after the year ends (31 March {year}).",
                )
                continue
            episode = Ep(
                decom=decom,
                dec=dec,
                rne=row["RNE"],
                ls=row["LS"],
                cin=row["CIN"],
                place=row["PLACE"],
                provider=row.get("PLACE_PROVIDER", ""),
                rec=row.get("REC", ""),
                reason=row.get("REASON_PLACE_CHANGE", ""),
                home=row.get("HOME_POST", "").upper(),
                pl=row.get("PL_POST", "").upper(),
                urn=row.get("URN", "").upper(),
                year=year,
                file=f.name,
                line=line,
            )
            twin = seen.get((code, decom))
            if twin is not None:
                if (twin.details(), twin.dec, twin.rec, twin.reason) != (
                    episode.details(),
                    episode.dec,
                    episode.rec,
                    episode.reason,
                ):
                    self.reject(
                        f,
                        line,
                        code,
                        f"A second, different episode begins on {row['DECOM']} (also line "
                        f"{twin.line}): a child has one episode a day.",
                    )
                else:
                    self.report.note(f"{f.name}, line {line}: the same episode twice; read once.")
                continue
            seen[(code, decom)] = episode
            self._record(code).episodes.append(episode)

    def _reviews(self, f, year, header):
        for line, row in _upper(f.rows):
            code = self._known(f, line, row, header)
            if code is None:
                continue
            held = self._date(f, line, code, row, "REVIEW", required=True)
            dob = self._date(f, line, code, row, "DOB")
            ok = held not in (False, None) and dob is not False
            ok &= self._code(
                f, line, code, row, "REVIEW_CODE", reference.REVIEW_PARTICIPATION, blank=True
            )
            if ok:
                self._record(code).rows["Reviews"].append((year, f, line, row, held))

    def _missing(self, f, year, header):
        for line, row in _upper(f.rows):
            code = self._known(f, line, row, header)
            if code is None:
                continue
            began = self._date(f, line, code, row, "MIS_START", required=True)
            ended = self._date(f, line, code, row, "MIS_END")
            ok = began not in (False, None) and ended is not False
            ok &= self._code(f, line, code, row, "MISSING", reference.MISSING_KINDS)
            if ok and ended and ended < began:
                self.reject(f, line, code, "MIS_END is before MIS_START.")
                ok = False
            if ok:
                self._record(code).rows["Missing"].append((year, f, line, row, (began, ended)))

    def _uasc(self, f, year, header):
        for line, row in _upper(f.rows):
            code = self._known(f, line, row, header)
            if code is None:
                continue
            ceased = self._date(f, line, code, row, "DUC")
            if ceased is not False:
                self._record(code).rows["UASC"].append((year, f, line, row, ceased))

    def _oc3(self, f, year, header):
        for line, row in _upper(f.rows):
            code = self._known(f, line, row, header)
            if code is None:
                continue
            if self._code(f, line, code, row, "IN_TOUCH", reference.IN_TOUCH, blank=True):
                self._record(code).rows["OC3"].append((year, f, line, row, None))

    def _kept(self, f, year, header):
        for line, row in f.rows:
            code = self._known(f, line, row, header)
            if code is not None:
                self._record(code).rows[f.table].append((year, f, line, row, None))


# --- One child's history --------------------------------------------------------------------


def merge_received(episodes: list[Ep], notes: Counter) -> list[Ep]:
    """One episode a day: the years' copies of an episode merged, the end taken from the
    latest year that gives one."""
    by_day: dict[date, Ep] = {}
    for episode in sorted(episodes, key=lambda e: (e.decom, e.year)):
        known = by_day.get(episode.decom)
        if known is None:
            by_day[episode.decom] = episode
            continue
        if known.details() != episode.details():
            notes["an episode differs between years: the later year's is kept"] += 1
            known = replace(episode, dec=known.dec, rec=known.rec, reason=known.reason)
        if episode.dec is not None:
            known = replace(known, dec=episode.dec, rec=episode.rec, reason=episode.reason)
        elif known.dec is None and episode.rec:
            known = replace(known, rec=episode.rec, reason=episode.reason)
        by_day[episode.decom] = known
    return [by_day[d] for d in sorted(by_day)]


def union(record: list[Ep], received: list[Ep], notes: Counter) -> list[Ep]:
    """The record's episodes with the received ones: the record's are kept where both have a
    day; only what the record leaves open (an end it does not know yet) is filled."""
    by_day = {e.decom: e for e in received}
    for episode in record:
        other = by_day.get(episode.decom)
        if other is not None:
            if episode.dec is None and other.dec is not None:
                episode = replace(episode, dec=other.dec, rec=other.rec, reason=other.reason)
            elif _differs(episode, other):
                notes["an episode differs from the record: the record is kept"] += 1
        by_day[episode.decom] = episode
    return [by_day[d] for d in sorted(by_day)]


def _differs(record: Ep, received: Ep) -> bool:
    if (record.ls, record.cin, record.place, record.provider) != (
        received.ls,
        received.cin,
        received.place,
        received.provider,
    ):
        return True
    return received.dec is not None and record.dec != received.dec


def chains(episodes: list[Ep], notes: Counter) -> list[list[Ep]]:
    """Periods of care: episodes that follow on (X1 and the next starting that day)."""
    by_day = {e.decom: e for e in episodes}
    following: dict[date, date] = {}
    taken: set[date] = set()
    for e in episodes:
        if e.origin == "record" and e.dec is not None and e.rec == CONTINUATION:
            nxt = by_day.get(e.dec)
            if nxt is not None and nxt.period_id == e.period_id:
                following[e.decom] = e.dec
                taken.add(e.dec)
    for e in episodes:
        if e.decom in following or e.dec is None or e.dec == e.decom:
            continue
        nxt = by_day.get(e.dec)
        if nxt is None or nxt.decom in taken:
            continue
        if e.rec in (CONTINUATION, "") and nxt.rne != STARTED:
            following[e.decom] = nxt.decom
            taken.add(nxt.decom)
    # An episode still open, followed later by one that continues care, ended when it began.
    for e in episodes:
        if e.dec is not None or e.decom in following:
            continue
        later = [
            n for n in episodes if n.decom > e.decom and n.decom not in taken and n.rne != STARTED
        ]
        if later:
            nxt = later[0]
            index = episodes.index(e)
            episodes[index] = replace(e, dec=nxt.decom, rec=CONTINUATION)
            by_day[e.decom] = episodes[index]
            following[e.decom] = nxt.decom
            taken.add(nxt.decom)
            notes["an open episode was ended by the next one the return gives"] += 1
    result = []
    for e in episodes:
        if e.decom in taken:
            continue
        chain = [by_day[e.decom]]
        while chain[-1].decom in following:
            chain.append(by_day[following[chain[-1].decom]])
        result.append(chain)
    return result


@dataclass
class WantStatus:
    starts_on: date
    ends_on: date | None
    status: str
    row_id: object = None


@dataclass
class WantPlacement:
    starts_on: date
    ends_on: date | None
    place: str
    provider: str
    urn: str
    home: str
    pl: str
    carer: str
    change_reason: str = ""
    row_id: object = None


@dataclass
class WantPeriod:
    starts_on: date
    ends_on: date | None
    end_reason: str
    category: str
    first_reason: str
    statuses: list
    placements: list
    period_ids: set


def plan_period(chain: list[Ep], held: dict) -> WantPeriod:
    """What the record should hold for one period of care (`held`: the record's placements,
    id -> (carer, reason for the change that ended it))."""
    first, last = chain[0], chain[-1]
    statuses: list[WantStatus] = []
    placements: list[WantPlacement] = []
    counter = 0
    for index, e in enumerate(chain):
        prev = chain[index - 1] if index else None
        if prev is None:
            new_status = True
        elif e.status_id is not None and prev.status_id is not None:
            new_status = e.status_id != prev.status_id
        else:
            new_status = e.ls != prev.ls or e.rne in LEGAL_CHANGES
        if new_status:
            statuses.append(WantStatus(e.decom, None, e.ls, e.status_id))
        if prev is None:
            new_place = True
        elif e.placement_id is not None and prev.placement_id is not None:
            new_place = e.placement_id != prev.placement_id
        else:
            new_place = (
                e.rne in PLACEMENT_CHANGES or e.placement_details() != prev.placement_details()
            )
        if new_place:
            if e.placement_id is not None:
                carer = held.get(e.placement_id, ("", ""))[0]
            elif placements and (e.rne in SAME_CARER or e.rne in LEGAL_CHANGES - {"B"}):
                carer = placements[-1].carer
            else:
                counter += 1
                carer = CARER_LABEL.format(n=counter)
                while placements and carer.lower() == placements[-1].carer.strip().lower():
                    counter += 1
                    carer = CARER_LABEL.format(n=counter)
            if placements and prev is not None:
                # The reason for the move is on the episode that ended with it (the record's
                # own placements keep theirs).
                if prev.origin == "record" and placements[-1].row_id is not None:
                    stored = held.get(placements[-1].row_id, ("", ""))[1]
                    placements[-1].change_reason = prev.reason or stored
                else:
                    placements[-1].change_reason = prev.reason
            placements.append(
                WantPlacement(
                    starts_on=e.decom,
                    ends_on=None,
                    place=e.place,
                    provider=e.provider,
                    urn=e.urn,
                    home=e.home,
                    pl=e.pl,
                    carer=carer,
                    row_id=e.placement_id,
                )
            )
    if last.origin == "record" and placements and placements[-1].row_id is not None:
        placements[-1].change_reason = held.get(placements[-1].row_id, ("", ""))[1]
    ends_on = last.dec
    for rows in (statuses, placements):
        for index, row in enumerate(rows):
            row.ends_on = rows[index + 1].starts_on if index + 1 < len(rows) else ends_on
    return WantPeriod(
        starts_on=first.decom,
        ends_on=ends_on,
        end_reason=last.rec if ends_on is not None else "",
        category=first.cin,
        first_reason="" if first.rne == STARTED else first.rne,
        statuses=statuses,
        placements=placements,
        period_ids={e.period_id for e in chain if e.period_id is not None},
    )


def record_episodes(periods, statuses, placements, continued) -> tuple[list[Ep], dict]:
    """The record's periods as episodes (as the export sees them), and each placement's carer."""
    found = []
    held = {}
    for period in periods:
        first = continued.get((period.person_id, period.starts_on), "")
        for row in placements[period.pk]:
            held[row.pk] = (row.carer, row.change_reason)
        for e in export._period_episodes(period, statuses[period.pk], placements[period.pk], first):
            p = e.placement
            found.append(
                Ep(
                    decom=e.starts_on,
                    dec=e.ends_on,
                    rne=e.rne,
                    ls=e.status,
                    cin=e.category,
                    place=p.place if p else "",
                    provider=p.provider if p else "",
                    rec=e.rec,
                    reason=e.reason_place_change,
                    home=p.home_postcode if p else "",
                    pl=p.placement_postcode if p else "",
                    urn=p.urn if p else "",
                    origin="record",
                    period_id=period.pk,
                    status_id=e.status_row.pk if e.status_row else None,
                    placement_id=p.pk if p else None,
                )
            )
    return found, held


# --- Loading --------------------------------------------------------------------------------

FLUSH_ORDER = (
    CarePeriod,
    LegalStatus,
    Placement,
    CareReview,
    MissingEpisode,
    UnaccompaniedChild,
    CareLeaverContact,
    KeptRow,
)


def year_of(day: date) -> int:
    """The collection year `day` falls in, named by the 31 March it ends on."""
    return day.year + 1 if day.month >= 4 else day.year


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, clock_time(12, 0), tzinfo=LONDON)


def _birthday_age(dob: date, year: int) -> int | None:
    start, end = export.collection_year(year)
    for age in range(10, 30):
        if start <= add_months(dob, 12 * age) <= end:
            return age
    return None


class Loader:
    def __init__(self, report, *, acting_user, recorder, now, progress):
        self.report = report
        self.acting_user = acting_user
        self.recorder = recorder
        self.now = now
        self.progress = progress
        self.notes: Counter = Counter()
        # Rows to create, by model, written in bulk at the end (in this order, parents first),
        # and kept rows to delete.
        self.pending: dict[type, list] = {model: [] for model in FLUSH_ORDER}
        self.drop: list = []

    def _add(self, row):
        self.pending[type(row)].append(row)
        return row

    def _flush(self) -> None:
        KeptRow.objects.filter(pk__in=self.drop).delete()
        for model in FLUSH_ORDER:
            model.objects.bulk_create(self.pending[model], batch_size=500)

    def run(self, children: dict[str, Child]) -> None:
        people = {}
        index = common.ChildIndex(
            children,
            [c.headers[max(c.headers)][2].get("UPN", "") for c in children.values() if c.headers],
        )
        for code in common.progress(
            sorted(children), total=len(children), description="Children", enabled=self.progress
        ):
            child = children[code]
            if not child.headers:
                continue
            latest = child.headers[max(child.headers)][2]
            for _f, _line, row, _raw in child.headers.values():
                if (row["SEX"], row["DOB"], row["ETHNIC"], row.get("UPN", "")) != (
                    latest["SEX"],
                    latest["DOB"],
                    latest["ETHNIC"],
                    latest.get("UPN", ""),
                ):
                    self.notes[f"a child's details differ between years (child {code})"] += 1
                    break
            upn = latest.get("UPN", "").upper()
            person, _ = common.find_or_create_child(
                code=code,
                source=SOURCE,
                now=self.now,
                report=self.report,
                acting_user=self.acting_user,
                upn="" if upn in export.UPN_UNKNOWN_CODES else upn,
                date_of_birth=_parse_date(latest["DOB"]),
                sex=SEX_CODES[latest["SEX"]],
                ethnicity=latest["ETHNIC"],
                index=index,
            )
            people[code] = person
        self._load_history(children, people)
        self._flush()
        for text, n in sorted(self.notes.items()):
            self.report.note(f"{n} × {text}.")

    def _load_history(self, children, people):
        ids = [p.pk for p in people.values()]
        periods = defaultdict(list)
        for row in CarePeriod.objects.filter(person_id__in=ids).order_by("starts_on"):
            periods[row.person_id].append(row)
        period_ids = [p.pk for rows in periods.values() for p in rows]
        statuses = defaultdict(list)
        for row in LegalStatus.objects.filter(period_id__in=period_ids):
            statuses[row.period_id].append(row)
        placements = defaultdict(list)
        for row in Placement.objects.filter(period_id__in=period_ids):
            placements[row.period_id].append(row)
        continued = export.continued_reasons(ids)
        kept = defaultdict(list)
        for row in KeptRow.objects.filter(source=SOURCE, person_id__in=ids):
            kept[(row.person_id, row.table, row.year)].append(row)
        reviews = defaultdict(dict)
        for row in CareReview.objects.filter(person_id__in=ids):
            reviews[row.person_id].setdefault(row.held_on, row)
        missing = defaultdict(dict)
        for row in MissingEpisode.objects.filter(person_id__in=ids):
            day = row.started_at.astimezone(LONDON).date()
            missing[row.person_id].setdefault((day, row.kind), row)
        unaccompanied = {
            row.person_id: row for row in UnaccompaniedChild.objects.filter(person_id__in=ids)
        }
        contacts = defaultdict(dict)
        for row in CareLeaverContact.objects.filter(person_id__in=ids):
            contacts[row.person_id][row.birthday_age] = row
        self.existing = {
            "kept": kept,
            "reviews": reviews,
            "missing": missing,
            "unaccompanied": unaccompanied,
            "contacts": contacts,
        }
        for code in common.progress(
            sorted(people), total=len(people), description="Histories", enabled=self.progress
        ):
            person = people[code]
            child = children[code]
            spans = self._history(person, child, periods, statuses, placements, continued)
            self._headers(person, child)
            self._reviews(person, child, spans)
            self._missing(person, child, spans)
            self._uasc(person, child)
            self._oc3(person, child, spans)
            for table in sorted(KEPT_AS_RECEIVED):
                by_year = defaultdict(list)
                for year, _f, _line, row, _extra in child.rows.get(table, []):
                    by_year[year].append(row)
                for year, rows in by_year.items():
                    self._keep(person, table, year, rows)

    # Periods of care, legal statuses and placements.
    def _history(self, person, child, periods, statuses, placements, continued) -> list:
        received = merge_received(child.episodes, self.notes)
        mine = periods.get(person.pk, [])
        record, held = record_episodes(mine, statuses, placements, continued)
        if not received:
            return [(p.starts_on, p.ends_on, p) for p in mine]
        episodes = union(record, received, self.notes)
        wanted = [plan_period(chain, held) for chain in chains(episodes, self.notes)]
        by_id = {p.pk: p for p in mine}
        spans = []
        marks = []
        for want in wanted:
            if len(want.period_ids) > 1:
                self.report.reject(
                    child.episodes[0].file,
                    child.episodes[0].line,
                    child.code,
                    "The return's episodes would join two periods of care already recorded "
                    "for this child. Check the record's periods against the return.",
                )
                continue
            period = by_id.get(next(iter(want.period_ids))) if want.period_ids else None
            period = self._period(person, period, want, statuses, placements)
            if want.end_reason == CONTINUATION:
                self.notes[
                    "a period of care ends with X1 (a new episode follows) but none does: kept so"
                ] += 1
            spans.append((want.starts_on, want.ends_on, period))
            if want.first_reason:
                marks.append(
                    (
                        year_of(want.starts_on),
                        {"DECOM": export._d(want.starts_on), "RNE": want.first_reason},
                    )
                )
        for left, right in zip(spans, spans[1:], strict=False):
            if left[1] is None or left[1] > right[0]:
                self.notes["two periods of care overlap (the return's own rule 501)"] += 1
        self._marks(person, marks)
        untouched = [p for p in mine if not any(p is s[2] for s in spans)]
        spans.extend((p.starts_on, p.ends_on, p) for p in untouched)
        return spans

    def _period(self, person, period, want: WantPeriod, statuses, placements):
        fields = {
            "starts_on": want.starts_on,
            "ends_on": want.ends_on,
            "end_reason": want.end_reason,
            "category_of_need": want.category,
        }
        if period is None:
            period = self._add(CarePeriod(person=person, **fields))
            self.report.count("periods of care", "created")
            existing_statuses, existing_placements = [], []
        else:
            changed = [k for k, v in fields.items() if getattr(period, k) != v]
            if changed:
                for k in changed:
                    setattr(period, k, fields[k])
                period.version += 1
                period.save(update_fields=[*changed, "version", "updated_at"])
            self.report.count("periods of care", "updated" if changed else "unchanged")
            existing_statuses = statuses.get(period.pk, [])
            existing_placements = placements.get(period.pk, [])
        self._sync(
            "legal statuses",
            LegalStatus,
            existing_statuses,
            want.statuses,
            lambda w: {"status": w.status, "starts_on": w.starts_on, "ends_on": w.ends_on},
            {"period": period},
        )
        self._sync(
            "placements",
            Placement,
            existing_placements,
            want.placements,
            lambda w: {
                "place": w.place,
                "provider": w.provider,
                "urn": w.urn,
                "home_postcode": w.home,
                "placement_postcode": w.pl,
                "carer": w.carer,
                "change_reason": w.change_reason,
                "starts_on": w.starts_on,
                "ends_on": w.ends_on,
            },
            {"period": period, "person": person},
        )
        return period

    def _sync(self, kind, model, existing, wanted, values_of, parent):
        by_id = {row.pk: row for row in existing}
        by_day = {}
        for row in existing:
            by_day.setdefault(row.starts_on, row)
        used = set()
        for want in wanted:
            row = by_id.get(want.row_id) or by_day.get(want.starts_on)
            if row is not None and row.pk in used:
                row = None
            values = values_of(want)
            if row is None:
                self._add(model(**parent, **values))
                self.report.count(kind, "created")
                continue
            used.add(row.pk)
            changed = [k for k, v in values.items() if getattr(row, k) != v]
            if changed:
                for k in changed:
                    setattr(row, k, values[k])
                row.version += 1
                row.save(update_fields=[*changed, "version", "updated_at"])
            self.report.count(kind, "updated" if changed else "unchanged")
        for row in existing:
            if row.pk not in used:
                row.delete()
                self.report.count(kind, "updated")

    def _marks(self, person, marks):
        current = [
            row
            for (pk, table, _year), rows in self.existing["kept"].items()
            if pk == person.pk and table == export.KEPT_CONTINUED
            for row in rows
        ]
        have = sorted((r.year, sorted(r.values.items())) for r in current)
        want = sorted((y, sorted(v.items())) for y, v in marks)
        if have == want:
            return
        self.drop.extend(r.pk for r in current)
        for index, (year, values) in enumerate(marks, start=1):
            self._add(
                KeptRow(
                    person=person,
                    source=SOURCE,
                    table=export.KEPT_CONTINUED,
                    year=year,
                    row_number=index,
                    values=values,
                    imported_at=self.now,
                )
            )

    # Rows kept as received.
    def _keep(self, person, table, year, rows: list[dict], *, count=True) -> None:
        columns = TABLE_COLUMNS.get(table)
        clean = [{c: row.get(c, "") for c in columns} if columns else dict(row) for row in rows]
        current = self.existing["kept"].get((person.pk, table, year), [])
        if count:
            self.report.keep(table, len(clean))
        if sorted(map(_key, (r.values for r in current))) == sorted(map(_key, clean)):
            self.report.count("rows kept as received", "unchanged", len(clean))
            return
        self.drop.extend(r.pk for r in current)
        for index, values in enumerate(clean, start=1):
            self._add(
                KeptRow(
                    person=person,
                    source=SOURCE,
                    table=table,
                    year=year,
                    row_number=index,
                    values=values,
                    imported_at=self.now,
                )
            )
        self.report.count("rows kept as received", "updated" if current else "created", len(clean))

    def _headers(self, person, child):
        for year, (_f, _line, _row, row) in child.headers.items():
            self._keep(person, export.KEPT_HEADER, year, [row], count=False)

    def _reviews(self, person, child, spans):
        keep = defaultdict(list)
        have = self.existing["reviews"][person.pk]
        for year, _f, _line, row, held in child.rows.get("Reviews", []):
            start, end = export.collection_year(year)
            period = _period_on(spans, held)
            code = row.get("REVIEW_CODE", "")
            known = have.get(held)
            if not (start <= held <= end) or period is None or not code:
                keep[year].append(row)
            elif known is not None:
                if known.participation != code:
                    keep[year].append(row)
                else:
                    self.report.count("reviews", "unchanged")
            else:
                have[held] = self._add(
                    CareReview(
                        period=period,
                        person=person,
                        due_on=held,
                        held_on=held,
                        participation=code,
                        summary="Recorded from an imported SSDA903 return.",
                        recorded_by=self.recorder,
                    )
                )
                self.report.count("reviews", "created")
        for year, rows in keep.items():
            self._keep(person, "Reviews", year, rows)

    def _missing(self, person, child, spans):
        keep = defaultdict(list)
        have = self.existing["missing"][person.pk]
        merged: dict[tuple, tuple] = {}
        for year, _f, _line, row, (began, ended) in sorted(
            child.rows.get("Missing", []), key=lambda r: r[0]
        ):
            start, end = export.collection_year(year)
            key = (began, row["MISSING"])
            if began > end or (ended is not None and ended < start):
                keep[year].append(row)
                continue
            if ended is not None and ended > end:
                keep[year].append(row)  # the export writes no end after the year's
                continue
            merged[key] = (ended if ended else merged.get(key, (None,))[0], year, row)
        for (began, kind), (ended, year, row) in merged.items():
            known = have.get((began, kind))
            ended_at = _at_noon(ended) if ended else None
            if known is not None:
                if known.ended_at is None and ended_at is not None:
                    known.ended_at = ended_at
                    known.save(update_fields=["ended_at", "updated_at"])
                    self.report.count("missing episodes", "updated")
                elif (
                    known.ended_at is not None
                    and ended_at is not None
                    and (known.ended_at.astimezone(LONDON).date() != ended)
                ):
                    keep[year].append(row)
                else:
                    self.report.count("missing episodes", "unchanged")
                continue
            have[(began, kind)] = self._add(
                MissingEpisode(
                    person=person,
                    period=_period_on(spans, began),
                    kind=kind,
                    started_at=_at_noon(began),
                    ended_at=ended_at,
                    notes="Recorded from an imported SSDA903 return.",
                    recorded_by=self.recorder,
                )
            )
            self.report.count("missing episodes", "created")
        for year, rows in keep.items():
            self._keep(person, "Missing", year, rows)

    def _uasc(self, person, child):
        rows = sorted(child.rows.get("UASC", []), key=lambda r: r[0])
        if not rows:
            return
        keep = defaultdict(list)
        ceased = rows[-1][4]
        for year, _f, _line, row, day in rows:
            if day != ceased:
                keep[year].append(row)
        known = self.existing["unaccompanied"].get(person.pk)
        if known is None:
            self._add(UnaccompaniedChild(person=person, status_ceased_on=ceased))
            self.report.count("unaccompanied children", "created")
        elif known.status_ceased_on is None and ceased is not None:
            known.status_ceased_on = ceased
            known.save(update_fields=["status_ceased_on", "updated_at"])
            self.report.count("unaccompanied children", "updated")
        elif known.status_ceased_on != ceased:
            for year, _f, _line, row, _day in rows:
                keep[year].append(row)
        else:
            self.report.count("unaccompanied children", "unchanged")
        for year, kept_rows in keep.items():
            self._keep(person, "UASC", year, kept_rows)

    def _oc3(self, person, child, spans):
        # Every row is kept as received: the export writes it back for a year in which the
        # record gives the child no OC3 row (a care leaver still looked after at a 17th or 18th
        # birthday, by what later years show; a code the DfE does not list...). A row the
        # record can hold as it is also becomes a CareLeaverContact.
        keep = defaultdict(list)
        have = self.existing["contacts"][person.pk]
        for year, _f, _line, row, _extra in child.rows.get("OC3", []):
            keep[year].append(row)
            contact = self._contact(person, year, row)
            if contact is None:
                continue
            known = have.get(contact.birthday_age)
            if known is None:
                self._add(contact)
                have[contact.birthday_age] = contact
                self.report.count("care leaver contacts", "created")
            elif (known.in_touch, known.activity, known.accommodation) == (
                contact.in_touch,
                contact.activity,
                contact.accommodation,
            ) and known.accommodation_suitable == contact.accommodation_suitable:
                self.report.count("care leaver contacts", "unchanged")
        for year, rows in keep.items():
            self._keep(person, "OC3", year, rows)

    def _contact(self, person, year, row) -> CareLeaverContact | None:
        """The contact the record would hold for this OC3 row, or None when the export would
        not write the row back as it is."""
        dob = person.date_of_birth
        try:
            given = _parse_date(row.get("DOB", ""))
        except ValueError:
            return None
        if dob is None or given not in (None, dob):
            return None
        age = _birthday_age(dob, year)
        if age not in export.OC3_AGES:
            return None
        in_touch, activity, accom = row["IN_TOUCH"], row.get("ACTIV", ""), row.get("ACCOM", "")
        if in_touch not in reference.IN_TOUCH:
            return None
        kind, suitable = "", None
        if accom and accom != export.NOT_KNOWN:
            kind, digit = accom[:1], accom[1:]
            if kind not in reference.ACCOMMODATION_KINDS or digit not in ("1", "2"):
                return None
            suitable = digit == "1"
        if activity and activity not in reference.ACTIVITIES:
            return None
        birthday = add_months(dob, 12 * age)
        contact = CareLeaverContact(
            person=person,
            birthday_age=age,
            contact_on=birthday,
            in_touch=in_touch,
            activity="" if activity == export.NOT_KNOWN else activity,
            accommodation=kind,
            accommodation_suitable=suitable,
            recorded_by=self.recorder,
        )
        if export._oc3_row(contact, dob, "") | {"CHILD": ""} != {
            "CHILD": "",
            "DOB": export._d(dob),
            "IN_TOUCH": in_touch,
            "ACTIV": activity,
            "ACCOM": accom,
        }:
            return None
        return contact


def _period_on(spans, day: date):
    for starts, ends, period in spans:
        if starts <= day and (ends is None or day <= ends):
            return period
    return None


def _key(values: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in values.items()))


# --- The import -----------------------------------------------------------------------------


def run(
    paths,
    *,
    acting_user=None,
    now: datetime,
    progress=None,
    year: int | None = None,
    dry_run: bool = False,
) -> common.ImportReport:
    """Import the SSDA903 tables in `paths` (folders or files) in one transaction; see the
    module's docstring. Returns the report (`report.loaded` says whether anything was loaded)."""
    began = time.monotonic()
    report = common.ImportReport(SOURCE)
    files, refused = discover(paths, report)
    files = resolve_years(files, year, report, now.astimezone(LONDON).date(), refused)
    if not files and not report.rejected:
        wanted = f" for the year ending 31 March {year}" if year else ""
        raise DomainError(
            f"No SSDA903 tables{wanted} were found in {', '.join(map(str, paths))}: "
            + " ".join(report.notes)
        )
    report.files = sorted({f.name for f in files})
    report.years = sorted({f.year for f in files})
    reader = Reader(report)
    reader.read(files)
    recorder = acting_user if getattr(acting_user, "is_authenticated", False) else None
    with common.all_or_nothing(
        report, acting_user=acting_user, now=now, page=PAGE, dry_run=dry_run
    ):
        # Loaded even when rows were refused, to report what would have been loaded: the
        # transaction is then rolled back.
        loader = Loader(
            report,
            acting_user=acting_user,
            recorder=recorder or common.import_account(),
            now=now,
            progress=progress,
        )
        loader.run(reader.children)
    report.seconds = time.monotonic() - began
    return report
