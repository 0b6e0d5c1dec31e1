"""Full-text indexes (PostgreSQL only) for the decisions list and the portal search."""

from django.db import migrations

from common.search import add_search_index


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]

    operations = [
        add_search_index("participation.Decision", "decision_search_idx"),
        add_search_index("participation.Process", "process_search_idx"),
    ]
