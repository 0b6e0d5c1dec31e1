from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the base layout, no queries (only with BENCHMARK_VIEWS)."""
    return render(request, "base.html")
