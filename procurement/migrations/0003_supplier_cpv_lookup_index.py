"""The officers' supplier search goes from CPV codes to suppliers: an index on (code,
supplier) of the interests table answers it from the index alone. Django creates that
table itself for the many-to-many field, so the index is added with plain SQL, which
PostgreSQL and SQLite both accept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("procurement", "0002_search_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX procurement_supplier_cpv_by_code "
            "ON procurement_supplier_cpv_codes (cpvcode_id, supplier_id)",
            "DROP INDEX procurement_supplier_cpv_by_code",
        )
    ]
