"""Work that must wait for the surrounding transaction to commit."""

from collections.abc import Callable
from typing import Any

from django.db import transaction


class _Once:
    """A callback waiting for the commit, recognisable by what it will call."""

    def __init__(self, func: Callable[..., object], args: tuple[Any, ...]) -> None:
        self.key = (func, args)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        func, args = self.key
        func(*args)


def once_after_commit(func: Callable[..., object], *args: Any) -> None:
    """Run ``func(*args)`` when the current transaction commits, once however often a
    transaction asks for it (a mailing of thousands starts sending once; a bulk delete
    recomputes once). Outside a transaction it runs at once, as ``on_commit`` does."""
    connection = transaction.get_connection()
    key = (func, args)
    if connection.in_atomic_block and any(
        isinstance(callback, _Once) and not callback.done and callback.key == key
        for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Once(func, args))
