"""The initiatives' search document stored in a column of its own (PostgreSQL only), with
its GIN index, instead of an index on the expression: a million initiatives are searched
without computing a matching row's document again (issue 27)."""

from django.db import migrations

from common.search import add_search_document


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0010_triage_order_index")]

    operations = [
        add_search_document(
            "initiatives.Initiative",
            "initiative_search_document",
            replaces="initiative_search_idx",
            # The searched fields as they were: this migration's history stays fixed.
            fields=(["title"], ["summary", "description", "address"]),
        )
    ]
