"""One language at a time: every page the portal serves and every email it sends, read
in English, holds no Dutch outside what people wrote, and read in Dutch, no English.

The pages are those of ``tests/test_authorisation_matrix.py`` (every URL pattern of the
portal, on things that belong to resident A), asked by a visitor, resident A and an
administrator (who also walks the back office: its index, every list and a record of
each kind). Content written by people (titles, descriptions, names, questions) is first
overwritten with neutral markers, so whatever Dutch or English is left on a page was
written by the portal. Timeline and history texts the portal stores itself are seeded
through the actions, so they must come out in the reader's language too.
"""

import re
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.adapters import portal_site
from tests.test_authorisation_matrix import (
    PORTAL,
    _admin_requests,
    _build_world,
    _patterns,
    _portal_requests,
    _sign_in,
)

pytestmark = pytest.mark.django_db

# Words that only Dutch uses (not names, not words English shares).
DUTCH = {
    "het",
    "een",
    "niet",
    "voor",
    "met",
    "zijn",
    "wordt",
    "deze",
    "dit",
    "jouw",
    "je",
    "uw",
    "ons",
    "wij",
    "naar",
    "nog",
    "ook",
    "bij",
    "door",
    "maar",
    "geen",
    "alle",
    "gemeente",
    "initiatief",
    "initiatieven",
    "wijk",
    "wijken",
    "bewoner",
    "inwoner",
    "aangemaakt",
    "gewijzigd",
    "bekijkt",
    "dagen",
    "werkdagen",
    "zoeken",
    "opslaan",
    "volgende",
    "vorige",
    "pagina",
    "inloggen",
    "uitloggen",
    "meldingen",
    "berichten",
    "gepland",
    "januari",
    "februari",
    "maart",
    "mei",
    "juni",
    "juli",
    "augustus",
    "oktober",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
}
# Words that only English uses.
ENGLISH = {
    "the",
    "and",
    "your",
    "you",
    "with",
    "this",
    "that",
    "for",
    "from",
    "by",
    "are",
    "have",
    "has",
    "been",
    "will",
    "should",
    "please",
    "here",
    "more",
    "at",
    "not",
    "search",
    "pagination",
    "logout",
    "created",
    "updated",
    "emailed",
    "supplier",
    "suppliers",
    "tender",
    "tenders",
    "survey",
    "surveys",
    "initiative",
    "initiatives",
    "neighbourhood",
    "neighbourhoods",
    "resident",
    "residents",
    "submitted",
    "page",
    "next",
    "previous",
    "save",
    "delete",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "august",
    "october",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
}
# Written in their own language on purpose: the language switch.
AUTONYMS = {"Nederlands", "English"}
MARKER = "Qx"
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class _Text(HTMLParser):
    """The words a reader sees: text outside scripts and styles, and the labels read
    aloud (aria-label, title, placeholder, alt)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


# Addresses, links, file paths and codes, and masked secrets (a password hash's salt
# "uw*****" is not the Dutch "uw").
_ADDRESS = re.compile(r"\S*[@/_*]\S*")


def foreign_words(text: str, language: str) -> set[str]:
    text = _ADDRESS.sub(" ", text.replace(settings.PORTAL_MUNICIPALITY_NAME, " "))
    for name in AUTONYMS:
        text = text.replace(name, " ")
    words = {word.lower() for word in WORD.findall(text)}
    return words & (ENGLISH if language == "nl" else DUTCH)


_KEYS = {"key", "token", "hash", "code", "slug", "kind", "status", "url", "language"}
_KEYS |= {"extension", "type", "ip", "email", "password", "secret"}


def neutralise_what_people_wrote() -> None:
    """Every free text of ours (titles, descriptions, names, questions, messages) becomes
    a marker with the row's id: whatever language is left was written by the portal."""
    ours = {"accounts", "notifications", "privacy", "overview", "neighbourhoods"}
    ours |= {"initiatives", "surveys", "procurement", "participation", "reports", "mood"}
    ours |= {"citydata", "budgets"}
    for model in apps.get_models():
        if model._meta.app_label not in ours or model._meta.proxy:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if type(field) in (models.CharField, models.TextField)
            and not field.choices
            and not _KEYS & set(field.name.split("_"))
            and (field.max_length or 100) >= 12
        ]
        if fields:
            marker = Concat(models.Value(MARKER), Cast("pk", models.CharField()))
            model._default_manager.update(**dict.fromkeys(fields, marker))
    # A notification's text is kept in each language, as a whole: it holds what people
    # wrote (a title), so it becomes a marker too, in every language.
    from notifications.models import Notification, portal_languages

    told = list(Notification.objects.only("pk"))
    for notification in told:
        notification.messages = dict.fromkeys(portal_languages(), f"{MARKER}{notification.pk}")
    Notification.objects.bulk_update(told, ["messages"])


