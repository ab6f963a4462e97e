"""onestory directory_import FILE_OR_URL [--as USERNAME] [--owner USERNAME] [--dry-run]: load an
Open Referral UK feed into the service directory.

Every good service is loaded in one transaction (created, or updated by its feed id); each
rejected one is printed with its position, id and why. A feed that cannot be read at all loads
nothing and says why. Services loaded before and missing from this feed are left as they are and
listed. Running it again with the same feed changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.familyhubs import openreferral
from onestory.familyhubs.actions.directory import directory_import


class Command(BaseCommand):
    help = (
        "Load an Open Referral UK feed into the service directory: a .json file, or the feed's "
        "https:// address (its /services endpoint; every page is read). Good services are "
        "loaded and each rejected one is listed with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL", help="A .json file or an address")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="The team manager loading it (the audit trail names them). Without it, the "
            "import is recorded as the console's.",
        )
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="Who owns (and is reminded to check) services new to the directory.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check the feed and report what would be loaded; load nothing.",
        )

    def _worker(self, username):
        from onestory.workforce.models import Worker

        if not username:
            return None
        worker = Worker.objects.filter(username=username, is_active=True).first()
        if worker is None:
            raise CommandError(
                f"No worker who can sign in has the username {username}: check the spelling."
            )
        return worker

    def handle(self, *args, source, username, owner, dry_run, **options):
        acting_user = self._worker(username)
        owner_worker = self._worker(owner)
        at = now()
        shown = (
            openreferral.shown_url(source)
            if source.lower().startswith(("http://", "https://"))
            else f"the file {source}"
        )
        try:
            read = openreferral.read_source(source, today=today_in_london(at))
        except openreferral.FeedUnreadable as error:
            raise CommandError(f"Nothing was loaded. {error.message}") from error
        try:
            report = directory_import(
                read=read,
                source=shown,
                acting_user=acting_user,
                owner=owner_worker,
                now=at,
                dry_run=dry_run,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(report.summary())
