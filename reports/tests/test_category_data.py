"""The categories a fresh installation starts with are read by residents on the report
form and by apps through Open311: short names and real descriptions, no test texts."""

import json
import re

import pytest

from reports.models import Category
from reports.reference import DATA

TEST_TEXT = re.compile(r"\b(test\w*|blah|lorem|dit is een tekst)\b", re.IGNORECASE)


def _subcategories():
    for main in json.loads(DATA.read_text(encoding="utf-8"))["categories"]:
        yield from main["subcategories"]


@pytest.mark.parametrize("sub", list(_subcategories()), ids=lambda sub: sub["slug"])
def test_each_category_has_a_short_name_and_no_test_text(sub):
    assert len(sub["name_nl"]) <= 60, sub["name_nl"]
    assert not TEST_TEXT.search(sub["name_nl"])
    assert not TEST_TEXT.search(sub["description_nl"]), sub["description_nl"]


@pytest.mark.django_db
def test_the_installed_categories_carry_no_test_text():
    categories = list(Category.objects.all())
    assert categories
    for category in categories:
        assert not TEST_TEXT.search(category.name_nl + " " + category.description_nl)
