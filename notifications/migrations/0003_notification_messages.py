"""A notification's text in every language of the portal (``messages``) instead of one
sentence in the language of the moment it was sent (``message``).

Notifications made before cannot be rendered again: what was said, and in which
language, is known only as that one finished sentence. So the old sentence is kept as
the text for every language; only notifications made from now on read in the reader's
language. Going back keeps the text in the portal's default language."""

from django.conf import settings
from django.db import migrations, models


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def old_sentence_for_every_language(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    languages = _languages()
    batch = []
    for notification in Notification.objects.only("pk", "message").iterator(chunk_size=2000):
        notification.messages = {code: notification.message for code in languages}
        batch.append(notification)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["messages"])
            batch = []
    Notification.objects.bulk_update(batch, ["messages"])


def default_language_as_the_sentence(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    batch = []
    for notification in Notification.objects.only("pk", "messages").iterator(chunk_size=2000):
        texts = notification.messages or {}
        notification.message = (
            texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
        )[:500]
        batch.append(notification)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["message"])
            batch = []
    Notification.objects.bulk_update(batch, ["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="messages",
            field=models.JSONField(default=dict, verbose_name="message"),
        ),
        # With a default, so that going back can add the column again to existing rows.
        migrations.AlterField(
            model_name="notification",
            name="message",
            field=models.CharField(default="", max_length=500, verbose_name="message"),
        ),
        migrations.RunPython(old_sentence_for_every_language, default_language_as_the_sentence),
        migrations.RemoveField(
            model_name="notification",
            name="message",
        ),
    ]
