"""The pages that read every app: home, the portal's own pages, search, the city
dashboard and my page."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from common import public_cache, search
from common.public_cache import shared_with_visitors
from common.replica import reads_from_replica
from overview import dashboard, my_page
from overview import home as home_page
from overview.forms import PeriodForm
from overview.models import PortalPage


@require_safe
@shared_with_visitors
def home(request: HttpRequest) -> HttpResponse:
    # The same for everyone, signed in or not: cached while public content is unchanged.
    happening = public_cache.cached_while_unchanged("home", home_page.happening_now)
    return render(request, "overview/home.html", happening)


@require_safe
@shared_with_visitors
def portal_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(PortalPage, slug=slug)
    language = translation.get_language() or settings.LANGUAGE_CODE
    paragraphs = [p.strip() for p in page.body_for(language).split("\n\n") if p.strip()]
    return render(
        request,
        "overview/page.html",
        {"page": page, "title": page.title_for(language), "paragraphs": paragraphs},
    )


@login_required
@require_safe
def my_page_view(request: HttpRequest) -> HttpResponse:
    return render(request, "overview/my_page.html", my_page.overview(request.user))


@require_safe
@vary_on_headers("HX-Request")
@shared_with_visitors
def search_view(request: HttpRequest) -> HttpResponse:
    """The portal-wide search. With htmx the results region updates as one types;
    without JavaScript the form submits and the same page comes back."""
    text = request.GET.get("q", "").strip()[:200]
    # The same hits for everyone: cached while public content is unchanged.
    key = f"search:{translation.get_language()}:{hashlib.sha256(text.encode()).hexdigest()}"
    groups = public_cache.cached_while_unchanged(key, lambda: search.search_everything(text))
    template = "overview/search.html"
    if request.htmx:
        template += "#search-results"
    return render(request, template, {"q": text, "groups": groups})


def _dashboard_for(request: HttpRequest) -> tuple[PeriodForm, dashboard.Period, int]:
    default = dashboard.Period.last_twelve_months()
    form = PeriodForm(
        request.GET if "start" in request.GET or "end" in request.GET else None,
        initial={"start": default.start, "end": default.end},
    )
    period, status = default, 200
    if form.is_bound:
        if form.is_valid():
            period = dashboard.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        else:
            status = 400
    return form, period, status


@require_safe
@shared_with_visitors
@reads_from_replica
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, period, status = _dashboard_for(request)
    # Read only when the page's cached rendering is out of date.
    figures = SimpleLazyObject(lambda: dashboard.build_cached(period))
    return render(
        request,
        "overview/dashboard.html",
        {"form": form, "dashboard": figures, "query": request.GET.urlencode()},
        status=status,
    )


@require_safe
@shared_with_visitors
@reads_from_replica
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _form, period, status = _dashboard_for(request)
    if status != 200:
        return HttpResponse(
            _("The period is not valid."), status=400, content_type="text/plain; charset=utf-8"
        )
    figures = dashboard.build_cached(period)
    response = HttpResponse(figures.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{figures.period.start}-{figures.period.end}.csv"'
    )
    return response
