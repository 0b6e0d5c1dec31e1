"""A notification reads in the reader's language, whenever it is read (issue 28): its
text is kept in every language of the portal, rendered when it is made, and the page
shows the page's language, an email the recipient's language at the moment of sending."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from accounts.tests.factories import StaffFactory, UserFactory
from notifications import service
from notifications.models import EmailFrequency, Notification, NotificationPreference
from notifications.tasks import send_daily_digests, send_pending_emails
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

ENGLISH = "The board decided: Bridge"
DUTCH = "Het college besloot: Bridge"


def _decided() -> str:
    return gettext("The board decided: %(title)s") % {"title": "Bridge"}


def _tell(person, *, email=EmailFrequency.NEVER, key="decided"):
    NotificationPreference.objects.update_or_create(
        user=person, kind="announcement", defaults={"email": email, "in_app": True}
    )
    return service.notify(recipient=person, kind="announcement", message=_decided, dedupe_key=key)


def _read(client, name, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_text_is_kept_in_every_language_of_the_portal():
    notification = _tell(UserFactory(language="nl"))
    assert notification.messages == {"nl": DUTCH, "en": ENGLISH}
    with translation.override("en"):
        assert notification.message == ENGLISH == str(notification)
    with translation.override("nl"):
        assert notification.message == DUTCH


@pytest.mark.parametrize("page", ["notifications:list", "overview:my_page"])
def test_a_notice_sent_in_dutch_reads_in_english_on_the_english_page(client, page):
    person = UserFactory(language="nl")
    _tell(person)
    client.force_login(person)
    english = _read(client, page, "en")
    assert ENGLISH in english
    assert DUTCH not in english
    dutch = _read(client, page, "nl")
    assert DUTCH in dutch
    assert ENGLISH not in dutch


def test_the_digest_is_in_the_language_of_the_recipient_when_it_is_sent():
    person = UserFactory(language="nl")
    _tell(person, email=EmailFrequency.DAILY)
    person.language = "en"  # they switch after the notice was made
    person.save()
    send_daily_digests()
    (digest,) = mail.outbox
    html = digest.alternatives[0].content
    assert ENGLISH in digest.body
    assert ENGLISH in html
    assert DUTCH not in digest.body + html


def test_an_immediate_email_is_in_the_language_of_the_recipient_when_it_is_sent(
    django_capture_on_commit_callbacks,
):
    person = UserFactory(language="nl")
    _tell(person, email=EmailFrequency.IMMEDIATELY)  # not sent yet: no commit
    person.language = "en"
    person.save()
    send_pending_emails()
    (email,) = mail.outbox
    assert ENGLISH in email.body
    assert DUTCH not in email.body + email.alternatives[0].content


def test_a_mailing_renders_once_a_language_and_each_reads_their_own():
    dutch, english = UserFactory(language="nl"), UserFactory(language="en")
    for person in (dutch, english):
        NotificationPreference.objects.create(
            user=person, kind="announcement", email=EmailFrequency.IMMEDIATELY
        )
    calls = []

    def message() -> str:
        calls.append(translation.get_language())
        return _decided()

    service.notify_each([dutch, english], kind="announcement", dedupe_key="m", message=message)
    assert sorted(calls) == ["en", "nl"]
    send_pending_emails()
    by_person = {email.to[0]: email.body for email in mail.outbox}
    assert DUTCH in by_person[dutch.email]
    assert ENGLISH not in by_person[dutch.email]
    assert ENGLISH in by_person[english.email]
    assert DUTCH not in by_person[english.email]


def test_nobody_to_tell_renders_nothing():
    def message() -> str:
        raise AssertionError("rendered for nobody")

    assert service.notify_each([None], kind="announcement", dedupe_key="n", message=message) == 0


@pytest.mark.parametrize("finished", ["Het college besloot: Bridge", ""])
def test_a_finished_string_is_refused(finished):
    person = UserFactory()
    with pytest.raises(TypeError, match="callable"):
        service.notify(
            recipient=person,
            kind="announcement",
            message=finished,  # type: ignore[arg-type]
            dedupe_key="x",
        )
    with pytest.raises(TypeError, match="callable"):
        service.notify_each(
            [person],
            kind="announcement",
            dedupe_key="x",
            message=finished,  # type: ignore[arg-type]
        )
    assert not Notification.objects.exists()


def test_a_lazy_translation_is_accepted():
    notification = service.notify(
        recipient=UserFactory(),
        kind="announcement",
        message=gettext_lazy("Welcome to the resident panel!"),
        dedupe_key="lazy",
    )
    assert notification.messages["en"] == "Welcome to the resident panel!"
    with translation.override("nl"):
        assert notification.messages["nl"] == gettext("Welcome to the resident panel!")
    assert notification.messages["nl"] != notification.messages["en"]


def test_each_language_holds_at_most_500_characters_and_the_dedupe_key_holds():
    person = UserFactory()

    def long() -> str:
        return translation.get_language() * 400

    first = service.notify(recipient=person, kind="announcement", message=long, dedupe_key="d")
    assert {code: len(text) for code, text in first.messages.items()} == {"nl": 500, "en": 500}
    assert first.messages["en"].startswith("enen")
    again = service.notify(recipient=person, kind="announcement", message=long, dedupe_key="d")
    assert again is None
    assert Notification.objects.filter(recipient=person).count() == 1


def test_a_text_missing_in_a_language_falls_back_to_the_default_language():
    notification = NotificationFactory(messages={"nl": "Alleen Nederlands"})
    assert notification.message_in("en") == "Alleen Nederlands"
    assert notification.message_in("en-gb") == "Alleen Nederlands"
    assert NotificationFactory(messages={"en": "English only"}).message_in("nl") == "English only"


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_costs_the_same_queries_for_one_or_many(client, django_assert_num_queries, rows):
    person = UserFactory(language="nl")
    NotificationFactory.create_batch(rows, recipient=person, messages={"nl": "Hoi", "en": "Hi"})
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # session, user, unread badge, count for paging, the page of notifications
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.decode().count(">Hi<") == rows


@pytest.fixture
def admin_client(client):
    from accounts.tests.factories import sign_in_staff

    sign_in_staff(client, StaffFactory(is_superuser=True))
    return client


def test_the_back_office_shows_the_text_in_its_language_and_every_language(admin_client):
    notification = NotificationFactory(messages={"nl": "Hallo buurt", "en": "Hello neighbours"})
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    changelist = admin_client.get(
        reverse("admin:notifications_notification_changelist"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Hello neighbours" in changelist
    assert "Hallo buurt" not in changelist
    found = admin_client.get(
        reverse("admin:notifications_notification_changelist"),
        {"q": "buurt"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Hello neighbours" in found  # searching finds the text in any language
    change = admin_client.get(
        reverse("admin:notifications_notification_change", args=[notification.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Hallo buurt" in change
    assert "Hello neighbours" in change
    assert 'name="messages"' not in change  # shown, not edited
    assert '<dd lang="nl">Hallo buurt</dd>' in change


def test_notifications_made_before_keep_their_sentence_in_every_language():
    migration = importlib.import_module("notifications.migrations.0003_notification_messages")

    class Old:
        def __init__(self, pk, message):
            self.pk, self.message, self.messages = pk, message, {}

    old = [Old(1, "Het wijkfeest gaat door")]

    class Manager:
        def only(self, *fields):
            return self

        def iterator(self, chunk_size):
            return iter(old)

        def bulk_update(self, rows, fields):
            assert fields == ["messages"]

    class Model:
        objects = Manager()

    class Apps:
        def get_model(self, app, name):
            return Model

    migration.old_sentence_for_every_language(Apps(), None)
    assert old[0].messages == {"nl": "Het wijkfeest gaat door", "en": "Het wijkfeest gaat door"}
    assert apps.get_model("notifications", "Notification") is Notification
