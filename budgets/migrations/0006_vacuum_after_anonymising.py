"""After ``0005_anonymise_counted_rounds`` deleted the ballots of rounds counted before:
clear their dead row versions (with their moments and transaction ids) at once, as
``compute_results`` does after a count. PostgreSQL only; VACUUM cannot run in a
transaction, so this migration is not atomic."""

from django.db import migrations

from common.vacuum import vacuum


def vacuum_ballots(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    vacuum(
        apps.get_model("budgets", "Ballot"),
        apps.get_model("budgets", "Choice"),
        what="anonymising counted rounds",
        using=schema_editor.connection,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("budgets", "0005_anonymise_counted_rounds")]

    operations = [migrations.RunPython(vacuum_ballots, migrations.RunPython.noop)]
