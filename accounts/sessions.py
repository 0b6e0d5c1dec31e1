"""Sessions: kept in the database, read through the shared cache."""

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache.backends.base import BaseCache

from common.public_cache import CACHE_ERRORS

if TYPE_CHECKING:
    from django.contrib.sessions.models import Session

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    """Django's cached_db sessions, so a signed-in request reads its session from Redis
    instead of asking the database, which stays the record (expiry, signing out).

    Two differences make it safe when Redis misbehaves. When Redis is unreachable the
    session is read from and written to the database alone, so nobody is signed out and
    no page fails. And a session is cached in Redis for at most five minutes: had a
    sign-out happened while Redis could not be told, the old copy is gone soon after."""

    CACHE_SECONDS = 300

    # Django's private names used below, which the stubs leave out.
    _cache: BaseCache
    _session: dict[str, Any]
    if TYPE_CHECKING:

        def _get_session_from_db(self) -> Session | None: ...

    def _cache_seconds(self, expiry_age: int) -> int:
        return max(0, min(self.CACHE_SECONDS, expiry_age))

    def load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] | None = self._cache.get(self.cache_key)
        except CACHE_ERRORS:
            logger.warning("session cache unreachable; reading the session from the database")
            return self._load_from_database(cache=False)
        if data is None:
            return self._load_from_database(cache=True)
        return data

    def _load_from_database(self, *, cache: bool) -> dict[str, Any]:
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        if cache:
            seconds = self._cache_seconds(self.get_expiry_age(expiry=stored.expire_date))
            try:
                self._cache.set(self.cache_key, data, seconds)
            except CACHE_ERRORS:
                logger.warning("session cache unreachable; the session stays in the database")
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_ERRORS:
            pass
        return DBStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        try:
            self._cache.set(
                self.cache_key, self._session, self._cache_seconds(self.get_expiry_age())
            )
        except CACHE_ERRORS:
            logger.warning("session cache unreachable; the session is saved in the database")

    def delete(self, session_key: str | None = None) -> None:
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CACHE_ERRORS:
            logger.warning("session cache unreachable; a removed session expires there soon")
