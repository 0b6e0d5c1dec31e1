import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications import kinds, service
from notifications.models import EmailFrequency, EmailState, Notification, NotificationPreference
from notifications.tasks import relay_outbox, send_daily_digests, send_pending_emails
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _prefer(user, email, in_app=True, kind="announcement"):
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": email, "in_app": in_app}
    )


def test_immediate_notification_is_emailed_once_with_html_text_and_unsubscribe(
    resident, django_capture_on_commit_callbacks
):
    _prefer(resident, EmailFrequency.IMMEDIATELY)
    with django_capture_on_commit_callbacks(execute=True):
        notification = service.notify(
            recipient=resident,
            kind="announcement",
            message=lambda: "De wijkschouw is verplaatst",
            url="/wijken/",
            dedupe_key="schouw:1",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert "De wijkschouw is verplaatst" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    opener = reverse("notifications:open", args=[notification.pk])
    assert f'href="http://testserver{opener}"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/uitschrijven/")
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    # Running the task again (a retry or a redelivery) sends nothing more.
    assert send_pending_emails() == 0
    assert len(mail.outbox) == 1


def test_same_dedupe_key_notifies_once(resident):
    first = service.notify(
        recipient=resident, kind="announcement", message=lambda: "Eén keer", dedupe_key="k"
    )
    second = service.notify(
        recipient=resident, kind="announcement", message=lambda: "Eén keer", dedupe_key="k"
    )
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=resident).count() == 1


def test_never_and_hidden_creates_nothing(resident):
    _prefer(resident, EmailFrequency.NEVER, in_app=False)
    assert (
        service.notify(recipient=resident, kind="announcement", message=lambda: "x", dedupe_key="x")
        is None
    )
    assert not Notification.objects.exists()


def test_unknown_kind_is_refused(resident):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        service.notify(recipient=resident, kind="onbekend", message=lambda: "x", dedupe_key="x")


def test_daily_digest_bundles_waiting_notifications_once(resident, other_resident):
    _prefer(resident, EmailFrequency.DAILY)
    for number in range(3):
        service.notify(
            recipient=resident,
            kind="announcement",
            message=lambda text=f"Bericht {number}": text,
            dedupe_key=f"d{number}",
        )
    _prefer(other_resident, EmailFrequency.NEVER)
    service.notify(
        recipient=other_resident, kind="announcement", message=lambda: "Stil", dedupe_key="s"
    )
    assert mail.outbox == []
    assert send_daily_digests() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert all(f"Bericht {number}" in body for number in range(3))
    assert "Stil" not in body
    assert send_daily_digests() == 0
    assert len(mail.outbox) == 1


