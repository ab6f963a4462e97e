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

import time
from datetime import datetime

from onestory.core.clock import LONDON
from onestory.core.errors import DomainError

from .. import common
from .codes import SOURCE
from .files import discover, resolve_years
from .loader import Loader
from .reader import Reader

PAGE = "SSDA903 import"


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
