"""DigiD through an OpenID Connect broker (neighbourhoods.digid), against a real provider
on the loopback (tests/oidc_broker.mjs): a signed-in resident goes to the broker, comes
back, and is shown to live in their neighbourhood; only that is kept."""

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from neighbourhoods.models import ActionLevel, Level, Residence
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
from tests.digid_broker import running_broker, sign_in_at_broker

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/mijn/woonplaats/digid/terug/"
RESIDENTS = {
    "999990019": {"wijkcode": "WK001401"},
    "999990020": {"postcode": "9716 AB"},
    "999990032": {"wijkcode": "WK999999"},  # lives elsewhere
}


@pytest.fixture(scope="module")
def broker():
    with running_broker([CALLBACK], RESIDENTS) as running:
        yield running


@pytest.fixture(autouse=True)
def english(client, settings, broker):
    broker.configure(settings)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def area(db):
    return NeighbourhoodFactory(name="Oosterpoort", cbs_code="WK001401", postcodes="9716")


def go_to_broker(client, next_url: str = "") -> str:
    response = client.post(reverse("verification:digid_start"), {"next": next_url})
    assert response.status_code == 302
    return response.url


def test_the_button_shows_only_when_a_broker_is_configured(client, settings, broker):
    client.force_login(UserFactory())
    page = client.get(reverse("verification:start"))
    assert "Log in with DigiD" in page.content.decode()
    # Its form may end at the broker; no other page's forms may.
    assert f"form-action 'self' {broker.issuer}" in page["Content-Security-Policy"]
    assert broker.issuer not in client.get("/wijken/")["Content-Security-Policy"]
    settings.PORTAL_DIGID_OIDC_ISSUER = ""
    assert "Log in with DigiD" not in client.get(reverse("verification:start")).content.decode()
    assert client.post(reverse("verification:digid_start")).status_code == 404


def test_a_resident_shows_their_neighbourhood_with_digid(client, broker, area, caplog):
    resident = UserFactory()
    client.force_login(resident)
    item = AgendaItemFactory(neighbourhood=area)
    authorize = go_to_broker(client, item.get_absolute_url())
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{broker.issuer}/auth?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [CALLBACK]
    assert "nonce" in query
    assert "state" in query

    back = sign_in_at_broker(authorize, "999990019")
    assert back.startswith(CALLBACK)
    assert "code=" in back
    with caplog.at_level(logging.DEBUG):
        response = client.get(back)
    assert response.url == item.get_absolute_url()
    residence = Residence.objects.get(user=resident)
    assert (residence.neighbourhood, residence.method) == (area, "digid")

    # Nothing of the broker's answer stays: no BSN, no token, in the database or session.
    session = json.dumps(dict(client.session.items()), default=str)
    assert "999990019" not in session
    assert "oidc_id_token" not in session
    assert "oidc_access_token" not in session
    code = parse_qs(urlsplit(back).query)["code"][0]
    assert "999990019" not in caplog.text
    assert code not in caplog.text

    # The agenda vote that asked for residence now goes through.
    ActionLevel.objects.create(action="agenda_vote", level=Level.RESIDENT)
    client.post(reverse("neighbourhoods:agenda_vote", args=[area.slug, item.pk]))
    assert item.votes.filter(user=resident).exists()


def test_the_postcode_claim_finds_the_neighbourhood(client, area):
    resident = UserFactory()
    client.force_login(resident)
    client.get(sign_in_at_broker(go_to_broker(client), "999990020"))
    assert Residence.objects.get(user=resident).neighbourhood == area


def test_someone_living_elsewhere_is_told_and_nothing_is_saved(client, area):
    client.force_login(UserFactory())
    response = client.get(sign_in_at_broker(go_to_broker(client), "999990032"), follow=True)
    assert "you do not live in one of the municipality" in response.content.decode()
    assert not Residence.objects.exists()


def test_a_code_works_once_and_only_in_the_session_that_started(client, area):
    first = UserFactory()
    client.force_login(first)
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    assert client.get(back).status_code == 302
    Residence.objects.all().delete()
    # Replayed: the state is used up.
    response = client.get(back, follow=True)
    assert "did not work" in response.content.decode()
    assert not Residence.objects.exists()

    # Another account's session never started this state.
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    from django.test import Client

    other = Client()
    other.force_login(UserFactory())
    other.get(back)
    assert not Residence.objects.exists()


