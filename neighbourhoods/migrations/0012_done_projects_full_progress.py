"""Projects done before progress was kept read 0 %: a done project is 100 % done."""

from django.db import migrations


def done_is_full(apps, schema_editor):
    ProgrammeProject = apps.get_model("neighbourhoods", "ProgrammeProject")
    ProgrammeProject.objects.filter(status="done").update(progress=100)


class Migration(migrations.Migration):
    dependencies = [("neighbourhoods", "0011_project_progress")]

    operations = [migrations.RunPython(done_is_full, migrations.RunPython.noop)]
