"""Anonymous ballots: at the count a round's ballots move into ``CountedBallot`` and the
ballots themselves go, so that nobody holding the whole database, its backups or the
logs can tie a counted ballot to a resident or to the moment they voted.

A ``Ballot`` knows its voter, when it was cast and changed, the number on a paper ballot
and who typed it in; its number (pk) follows the order of casting. A ``CountedBallot``
keeps only the round and the plans chosen, and is written in a random order (the
operating system's randomness, ``secrets``), so neither its number nor its place in the
table says anything about when it was cast.

The move takes the models as arguments, so the data migration that treats rounds
counted before it runs the same code with its historical models."""

import json
import secrets
from collections.abc import Iterable

from django.db import connections
from django.db.models import Model, Q

BATCH = 5_000


def grouped(rows: Iterable[tuple[int, int]]) -> list[list[int]]:
    """(ballot, plan) rows ordered by ballot and preference → one list of plan ids per
    ballot."""
    ballots: dict[int, list[int]] = {}
    for ballot_id, plan_id in rows:
        ballots.setdefault(ballot_id, []).append(plan_id)
    return list(ballots.values())


def counted_choices(ballot_model: type[Model], choice_model: type[Model], round_id: int):
    """The (ballot, plan) rows of the round's ballots that count: a resident's own, and
    paper ballots a second colleague confirmed; in order of preference per ballot."""
    counted = ballot_model._default_manager.filter(round_id=round_id).filter(
        Q(paper=False) | Q(confirmed_by__isnull=False)
    )
    return (
        choice_model._default_manager.filter(ballot__in=counted)
        .order_by("ballot_id", "rank", "plan_id")
        .values_list("ballot_id", "plan_id")
    )


def _insert(counted_model: type[Model], round_id: int, ballots: list[list[int]]) -> None:
    """The rows in the order given: on PostgreSQL with COPY (100,000 ballots in well under
    a second, where ``bulk_create`` takes seconds making model instances), elsewhere with
    ``bulk_create``. Nothing listens to this quiet table's saves."""
    connection = connections[counted_model._default_manager.db]
    if connection.vendor != "postgresql":
        counted_model._default_manager.bulk_create(
            (counted_model(round_id=round_id, plans=plans) for plans in ballots), batch_size=BATCH
        )
        return
    table = connection.ops.quote_name(counted_model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (round_id, plans) FROM STDIN") as copy,
    ):
        for plans in ballots:
            copy.write_row((round_id, json.dumps(plans)))


def move_counted_ballots(
    *,
    round_id: int,
    ballots: list[list[int]],
    ballot_model: type[Model],
    choice_model: type[Model],
    counted_model: type[Model],
) -> None:
    """Write ``ballots`` (the round's counted ballots, as ``counted_choices`` read them
    while the round was locked) as ``CountedBallot``s in a random order, then delete every
    ballot of the round (unconfirmed paper ballots too) with its choices."""
    ballots = list(ballots)
    secrets.SystemRandom().shuffle(ballots)
    _insert(counted_model, round_id, ballots)
    # Straight DELETEs: nothing listens to these quiet tables (the public cache leaves
    # them out), and fetching 100,000 ballots to send signals nobody reads would make the
    # count slow.
    choices = choice_model._default_manager.filter(ballot__round_id=round_id)
    choices._raw_delete(choices.db)  # type: ignore[attr-defined]
    cast = ballot_model._default_manager.filter(round_id=round_id)
    cast._raw_delete(cast.db)  # type: ignore[attr-defined]
