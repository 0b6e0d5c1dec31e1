"""Full-text index (PostgreSQL only) for the portal-wide search."""

from django.db import migrations

from common.search import add_search_index


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [add_search_index("procurement.Tender", "tender_search_idx")]
