"""The verification level for reports: a confirmed email address unless the
municipality asks more. A visitor's address confirmed by a link, and an app's user,
meet ``email`` only; above it a visitor signs in and shows it first."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from neighbourhoods import verification
from neighbourhoods.models import ActionLevel, Level
from neighbourhoods.tests.factories import NeighbourhoodFactory, ResidenceFactory
from reports import access, actions
from reports.models import Photo, Report, Status
from reports.tests.factories import loose_paving
from reports.tests.test_open311 import BASE, app_key, post_data  # noqa: F401  (fixture)
from reports.tests.test_resident import (
    BLOCK,
    CREATE,
    english,  # noqa: F401  (an autouse fixture: messages in English)
    form_data,
    link_in,
    make_image,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_level():
    ActionLevel.objects.create(action=access.REPORT, level=Level.RESIDENT)


def test_report_is_registered_with_email_as_its_default():
    keys = {action.key: action.default for action in verification.actions()}
    assert keys[access.REPORT] == Level.EMAIL


def test_by_default_accounts_and_visitors_report_as_before(client):
    NeighbourhoodFactory(boundary=BLOCK)
    assert client.post(CREATE, form_data()).status_code == 200  # check your email
    assert Report.objects.get().status == Status.UNCONFIRMED
    client.force_login(UserFactory())
    assert client.post(CREATE, form_data(email=None, seen_nearby="True")).status_code == 302
    assert Report.objects.filter(status=Status.RECEIVED).count() == 1


def test_above_email_a_visitor_is_sent_to_sign_in_and_show_where_they_live(client, resident_level):
    NeighbourhoodFactory(boundary=BLOCK)
    for response in (client.get(CREATE), client.post(CREATE, form_data())):
        assert response.status_code == 302
        assert response.url.startswith(verification.verification_url())
        assert "next=%2Fopenbare-ruimte%2Fmelden%2F" in response.url
    page = client.get(CREATE, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "Only residents who signed in can report here now." in page.content.decode()
    assert not Report.objects.exists()
    with pytest.raises(actions.NotEntitledError):
        actions.submit_report(
            category=loose_paving(), description="Losse tegels.", email="bewoner@example.nl"
        )
    assert not Report.objects.exists()


def test_above_email_an_apps_report_is_refused(client, resident_level, app_key):  # noqa: F811
    NeighbourhoodFactory(boundary=BLOCK)
    response = client.post(f"{BASE}requests.json", post_data(app_key))
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Report.objects.exists()


def test_resident_level_refuses_someone_from_another_wijk_and_saves_nothing(client, resident_level):
    NeighbourhoodFactory(boundary=BLOCK)
    elsewhere = ResidenceFactory(neighbourhood=NeighbourhoodFactory()).user
    client.force_login(elsewhere)
    response = client.post(CREATE, form_data(email=None, photos=[make_image()]), follow=True)
    first_url, status = response.redirect_chain[0]
    assert status == 302
    assert first_url.startswith(verification.verification_url())
    assert "Only residents of this neighbourhood can do this." in response.content.decode()
    assert not Report.objects.exists()
    assert not Photo.objects.exists()
    with pytest.raises(actions.NotEntitledError) as refused:
        actions.submit_report(
            category=loose_paving(),
            description="Losse tegels.",
            latitude="52.150000",
            longitude="5.370000",
            reporter=elsewhere,
        )
    assert refused.value.refusal.reason == verification.Refusal.RESIDENCE
    assert not Report.objects.exists()


def test_resident_level_accepts_someone_living_there(client, resident_level):
    here = NeighbourhoodFactory(boundary=BLOCK)
    neighbour = ResidenceFactory(neighbourhood=here).user
    client.force_login(neighbour)
    response = client.post(CREATE, form_data(email=None, seen_nearby="True"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reporter == neighbour
    assert report.neighbourhood == here
    assert report.status == Status.RECEIVED


def test_a_visitors_report_sent_before_the_level_was_raised_stays_out(
    client, django_capture_on_commit_callbacks
):
    NeighbourhoodFactory(boundary=BLOCK)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, form_data())
    link = link_in(mail.outbox[0])
    ActionLevel.objects.create(action=access.REPORT, level=Level.RESIDENT)
    client.get(link)
    response = client.post(reverse("reports:confirm"))
    assert response.status_code == 302
    assert response.url.startswith(verification.verification_url())
    assert Report.objects.get().status == Status.UNCONFIRMED
