"""The caseload weights, limit and local visit standards a council starts with (rules.py);
the council changes them as dated rows."""

from datetime import date

from django.db import migrations

from onestory.socialcare import rules

FROM = date(2020, 1, 1)


def add_defaults(apps, schema_editor):
    CaseWeight = apps.get_model("socialcare", "CaseWeight")
    CaseloadLimit = apps.get_model("socialcare", "CaseloadLimit")
    LocalStandard = apps.get_model("socialcare", "LocalStandard")
    for kind, weight in rules.DEFAULT_CASE_WEIGHTS.items():
        CaseWeight.objects.get_or_create(
            kind=kind.value, valid_from=FROM, defaults={"weight": weight}
        )
    if not CaseloadLimit.objects.filter(team__isnull=True).exists():
        CaseloadLimit.objects.create(limit=rules.DEFAULT_CASELOAD_LIMIT, valid_from=FROM)
    for key, value in (
        ("cp_visit_working_days", rules.LOCAL_CP_VISIT_WORKING_DAYS),
        ("cin_visit_working_days", rules.LOCAL_CIN_VISIT_WORKING_DAYS),
        ("cin_review_months", rules.LOCAL_CIN_REVIEW_MONTHS),
    ):
        LocalStandard.objects.get_or_create(key=key, valid_from=FROM, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("socialcare", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
