"""The portal's emails as a mail server and a mail client see them: the classic MIME
path gives the same headers and bodies Django's own path gives, anything outside the
portal's shape still goes Django's way, and a mailing's shared bodies are exactly what
each person would have got on their own."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives, mailers

from notifications.emails import EmailRecipient, PortalEmail, SharedBodies, build_email
from tests.concurrency import free_port

RECIPIENT = EmailRecipient(email="bewoner@example.nl", language="nl")


def parsed(message) -> email.message.EmailMessage:
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert b"\r\n" in raw
    assert b"\n\n" not in raw.replace(b"\r\n", b"")  # no bare line feeds
    return email.message_from_bytes(raw, policy=email.policy.default)


def notification_email(
    recipient=RECIPIENT, subject="Het wijkfeest gaat door", link_code="signed-code", **extra
):
    class Note:
        message = subject
        url = "/initiatieven/"

    return build_email(
        recipient=recipient,
        subject=subject,
        template="notification",
        context={"notification": Note, "link": "https://portaal.example/initiatieven/"},
        unsubscribe_token=link_code,
        **extra,
    )


def smtp_mailer(settings, port: int):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    return mailers.default


def as_django_would(message: PortalEmail) -> EmailMultiAlternatives:
    twin = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        headers=message.extra_headers,
    )
    twin.attach_alternative(message.alternatives[0].content, "text/html")
    return twin


@pytest.mark.parametrize(
    "subject",
    ["Het wijkfeest gaat door", "Café € 5 — \u2018De Brug\u2019 ópen " + "lang " * 20],
)
def test_the_classic_path_says_what_djangos_path_says(subject):
    message = notification_email(subject=subject)
    ours, theirs = parsed(message), parsed(as_django_would(message))
    for header in ["Subject", "From", "To", "List-Unsubscribe", "List-Unsubscribe-Post"]:
        assert str(ours[header]).strip() == str(theirs[header]).strip(), header
    assert ours.get_content_type() == "multipart/alternative"
    assert ours["Message-ID"]
    assert ours["Date"]
    assert ours.get_body(("plain",)).get_content() == theirs.get_body(("plain",)).get_content()
    assert ours.get_body(("html",)).get_content() == theirs.get_body(("html",)).get_content()
    assert subject.split()[0] in ours.get_body(("plain",)).get_content()


def test_a_line_break_never_reaches_a_header():
    message = notification_email(subject="Eerste regel\nBcc: iedereen@example.nl")
    assert "\n" not in message.subject
    assert "Bcc" not in parsed(message)
    message.extra_headers["X-Note"] = "a\r\nBcc: iedereen@example.nl"
    with pytest.raises(ValueError, match="linefeed"):
        message.message()


def test_what_falls_outside_the_portals_shape_goes_djangos_way():
    international = notification_email(
        recipient=EmailRecipient(email="bewoner@bücher.example", language="nl")
    )
    assert parsed(international)["To"] == "bewoner@xn--bcher-kva.example"
    own_id = notification_email()
    own_id.extra_headers["Message-ID"] = "<mailing-1@gemeente.example>"
    assert parsed(own_id).get_all("Message-ID") == ["<mailing-1@gemeente.example>"]
    with_file = notification_email()
    with_file.attach("verslag.txt", "Verslag van de avond", "text/plain")
    assert [part.get_filename() for part in parsed(with_file).iter_attachments()] == ["verslag.txt"]


def test_shared_bodies_are_rendered_once_a_language_and_carry_each_persons_own_link():
    shared = SharedBodies()
    people = [
        EmailRecipient(email=f"bewoner{number}@example.nl", language=language)
        for number, language in enumerate(["nl", "en", "nl"])
    ]
    for person in people:
        token = f"token-of-{person.email}"
        alone = notification_email(recipient=person, link_code=token)
        together = notification_email(recipient=person, link_code=token, shared=(shared, "feest"))
        assert together.body == alone.body
        assert together.alternatives == alone.alternatives
        assert token in together.body
        assert shared.link not in together.body + together.alternatives[0].content
    assert len(shared._rendered) == 2  # Dutch and English


def test_a_mail_server_receives_each_email_whole(settings):
    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        backend = smtp_mailer(settings, port)
        shared = SharedBodies()
        messages = [
            notification_email(
                recipient=EmailRecipient(email=f"bewoner{n}@example.nl"), shared=(shared, "feest")
            )
            for n in range(3)
        ]
        assert backend.send_messages(messages) == 3
    finally:
        controller.stop()
    assert [to for to, _content in received] == [[f"bewoner{n}@example.nl"] for n in range(3)]
    for to, content in received:
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert message["To"] == to[0]
        assert "Het wijkfeest gaat door" in message.get_body(("plain",)).get_content()
        assert message["List-Unsubscribe"].strip().startswith("<http")
