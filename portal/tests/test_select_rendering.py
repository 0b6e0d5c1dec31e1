"""Selects are rendered in Python, exactly as Django's own templates render them."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from portal.forms import SELECT_TEMPLATE, PortalFormRenderer
from procurement.forms import SupplierSearchForm

CHOICES = [
    ("", "All <neighbourhoods>"),
    ("oost", 'Oost & "Haven"'),
    (3, 2026),
    ("Groups", [("a", "Één"), ("b", mark_safe("<b>bold</b>"))]),
]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    attrs = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"data-x": '"quoted" <tag>', "autofocus": True, "hidden": False}),
    )


def django_rendering(widget, name, value) -> str:
    context = widget.get_context(name, value, {"id": f"id_{name}", "aria-invalid": "true"})
    return TemplatesSetting().render(SELECT_TEMPLATE, context)


@pytest.mark.parametrize(
    ("field", "value"),
    [("plain", ""), ("plain", "oost"), ("plain", "3"), ("many", ["oost", "b"]), ("attrs", "a")],
)
def test_select_is_rendered_as_djangos_template_renders_it(field, value):
    widget = Everything().fields[field].widget
    context = widget.get_context(field, value, {"id": f"id_{field}", "aria-invalid": "true"})
    ours = PortalFormRenderer().render(SELECT_TEMPLATE, context)
    assert ours == django_rendering(widget, field, value)
    assert "&lt;neighbourhoods&gt;" in ours
    assert "<b>bold</b>" in ours


def test_a_whole_form_renders_the_same():
    form = SupplierSearchForm({"size": "sme", "status": "pending", "cpv": "45"})

    class DjangoTemplates(PortalFormRenderer):
        render = TemplatesSetting.render

    expected = str(SupplierSearchForm(form.data, renderer=DjangoTemplates()))
    assert str(form) == expected
    assert 'value="sme" selected' in expected
