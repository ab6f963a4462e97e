"""`onestory synth --scale S --seed N`: generate the synthetic local authority."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onestory.people.models import Person
from onestory.synthetic.generate import GeneratedDataInUse, delete_generated_data, synthesise

MAX_SCALE = 20


class Command(BaseCommand):
    help = (
        "Generate a synthetic local authority shaped like Luton: families, the workforce, "
        "allocations, consents and five years of the front door's contacts, decisions and "
        "referrals. The same seed and scale always give the same people and history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 is about 60,000 children (Luton's size); 0.01 is a tiny town.",
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="The random seed (default 2014)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has people."
        )
        mode.add_argument(
            "--replace",
            action="store_true",
            help="Delete every person (and their records) first, then generate.",
        )

    def handle(self, *args, scale, seed, if_empty, replace, **options):
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be more than 0 and at most {MAX_SCALE}.")
        existing = Person.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(
                    f"The database already has {existing:,} people: nothing generated (--if-empty)."
                )
                return
            if not replace:
                raise CommandError(
                    f"The database already has {existing:,} people. Run again with --replace to "
                    "delete them and everything recorded about them and generate afresh, or with "
                    "--if-empty to leave the data as it is."
                )
            try:
                deleted = delete_generated_data()
            except GeneratedDataInUse as error:
                raise CommandError(f"Nothing was deleted. {error}") from error
            self.stdout.write(
                f"Deleted {deleted.get('people.Person', 0):,} people and their records."
            )
        self.stdout.write(
            f"Generating the synthetic local authority at scale {scale:g} from seed {seed}..."
        )
        # The live queue of the front door is placed just before now; the rest of the history
        # is reckoned from the generator's reference date (see synthetic/contacts.py).
        run = synthesise(scale=scale, seed=seed, now=timezone.now())
        width = max(len(k) for k in run.counts)
        for key, value in run.counts.items():
            self.stdout.write(f"  {key.replace('_', ' '):<{width}}  {value:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Generated {run.counts['people']:,} people in {run.seconds:.1f} s.")
        )
        if replace:
            self.stdout.write(
                "Run `onestory demo_users` again to give the demo sign-ins their work."
            )
