"""Empty forms are rendered once per process and language, exactly as Django renders them
each time; a form with anything in it is rendered anew."""

import pytest
from django.utils import translation


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
