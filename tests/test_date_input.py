"""Dates are read the way they are shown: in English as in Dutch day before month
(portal/formats/en), so "05/12/2026" typed into a back-office date field is 5 December."""

from datetime import date

from django import forms
from django.utils import translation


def test_a_date_typed_as_shown_is_read_day_first_in_both_languages():
    for language, typed in [("en", "05/12/2026"), ("nl", "05-12-2026"), ("en", "2026-12-05")]:
        with translation.override(language):
            assert forms.DateField().clean(typed) == date(2026, 12, 5), (language, typed)


def test_a_moment_typed_as_shown_is_read_day_first_in_english():
    with translation.override("en"):
        moment = forms.DateTimeField().clean("05/12/2026 10:30")
    assert (moment.day, moment.month, moment.hour, moment.minute) == (5, 12, 10, 30)