def test_unsubscribe_link_asks_first_then_stops_that_kind(client, resident):
    token = kinds.unsubscribe_token(resident, "announcement")
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert kinds.preference_for(resident, "announcement").email == EmailFrequency.DAILY
    response = client.post(url, HTTP_CONTENT_TYPE="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert kinds.preference_for(resident, "announcement").email == EmailFrequency.NEVER


STOPPED: list[tuple[int, int]] = []


def _stop_subject(user, pk) -> bool:
    STOPPED.append((user.pk, pk))
    return True


def test_a_kind_that_stops_per_subject_stops_only_that_subject(client, resident):
    """The link of a kind registered with ``unsubscribe_subject`` (a saved area of the
    buurtradar) hands the subject to the kind; the kind's preference stays as it was."""
    STOPPED.clear()
    kinds.register_kind("test_per_subject", "Per subject", unsubscribe_subject=_stop_subject)
    token = kinds.unsubscribe_token(resident, "test_per_subject", 7)
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 200
    assert [(resident.pk, 7)] == STOPPED
    assert kinds.preference_for(resident, "test_per_subject").email == EmailFrequency.IMMEDIATELY
    # A subject in the link of a kind that does not stop per subject is not honoured.
    forged = kinds.unsubscribe_token(resident, "announcement", 7)
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    assert kinds.preference_for(resident, "announcement").email == EmailFrequency.DAILY


def test_notify_without_email_keeps_the_portal_notice_only(resident):
    notification = service.notify(
        recipient=resident,
        kind="announcement",
        message=lambda: "Alleen op het portaal",
        dedupe_key="portal-only",
        email=False,
    )
    assert notification is not None
    assert notification.in_app
    assert notification.email_state == EmailState.NOT_EMAILED


def test_tampered_unsubscribe_token_is_404(client, resident):
    token = kinds.unsubscribe_token(resident, "announcement")
    assert client.post(reverse("notifications:unsubscribe", args=[token + "x"])).status_code == 404
    assert client.get(reverse("notifications:unsubscribe", args=["rommel"])).status_code == 404


def test_resident_sees_only_own_notifications_and_marks_read(client, resident, other_resident):
    mine = NotificationFactory(recipient=resident, message="Voor Anna")
    theirs = NotificationFactory(recipient=other_resident, message="Voor Bram")
    client.force_login(resident)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Voor Anna" in page
    assert "Voor Bram" not in page
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_read_with_htmx_returns_only_the_item(client, resident):
    mine = NotificationFactory(recipient=resident)
    client.force_login(resident)
    response = client.post(reverse("notifications:read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith("<li")
    assert "<html" not in html


def test_mark_all_read(client, resident):
    NotificationFactory.create_batch(3, recipient=resident)
    client.force_login(resident)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=resident, read_at__isnull=True).exists()


def test_anonymous_is_sent_to_login(client, resident):
    mine = NotificationFactory(recipient=resident)
    for method, url in [
        ("get", reverse("notifications:list")),
        ("post", reverse("notifications:read_all")),
        ("post", reverse("notifications:read", args=[mine.pk])),
        ("get", reverse("notifications:preferences")),
        ("post", reverse("notifications:preferences")),
    ]:
        response = getattr(client, method)(url, {"announcement__email": "never"})
        assert response.status_code == 302, url
        assert response.url.startswith("/account/login/"), url
    mine.refresh_from_db()
    assert mine.read_at is None
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("rows", [1, 20])
def test_notification_list_query_count_is_constant(
    client, resident, django_assert_num_queries, rows
):
    NotificationFactory.create_batch(rows, recipient=resident)
    client.force_login(resident)
    # session, user, unread badge, count for paging, the page of notifications
    with django_assert_num_queries(5):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_preferences_saved(client, resident):
    client.force_login(resident)
    # The whole form, as the browser sends it: every registered kind has its row.
    data = {f"{kind.key}__email": "never" for kind in kinds.kinds()}
    data.update({"announcement__email": "immediately", "announcement__in_app": "on"})
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert kinds.preference_for(resident, "announcement").email == "immediately"


def test_preferences_bad_input_shows_error_and_saves_nothing(client, resident):
    client.force_login(resident)
    response = client.post(reverse("notifications:preferences"), {"announcement__email": "elk-uur"})
    assert response.status_code == 400
    assert 'id="id_announcement__email_error"' in response.content.decode()
    assert not NotificationPreference.objects.filter(user=resident).exists()


def test_inactive_user_is_not_notified(db):
    user = UserFactory(is_active=False)
    assert (
        service.notify(recipient=user, kind="announcement", message=lambda: "x", dedupe_key="x")
        is None
    )


def test_failed_smtp_gives_the_claim_back_for_a_retry(resident, other_resident, monkeypatch):
    """The mail server refuses halfway through a batch: what it accepted stays sent, the
    rest goes back to the outbox, and the retry sends only that."""
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    first, second = (
        NotificationFactory(recipient=person, email_state=EmailState.PENDING)
        for person in (resident, other_resident)
    )
    accepted = []
    real_send = EmailBackend.send_messages

    def refuse_the_second(self, messages):
        if accepted:
            raise smtplib.SMTPServerDisconnected("mail server away")
        accepted.extend(messages)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_second)
    result = send_pending_emails.apply()
    assert result.failed()
    assert [m.to for m in mail.outbox] == [[resident.email]]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.email_state, second.email_state) == (EmailState.SENT, EmailState.PENDING)
    monkeypatch.undo()
    assert send_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [[resident.email], [other_resident.email]]


