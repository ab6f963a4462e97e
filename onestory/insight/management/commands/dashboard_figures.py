"""onestory dashboard_figures: work out the performance hub's figures for a period and keep them
for every reader. The hub starts it itself when the figures kept are past their time; a council
may also run it on a timer so that no reader ever finds them out of date.

dashboard_figures --from 2022-04-01 --to 2023-03-31
dashboard_figures --from 2022-04-01 --to 2023-03-31 --nice 10    below the pages' priority
"""

import os

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now
from onestory.insight.rules import Period
from onestory.insight.selectors import keep_dashboard_figures

from .measures import _day


class Command(BaseCommand):
    help = "Work out the performance hub's figures for a period and keep them for every reader."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument(
            "--nice",
            type=int,
            default=0,
            help="Lower this process's priority by this much (the hub uses 10: pages go first).",
        )

    def handle(self, *args, **options):
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if start > end:
            raise CommandError("--from must be on or before --to.")
        if options["nice"] > 0:
            os.nice(options["nice"])
        figures = keep_dashboard_figures(Period(start, end), now=now())
        self.stdout.write(f"Figures for {Period(start, end).label} kept at {figures.computed_at}.")