def system_texts(world) -> None:
    """Texts the portal writes itself and stores: a timeline message, a tender's history."""
    from initiatives import actions as initiative_actions
    from initiatives.models import Status
    from procurement import actions as procurement_actions
    from procurement.models import TenderChange

    initiative_actions.change_initiative_status(
        initiative=world.objects["public"],
        to=Status.IN_REVIEW,
        by=world.people["superuser"],
        message_key="in_review",
    )
    tender = world.objects["tender"]
    procurement_actions.record_tender_change(
        tender=tender,
        by=world.people["superuser"],
        kind=TenderChange.Kind.CREATED,
        details={"status": tender.status},
    )
    procurement_actions.record_tender_change(
        tender=tender,
        by=world.people["superuser"],
        kind=TenderChange.Kind.CHANGED,
        details={"fields": ["title", "deadline"]},
    )


def _requests(person: str, world):
    admin = reverse("admin:index").lstrip("/")
    for pattern, name in _patterns():
        if pattern.startswith(admin):
            if person != "superuser":
                continue
            yield from _admin_requests(pattern, name, world)
        elif name in PORTAL:
            yield from _portal_requests(pattern, name, world)


@pytest.fixture
def generous_limits(settings):
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}


@pytest.mark.parametrize("person", ["anonymous", "resident_a", "superuser"])
def test_every_page_speaks_one_language(person, generous_limits):
    world = _build_world()
    system_texts(world)
    neutralise_what_people_wrote()
    client = Client()
    _sign_in(client, person, world.people[person])
    client.get(reverse("home"))  # the welcome of signing in is read (in its own language)
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    found: list[str] = []
    pages = 0
    for language in ("en", "nl"):
        if world.people[person] is not None:
            type(world.people[person]).objects.filter(pk=world.people[person].pk).update(
                language=language
            )
        for _cell, method, url in _requests(person, world):
            if method != "get":
                continue
            client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            with transaction.atomic():
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            words = foreign_words(visible_text(response.content.decode()), language)
            if words:
                text = visible_text(response.content.decode())
                where = [
                    " ".join(text[max(0, m.start() - 60) : m.end() + 60].split())
                    for word in sorted(words)
                    for m in [re.search(rf"\b{word}\b", text, re.I)]
                    if m
                ]
                found.append(f"{language} {url}: {sorted(words)} {where}")
    assert pages > 50
    assert not found, "\n".join(found)


# --- emails -----------------------------------------------------------------------------


