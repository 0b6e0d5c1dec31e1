"""CPV labels in the reader's language: Dutch on Dutch pages, English on English ones;
the search finds a code by words of either language."""

import json

import pytest
from django.apps import apps
from django.urls import reverse

from procurement.apps import CPV_FILE_NL, fill_dutch_cpv_labels
from procurement.models import CpvCode
from procurement.tests.factories import TenderFactory

pytestmark = pytest.mark.django_db

GREEN_NL = "Beplanten en onderhouden van groengebieden"
GREEN_EN = "Planting and maintenance services of green areas"


def test_every_code_has_its_dutch_label_from_the_project_data():
    dutch = json.loads(CPV_FILE_NL.read_text(encoding="utf-8"))
    assert len(dutch) == CpvCode.objects.count() == 9454
    assert not CpvCode.objects.filter(label_nl="").exists()
    green = CpvCode.objects.get(code="77310000")
    assert (green.label_nl, green.label) == (GREEN_NL, GREEN_EN)
    assert dutch["77310000-6"] == GREEN_NL


def test_a_table_loaded_before_the_dutch_labels_gets_them():
    CpvCode.objects.filter(code__startswith="7731").update(label_nl="")
    filled = fill_dutch_cpv_labels(apps.get_model("procurement", "CpvCode"))
    assert filled == CpvCode.objects.filter(code__startswith="7731").count()
    assert CpvCode.objects.get(code="77310000").label_nl == GREEN_NL


def test_the_tender_page_shows_the_label_in_the_readers_language(client):
    tender = TenderFactory(codes=["77310000"], status="planned")
    dutch = client.get(tender.get_absolute_url()).content.decode()
    assert GREEN_NL in dutch
    assert GREEN_EN not in dutch
    client.post("/taal/", {"language": "en", "next": "/"})
    english = client.get(tender.get_absolute_url()).content.decode()
    assert GREEN_EN in english
    assert GREEN_NL not in english
    calendar = client.get(reverse("procurement:calendar")).content.decode()
    assert GREEN_EN in calendar


@pytest.mark.parametrize("words", ["groengebieden onderhouden", "green areas maintenance"])
def test_the_cpv_search_matches_both_languages_and_answers_in_the_readers(client, words):
    dutch = client.get(reverse("procurement:cpv_search"), {"cpv_q": words}).content.decode()
    assert f"77310000-6 {GREEN_NL}" in dutch
    client.post("/taal/", {"language": "en", "next": "/"})
    english = client.get(reverse("procurement:cpv_search"), {"cpv_q": words}).content.decode()
    assert f"77310000-6 {GREEN_EN}" in english


def test_the_ocds_feed_in_dutch_describes_the_codes_in_dutch(client):
    TenderFactory(codes=["77310000"], status="planned")
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    (release,) = package["releases"]
    assert release["language"] == "nl"
    assert release["tender"]["items"][0]["classification"]["description"] == GREEN_NL
