"""Clearing dead row versions at once where they would link people to what they did.

After an anonymous survey's answers are released, or a budget round's ballots are
moved into the anonymous table, PostgreSQL still holds the rows that were deleted or
changed (with their transaction ids) until autovacuum's next visit. ``vacuum`` clears
them now. VACUUM cannot run inside a transaction: then autovacuum does it later."""

import logging

from django.db import DatabaseError, connection, models
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)


def vacuum(
    *tables: type[models.Model], what: str, using: BaseDatabaseWrapper | None = None
) -> None:
    """VACUUM ``tables`` on PostgreSQL, outside a transaction; ``what`` names the work
    in the warning logged when it fails (the work is committed; autovacuum clears the
    rows later). ``using``: the database's connection (a migration's
    ``schema_editor.connection``); the default database without it."""
    db = using or connection
    if db.vendor != "postgresql" or db.in_atomic_block:
        return
    names = ", ".join(db.ops.quote_name(model._meta.db_table) for model in tables)
    try:
        with db.cursor() as cursor:
            cursor.execute(f"VACUUM {names}")
    except DatabaseError:
        logger.warning("VACUUM after %s failed", what, exc_info=True)
