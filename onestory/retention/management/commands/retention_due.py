"""onestory retention_due [--on YYYY-MM-DD]: the disposal schedule, one record a line.

Records are named by class and id and people by reference (their record's id), never by name,
so the output can be kept with the council's disposal log.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import today_in_london
from onestory.retention.selectors import due_records
from onestory.workforce.models import Worker
from onestory.workforce.rules import Role


class Command(BaseCommand):
    help = "List records past their disposal date and not under a legal hold."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the day to reckon from (YYYY-MM-DD); today by default")

    def handle(self, *args, on=None, **options):
        try:
            day = date.fromisoformat(on) if on else today_in_london()
        except ValueError as error:
            raise CommandError("--on takes a date as YYYY-MM-DD") from error
        # The schedule is the officer's read: the command reads it as an officer would.
        officer = Worker(role=Role.DATA_PROTECTION_OFFICER)
        due = due_records(acting_user=officer, today=day)
        for record in due:
            people = " ".join(record.person_ids) or "-"
            self.stdout.write(
                f"{record.record_class.value}\t{record.record_id}\t{record.disposal_on}\t"
                f"{people}\t{record.rule}"
            )
        self.stderr.write(f"{len(due)} records past their disposal date on {day}")
