"""The council's starting rules for the classes it may configure (the data protection officer
changes them on the Retention rules page)."""

from django.db import migrations

DEFAULTS = [
    # IRMS Retention Guidelines for Local Authorities (children's social care): records of
    # children in need and child protection are kept until the child's 25th birthday.
    (
        "child_in_need",
        "birthday",
        25,
        "IRMS Retention Guidelines for Local Authorities: until the child's 25th birthday",
    ),
    # IRMS Retention Guidelines for Local Authorities, with the Limitation Act 1980 s.2 and s.5
    # (six years for a claim): closure plus six years for family support outside statute.
    (
        "early_help",
        "closure",
        6,
        "IRMS Retention Guidelines for Local Authorities and the Limitation Act 1980: "
        "closure plus 6 years",
    ),
    # Hand-set council default: a contact that led to nothing is kept long enough to see a
    # pattern in repeat contacts (IRMS leaves the period to the council).
    (
        "front_door_contact",
        "closure",
        3,
        "Council default (IRMS leaves contacts that go no further to the council): "
        "closure plus 3 years",
    ),
]


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for record_class, trigger, years, source in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_class=record_class,
            defaults={"trigger": trigger, "years": years, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
