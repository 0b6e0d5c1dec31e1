import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Fietsenstalling-2026"


def test_sign_up_verify_log_in_and_out(page: Page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Account aanmaken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registreren")
    page.get_by_label("E-mail").fill("nieuwe.inwoner@example.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifieer je e-mailadres")
    assert_accessible(page)

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Bevestigen").click()
    assert User.objects.get(email="nieuwe.inwoner@example.nl").emailaddress_set.get().verified
    # Confirming in the browser that signed up signs the person in.
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mail").fill("nieuwe.inwoner@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()


def test_sign_up_errors_are_shown_beside_fields(page: Page, live_server, assert_accessible):
    page.goto(live_server.url + "/account/signup/")
    page.get_by_label("E-mail").fill("geen-adres")
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Wachtwoord (bevestigen)").fill("kort")
    page.get_by_role("button", name="Registreren").click()
    expect(page.get_by_role("alert")).to_contain_text("Verbeter het volgende")
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert not User.objects.exists()
