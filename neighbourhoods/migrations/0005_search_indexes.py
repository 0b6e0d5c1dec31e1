"""Full-text indexes (PostgreSQL only) for the portal-wide search."""

from django.db import migrations

from common.search import add_search_index


class Migration(migrations.Migration):
    dependencies = [("neighbourhoods", "0004_neighbourhood_postcodes")]

    operations = [
        add_search_index("neighbourhoods.AgendaItem", "agendaitem_search_idx"),
        add_search_index("neighbourhoods.ProgrammeProject", "project_search_idx"),
        add_search_index("neighbourhoods.Event", "event_search_idx"),
    ]
