"""Loaded with ``-p tests.pytest_env`` before Django starts: the suite runs with
production-like settings (DEBUG off), so it needs what production needs."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
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
