"""onestory supporting_families: the Supporting Families summary, and the claim file."""

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now, today_in_london
from onestory.earlyhelp import rules, supporting_families


class Command(BaseCommand):
    help = (
        "Print how many families stand where in the Supporting Families programme (per status "
        "and per headline), worked out from what practitioners record. With --status, list the "
        "families of that status by episode reference; with --csv, write the claim (the families "
        "ready to claim, with the evidence for each)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            choices=[s.value for s in rules.ClaimStatus],
            help="List the families of this status (for example: claimable)",
        )
        parser.add_argument("--csv", metavar="PATH", help="Write the claim file here")

    def handle(self, *args, status=None, csv=None, **options):
        at = now()
        rows = supporting_families.family_rows(today=today_in_london(at))
        summary = supporting_families.summarise(rows)
        write = self.stdout.write
        write(
            f"Supporting Families on {today_in_london(at):%-d %B %Y}: {summary.families} families"
        )
        write("\nFamilies by status")
        for _, label, count in summary.by_status:
            write(f"  {label}: {count}")
        write("\nEligible families by headline")
        for _, label, count in summary.by_headline:
            write(f"  {label}: {count}")
        if status:
            chosen = [r for r in rows if r.status == status]
            write(f"\n{rules.CLAIM_STATUS_LABELS[rules.ClaimStatus(status)]}: {len(chosen)}")
            for row in chosen:
                when = (
                    f", sustained from {row.sustained_from:%Y-%m-%d}" if row.sustained_from else ""
                )
                headlines = "; ".join(h.label for h in row.headlines)
                write(f"  {row.reference} ({row.team}{when}): {headlines}")
        if csv:
            try:
                with open(csv, "w", newline="", encoding="utf-8") as out:
                    written = supporting_families.write_claim_csv(out, rows)
            except OSError as error:
                raise CommandError(f"Could not write {csv}: {error.strerror}") from error
            supporting_families.record_export(None, rows, now=at, via="command")
            write(f"\nThe claim ({written} families) is in {csv}")