def test_a_forged_state_or_code_is_refused(client, area):
    client.force_login(UserFactory())
    authorize = go_to_broker(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get(reverse("verification:digid_callback"), {"code": "x", "state": state})
    assert response.url == reverse("verification:start")
    assert not Residence.objects.exists()
    response = client.get(
        reverse("verification:digid_callback"), {"error": "access_denied", "state": "nope"}
    )
    assert response.status_code == 302
    assert not Residence.objects.exists()


def test_a_token_from_another_issuer_is_refused(client, area, settings):
    client.force_login(UserFactory())
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    settings.PORTAL_DIGID_OIDC_ISSUER = "https://another-broker.example"
    client.get(back)
    assert not Residence.objects.exists()


def test_a_visitor_is_asked_to_sign_in_first(client):
    response = client.post(reverse("verification:digid_start"))
    assert response.status_code == 302
    assert "/account/login/" in response.url
    assert "/account/login/" in client.get(reverse("verification:digid_callback")).url


def test_one_person_shows_residence_for_one_account_only(client, area):
    """The same BSN for a second account moves the residence: the first account loses it."""
    from django.test import Client

    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    client.get(sign_in_at_broker(go_to_broker(client), "999990019"))
    assert Residence.objects.get(user=first).neighbourhood == area

    other = Client()
    other.force_login(second)
    other.get(sign_in_at_broker(go_to_broker(other), "999990019"))
    assert list(Residence.objects.values_list("user", flat=True)) == [second.pk]
    # A pseudonym, not the BSN or the broker's subject.
    subject = Residence.objects.get().digid_subject
    assert subject
    assert len(subject) == 64
    assert "999990019" not in subject

    # Someone else keeps their own residence.
    third = Client()
    third.force_login(UserFactory())
    third.get(sign_in_at_broker(go_to_broker(third), "999990020"))
    assert Residence.objects.count() == 2


def test_a_state_older_than_a_quarter_of_an_hour_is_refused(client, area):
    client.force_login(UserFactory())
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    session = client.session
    for started in session["oidc_states"].values():
        started["added_on"] -= 16 * 60
    session["oidc_login_next"] = "/elsewhere/"
    session.save()
    response = client.get(back, follow=True)
    assert "did not work" in response.content.decode()
    assert not Residence.objects.exists()
    assert "oidc_login_next" not in client.session


def test_a_head_request_does_not_use_up_the_state(client, area):
    client.force_login(UserFactory())
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    assert client.head(back).status_code == 405
    client.get(back)
    assert Residence.objects.exists()


def test_a_wrong_nonce_is_refused(client, area):
    client.force_login(UserFactory())
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    session = client.session
    for started in session["oidc_states"].values():
        started["nonce"] = "another-nonce"
    session.save()
    assert client.get(back).url == reverse("verification:start")
    assert not Residence.objects.exists()


def test_a_token_signed_with_another_key_is_refused(client, area, settings):
    client.force_login(UserFactory())
    back = sign_in_at_broker(go_to_broker(client), "999990019")
    with running_broker([CALLBACK], RESIDENTS, fresh_keys=True) as other:
        settings.OIDC_OP_JWKS_ENDPOINT = f"{other.issuer}/jwks"
        assert client.get(back).url == reverse("verification:start")
    assert not Residence.objects.exists()


def id_token_claims(**changes):
    claims = {
        "iss": "https://broker.example.nl",
        "sub": "digid-1",
        "aud": "participatieportaal",
        "iat": 1,
        "exp": 2,
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "userinfo"),
    [
        ({"aud": "another-client"}, None),
        ({"aud": ["participatieportaal", "another-client"]}, None),  # several, no azp
        ({"aud": ["participatieportaal", "x"], "azp": "x"}, None),
        ({"exp": None}, None),
        ({"iat": None}, None),
        ({"sub": None}, None),
        ({}, {"sub": "digid-2", "wijkcode": "WK001401"}),  # userinfo about someone else
        ({}, ["not", "a", "dict"]),
    ],
)
def test_claims_that_do_not_fit_are_refused(settings, changes, userinfo):
    from neighbourhoods import digid

    settings.PORTAL_DIGID_OIDC_ISSUER = "https://broker.example.nl"
    settings.OIDC_RP_CLIENT_ID = "participatieportaal"
    assert digid.check_claims(id_token_claims(), {"sub": "digid-1"})["sub"] == "digid-1"
    with pytest.raises(digid.BrokerError):
        digid.check_claims(id_token_claims(**changes), userinfo)
