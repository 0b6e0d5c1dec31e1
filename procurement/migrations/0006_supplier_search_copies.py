"""The supplier search reads the CPV index alone: each SupplierCpvPrefix row carries a
copy of what the officers filter and sort on (name, status, size, where the supplier
works, the flags) and whether a code was chosen at exactly its level. A database trigger
keeps the copies in step with every update of a supplier, however it is made (a form, an
admin action's bulk update, an erasure). The SQL is frozen here on purpose: later changes
to the model's SQL must not change what this migration did."""

from django.db import migrations, models

REFILL = """
    INSERT INTO procurement_suppliercpvprefix
        (supplier_id, prefix, chosen, name, status, size, service_area, is_local,
         social_enterprise, wants_invitations)
    SELECT supplier.id, levels.prefix, levels.chosen, supplier.name, supplier.status,
           supplier.size, supplier.service_area, supplier.is_local,
           supplier.social_enterprise, supplier.wants_invitations
    FROM (
        SELECT interest.supplier_id AS supplier_id,
               substr(code.prefix, 1, lengths.n) AS prefix,
               MAX(CASE WHEN lengths.n = length(code.prefix) THEN 1 ELSE 0 END) = 1
                   AS chosen
        FROM procurement_supplier_cpv_codes interest
        JOIN procurement_cpvcode code ON code.id = interest.cpvcode_id
        JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
              UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) lengths
          ON lengths.n <= length(code.prefix)
        GROUP BY 1, 2
    ) levels
    JOIN procurement_supplier supplier ON supplier.id = levels.supplier_id
"""

COPIED = "name, status, size, service_area, is_local, social_enterprise, wants_invitations"
SET_COPIES = """
    UPDATE procurement_suppliercpvprefix
       SET name = NEW.name, status = NEW.status, size = NEW.size,
           service_area = NEW.service_area, is_local = NEW.is_local,
           social_enterprise = NEW.social_enterprise,
           wants_invitations = NEW.wants_invitations
     WHERE supplier_id = NEW.id;
"""

TRIGGER = {
    "postgresql": [
        f"""
        CREATE FUNCTION procurement_supplier_search_copy() RETURNS trigger AS $$
        BEGIN
            {SET_COPIES}
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER procurement_supplier_search_copy
        AFTER UPDATE OF {COPIED} ON procurement_supplier
        FOR EACH ROW
        WHEN ((OLD.name, OLD.status, OLD.size, OLD.service_area, OLD.is_local,
               OLD.social_enterprise, OLD.wants_invitations)
              IS DISTINCT FROM
              (NEW.name, NEW.status, NEW.size, NEW.service_area, NEW.is_local,
               NEW.social_enterprise, NEW.wants_invitations))
        EXECUTE FUNCTION procurement_supplier_search_copy()
        """,
    ],
    "sqlite": [
        f"""
        CREATE TRIGGER procurement_supplier_search_copy
        AFTER UPDATE OF {COPIED} ON procurement_supplier
        FOR EACH ROW
        WHEN OLD.name IS NOT NEW.name OR OLD.status IS NOT NEW.status
          OR OLD.size IS NOT NEW.size OR OLD.service_area IS NOT NEW.service_area
          OR OLD.is_local IS NOT NEW.is_local
          OR OLD.social_enterprise IS NOT NEW.social_enterprise
          OR OLD.wants_invitations IS NOT NEW.wants_invitations
        BEGIN
            {SET_COPIES}
        END
        """,
    ],
}

DROP_TRIGGER = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS procurement_supplier_search_copy ON procurement_supplier",
        "DROP FUNCTION IF EXISTS procurement_supplier_search_copy()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS procurement_supplier_search_copy"],
}


def _run(statements, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise NotImplementedError(f"No supplier search trigger for {vendor}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(TRIGGER, schema_editor)
    schema_editor.execute("DELETE FROM procurement_suppliercpvprefix", params=None)
    schema_editor.execute(REFILL, params=None)


def backwards(apps, schema_editor):
    _run(DROP_TRIGGER, schema_editor)


def _copy(name, field):
    return migrations.AddField(
        model_name="suppliercpvprefix", name=name, field=field, preserve_default=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0005_supplier_cpv_prefixes"),
    ]

    operations = [
        migrations.AddField(
            model_name="suppliercpvprefix",
            name="chosen",
            field=models.BooleanField(default=False),
        ),
        _copy("name", models.CharField(default="", max_length=160)),
        _copy("status", models.CharField(default="", max_length=16)),
        _copy("size", models.CharField(default="", max_length=8)),
        _copy("service_area", models.CharField(default="", max_length=16)),
        *[
            migrations.AddField(
                model_name="suppliercpvprefix",
                name=flag,
                field=models.BooleanField(default=False),
            )
            for flag in ["is_local", "social_enterprise", "wants_invitations"]
        ],
        migrations.RemoveIndex(
            model_name="suppliercpvprefix",
            name="supplier_cpv_prefix_lookup",
        ),
        migrations.AddIndex(
            model_name="suppliercpvprefix",
            index=models.Index(
                fields=["prefix", "status", "name", "supplier"],
                include=(
                    "chosen",
                    "size",
                    "service_area",
                    "is_local",
                    "social_enterprise",
                    "wants_invitations",
                ),
                name="supplier_cpv_prefix_search",
            ),
        ),
        migrations.AddIndex(
            model_name="suppliercpvprefix",
            index=models.Index(
                condition=models.Q(chosen=True),
                fields=["prefix", "status", "name", "supplier"],
                include=(
                    "size",
                    "service_area",
                    "is_local",
                    "social_enterprise",
                    "wants_invitations",
                ),
                name="supplier_cpv_prefix_chosen",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
