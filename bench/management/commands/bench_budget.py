"""Benchmark (not a test): a neighbourhood budget round with 40 plans and 100,000
ballots. Times the two steps of the close (``compute_results``) for the greedy rule and
for Equal Shares: the count (``count_round``: reading the ballots, the winner rule, the
outcomes, the voters following the winners; the results are published when it commits),
then the move into the anonymous table (``anonymise_ballots``), and the two together;
then the ballot page (a resident of the neighbourhood, signed in), the results
page and the results CSV of the counted round.

The round is built once, with bulk inserts (PostgreSQL COPY), in a neighbourhood of the
benchmark city, and stays open for voting, so a second run only measures and the rest of
the benchmark data is untouched. The count deletes the ballots it counts, so each count,
and the pages of the counted round, run in a transaction that is rolled back. Ballots are
made up: 1 to 6 plans each, popular plans chosen far more often (weights 1/rank^0.8),
never over the round's amount (a budget ballot).
"""

import os
import random
import statistics
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bench.clients import signed_in_client
from bench.dataset import MARK, PREFIX, WHAT, WHERE, CityDataset, _copy
from bench.markdown import machine, write_between_markers
from bench.timing import percentile, time_page
from budgets import actions
from budgets.models import Ballot, Choice, Plan, Round
from neighbourhoods.models import Neighbourhood, Residence

TITLE = f"{MARK} Buurtbudget 100.000 stemmen"
PLANS = 40
TOTAL = Decimal(250_000)


