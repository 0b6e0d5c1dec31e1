"""Roles as groups, and first versions of the privacy and accessibility statements."""

from django.db import migrations

from portal.defaults import create_defaults


def create(apps, schema_editor):
    create_defaults(apps.get_model("auth", "Group"), apps.get_model("portal", "PortalPage"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
