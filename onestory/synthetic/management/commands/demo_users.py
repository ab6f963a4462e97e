"""`onestory demo_users`: create or refresh the demo sign-ins (password `onestory-demo`)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onestory.synthetic.demo import DEMO_PASSWORD, SyntheticDataMissing, ensure_demo_users


class Command(BaseCommand):
    help = "Create or refresh one demo sign-in per role, each with work in the synthetic data."

    def handle(self, *args, **options):
        try:
            rows = ensure_demo_users(now=timezone.now())
        except SyntheticDataMissing as error:
            raise CommandError(str(error)) from error
        headers = ("Sign-in", "Name", "Role", "Records they can open", "Work")
        table = [(r.username, r.name, r.role, f"{r.can_open:,}", r.note) for r in rows]
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
        line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
        self.stdout.write(line)
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in table:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        self.stdout.write(f"\nEvery demo sign-in uses the password: {DEMO_PASSWORD}")
