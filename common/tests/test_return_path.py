"""The language switch writes the page's own address into every page, except an
address that carries a secret (common.templatetags.portal_tags.return_path)."""

import pytest

from common.templatetags.portal_tags import return_path

TOKEN = "0f" * 32


@pytest.mark.parametrize(
    "path",
    [
        f"/enquetes/uitnodiging/{TOKEN}/",
        f"/meldingen/uitschrijven/{TOKEN}/",
        f"/inkoop/leverancier/team/{TOKEN}/",
        f"/account/confirm-email/{TOKEN}/",
    ],
)
def test_a_secret_address_is_not_written_back(path):
    assert return_path(path) == "/"


def test_other_addresses_are_kept_with_their_query():
    assert (
        return_path("/initiatieven/?wijk=centrum&pagina=2")
        == "/initiatieven/?wijk=centrum&pagina=2"
    )


@pytest.mark.django_db
def test_a_dead_invitation_links_page_does_not_show_the_token(client):
    response = client.get(f"/enquetes/uitnodiging/{TOKEN}/")
    assert response.status_code == 404
    assert TOKEN not in response.content.decode()
