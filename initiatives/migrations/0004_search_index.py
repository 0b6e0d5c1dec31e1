"""Full-text index (PostgreSQL only) for the portal-wide search and the initiative list."""

from django.db import migrations

from common.search import add_search_index


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0003_dashboard_indexes")]

    operations = [add_search_index("initiatives.Initiative", "initiative_search_idx")]