class Command(BaseCommand):
    help = "Time the count and the pages of a budget round with 100,000 ballots (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--ballots", type=int, default=100_000)
        parser.add_argument("--counts", type=int, default=3, help="counts timed per rule")
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--write", help="also write the table to this Markdown file")

    def handle(self, *args, ballots, counts, repeat, write, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        # The benchmark city's neighbourhoods (the rest of the city is not needed here).
        CityDataset(self.stdout, initiatives=0, reports=0).neighbourhoods()
        round = self._round(ballots)
        cast = Ballot.objects.filter(round=round).count()
        choices = Choice.objects.filter(ballot__round=round).count()
        resident = self._resident(round.neighbourhood)
        table = [
            f"A round of {Plan.objects.filter(round=round).count()} plans and € {TOTAL:,.0f} "
            f"with {cast:,} ballots ({choices:,} choices); each count "
            f"{counts} times, each page {repeat} times.",
            "",
            "| what | queries | p50 ms | p95 ms |",
            "| --- | ---: | ---: | ---: |",
        ]
        for rule, label in [
            (Round.WinnerRule.GREEDY, "most votes first"),
            (Round.WinnerRule.EQUAL_SHARES, "Equal Shares"),
        ]:
            steps = self._count(round, rule, counts)
            for step, (timings, queries) in steps.items():
                table.append(
                    f"| {step}, {label} | {queries} | {statistics.median(timings):.0f} | "
                    f"{percentile(timings, 0.95):.0f} |"
                )
        ballot_page = reverse("budgets:ballot", args=[round.pk])
        queries, timings = time_page(resident, ballot_page, repeat=repeat, cold=False)
        table.append(self._row("ballot page (a resident)", queries, timings))
        with transaction.atomic():
            self._close(round)
            assert actions.compute_results(round=round)
            visitor = Client(HTTP_HOST="localhost")
            for label, name in [
                ("results page", "budgets:results"),
                ("results CSV", "budgets:results_csv"),
            ]:
                url = reverse(name, args=[round.pk])
                queries, timings = time_page(visitor, url, repeat=repeat, cold=False)
                table.append(self._row(label, queries, timings))
            transaction.set_rollback(True)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        table += ["", f"Load average when it finished (1, 5, 15 min): {load}."]
        text = "\n".join(table)
        self.stdout.write(text)
        if write:
            write_between_markers(Path(write), "bench_budget", f"Machine: {machine()}.\n\n{text}")

    @staticmethod
    def _row(label: str, queries: int, timings: list[float]) -> str:
        return (
            f"| {label} | {queries} | {statistics.median(timings):.1f} | "
            f"{percentile(timings, 0.95):.1f} |"
        )

    def _close(self, round: Round) -> None:
        closes = timezone.now() - timedelta(minutes=1)
        Round.objects.filter(pk=round.pk).update(voting_closes=closes)
        round.refresh_from_db()

    def _count(self, round: Round, rule: str, counts: int) -> dict[str, tuple[list[float], int]]:
        """Close the round ``counts`` times by ``rule``, each in a transaction rolled back
        afterwards: per step (the count, the anonymous move, both) the milliseconds of
        each close and the queries of the last."""
        steps: dict[str, tuple[list[float], int]] = {
            "count at close": ([], 0),
            "ballots made anonymous": ([], 0),
            "both (the whole close)": ([], 0),
        }
        for _run in range(counts):
            with transaction.atomic():
                Round.objects.filter(pk=round.pk).update(winner_rule=rule)
                self._close(round)
                spent = []
                for step, action in [
                    ("count at close", actions.count_round),
                    ("ballots made anonymous", actions.anonymise_ballots),
                ]:
                    with CaptureQueriesContext(connection) as captured:
                        begin = time.perf_counter()
                        if not action(round=round):
                            raise CommandError(f"{step}: nothing was done.")
                        spent.append((time.perf_counter() - begin) * 1000)
                    steps[step][0].append(spent[-1])
                    steps[step] = (steps[step][0], len(captured))
                steps["both (the whole close)"][0].append(sum(spent))
                transaction.set_rollback(True)
        both = steps["count at close"][1] + steps["ballots made anonymous"][1]
        steps["both (the whole close)"] = (steps["both (the whole close)"][0], both)
        round.refresh_from_db()
        return steps

    def _resident(self, neighbourhood: Neighbourhood) -> Client:
        """A resident of the round's neighbourhood (a confirmed address, shown to live
        there), signed in."""
        user, _created = User.objects.get_or_create(
            email=f"stemmer@{PREFIX}.invalid", defaults={"display_name": "Stemmer"}
        )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Residence.objects.update_or_create(
            user=user,
            defaults={"neighbourhood": neighbourhood, "method": Residence.Method.LETTER_CODE},
        )
        return signed_in_client(user)

    def _round(self, size: int) -> Round:
        """The benchmark's round, built once: open for voting, 40 plans, ``size``
        ballots."""
        round = Round.objects.filter(title_nl=TITLE).first()
        if round is not None and Ballot.objects.filter(round=round).count() == size:
            return round
        if round is not None:
            raise CommandError(f"The round {TITLE!r} holds another number of ballots.")
        started = time.perf_counter()
        now = timezone.now()
        neighbourhood = Neighbourhood.objects.get(slug=f"{PREFIX}-0")
        round = Round.objects.create(
            neighbourhood=neighbourhood,
            title_nl=TITLE,
            title_en=f"{MARK} Neighbourhood budget, 100,000 ballots",
            total=TOTAL,
            submission_opens=now - timedelta(days=60),
            submission_closes=now - timedelta(days=40),
            voting_opens=now - timedelta(days=30),
            voting_closes=now + timedelta(days=3650),
            ballot_form=Round.BallotForm.BUDGET,
            max_plans=6,
        )
        rng = random.Random(f"{PREFIX}-budget")  # noqa: S311 (made-up benchmark data)
        plans = Plan.objects.bulk_create(
            Plan(
                round=round,
                title=f"{rng.choice(WHAT)} {rng.choice(WHERE)} {number}",
                description="Een plan voor de buurt.",
                cost=Decimal(rng.randrange(5, 61) * 1_000),
                estimated_cost=None,
                feasibility=Plan.Feasibility.FEASIBLE,
                feasibility_reason="Uitvoerbaar.",
            )
            for number in range(1, PLANS + 1)
        )
        ids = [plan.pk for plan in plans]
        costs = {plan.pk: plan.cost for plan in plans}
        weights = [1 / (rank + 1) ** 0.8 for rank in range(PLANS)]
        stamp = now - timedelta(days=5)
        _copy(
            Ballot._meta.db_table,
            ["round_id", "paper", "paper_reference", "created_at", "updated_at"],
            ((round.pk, False, "", stamp, stamp) for _n in range(size)),
        )
        ballot_ids = list(
            Ballot.objects.filter(round=round).order_by("pk").values_list("pk", flat=True)
        )

        def choices() -> Iterator[tuple[int, int]]:
            for ballot_id in ballot_ids:
                wanted = rng.randint(1, 6)
                picked: list[int] = []
                spent = Decimal(0)
                while len(picked) < wanted:
                    plan = rng.choices(ids, weights)[0]
                    if plan in picked:
                        continue
                    if spent + costs[plan] > TOTAL:
                        break
                    picked.append(plan)
                    spent += costs[plan]
                for plan in picked:
                    yield (ballot_id, plan)

        made = _copy(Choice._meta.db_table, ["ballot_id", "plan_id"], choices())
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {Ballot._meta.db_table}, {Choice._meta.db_table}")
        self.stdout.write(
            f"  budget round: {size:,} ballots, {made:,} choices in "
            f"{time.perf_counter() - started:.1f} s"
        )
        return round
