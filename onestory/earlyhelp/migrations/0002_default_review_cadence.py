"""Plans are reviewed every six weeks until the council sets another cadence."""

import datetime

from django.db import migrations

from onestory.earlyhelp.rules import DEFAULT_REVIEW_WEEKS


def add_default(apps, schema_editor):
    cadence = apps.get_model("earlyhelp", "ReviewCadence")
    if not cadence.objects.exists():
        cadence.objects.create(weeks=DEFAULT_REVIEW_WEEKS, valid_from=datetime.date(2000, 1, 1))


class Migration(migrations.Migration):
    dependencies = [("earlyhelp", "0001_initial")]
    operations = [migrations.RunPython(add_default, migrations.RunPython.noop)]
