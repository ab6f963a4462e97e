"""`onestory audit_report --day YYYY-MM-DD`: who opened many records outside their caseload."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onestory.access.audit_report import unusual_access_on
from onestory.core.clock import LONDON, now


class Command(BaseCommand):
    help = "List workers who opened many records outside their caseload on one day."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD, Europe/London (default: yesterday)")
        parser.add_argument("--threshold", type=int, help="records outside the caseload")

    def handle(self, *args, day=None, threshold=None, **options):
        try:
            when = date.fromisoformat(day) if day else now().astimezone(LONDON).date()
        except ValueError as error:
            raise CommandError("Give the day as YYYY-MM-DD, for example 2026-11-02.") from error
        if not day:
            when = date.fromordinal(when.toordinal() - 1)
        found = unusual_access_on(when, threshold=threshold)
        if not found:
            self.stdout.write(f"{when:%d/%m/%Y}: nobody opened an unusual number of records.")
            return
        self.stdout.write(f"{when:%d/%m/%Y}: {len(found)} worker(s) to look into")
        for item in found:
            worker = item.worker
            self.stdout.write(
                f"{worker.username}\t{worker.get_full_name()}\t{worker.role}\t"
                f"{item.outside_caseload} records outside their caseload "
                f"(of {item.opened} opened)"
            )
