"""Importing children in need census files from another system (`onestory import_return cin`).

`run(paths, acting_user=..., now=...)` reads each file (reader.py: any year from 2017,
hostile and malformed XML refused), then, in one transaction for the whole import, brings each
child into the record: the person (common.find_or_create_child: their LAchildID first, then their
UPN), and each episode (CINdetails) as a front-door referral with what was done under it:
assessments, child in need plans, section 47 enquiries, initial conferences, child protection
plans and their review conferences. Anything rejected anywhere means nothing is loaded
(common.all_or_nothing), and the report lists every rejected item.

Several years merge into one history. An episode is the same episode when it is the same child's
and has the same referral date; within it an assessment, plan or enquiry is the same when it
starts on the same day. A later file adds what an earlier one could not yet say (an end date, an
authorisation, a conference) and never erases what is known: a census cannot report an end that
had not come by its reference date. So importing the same file again changes nothing, and files
can be imported in any order.

What a census cannot say is filled with values labelled as imported, never passed off as
recorded: every episode gets a front-door contact and decision (reference CIN-..., "imported
from the children in need census" in its words), every section 47 enquiry a strategy discussion
on the day it started. The importing user (or, for an import run without one, the "Imported
return" account that cannot sign in) stands as who recorded them and as the worker for
assessments and enquiries, with the texts saying so.
"""

import time as clock
from datetime import datetime
from pathlib import Path

from onestory.core.clock import today_in_london

from ..common import ImportReport, all_or_nothing, import_account
from .loader import Loader
from .reader import read_census
from .rows import PAGE, SOURCE


def run(
    paths,
    *,
    acting_user,
    now: datetime,
    progress: bool | None = None,
    year: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import children in need census files (see the module's docstring). `year`, when given,
    refuses a file for any other collection year; `dry_run` checks and counts without loading.
    Returns the report: every rejected item, what was created, updated or unchanged. Without
    an `acting_user` (a scheduled import), the rows name the "Imported return" account as
    recording them (common.import_account) and the audit names no one."""
    started = clock.perf_counter()
    report = ImportReport(SOURCE)
    today = today_in_london(now)
    censuses = []
    for path in paths:
        report.files.append(Path(path).name)
        census = read_census(path, report=report, year=year, today=today)
        if census is not None:
            censuses.append(census)
    report.years = sorted({c.year for c in censuses})
    with all_or_nothing(report, acting_user=acting_user, now=now, page=PAGE, dry_run=dry_run):
        recorder = (
            acting_user if getattr(acting_user, "is_authenticated", False) else import_account()
        )
        loader = Loader(
            report, recorder=recorder, acting_user=acting_user, now=now, progress=progress
        )
        for census in sorted(censuses, key=lambda c: c.year):
            loader.load(census)
        loader.finish()
    report.seconds = clock.perf_counter() - started
    return report
