"""Full-text index (PostgreSQL only) for finding questions answered in public in the
portal-wide search."""

from django.db import migrations

from common.search import add_search_index


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_questions")]

    # The fields searched then (the answer went to ``public_answer`` in 0007).
    operations = [
        add_search_index("reports.Question", "question_search_idx", (["public_text"], ["answer"]))
    ]
