"""A public question gets its own published answer (``public_answer``), apart from the
reply to the asker (``answer``). Questions already public and answered keep showing what
they showed: their answer is copied to the published answer. The search index moves
from the reply to the published answer. A category gets an English description (for the
Open311 service list asked in English)."""

from django.db import migrations, models
from django.db.models import F

from common.search import replace_search_index


def copy_published_answers(apps, schema_editor):
    Question = apps.get_model("reports", "Question")
    Question.objects.filter(status="answered", is_public=True, public_answer="").exclude(
        answer=""
    ).update(public_answer=F("answer"))


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_question_search_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='description_en',
            field=models.TextField(blank=True, help_text='Shown to apps that ask in English; empty: they get no description.', verbose_name='description (English)'),
        ),
        migrations.AddField(
            model_name='question',
            name='public_answer',
            field=models.TextField(blank=True, help_text='For a public answer: the answer as it is shown on the portal and found by its search. Write no names, addresses or anything else personal.', max_length=5000, verbose_name='answer as published'),
        ),
        migrations.AlterField(
            model_name='question',
            name='answer',
            field=models.TextField(blank=True, help_text='Sent to the asker only (by email or in their messages); never published. You may address them personally.', max_length=5000, verbose_name='reply to the asker'),
        ),
        migrations.RunPython(copy_published_answers, migrations.RunPython.noop, elidable=True),
        replace_search_index(
            "reports.Question", "question_search_idx", (["public_text"], ["answer"])
        ),
    ]
