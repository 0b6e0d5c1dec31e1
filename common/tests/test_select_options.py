"""A select's options are written in Python (``select_options``) instead of by a template
per option: the markup is Django's own, option for option, and escaped the same."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from common.forms import PortalFormRenderer


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [
    ("", "Alle wijken"),
    ("centrum", "Centrum & Haven"),
    ("noord", 'Noord "oud"'),
    ("Groepen", [("a<b>", "Eerste"), ("2", mark_safe("<em>Tweede</em>"))]),  # a label marked safe
]


def _both(widget: forms.Widget, value) -> tuple[str, str]:
    ours = widget.render("wijk", value, attrs={"id": "id_wijk"}, renderer=PortalFormRenderer())
    djangos = widget.render("wijk", value, attrs={"id": "id_wijk"}, renderer=DjangoTemplates())
    return _squeezed(ours), _squeezed(djangos)


def test_a_select_is_djangos_markup_with_its_selected_option():
    ours, djangos = _both(forms.Select(choices=CHOICES), "noord")
    assert ours == djangos
    assert '<option value="noord" selected>Noord &quot;oud&quot;</option>' in ours
    assert '<option value="a&lt;b&gt;">Eerste</option>' in ours
    assert '<optgroup label="Groepen">' in ours


def test_a_multiple_select_marks_every_chosen_option():
    ours, djangos = _both(forms.SelectMultiple(choices=CHOICES), ["centrum", "2"])
    assert ours == djangos
    assert ours.count(" selected") == 2
    assert "<em>Tweede</em>" in ours  # a label marked safe stays as it was meant


def test_an_option_without_text_gets_one_in_the_readers_language():
    empty = forms.Select(choices=[("", ""), ("1", "Een")])
    for language, text in (("nl", "- Maak een keuze -"), ("en", "- Select an option -")):
        with translation.override(language):
            html = empty.render("keuze", "", renderer=PortalFormRenderer())
        assert f'<option value="" selected>{text}</option>' in html
