"""onestory measures: every headline measure for a period, for analysts' scripts.

measures --as-at 2023-03-31 --json     the year ending 31 March 2023, as JSON
measures --from 2023-01-01 --as-at 2023-03-31    any period, as a table
measures --as-at 2023-03-31 --only children_in_need,referrals
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from onestory.insight import measures
from onestory.insight.presentation import result_shown
from onestory.insight.rules import Period


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} must be a date written as YYYY-MM-DD, like 2023-03-31."
        ) from None


class Command(BaseCommand):
    help = "Print every headline measure for the year ending on a date (or any period)."

    def add_arguments(self, parser):
        parser.add_argument("--as-at", required=True, help="The period's last day, YYYY-MM-DD.")
        parser.add_argument(
            "--from", dest="start", help="The period's first day (default: a year before)."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")
        parser.add_argument("--only", help="Comma-separated measure ids.")

    def handle(self, *args, **options):
        end = _day(options["as_at"], "--as-at")
        if options["start"]:
            start = _day(options["start"], "--from")
            if start > end:
                raise CommandError("--from must be on or before --as-at.")
            period = Period(start, end)
        else:
            period = Period.year_ending(end)
        ids = None
        if options["only"]:
            ids = [i.strip() for i in options["only"].split(",") if i.strip()]
            unknown = [i for i in ids if i not in measures.BY_ID]
            if unknown:
                raise CommandError(
                    f"No measure has the id {', '.join(unknown)}. Ids: {', '.join(measures.BY_ID)}."
                )
        results = measures.compute(period, ids)
        if options["json"]:
            document = {
                "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                "measures": [r.as_dict() for r in results],
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        self.stdout.write(f"Measures for {period.label}")
        for r in results:
            self.stdout.write(f"  {r.name}: {result_shown(r)}")
