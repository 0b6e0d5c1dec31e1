from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from neighbourhoods.models import Neighbourhood


@require_safe
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "neighbourhoods/list.html",
        {"neighbourhoods": Neighbourhood.objects.for_listing()},
    )


@require_safe
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(Neighbourhood.objects.for_listing(), slug=slug)
    return render(request, "neighbourhoods/detail.html", {"neighbourhood": neighbourhood})
