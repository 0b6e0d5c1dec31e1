"""Review walk 46: "(optioneel)" after a label that ends in its own parenthesis made
"Bewijs (pdf) (optioneel)"; it goes inside: "Bewijs (pdf, optioneel)"."""

from django import forms
from django.utils import translation


class Evidence(forms.Form):
    evidence = forms.CharField(label="More evidence (PDF)", required=False)
    note = forms.CharField(label="Note", required=False)
    title = forms.CharField(label="Title (short)")


def test_optional_goes_inside_a_labels_own_parenthesis():
    with translation.override("en"):
        html = str(Evidence().as_div())
    assert 'More evidence (PDF<span class="portal-optional">, optional</span>)' in html
    assert ") (" not in html
    assert "((" not in html
    assert 'Note <span class="portal-optional">(optional)</span>' in html
    assert "Title (short)</label>" in html
