"""Anonymous ballots: at the count a round's ballots move into ``CountedBallot`` and the
ballots themselves go, so that nobody holding the whole database, its backups or the
logs can tie a counted ballot to a resident or to the moment they voted.

A ``Ballot`` knows its voter, when it was cast and changed, the number on a paper ballot
and who typed it in; its number (pk) follows the order of casting. A ``CountedBallot``
keeps only the round and the plans chosen, and is written in a random order drawn from
a cryptographically strong source (PostgreSQL's ``gen_random_uuid()``, elsewhere the
operating system's randomness through ``secrets``), so neither its number nor its place
in the table says anything about when it was cast.

The functions take the models as arguments, so the data migration that treats rounds
counted before it runs the same code with its historical models."""

import secrets
from collections import Counter
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


def _choices_sql(ballot_model: type[Model], choice_model: type[Model], round_id: int):
    """``counted_choices`` as SQL (and its parameters) giving ballot_id, plan_id and
    rank, for the statements that let PostgreSQL group the choices into ballots."""
    return (
        counted_choices(ballot_model, choice_model, round_id)
        .order_by()
        .values_list("ballot_id", "plan_id", "rank")
        .query.sql_with_params()
    )


def copy_counted(
    *,
    round_id: int,
    ballot_model: type[Model],
    choice_model: type[Model],
    counted_model: type[Model],
) -> int:
    """Write the round's counted ballots (``counted_choices``) as ``CountedBallot``s in a
    random order, and say how many. On PostgreSQL one statement does it inside the database (100,000
    ballots in a few tenths of a second, where reading them out and writing them back
    took over a second); elsewhere the ballots are read, shuffled and written here."""
    manager = counted_model._default_manager
    connection = connections[manager.db]
    if connection.vendor != "postgresql":
        ballots = grouped(counted_choices(ballot_model, choice_model, round_id))
        secrets.SystemRandom().shuffle(ballots)
        manager.bulk_create(
            (counted_model(round_id=round_id, plans=plans) for plans in ballots), batch_size=BATCH
        )
        return len(ballots)
    chosen, params = _choices_sql(ballot_model, choice_model, round_id)
    table = connection.ops.quote_name(counted_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, plans) "  # noqa: S608 (names from the models)
            "SELECT %s, jsonb_agg(plan_id ORDER BY rank, plan_id) "
            f"FROM ({chosen}) AS chosen GROUP BY ballot_id ORDER BY gen_random_uuid()",
            (round_id, *params),
        )
        return cursor.rowcount


def counted_groups(
    ballot_model: type[Model], choice_model: type[Model], round_id: int
) -> dict[tuple[int, ...], int]:
    """The round's counted ballots (``counted_choices``), the same ones together: each
    list of plans chosen (in order) with how many ballots chose just that. 100,000
    ballots of a round of 40 plans are some 45,000 different ones, so the count has half
    the work; on PostgreSQL the database groups them (one query returning those 45,000
    rows, where reading the 350,000 choices took three times as long)."""
    connection = connections[choice_model._default_manager.db]
    if connection.vendor != "postgresql":
        ballots = grouped(counted_choices(ballot_model, choice_model, round_id))
        return dict(Counter(map(tuple, ballots)))
    chosen, params = _choices_sql(ballot_model, choice_model, round_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT plans, COUNT(*) FROM ("  # noqa: S608 (the ORM's own query)
            "SELECT array_agg(plan_id ORDER BY rank, plan_id) AS plans "
            f"FROM ({chosen}) AS chosen GROUP BY ballot_id) AS ballots GROUP BY plans",
            params,
        )
        return {tuple(plans): number for plans, number in cursor.fetchall()}


def delete_cast(*, round_id: int, ballot_model: type[Model], choice_model: type[Model]) -> None:
    """Delete every ballot of the round (unconfirmed paper ballots too) with its choices.
    Straight DELETEs: nothing listens to these quiet tables (the public cache leaves them
    out), and fetching 100,000 ballots to send signals nobody reads would make the count
    slow."""
    choices = choice_model._default_manager.filter(ballot__round_id=round_id)
    choices._raw_delete(choices.db)  # type: ignore[attr-defined]
    cast = ballot_model._default_manager.filter(round_id=round_id)
    cast._raw_delete(cast.db)  # type: ignore[attr-defined]


def move_counted_ballots(
    *,
    round_id: int,
    ballot_model: type[Model],
    choice_model: type[Model],
    counted_model: type[Model],
) -> None:
    """``copy_counted`` then ``delete_cast``: the round's ballots become anonymous."""
    copy_counted(
        round_id=round_id,
        ballot_model=ballot_model,
        choice_model=choice_model,
        counted_model=counted_model,
    )
    delete_cast(round_id=round_id, ballot_model=ballot_model, choice_model=choice_model)
