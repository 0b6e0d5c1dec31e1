"""The arithmetic of the real-traffic benchmark (bench_traffic), without a server: how
the cache's answers become a hit rate, and that the drawn addresses are skewed, spread
and the same for the same seed. The benchmark itself gives figures only (make bench)."""

import random
from collections import Counter

from bench.management.commands.bench_traffic import Population, Run, _hit_rate
from bench.markdown import write_between_markers


def test_hit_rate_counts_visitors_pages_and_residents_parts():
    assert _hit_rate(["hit", "hit", "miss; parts=0/3", "hit"]) == 0.75
    assert _hit_rate(["personal; parts=4/5", "personal; parts=1/5"]) == 0.5
    # Not a cached page, or a page with nothing cached in it: no rate at all.
    assert _hit_rate(["-", "-"]) is None
    assert _hit_rate(["personal", "off"]) is None


def test_zipf_draws_favour_the_first_ranks_and_uniform_draws_do_not():
    population = Population([f"/initiatieven/{n}/" for n in range(1, 10_001)])
    zipf = Counter(population.zipf(random.Random("seed"), 20_000, 1.0))
    uniform = Counter(population.uniform(random.Random("seed"), 20_000))
    # With s = 1 over 10,000 ranks the first has 1/H(10,000), about 10% of the draws.
    assert 0.08 < zipf["/initiatieven/1/"] / 20_000 < 0.12
    assert zipf["/initiatieven/1/"] > 50 * zipf["/initiatieven/100/"] / 2
    assert max(uniform.values()) < 15
    assert len(uniform) > 8_000
    again = Population(population.urls).zipf(random.Random("seed"), 20_000, 1.0)
    assert Counter(again) == zipf


def test_figures_per_page_from_the_scripts_records():
    records = {"page": [(200, micros, "hit") for micros in range(1000, 101_000, 1000)]}
    records["page"].append((500, 500_000, "miss"))
    figures = Run(seconds=10.0, errors=0, records=records).figures("page")
    assert figures.count == 101
    assert figures.p50_ms == 51.0
    assert figures.p95_ms == 96.0
    assert figures.rps == 10.1
    assert figures.unexpected() == 1
    assert Run(seconds=1.0, errors=0, records={}).figures("page") is None


def test_a_bench_rewrites_only_its_own_tables(tmp_path):
    """Each bench command writes between its own markers; the prose around them and the
    other commands' tables stay as they are."""
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nProse by people.\n")
    write_between_markers(page, "bench_scale", "| a | 1 |")
    write_between_markers(page, "bench_load", "| b | 2 |")
    write_between_markers(page, "bench_scale", "| a | 3 |")
    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nProse by people.\n")
    assert "| a | 1 |" not in text
    assert text.count("| a | 3 |") == 1
    assert (
        "<!-- bench_load: written by manage.py bench_load -->\n| b | 2 |\n<!-- /bench_load -->"
        in text
    )
