"""onestory import_return: read another system's statutory returns into the record, e.g.
`import_return 903 DIR [DIR ...] [--year 2026]` or `import_return cin FILE.xml`.

One transaction per import: a single refused row loads nothing, and the report lists every
refused row (file, line, child, reason) and what would have been loaded. Re-importing the same
files changes nothing. The import is audited: who ran it, when, and which children.
"""

import importlib

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now
from onestory.core.errors import DomainError

# Each kind's module, imported only when asked for. A module provides
# run(paths, *, acting_user, now, progress, year=None, dry_run=False) -> ImportReport
# (onestory/returns/imports/common.py), raising DomainError for what stops it reading at all.
IMPORTERS = {
    "cin": "onestory.returns.imports.cin_census",
    "903": "onestory.returns.imports.ssda903",
}


class Command(BaseCommand):
    help = (
        "Import another system's statutory return: 903 (SSDA903 tables: one or more folders "
        "of CSV files, one year or several) or cin (the children in need census XML file). "
        "Nothing is loaded unless every row can be."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="Which return")
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Folders or files to read")
        parser.add_argument(
            "--year",
            type=int,
            help="The collection year, named by the 31 March it ends on (e.g. 2026). Without "
            "it the year is read from the files.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The worker importing (the audit trail and the records name them). Without "
            "it, the 'Imported return' account, which cannot sign in.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Read and check everything and report what would be loaded; load nothing.",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="Show a progress bar even when the output is not a terminal.",
        )

    def handle(self, *args, kind, paths, year, user, check, progress, **options):
        from onestory.returns.imports import common
        from onestory.workforce.models import Worker

        if user:
            acting_user = Worker.objects.filter(username=user, is_active=True).first()
            if acting_user is None:
                raise CommandError(
                    f"No worker who can sign in has the username {user}: check the spelling."
                )
        else:
            acting_user = common.import_account()
        module = importlib.import_module(IMPORTERS[kind])
        kwargs = {"acting_user": acting_user, "now": now(), "progress": progress}
        if year is not None:
            kwargs["year"] = year
        if check:
            kwargs["dry_run"] = True
        try:
            report = module.run(paths, **kwargs)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(report.summary())
        if report.seconds:
            self.stdout.write(f"Took {report.seconds:.1f} seconds.")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} rows refused: nothing was loaded.")
