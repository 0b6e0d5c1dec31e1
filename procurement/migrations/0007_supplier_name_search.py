"""The officers' supplier search without a CPV code: verified suppliers counted from a
narrow index and listed in name order from another (the page as it opens), and a name
found anywhere in it through a trigram index on PostgreSQL (``name__icontains`` is
``UPPER(name) LIKE``); SQLite reads the table."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def add_name_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX supplier_name_trigram ON procurement_supplier "
            "USING gin (UPPER(name) gin_trgm_ops)"
        )


def remove_name_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS supplier_name_trigram")


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0006_supplier_search_copies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(fields=["status"], name="supplier_status"),
        ),
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(fields=["status", "name", "id"], name="supplier_status_name"),
        ),
        TrigramExtension(),
        migrations.RunPython(add_name_trigram_index, remove_name_trigram_index, elidable=False),
    ]
