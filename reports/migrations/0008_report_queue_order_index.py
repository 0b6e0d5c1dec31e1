"""The back office's queue in its own order (open first, most overdue on top, newest
first): on PostgreSQL its first page is read from this index instead of sorting every
report (1.6 s to 0.3 s at 100,000 reports, `make bench`). SQLite cannot index NULLS FIRST
and has no city-sized queue, so it goes without."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS report_queue_order_idx ON reports_report
    (closed_at ASC NULLS FIRST, due_date ASC, created_at DESC, id DESC)
    WHERE NOT (status = 'unconfirmed')
"""
DROP = "DROP INDEX IF EXISTS report_queue_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_question_public_answer_category_description_en")]

    operations = [migrations.RunPython(create, drop)]
