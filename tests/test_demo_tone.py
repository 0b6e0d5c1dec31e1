"""The demo speaks to residents as the portal does: "je", never "u" (issue 28). Every
text the demo stores (survey questions and intros, the Burgerpeiling, council
questions, initiatives, …) is read back from the database and checked with the back
office's tone check."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from tests.test_tone_of_the_back_office import u_words

pytestmark = pytest.mark.django_db

# Columns that hold no words: secrets and their hashes.
NOT_TEXT = {"password", "token_hash", "key_hash", "session_key", "session_data"}


def _our_models() -> list[type[models.Model]]:
    root = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
        for model in config.get_models()
    ]


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--allow-production", "--quiet-logins")


def test_demo_initiatives_lie_in_the_neighbourhood_their_name_gives(demo):
    """Review walk 60: "Pannakooi bij de Weidenschool" lay in Havenkwartier."""
    from initiatives.models import Initiative
    from neighbourhoods.models import Neighbourhood

    stems = {
        "binnenstad": "binnenstad",
        "haven": "havenkwartier",
        "kade": "havenkwartier",
        "weiden": "de-weiden",
        "molen": "molenbuurt",
        "bosrand": "bosrand",
        "oost": "nieuw-oost",
    }
    assert set(stems.values()) <= set(Neighbourhood.objects.values_list("slug", flat=True))
    wrong = [
        (initiative.title, initiative.neighbourhood.slug)
        for initiative in Initiative.objects.select_related("neighbourhood")
        for stem, slug in stems.items()
        if stem in initiative.title.lower() and initiative.neighbourhood.slug != slug
    ]
    assert not wrong


def test_the_demo_stores_no_text_in_the_u_form(demo):
    found = []
    for model in _our_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and field.name not in NOT_TEXT
        ]
        if not fields:
            continue
        names = [field.attname for field in fields]
        for row in model._default_manager.values_list("pk", *names).iterator():
            for name, value in zip(names, row[1:], strict=True):
                if value is None or value == "":
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if u_words(text):
                    found.append(f"{model._meta.label}.{name} #{row[0]}: {text[:120]}")
    assert not found, "\n".join(found)
