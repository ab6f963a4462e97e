"""The seed's four levels of need and the default sign-off settings, as data a council changes."""

from django.db import migrations

from onestory.frontdoor.reference import load_defaults


def add_defaults(apps, schema_editor):
    load_defaults(
        apps.get_model("frontdoor", "LevelOfNeed"), apps.get_model("frontdoor", "SignOffSetting")
    )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
