"""onestory earlyhelp_reminders: tell lead professionals what has gone overdue (run daily)."""

from django.core.management.base import BaseCommand

from onestory.core.clock import now
from onestory.earlyhelp.actions.plan import overdue_reminders_send


class Command(BaseCommand):
    help = (
        "Send each open early help episode's lead professional a message for every action past "
        "its due date and for a review that is overdue. Safe to run again: nobody hears twice "
        "about the same due date."
    )

    def handle(self, *args, **options):
        sent = overdue_reminders_send(now=now())
        self.stdout.write(
            f"Episodes with something newly overdue: {sent.episodes}\n"
            f"Overdue actions notified: {sent.actions}\n"
            f"Overdue reviews notified: {sent.reviews}"
        )