def test_a_large_mailing_goes_in_batches_over_one_connection(settings, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    settings.PORTAL_EMAIL_BATCH = 10
    people = UserFactory.create_batch(25)
    for person in people:
        NotificationFactory(recipient=person, email_state=EmailState.PENDING)
    opened = []
    real_open = EmailBackend.open

    def counting_open(self):
        opened.append(self)
        return real_open(self)

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    assert send_pending_emails() == 10  # and hands the rest on, run by the eager queue
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert len(opened) == 3  # one connection per batch of ten
    assert not Notification.objects.exclude(email_state=EmailState.SENT).exists()


def test_the_relay_gives_back_claims_of_a_worker_that_died(settings, resident):
    """A batch claimed longer ago than the lease was never finished: it is sent again;
    a fresh claim (a worker still busy with it) is left alone."""
    from datetime import timedelta

    from django.utils import timezone

    stale = NotificationFactory(
        recipient=resident,
        email_state=EmailState.SENDING,
        emailed_at=timezone.now()
        - timedelta(seconds=settings.PORTAL_EMAIL_CLAIM_LEASE_SECONDS + 1),
    )
    busy = NotificationFactory(
        recipient=resident, email_state=EmailState.SENDING, emailed_at=timezone.now()
    )
    assert relay_outbox() == 1
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert stale.email_state == EmailState.SENT
    assert busy.email_state == EmailState.SENDING
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_notifications_saved_while_the_queue_is_down_wait_for_the_relay(
    resident, monkeypatch, django_capture_on_commit_callbacks
):
    """The task queue refuses: the notification is saved all the same, and the relay
    sends it once the queue is back."""
    from kombu.exceptions import OperationalError

    _prefer(resident, EmailFrequency.IMMEDIATELY)

    def queue_down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(send_pending_emails, "delay", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        notification = service.notify(
            recipient=resident, kind="announcement", message=lambda: "Hallo", dedupe_key="down"
        )
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []
    monkeypatch.undo()
    relay_outbox()
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert send_pending_emails() == 0


def test_many_notifications_in_one_transaction_start_sending_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    started = []
    monkeypatch.setattr(send_pending_emails, "delay", lambda: started.append(1))
    people = UserFactory.create_batch(5)
    for person in people:
        _prefer(person, EmailFrequency.IMMEDIATELY)
    with django_capture_on_commit_callbacks(execute=True):
        service.notify_each(people, kind="announcement", dedupe_key="once", message=lambda: "Hallo")
    assert started == [1]
    assert Notification.objects.filter(email_state=EmailState.PENDING).count() == 5


def test_preferences_empty_post_names_the_missing_field(client, resident):
    client.force_login(resident)
    response = client.post(reverse("notifications:preferences"), {})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_announcement__email_error"' in html
    assert "utrecht-select--invalid" in html
    assert not NotificationPreference.objects.filter(user=resident).exists()


def test_notify_batch_gives_each_their_own_message_by_their_preference_in_few_queries(
    django_assert_max_num_queries,
):
    """``notify_batch``: a message, dedupe key and email choice per person; the
    preferences read at once and the notifications inserted together."""
    people = UserFactory.create_batch(5)
    _prefer(people[0], EmailFrequency.NEVER, in_app=False)  # wants nothing: skipped
    _prefer(people[1], EmailFrequency.DAILY)
    for person in people[2:]:
        _prefer(person, EmailFrequency.IMMEDIATELY)
    notices = [
        service.Notice(
            recipient=person,
            message=(lambda number=number: f"Bericht {number}"),
            dedupe_key=f"batch:{number}",
            email=number != 2,
        )
        for number, person in enumerate(people)
    ]
    with django_assert_max_num_queries(6):
        assert service.notify_batch(notices, kind="announcement") == 4
    rows = {n.recipient_id: n for n in Notification.objects.filter(kind="announcement")}
    assert people[0].pk not in rows
    assert rows[people[1].pk].email_state == EmailState.IN_DIGEST
    assert rows[people[2].pk].email_state == EmailState.NOT_EMAILED  # email=False
    assert rows[people[3].pk].email_state == EmailState.PENDING
    assert rows[people[4].pk].message.startswith("Bericht 4")
    # Told already (the same dedupe keys): nothing new.
    service.notify_batch(notices, kind="announcement")
    assert Notification.objects.filter(kind="announcement").count() == 4
