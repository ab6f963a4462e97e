"""onestory find_duplicates: find possible duplicates among all records and queue them."""

import time

from django.core.management.base import BaseCommand

from onestory.core.clock import now
from onestory.people import match_rules
from onestory.people.matching import DuplicateSearchCounts, find_duplicate_pairs
from onestory.people.merging import duplicates_record


class Command(BaseCommand):
    help = (
        "Compare records that share a sound-alike name and a date of birth (or an NHS number or "
        "UPN), and add the pairs that may be the same person to the possible-duplicates queue. "
        "Pairs already in the queue or already decided are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=int,
            default=match_rules.QUEUE_FROM,
            help="Lowest match score to queue (default %(default)s)",
        )
        parser.add_argument(
            "--max-block",
            type=int,
            default=40,
            help="Skip blocks of more records than this (default %(default)s)",
        )

    def handle(self, *args, threshold, max_block, **options):
        started = time.perf_counter()
        counts = DuplicateSearchCounts()
        pairs = find_duplicate_pairs(max_block=max_block, threshold=threshold, counts=counts)
        created = duplicates_record(pairs=pairs, acting_user=None, now=now())
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Records compared: {counts.people}\n"
            f"Blocks: {counts.blocks} ({counts.blocks_too_large} too large, skipped)\n"
            f"Pairs scored: {counts.pairs_compared}\n"
            f"Pairs already queued or decided: {counts.already_known}\n"
            f"Pairs at or above {threshold}: {counts.pairs_found}\n"
            f"New pairs queued: {created}\n"
            f"Time: {seconds:.1f} s"
        )