def _email_contexts(world) -> dict[str, dict]:
    from initiatives.models import CoInitiatorInvitation
    from notifications.models import Notification
    from procurement.models import Contract, TeamInvitation, TenderInvitation
    from reports.models import Forward, Question, Report
    from surveys.models import Survey

    notification = Notification.objects.order_by("pk").first()
    # Read again: the world's instance still holds what was written before neutralising.
    report = Report.objects.select_related("category").get(pk=world.objects["report"].pk)
    question = Question.objects.select_related("topic").get(pk=world.objects["report_question"].pk)
    return {
        "notification": {"notification": notification, "link": "https://example.test/"},
        "digest": {"items": [(notification, "https://example.test/")]},
        "co_initiator_invitation": {
            "invitation": CoInitiatorInvitation.objects.first(),
            "inviter_name": MARKER,
            "accept_url": "https://example.test/",
        },
        "retention_warning": {"grace_days": 30, "login_url": "https://example.test/"},
        "survey_invitation": {
            "survey": Survey.objects.first(),
            "link": "https://example.test/",
            "leave_url": "https://example.test/",
        },
        "team_invitation": {
            "invitation": TeamInvitation.objects.first(),
            "inviter_name": "Fatima",
            "accept_url": "https://example.test/",
            "signup_url": "https://example.test/",
            "has_account": False,
        },
        "report_confirm": {
            "report": report,
            "confirm_url": "https://example.test/",
            "support": False,
        },
        "report_status": {
            "report": report,
            "change": report.changes.first(),
            "link": "https://example.test/",
        },
        "report_feedback": {
            "report": report,
            "feedback_url": "https://example.test/",
            "days": 14,
        },
        "question_confirm": {"question": question, "confirm_url": "https://example.test/"},
        "question_answered": {"question": question, "link": "https://example.test/"},
        "question_feedback": {
            "question": question,
            "feedback_url": "https://example.test/",
            "days": 14,
        },
        "report_forward": {
            "report": report,
            "forwarding": Forward(report=report, party=MARKER, message=MARKER),
            "link": "https://example.test/",
        },
        "supplier_registration": {
            "contract": Contract(
                tender=world.objects["tender"],
                invited_name=MARKER,
                invited_kvk="12345678",
            ),
            "register_url": "https://example.test/",
        },
        "tender_invitation": {
            "invitation": TenderInvitation.objects.first()
            or TenderInvitation(tender=world.objects["tender"], supplier=world.objects["supplier"]),
            "link": "https://example.test/",
        },
        # Our own versions of allauth's emails (templates/account/email).
        "account/email/email_confirmation_message": {"activate_url": "https://example.test/"},
        "account/email/email_confirmation_subject": {},
        "account/email/password_reset_key_message": {"password_reset_url": "https://example.test/"},
        "account/email/password_reset_key_subject": {},
        "account/email/email_confirmation_signup_message": {
            "activate_url": "https://example.test/"
        },
        "account/email/email_confirmation_signup_subject": {},
        "account/email/unknown_account_message": {
            "email": "iemand@example.test",
            "signup_url": "https://example.test/",
        },
        "account/email/unknown_account_subject": {},
        "account/email/account_already_exists_message": {
            "email": "iemand@example.test",
            "password_reset_url": "https://example.test/",
        },
        "account/email/account_already_exists_subject": {},
    }


def test_every_email_speaks_one_language():
    from pathlib import Path

    world = _build_world()
    neutralise_what_people_wrote()
    contexts = _email_contexts(world)
    templates = sorted(
        {path.stem for path in (Path(settings.BASE_DIR) / "templates" / "emails").glob("*.txt")}
    )
    assert set(templates) <= set(contexts), set(templates) - set(contexts)
    found = []
    for language in ("en", "nl"):
        with translation.override(language):
            for name in templates:
                for suffix in ("txt", "html"):
                    body = render_to_string(
                        f"emails/{name}.{suffix}",
                        {
                            **contexts[name],
                            "municipality_name": settings.PORTAL_MUNICIPALITY_NAME,
                            "portal_url": settings.PORTAL_BASE_URL,
                            "preferences_url": "https://example.test/",
                            "unsubscribe_url": "https://example.test/",
                        },
                    )
                    text = visible_text(body) if suffix == "html" else body
                    words = foreign_words(text, language)
                    if words:
                        found.append(f"{language} {name}.{suffix}: {sorted(words)}")
    for language in ("en", "nl"):
        with translation.override(language):
            for path in (Path(settings.BASE_DIR) / "templates" / "account" / "email").glob("*.txt"):
                name = f"account/email/{path.stem}"
                if path.stem == "base_message":
                    continue
                assert name in contexts, name
                body = render_to_string(
                    f"{name}.txt",
                    {
                        **contexts[name],
                        "current_site": portal_site(),
                        "portal_url": settings.PORTAL_BASE_URL,
                    },
                )
                words = foreign_words(body, language)
                if words:
                    found.append(f"{language} {name}.txt: {sorted(words)}")
    assert not found, "\n".join(found)


def test_the_check_finds_a_foreign_word():
    """The test above can fail: Dutch in an English text and English in a Dutch one."""
    assert foreign_words("The municipality is looking at het initiatief.", "en") == {
        "het",
        "initiatief",
    }
    assert foreign_words("De gemeente bekijkt het. CREATED AT", "nl") == {"created", "at"}
    assert foreign_words(f"{settings.PORTAL_MUNICIPALITY_NAME}: Nederlands", "en") == set()
