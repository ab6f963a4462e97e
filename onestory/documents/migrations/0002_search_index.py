"""A GIN index over the words of each document, so that "Search notes and documents" finds
them without reading every row (PostgreSQL only).

Why a RunPython and not GinIndex in Document.Meta.indexes: SQLite (the default database for
tests and the demo) cannot build a GIN index over to_tsvector, and an index in Meta is built
by every database. Here the index is built only when the database is PostgreSQL and is left
out of the migration state, so the model stays portable and makemigrations sees no change.

The expression is a frozen copy of documents.search.document_vector(): PostgreSQL uses the
index only when the query's expression is the same, so test_search_index EXPLAINs the real
search and fails if the two drift apart. Changing one means a new migration for the other.

CONCURRENTLY (hence atomic = False) so that a live authority keeps uploading documents while
the index is built."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("title", weight="A", config="english")
    + SearchVector("text", weight="B", config="english"),
    name="documents_document_search",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        document = apps.get_model("documents", "Document")
        schema_editor.add_index(document, INDEX, concurrently=True)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        document = apps.get_model("documents", "Document")
        schema_editor.remove_index(document, INDEX, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
    ]
