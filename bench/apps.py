from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks: the city-scale dataset and the bench_* commands. Installed only when
    ``BENCHMARK_VIEWS`` is on (``make bench``), never in production."""

    name = "bench"
    verbose_name = "Benchmarks"
