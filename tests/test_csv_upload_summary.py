"""The back office's CSV upload page (admin/csv_upload.html): every link in its error
summary lands on an element of the page, also for an error about the whole form."""

import re

import pytest
from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import RequestFactory

from accounts.tests.factories import StaffFactory
from neighbourhoods.forms import CbsImportForm
from neighbourhoods.models import CbsImport

pytestmark = pytest.mark.django_db


class WholeFileForm(CbsImportForm):
    def clean(self):
        super().clean()
        raise forms.ValidationError("The file as a whole is wrong.")


def test_every_summary_link_lands_on_an_element_of_the_page():
    request = RequestFactory().post("/beheer/neighbourhoods/cbsimport/add/")
    request.user = StaffFactory()
    form = WholeFileForm(data={"source": "x" * 301}, files={})
    assert not form.is_valid()
    assert form.non_field_errors()
    assert set(form.errors) == {"__all__", "file", "source"}
    page = render_to_string(
        "admin/csv_upload.html",
        {**admin.site.each_context(request), "opts": CbsImport._meta, "form": form},
        request=request,
    )
    summary = page.split('class="errornote"', 1)[1].split("</div>", 1)[0]
    assert "The file as a whole is wrong." in summary
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert sorted(targets) == ["id_file", "id_source"]
    for target in targets:
        assert f'id="{target}"' in page, target
    assert "__all__" not in page
