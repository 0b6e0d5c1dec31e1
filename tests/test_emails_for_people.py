"""Emails and notices made for people (issue 28): a short subject per kind, a receipt
with the answer term, the municipality's question beside the answer box, a notice that
counts as read once its link is followed, sign-up with a name, and signed in (or told
plainly to sign in) after confirming the email address."""

import re
from datetime import date

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory
from initiatives import actions
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory, ThemeFactory
from notifications import kinds
from notifications.models import Notification
from notifications.service import notify
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LONG = (
    "“Bankjes in het Bongerdpark” heeft nu de status: In behandeling. We hebben het "
    "initiatief met de wijkregisseur besproken en komen binnenkort met een voorstel."
)


def test_an_email_has_the_short_subject_of_its_kind_not_the_message(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    resident = UserFactory(language="nl")
    english = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (resident, english):
            notify(
                recipient=person,
                kind=actions.UPDATE,
                message=lambda: LONG,
                dedupe_key="test:long",
                url="/initiatieven/",
            )
    subjects = {message.to[0]: message.subject for message in mailoutbox}
    prefix = f"[{settings.PORTAL_MUNICIPALITY_NAME}] "
    assert subjects[resident.email] == prefix + "Nieuws over een initiatief"
    assert subjects[english.email] == prefix + "News about an initiative"
    for message in mailoutbox:
        assert "Bankjes" not in message.subject  # the message is the body, whole
        assert LONG in message.body


def test_every_kind_has_a_short_subject_of_its_own():
    subjects = [str(kind.subject) for kind in kinds.kinds()]
    assert len(set(subjects)) == len(subjects)
    assert all(0 < len(subject) <= 60 for subject in subjects)


def test_submitting_gives_the_initiator_a_receipt_with_the_answer_term(
    django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    initiative = InitiativeFactory(theme=ThemeFactory(response_days=3), title="Moestuin")
    initiative.initiator.language = "nl"
    initiative.initiator.save()
    friday = timezone.make_aware(timezone.datetime(2026, 12, 18, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: friday)
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative.refresh_from_db()
    assert initiative.response_due == date(2026, 12, 23)
    receipt = Notification.objects.get(recipient=initiative.initiator, kind=actions.RECEIPT)
    assert "Moestuin" in receipt.message_in("nl")
    assert "3 werkdagen" in receipt.message_in("nl")
    assert "23 december 2026" in receipt.message_in("nl")
    assert "3 working days, by 23 December 2026" in receipt.message_in("en")
    assert receipt.url == initiative.get_absolute_url()
    (email,) = [m for m in mailoutbox if m.to == [initiative.initiator.email]]
    assert email.subject.endswith("We hebben je initiatief ontvangen")
    assert "23 december 2026" in email.body


def test_the_receipt_of_a_one_day_term_says_one_working_day():
    initiative = InitiativeFactory(theme=ThemeFactory(response_days=1))
    initiative.initiator.language = "en"
    initiative.initiator.save()
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    receipt = Notification.objects.get(recipient=initiative.initiator, kind=actions.RECEIPT)
    assert "within 1 working day," in receipt.message_in("en")
    assert "binnen 1 werkdag," in receipt.message_in("nl")


def test_the_initiator_sees_the_municipalitys_question_beside_the_answer_box(client):
    initiative = InitiativeFactory()
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    staff = StaffFactory()
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
    )
    actions.change_initiative_status(
        initiative=initiative,
        to=Status.NEEDS_INFO,
        by=staff,
        message="Hoeveel bankjes wilt u precies plaatsen?",
    )
    client.force_login(initiative.initiator)
    html = client.get(initiative.get_absolute_url()).content.decode()
    answer = html.index('id="answer-title"')
    question = html.index("Hoeveel bankjes wilt u precies plaatsen?", answer)
    form = html.index('action="' + reverse("initiatives:answer", args=[initiative.pk]), answer)
    assert question < form  # in the answer's section, before the box


def test_following_a_notifications_link_marks_it_read(client):
    notification = NotificationFactory(url="/initiatieven/")
    other = NotificationFactory(recipient=notification.recipient, url="/wijken/")
    client.force_login(notification.recipient)
    listing = client.get(reverse("notifications:list")).content.decode()
    opener = reverse("notifications:open", args=[notification.pk])
    assert f'href="{opener}"' in listing
    response = client.get(opener)
    assert response.status_code == 302
    assert response["Location"] == "/initiatieven/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.is_read
    assert not other.is_read


def test_a_notifications_link_goes_nowhere_outside_the_portal_and_is_the_owners_alone(client):
    elsewhere = NotificationFactory(url="https://kwaadaardig.example/")
    client.force_login(elsewhere.recipient)
    response = client.get(reverse("notifications:open", args=[elsewhere.pk]))
    assert response["Location"] == reverse("notifications:list")
    someone_elses = NotificationFactory()
    assert client.get(reverse("notifications:open", args=[someone_elses.pk])).status_code == 404
    someone_elses.refresh_from_db()
    assert not someone_elses.is_read


def _sign_up(client, **extra):
    return client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.nl", "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def test_sign_up_asks_the_name_shown_with_contributions(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in page
    assert page.index('name="email"') < page.index('name="display_name"')
    assert page.index('name="display_name"') < page.index('name="password1"')
    _sign_up(client, display_name="  Fatima   uit De Bongerd ")
    assert User.objects.get(email="nieuw@example.nl").display_name == "Fatima uit De Bongerd"


def test_sign_up_without_a_name_is_fine_and_a_scripted_name_is_refused_beside_it(client):
    response = _sign_up(client, display_name="<script>alert(1)</script>")
    assert response.status_code == 200
    assert re.search(r'id="id_display_name_error"', response.content.decode())
    assert not User.objects.filter(email="nieuw@example.nl").exists()
    _sign_up(client)
    assert User.objects.get(email="nieuw@example.nl").display_name == ""


def _confirmation_url(user) -> str:
    address = EmailAddress.objects.get(user=user)
    return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


def test_confirming_in_the_browser_that_signed_up_signs_the_person_in(client):
    _sign_up(client)
    user = User.objects.get(email="nieuw@example.nl")
    response = client.post(_confirmation_url(user))
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_confirming_elsewhere_says_plainly_to_sign_in(client):
    _sign_up(client)
    user = User.objects.get(email="nieuw@example.nl")
    client.cookies.clear()  # the link opened on another device
    response = client.post(_confirmation_url(user), follow=True)
    assert "_auth_user_id" not in client.session
    assert response.wsgi_request.path == reverse("account_login")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    page = response.content.decode()
    assert "Meld je aan met dit adres en je wachtwoord" in page or any(
        "Meld je aan met dit adres" in text for text in said
    )
    # Walk finding 13: one message, not allauth's "Je hebt het e-mailadres … bevestigd"
    # beside ours; and "Meld je aan", as the button says, not "Log in".
    assert "Je hebt het e-mailadres" not in page
    assert "Log in" not in page


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def _email_to(mailoutbox, person):
    (message,) = [m for m in mailoutbox if m.to == [person.email]]
    return message


def test_an_emails_link_marks_its_notification_read_and_names_nothing_personal(
    client, django_capture_on_commit_callbacks, mailoutbox, settings
):
    resident = UserFactory(language="nl")
    earlier = NotificationFactory(recipient=resident, url="/wijken/")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            recipient=resident,
            kind=actions.UPDATE,
            message=lambda: "Je initiatief is in behandeling",
            dedupe_key="test:open",
            url="/initiatieven/?na=1#reactie-3",
        )
    opener = settings.PORTAL_BASE_URL + reverse("notifications:open", args=[notification.pk])
    message = _email_to(mailoutbox, resident)
    html = message.alternatives[0].content
    assert opener in _links(message.body)
    assert f'href="{opener}"' in html
    for text in (message.body, html):
        assert "/initiatieven/" not in text  # only the opener, which needs the recipient
        for link in _links(text):
            assert resident.email not in link
            assert "@" not in link.replace("%40", "@")
    # Following it, as the person signs in on the way, marks it read and arrives.
    response = client.get(opener)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    notification.refresh_from_db()
    assert not notification.is_read  # a stranger with the link reads nothing
    client.force_login(resident)
    response = client.get(opener)
    assert response["Location"] == "/initiatieven/?na=1#reactie-3"
    notification.refresh_from_db()
    earlier.refresh_from_db()
    assert notification.is_read
    assert not earlier.is_read


def test_a_mailings_emails_each_open_their_own_notification(
    django_capture_on_commit_callbacks, mailoutbox
):
    people = [UserFactory(language=language) for language in ("nl", "nl", "en")]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            notify(
                recipient=person,
                kind=actions.UPDATE,
                message=lambda: "Het wijkfeest gaat door",
                dedupe_key="test:feest",
                url="/wijken/",
            )
    for person in people:
        notification = Notification.objects.get(recipient=person)
        opener = reverse("notifications:open", args=[notification.pk])
        message = _email_to(mailoutbox, person)
        assert [link for link in _links(message.body) if "/openen/" in link] == [
            f"http://testserver{opener}"
        ]
        assert f'href="http://testserver{opener}"' in message.alternatives[0].content


def test_a_digests_links_each_mark_their_own_notification_read(client, mailoutbox):
    from notifications.models import EmailFrequency, EmailState, NotificationPreference
    from notifications.tasks import send_digest

    resident = UserFactory(language="nl")
    NotificationPreference.objects.create(
        user=resident, kind="announcement", email=EmailFrequency.DAILY
    )
    first, second = (
        NotificationFactory(recipient=resident, url=url, email_state=EmailState.IN_DIGEST)
        for url in ("/wijken/", "/initiatieven/")
    )
    without_link = NotificationFactory(recipient=resident, url="", email_state=EmailState.IN_DIGEST)
    assert send_digest(resident.pk) == 3
    message = _email_to(mailoutbox, resident)
    openers = [reverse("notifications:open", args=[item.pk]) for item in (first, second)]
    assert [link for link in _links(message.body) if "/openen/" in link] == [
        f"http://testserver{opener}" for opener in openers
    ]
    assert without_link.message in message.body
    html = message.alternatives[0].content
    assert all(f'href="http://testserver{opener}"' in html for opener in openers)
    assert "testserver/wijken/" not in message.body + html
    client.force_login(resident)
    assert client.get(openers[1])["Location"] == "/initiatieven/"
    assert [
        Notification.objects.get(pk=item.pk).is_read for item in (first, second, without_link)
    ] == [False, True, False]


def test_the_link_of_a_kind_only_emailed_opens_too_and_is_the_recipients_alone(client):
    emailed_only = NotificationFactory(url="/wijken/", in_app=False)
    client.force_login(emailed_only.recipient)
    assert (
        client.get(reverse("notifications:list")).content.decode().count(emailed_only.message) == 0
    )
    response = client.get(reverse("notifications:open", args=[emailed_only.pk]))
    assert response["Location"] == "/wijken/"
    emailed_only.refresh_from_db()
    assert emailed_only.is_read
    someone_elses = NotificationFactory(url="/wijken/", in_app=False)
    assert client.get(reverse("notifications:open", args=[someone_elses.pk])).status_code == 404
