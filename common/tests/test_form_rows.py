"""Fields of a formset's rows are named on their own (the back office shows inline rows
as a table whose column headings are not labels); other forms keep their labels."""

from django import forms


class Row(forms.Form):
    title = forms.CharField(label="Title")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])
    row_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


def test_a_formsets_row_fields_carry_their_label_as_their_name():
    formset = forms.formset_factory(Row, extra=1)()
    row = formset.forms[0]
    assert 'aria-label="Title"' in str(row["title"])
    assert 'aria-label="Kind"' in str(row["kind"])
    assert "aria-label" not in str(row["row_id"])
    assert 'aria-label="Title"' in str(formset.empty_form["title"])


def test_a_form_on_its_own_is_named_by_its_label_element():
    form = Row()
    assert "aria-label" not in str(form["title"])


def test_the_back_offices_password_text_is_not_a_disabled_div():
    """Django's read-only password widget is a div; HTML allows no ``disabled`` on it."""
    from django.contrib.auth.forms import ReadOnlyPasswordHashField

    class Account(forms.Form):
        password = ReadOnlyPasswordHashField(label="Password")

    html = str(Account(initial={"password": "!unusable"})["password"])
    assert html.startswith("<div")
    assert "disabled" not in html
