"""A GIN index over the words of each case note (its text, decision and who was present), so
that "Search notes and documents" finds notes without reading every row (PostgreSQL only).

Why a RunPython and not GinIndex in CaseNote.Meta.indexes: SQLite (the default database for
tests and the demo) cannot build a GIN index over to_tsvector, and an index in Meta is built
by every database. Here the index is built only when the database is PostgreSQL and is left
out of the migration state, so the model stays portable and makemigrations sees no change.

The expression is a frozen copy of documents.search.note_vector(): PostgreSQL uses the index
only when the query's expression is the same, so test_search_index EXPLAINs the real search
and fails if the two drift apart. Changing one means a new migration for the other.

CONCURRENTLY (hence atomic = False) so that a live authority keeps recording notes while the
index is built (a minute or so over a large authority's notes)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("text", "decision", "present", config="english"),
    name="recording_casenote_search",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        note = apps.get_model("recording", "CaseNote")
        schema_editor.add_index(note, INDEX, concurrently=True)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        note = apps.get_model("recording", "CaseNote")
        schema_editor.remove_index(note, INDEX, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("recording", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
    ]
