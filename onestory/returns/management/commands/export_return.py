"""onestory export_return: write a statutory return, e.g. `export_return cin --year 2026 --out
cin.xml` (the children in need census for the year ending 31 March 2026)."""

import importlib

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now
from onestory.core.errors import DomainError

# Each kind's module, imported only when asked for. A module provides
# export(*, year: int, out: str, now: datetime, acting_user=None) -> str (what was written),
# raising DomainError with a message for the person at the console.
BUILDERS = {
    "cin": "onestory.returns.cin_census",
    "903": "onestory.returns.ssda903",
}


class Command(BaseCommand):
    help = (
        "Write a statutory return for the collection year 1 April (YEAR - 1) to 31 March YEAR: "
        "cin, the children in need census (an XML file)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(BUILDERS), help="Which return")
        parser.add_argument(
            "--year",
            type=int,
            required=True,
            help="The collection year, named by the 31 March it ends on (e.g. 2026)",
        )
        parser.add_argument(
            "--out", required=True, metavar="PATH", help="The file (or folder) to write"
        )

    def handle(self, *args, kind, year, out, **options):
        builder = importlib.import_module(BUILDERS[kind])
        try:
            summary = builder.export(year=year, out=out, now=now())
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(summary)
