"""`onestory load_reference`: Luton's wards and postcodes (safe to run again)."""

from django.core.management.base import BaseCommand

from onestory.synthetic.models import SyntheticRun
from onestory.synthetic.reference import CHILDREN_AT_SCALE_1, load_reference


class Command(BaseCommand):
    help = "Load Luton's wards and every Luton postcode, with their synthetic wards and LSOAs."

    def handle(self, *args, **options):
        last = SyntheticRun.objects.order_by("-generated_at").first()
        # Keep the wards' child populations in step with the data already generated.
        children = round(CHILDREN_AT_SCALE_1 * (last.scale if last else 1))
        result = load_reference(children=children)
        self.stdout.write(
            f"{result['wards']} wards and {result['postcodes']:,} postcodes "
            f"({result['postcodes_added']:,} added, {result['postcodes_updated']:,} updated)."
        )
