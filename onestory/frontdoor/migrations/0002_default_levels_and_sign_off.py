"""The seed's four levels of need and the default sign-off settings, as data a council changes."""

from datetime import date

from django.db import migrations

# The four levels of Luton's Early Help Strategy (DOMAIN.md, "Levels of need").
LEVELS = [
    (1, "Universal", "Needs met by universal services: schools, GPs, health visitors."),
    (2, "Targeted", "Additional needs met by one or two agencies working with the family."),
    (
        3,
        "Complex",
        "Complex or enduring needs, for example substance misuse or domestic abuse at "
        "home, met by agencies working together around the family.",
    ),
    (4, "Statutory", "A child in need, or in need of protection: children's social care."),
]
# A decision to take no further action on a worry is the one most often wrong when it is wrong,
# so by default a manager signs it off. A council choice, changed on the settings page.
SIGN_OFF = {"nfa": True, "early_help": False, "referral": False, "strategy": False}
FROM = date(2000, 1, 1)


def add_defaults(apps, schema_editor):
    level = apps.get_model("frontdoor", "LevelOfNeed")
    setting = apps.get_model("frontdoor", "SignOffSetting")
    for number, name, description in LEVELS:
        level.objects.get_or_create(
            level=number, valid_from=FROM, defaults={"name": name, "description": description}
        )
    for outcome, needed in SIGN_OFF.items():
        setting.objects.get_or_create(
            outcome=outcome, valid_from=FROM, defaults={"needs_sign_off": needed}
        )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
