"""The supplier search's CPV prefixes (SupplierCpvPrefix), filled from the codes the
suppliers chose so far; and the suppliers' indexes by status, size (and where they
work) and name, which the search's default (verified suppliers only) can use."""

import django.db.models.deletion
from django.db import migrations, models


FILL = """
    INSERT INTO procurement_suppliercpvprefix (supplier_id, prefix)
    SELECT DISTINCT interest.supplier_id, substr(code.prefix, 1, lengths.n)
    FROM procurement_supplier_cpv_codes interest
    JOIN procurement_cpvcode code ON code.id = interest.cpvcode_id
    JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
          UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) lengths
      ON lengths.n <= length(code.prefix)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0004_supplier_size_name_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='SupplierCpvPrefix',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=8)),
            ],
        ),
        migrations.RemoveIndex(
            model_name='supplier',
            name='supplier_size_name',
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(fields=['status', 'size', 'name'], include=('id',), name='supplier_status_size_name'),
        ),
        migrations.AddIndex(
            model_name='supplier',
            index=models.Index(fields=['status', 'size', 'service_area', 'name'], include=('id',), name='supplier_status_size_area'),
        ),
        migrations.AddField(
            model_name='suppliercpvprefix',
            name='supplier',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procurement.supplier'),
        ),
        migrations.AddIndex(
            model_name='suppliercpvprefix',
            index=models.Index(fields=['prefix', 'supplier'], name='supplier_cpv_prefix_lookup'),
        ),
        migrations.AddConstraint(
            model_name='suppliercpvprefix',
            constraint=models.UniqueConstraint(fields=('supplier', 'prefix'), name='supplier_cpv_prefix_once'),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
