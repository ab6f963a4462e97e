"""onestory directory_reminders: remind owners of service directory entries gone stale (run
daily)."""

from django.core.management.base import BaseCommand

from onestory.core.clock import now
from onestory.familyhubs.actions.directory import stale_reminders_send
from onestory.familyhubs.rules import STALE_AFTER


class Command(BaseCommand):
    help = (
        "Send the owner of each running service not checked for "
        f"{STALE_AFTER.days} days a message naming it, once until someone checks it again. "
        "Lists stale services with no owner. Safe to run again."
    )

    def handle(self, *args, **options):
        sent = stale_reminders_send(now=now())
        self.stdout.write(f"Owners reminded of a stale service: {sent.reminded}")
        if sent.without_owner:
            self.stdout.write(
                f"Stale services with no owner to remind ({len(sent.without_owner)}): give each "
                "an owner in the service directory."
            )
            for service in sent.without_owner:
                self.stdout.write(f"- {service.name} ({service.organisation}), id {service.pk}")
        else:
            self.stdout.write("Stale services with no owner: none")
