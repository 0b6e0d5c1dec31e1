"""Heavy read-only pages read from a PostgreSQL streaming replica, when there is one.

The city dashboard, the neighbourhood monitor and the open data scan a year or all of
the city's records; a hot standby a fraction of a second behind the primary answers
them as well, and leaves the primary to the people who write. With
``PORTAL_DATABASE_REPLICA_URL`` set, settings add the database ``replica`` and this
router. A view marked ``reads_from_replica`` (or work inside ``replica_reads()``)
reads from it; everything else, every write, and what a person must see right after
writing (their own session, account and notifications, every page that is not marked)
stays on the primary. When the replica does not answer, the page is read from the
primary instead.
"""

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, cast

from django.conf import settings
from django.db import OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Whom a person is, and what they were told, is read where it was written.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "contenttypes", "accounts", "account", "mfa", "notifications"}
)

logger = logging.getLogger(__name__)
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica (when configured); writes still go to the primary."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica[V: Callable[..., HttpResponse]](view: V) -> V:
    """Mark a read-only page whose figures may be a moment behind (a heavy page)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not configured() or request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        # Who is asking is known before the page reads anything (from the primary).
        user = getattr(request, "user", None)
        if user is not None:
            _ = user.is_authenticated
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except OperationalError:
            # The replica is gone, or (a hot standby) cancelled a read that conflicted
            # with replaying the primary's changes (SQLSTATE 40001) on a connection that
            # still works: either way the page is read from the primary.
            logger.warning("The replica did not answer; the page is read from the primary.")
            if not connections[REPLICA].is_usable():
                connections[REPLICA].close()
            return view(request, *args, **kwargs)

    return cast(V, wrapper)


class ReplicaRouter:
    """Reads of marked pages to the replica; everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _reading_from_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
