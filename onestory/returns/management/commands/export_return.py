"""onestory export_return: write a statutory return.

export_return cin --year 2026 --out cin.xml        the children in need census, year to
                                                    31 March 2026 (an XML file)
export_return 903 --year 2026 --out ssda903/       SSDA903, the same year (CSV files in a
                                                    folder)
export_return annex-a --on 2026-11-01 --out a.xlsx  Ofsted's Annex A lists 1 to 11 for the
                                                    six months before 1 November 2026
"""

import importlib
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now
from onestory.core.errors import DomainError

# Each kind's module, imported only when asked for, and what says which period it covers.
# A yearly module provides export(*, year: int, out, now, acting_user=None) -> str; Annex A
# provides export(*, on: date, out, now, acting_user=None) -> str. Both raise DomainError with
# a message for the person at the console.
YEARLY = {
    "cin": "onestory.returns.cin_census",
    "903": "onestory.returns.ssda903",
}
DATED = {
    "annex-a": "onestory.returns.annex_a",
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\d{4}")


def _year(kind: str, given) -> int:
    if given is None:
        raise CommandError(
            f"export_return {kind} needs --year: the collection year, named by the 31 March it "
            "ends on (--year 2026 is 1 April 2025 to 31 March 2026)."
        )
    given = str(given).strip()
    if not YEAR.fullmatch(given):
        raise CommandError(
            f"Give --year as four digits, e.g. --year 2026 (not {given!r}): the collection year "
            "ending 31 March 2026."
        )
    return int(given)


def _on(kind: str, given) -> date:
    if isinstance(given, date):
        return given
    example = "--on 2026-11-01 covers 1 May to 31 October 2026"
    if given is None:
        raise CommandError(
            f"export_return {kind} needs --on DATE (YYYY-MM-DD): the lists cover the six months "
            f"before it ({example})."
        )
    text = str(given).strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"Give --on as a date written YYYY-MM-DD, e.g. --on 2026-11-01 (not {given!r})."
        ) from None


class Command(BaseCommand):
    help = (
        "Write a statutory return: cin (the children in need census, an XML file) or 903 "
        "(SSDA903, CSV files in a folder) for the collection year given by --year; annex-a "
        "(Ofsted's Annex A lists 1 to 11, an .xlsx workbook) for the six months before --on."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*YEARLY, *DATED], help="Which return")
        parser.add_argument(
            "--year",
            metavar="YEAR",
            help="cin and 903: the collection year, named by the 31 March it ends on (e.g. 2026)",
        )
        parser.add_argument(
            "--on",
            metavar="YYYY-MM-DD",
            help="annex-a: the lists cover the six months before this date (e.g. 2026-11-01)",
        )
        parser.add_argument(
            "--out", required=True, metavar="PATH", help="The file (or folder, for 903) to write"
        )

    def handle(self, *args, kind, year, on, out, **options):
        if kind in YEARLY:
            if on is not None:
                raise CommandError(
                    f"--on is for annex-a only: export_return {kind} takes --year (e.g. --year "
                    "2026 for the year ending 31 March 2026)."
                )
            module, period = YEARLY[kind], {"year": _year(kind, year)}
        else:
            if year is not None:
                raise CommandError(
                    f"--year is for cin and 903: export_return {kind} takes --on DATE "
                    "(YYYY-MM-DD), e.g. --on 2026-11-01."
                )
            module, period = DATED[kind], {"on": _on(kind, on)}
        builder = importlib.import_module(module)
        try:
            summary = builder.export(**period, out=out, now=now())
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(summary)
