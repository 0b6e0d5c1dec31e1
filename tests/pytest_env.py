"""Loaded with ``-p tests.pytest_env`` before Django starts: the suite runs with
production-like settings (DEBUG off), so it needs what production needs."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("PORTAL_VERIFICATION_KEY", "test-only-verification-key-0123456789-abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("SECURE_HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("PORTAL_BASE_URL", "http://testserver")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Browser tests run a live server thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# SQLite runs use a database file, as the embedded default does in production: an
# in-memory database shared between threads fails concurrent writers at once ("table is
# locked") instead of letting them wait their turn, which is not what the portal does.
if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis")):
    os.environ.setdefault(
        "TEST_DATABASE_NAME",
        os.path.join(tempfile.gettempdir(), f"portal-test-{os.getpid()}.sqlite3"),
    )
# Parallel workers (pytest-xdist) each get a Redis database of their own: the suite
# empties the cache around every test, and FLUSHDB would empty a neighbour's too.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw"):
    _database = 15 - int(_worker[2:]) % 8
    for _name in ("REDIS_URL", "TEST_REDIS_URL", "CELERY_BROKER_URL"):
        _url = os.environ.get(_name, "")
        if _url.startswith("redis://"):
            os.environ[_name] = _url.rsplit("/", 1)[0] + f"/{_database}"
