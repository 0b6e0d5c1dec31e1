import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_csp_has_nonce_and_no_unsafe_inline(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "style=" not in html


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/wijken/", "/pagina/privacy/", "/pagina/toegankelijkheid/"])
def test_public_pages_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'href="#main"' in response.content.decode()


def test_dutch_by_default_and_english_on_request(client):
    assert '<html lang="nl"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post("/taal/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get("/").content.decode()


def test_language_choice_is_remembered_on_the_account(client, resident):
    client.force_login(resident)
    client.post("/taal/", {"language": "en", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "en"


def test_styled_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "utrecht-heading-1" in response.content.decode()


def test_unknown_portal_page_is_404(client):
    assert client.get("/pagina/onbekend/").status_code == 404


def _run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "SECURE_HTTPS",
            "STATIC_MANIFEST",
            "EMAIL_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_settings({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.nl"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run_settings({"DEBUG": "false", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_bad_boolean_fails_loudly():
    result = _run_settings({"DEBUG": "misschien"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = _run_settings(
        {
            "DEBUG": "false",
            "SECRET_KEY": "prod-like-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
            "ALLOWED_HOSTS": "portal.example.nl",
            "SECURE_HSTS_PRELOAD": "true",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_rate_limits_are_not_shared_between_workers():
    """Production without Redis would count each worker's rate limits apart."""
    result = _run_settings(
        {
            "DEBUG": "false",
            "SECRET_KEY": "prod-like-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
            "ALLOWED_HOSTS": "portal.example.nl",
            "SECURE_HSTS_PRELOAD": "true",
            "REDIS_URL": "",
        }
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


def test_seed_demo_is_idempotent_and_refuses_production(settings):
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    users = User.objects.count()
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    assert User.objects.count() == users
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")


def test_email_is_case_insensitively_unique(db):
    from django.db import IntegrityError

    UserFactory(email="dubbel@example.nl")
    with pytest.raises(IntegrityError):
        User.objects.create(email="DUBBEL@example.nl")


def test_flush_puts_back_roles_and_statements():
    from django.contrib.auth.models import Group

    from accounts.models import Role
    from overview.models import PortalPage

    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    assert set(PortalPage.objects.values_list("slug", flat=True)) == set(PortalPage.Slug.values)


@pytest.mark.parametrize(
    "url",
    [
        "/initiatieven/vergelijkbaar/?title=a%00b",
        "/inkoop/cpv/?cpv_q=%00",
        "/participatie/?wijk=x%00",
        "/zoeken/?q%00=x",
    ],
)
def test_nul_character_in_the_query_is_a_clean_400(client, url):
    """Found by the hostile-input tests: on PostgreSQL these were server errors."""
    response = client.get(url)
    assert response.status_code == 400
    assert "utrecht-heading-1" in response.content.decode()


def test_database_outage_is_a_503_page_that_needs_no_database(rf, django_assert_num_queries):
    from django.db.utils import OperationalError

    from common.views import server_error

    try:
        raise OperationalError("connection to server failed")
    except OperationalError:
        with django_assert_num_queries(0):
            response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


def test_other_server_errors_are_the_500_page(rf):
    from common.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
