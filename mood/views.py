"""The public page "Wat leeft er in de stad": the published summaries of the mood of
the city with their topics' words and sizes; never a text or anything personal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from common.public_cache import public_page
from mood.models import Summary, public_minimum

# The newest summaries shown.
SHOWN = 12


@require_safe
@public_page("mood")
def public(request: HttpRequest) -> HttpResponse:
    language = get_language() or "nl"
    summaries = [
        (summary, summary.title_for(language), summary.text_for(language))
        for summary in Summary.objects.published()[:SHOWN]
    ]
    return render(
        request, "mood/public.html", {"summaries": summaries, "minimum": public_minimum()}
    )
