"""A default case audit template, so a council can audit cases on the first day. A council
changes the questions (or adds its own template) without a deploy; the default is onestory's
own wording of what councils' audit tools commonly ask, graded on Ofsted's four-point scale."""

from django.db import migrations

NAME = "Case audit (onestory default)"

QUESTIONS = [
    {
        "key": "child_seen_and_heard",
        "text": "Was the child seen, heard and understood, and did what they said change what "
        "happened next?",
    },
    {
        "key": "assessment",
        "text": "Is the assessment current, and does it analyse the risks, needs and strengths "
        "rather than only describe them?",
    },
    {
        "key": "plan",
        "text": "Is the plan specific, measurable and timed, and does the family know what it "
        "asks of them?",
    },
    {
        "key": "progress",
        "text": "Is the child's life getting better, and does the record show how we know?",
    },
    {
        "key": "management_oversight",
        "text": "Does supervision give clear direction, with decisions recorded and followed up?",
    },
    {
        "key": "multi_agency",
        "text": "Do the agencies around the child share what they know and work to one plan?",
    },
    {
        "key": "timeliness",
        "text": "Have visits, reviews and meetings happened on time, without drift or delay?",
    },
    {
        "key": "identity",
        "text": "Are the child's identity, culture, faith, language and any disability understood "
        "and reflected in the work?",
    },
    {
        "key": "recording",
        "text": "Is the record up to date and written so the child could read and understand it "
        "later?",
    },
]


def add_default(apps, schema_editor):
    Template = apps.get_model("insight", "CaseAuditTemplate")
    if not Template.objects.filter(name=NAME).exists():
        Template.objects.create(name=NAME, questions=QUESTIONS, active=True)


def remove_default(apps, schema_editor):
    Template = apps.get_model("insight", "CaseAuditTemplate")
    # A template with audits graded against it stays: the audits need their questions.
    Template.objects.filter(name=NAME, audits__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_default, remove_default),
    ]
