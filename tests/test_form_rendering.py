"""Forms render fast and exactly as Django would: selects in Python, empty forms once."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe

from common.forms import SELECT_TEMPLATE, PortalFormRenderer
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


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_empty_form_rendered_once_is_what_django_renders_each_time(language):
    from django.forms import BaseForm

    from initiatives.forms import AnswerForm, CommentForm

    with translation.override(language):
        for form_class in (CommentForm, AnswerForm):
            once, again = str(form_class()), str(form_class())
            assert once == again == BaseForm.render(form_class())


def test_a_form_with_anything_in_it_is_rendered_anew():
    from initiatives.forms import CommentForm

    str(CommentForm())  # the empty rendering is cached
    typed = str(CommentForm({"text": "Mijn eigen tekst"}))
    assert "Mijn eigen tekst" in typed
    assert "Mijn eigen tekst" not in str(CommentForm())
    errors = str(CommentForm({"text": ""}))
    assert "utrecht-form-field--invalid" in errors or "errorlist" in errors
    assert str(CommentForm(initial={"text": "Voorstel"})).count("Voorstel") == 1
