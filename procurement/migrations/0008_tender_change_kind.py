"""What the portal notes itself on a tender's history is kept as a kind with details and
written out in the reader's language. Rows written before, in the writer's language
("aangemaakt (status: Gepland)", "gewijzigd: Titel, Sluitingsdatum"), are read back into
kind and details; anything else stays as it was written."""

import re

from django.db import migrations, models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

LANGUAGES = ["nl", "en"]


def _translations(english: str) -> set[str]:
    found = {english}
    for language in LANGUAGES:
        with translation.override(language):
            found.add(gettext(english))
    return {text.casefold() for text in found}


def kinds_for_known_texts(apps, schema_editor):
    Tender = apps.get_model("procurement", "Tender")
    TenderChange = apps.get_model("procurement", "TenderChange")
    statuses = {}
    for value, label in Tender._meta.get_field("status").choices:
        for text in _translations(str(label)):
            statuses[text] = value
    fields = {}
    for field in Tender._meta.get_fields():
        verbose = getattr(field, "verbose_name", None)
        if verbose:
            for text in _translations(str(verbose)):
                fields[text] = field.name
                fields[capfirst(text).casefold()] = field.name
    created = _translations("created")
    created_with = [
        re.compile("^" + re.escape(text).replace(re.escape("%(status)s"), "(.*)") + "$")
        for text in _translations("created (status: %(status)s)")
    ]
    changed_with = [
        re.compile("^" + re.escape(text).replace(re.escape("%(fields)s"), "(.*)") + "$")
        for text in _translations("changed: %(fields)s")
    ]
    for change in TenderChange.objects.filter(kind="").iterator():
        text = change.summary.strip().casefold()
        kind, details = "", {}
        if text in created:
            kind = "created"
        for pattern in created_with:
            match = pattern.match(text)
            if match and match.group(1).strip() in statuses:
                kind, details = "created", {"status": statuses[match.group(1).strip()]}
        for pattern in changed_with:
            match = pattern.match(text)
            if match:
                names = [part.strip() for part in match.group(1).split(",")]
                if all(name in fields for name in names):
                    kind, details = "changed", {"fields": [fields[name] for name in names]}
        if kind:
            TenderChange.objects.filter(pk=change.pk).update(kind=kind, details=details, summary="")


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0007_supplier_name_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenderchange",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.AddField(
            model_name="tenderchange",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "written by a person"),
                    ("created", "created"),
                    ("changed", "changed"),
                ],
                default="",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="tenderchange",
            name="summary",
            field=models.TextField(blank=True, verbose_name="what changed"),
        ),
        migrations.RunPython(kinds_for_known_texts, migrations.RunPython.noop),
    ]
