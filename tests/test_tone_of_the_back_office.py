"""The back office speaks to colleagues as the portal speaks to residents: "je", never
"u" (issue 28). Django's and allauth's own Dutch catalogues say "u", "uw" and "a.u.b."
on the pages the portal takes from them (the password change and its done page, the
logout page, delete confirmations, admin messages, allauth's password reset); our
catalogue comes first (``LOCALE_PATHS``) and says it in the je-tone."""

import gettext
import re
from http.cookies import SimpleCookie
from pathlib import Path

import allauth
import django
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import PASSWORD
from initiatives.models import Theme
from tests.test_authorisation_matrix import _admin_requests, _build_world, _patterns, _sign_in
from tests.test_one_language_per_page import visible_text

pytestmark = pytest.mark.django_db

# "alstublieft" is the u-form's "please" (allauth's 2FA page said "Voer alstublieft een
# authenticatiecode in"): the je-tone leaves it out.
U_FORM = re.compile(r"\b(u|uw|uzelf|a\.u\.b|alstublieft)(?=\W|$)", re.IGNORECASE)

LIBRARY_CATALOGUES = [
    Path(django.__file__).parent / "conf",
    Path(django.__file__).parent / "contrib" / "admin",
    Path(django.__file__).parent / "contrib" / "auth",
    Path(allauth.__file__).parent,
]


def u_words(text: str) -> list[str]:
    return [match.group(0) for match in U_FORM.finditer(text)]


def _libraries_u_strings() -> dict[str, str]:
    """msgid → the library's own Dutch, for every string whose Dutch says "u"."""
    found = {}
    for package in LIBRARY_CATALOGUES:
        with open(package / "locale" / "nl" / "LC_MESSAGES" / "django.mo", "rb") as mo:
            catalogue = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
        for key, dutch in catalogue.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid and u_words(dutch):
                found[msgid] = dutch
    return found


def test_the_check_finds_the_u_form():
    assert u_words("Weet u zeker dat u uw wachtwoord wilt wijzigen? Neem a.u.b. contact op") == [
        "u",
        "u",
        "uw",
        "a.u.b",
    ]
    assert u_words("Voer alstublieft een authenticatiecode in:") == ["alstublieft"]
    assert u_words("Je wachtwoord is gewijzigd; u25 en Uitloggen en nu") == []


def test_every_library_string_that_says_u_is_ours_in_the_je_tone():
    library = _libraries_u_strings()
    assert len(library) > 20  # the libraries' catalogues were read
    still_u = []
    with translation.override("nl"):
        for msgid in library:
            if "\x04" in msgid:  # a string with a context
                context, _sep, text = msgid.partition("\x04")
                ours = translation.pgettext(context, text)
            else:
                ours = translation.gettext(msgid)
            if u_words(ours):
                still_u.append(f"{msgid!r}: {ours!r}")
    assert not still_u, "\n".join(still_u)


def _dutch_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    if user is not None:
        type(user).objects.filter(pk=user.pk).update(language="nl")
        _sign_in(client, "superuser", user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def _says_u(response) -> list[str]:
    return u_words(visible_text(response.content.decode()))


@pytest.fixture
def generous_limits(settings):
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}


def test_every_back_office_page_says_je_in_dutch(generous_limits):
    """Every page of the back office as the superuser sees it (index, lists with their
    filters, add, change, history and delete confirmations of a record of each kind)."""
    world = _build_world()
    superuser = world.people["superuser"]
    client = _dutch_client(superuser)
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    admin = reverse("admin:index").lstrip("/")
    found, pages, deletes = [], 0, 0
    for pattern, name in _patterns():
        if not pattern.startswith(admin) or name == "admin:logout":
            continue
        for _cell, method, url in _admin_requests(pattern, name, world):
            if method != "get":
                continue
            client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            deletes += url.endswith("/delete/")
            if words := _says_u(response):
                found.append(f"{url}: {words}")
    assert pages > 100
    assert deletes > 10
    assert not found, "\n".join(found)


def test_the_password_change_logout_deletion_and_messages_say_je(generous_limits):
    world = _build_world()
    superuser = world.people["superuser"]
    client = _dutch_client(superuser)
    seen = {}
    seen["password change"] = client.get(reverse("admin:password_change"))
    seen["password change refused"] = client.post(
        reverse("admin:password_change"),
        {"old_password": "fout", "new_password1": "x", "new_password2": "y"},
    )
    seen["password changed"] = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nieuw-Eemdal-2026!",
            "new_password2": "Nieuw-Eemdal-2026!",
        },
        follow=True,
    )
    assert seen["password changed"].wsgi_request.path == reverse("admin:password_change_done")
    theme = Theme.objects.create(name_nl="Qx thema", name_en="Qx theme", slug="qx")
    delete = reverse("admin:initiatives_theme_delete", args=[theme.pk])
    seen["delete confirmation"] = client.get(delete)
    assert "Weet je zeker" in seen["delete confirmation"].content.decode()
    changelist = reverse("admin:initiatives_theme_changelist")
    seen["delete selected"] = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [theme.pk]}
    )
    seen["no selection message"] = client.post(
        changelist, {"action": "delete_selected"}, follow=True
    )
    seen["changed message"] = client.post(
        reverse("admin:initiatives_theme_change", args=[theme.pk]),
        {"name_nl": "Qx thema", "name_en": "Qx theme", "slug": "qx", "response_days": 10},
        follow=True,
    )
    assert seen["changed message"].context["messages"]
    seen["deleted message"] = client.post(delete, {"post": "yes"}, follow=True)
    assert not Theme.objects.filter(pk=theme.pk).exists()
    seen["logged out"] = client.post(reverse("admin:logout"), follow=True)
    visitor = _dutch_client(None)
    seen["password reset"] = visitor.get(reverse("account_reset_password"))
    seen["password reset sent"] = visitor.post(
        reverse("account_reset_password"), {"email": superuser.email}, follow=True
    )
    seen["password reset bad key"] = visitor.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "fout"})
    )
    seen["email verification sent"] = visitor.get(reverse("account_email_verification_sent"))
    found = []
    for what, response in seen.items():
        assert response.status_code in (200, 400), (what, response.status_code)
        assert 'lang="nl"' in response.content.decode(), what
        if words := _says_u(response):
            found.append(f"{what}: {words}")
    assert not found, "\n".join(found)
