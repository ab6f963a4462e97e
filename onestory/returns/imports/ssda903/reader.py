"""Rows: every row of the tables read and checked, into one record per child; refusals go
into the report."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from onestory.people.rules import ETHNICITY
from onestory.socialcare import reference

from ... import ssda903 as export
from .. import common
from .codes import (
    CATEGORIES_OF_NEED,
    CODE_LENGTH,
    CONTINUATION,
    EXCEL_NUMBER,
    ORDER,
    RETIRED_PLACEMENT_TYPES,
    SEX_CODES,
    parse_date,
)
from .files import SourceFile


def _upper(rows):
    """Rows as the validator reads them: text upper case (it capitalises every column), and a
    number a spreadsheet saved as 1.0 read as 1."""
    for line, row in rows:
        yield line, {k: EXCEL_NUMBER.sub("", v.upper()) for k, v in row.items()}


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
            day = parse_date(value)
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
