"""The portal's own timeline messages are stored as a key and shown in the reader's
language. Rows written before, in the writer's language, get their key back."""

from django.db import migrations, models

# The texts as they were stored, in Dutch and in English, and the key each one means.
KNOWN_TEXTS = {
    "De gemeente bekijkt dit initiatief nu.": "in_review",
    "The municipality is reviewing this initiative.": "in_review",
    "De initiatiefnemer heeft het account opgeheven en het initiatief ingetrokken.": (
        "account_closed"
    ),
    "The initiator closed their account and withdrew the initiative.": "account_closed",
}


def keys_for_known_texts(apps, schema_editor):
    StatusChange = apps.get_model("initiatives", "StatusChange")
    for text, key in KNOWN_TEXTS.items():
        StatusChange.objects.filter(message=text, message_key="").update(
            message_key=key, message=""
        )


def texts_for_keys(apps, schema_editor):
    StatusChange = apps.get_model("initiatives", "StatusChange")
    for text, key in KNOWN_TEXTS.items():
        if text.startswith("De "):
            StatusChange.objects.filter(message_key=key).update(message=text, message_key="")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_public_newest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="message_key",
            field=models.CharField(
                blank=True,
                choices=[
                    ("in_review", "The municipality is reviewing this initiative."),
                    (
                        "account_closed",
                        "The initiator closed their account and withdrew the initiative.",
                    ),
                ],
                help_text="A message the portal wrote itself, shown in the reader's language.",
                max_length=32,
                verbose_name="message of the portal",
            ),
        ),
        migrations.RunPython(keys_for_known_texts, texts_for_keys),
    ]
