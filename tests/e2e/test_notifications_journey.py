import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_mark_read_in_place_with_htmx(page: Page, live_server, sign_in, assert_accessible):
    resident = UserFactory()
    NotificationFactory(recipient=resident, message="De straat wordt opnieuw bestraat")
    sign_in(page, resident)
    page.goto(live_server.url + "/berichten/")
    assert_accessible(page)
    item = page.locator(".portal-notification")
    expect(item).to_contain_text("Nieuw")
    with page.expect_request("**/gelezen/") as request:
        page.get_by_role("button", name="Markeer als gelezen").click()
    assert request.value.headers.get("hx-request") == "true"
    expect(item).to_contain_text("Gelezen")
    expect(page.get_by_role("button", name="Markeer als gelezen")).to_have_count(0)
    assert page.url.endswith("/berichten/")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_notification_pages_accessible(
    page: Page, live_server, sign_in, assert_accessible, language
):
    resident = UserFactory(language=language)
    NotificationFactory.create_batch(3, recipient=resident)
    sign_in(page, resident)  # signing in speaks the account's language
    for path in ["/berichten/", "/berichten/instellingen/"]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
