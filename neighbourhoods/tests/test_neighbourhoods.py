import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from neighbourhoods.models import Neighbourhood, validate_boundary

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[5.3, 52.1], [5.4, 52.1], [5.4, 52.2], [5.3, 52.1]]]}


def make(number: int, **extra) -> Neighbourhood:
    return Neighbourhood.objects.create(
        name=f"Wijk {number}",
        slug=f"wijk-{number}",
        cbs_code=f"WK0344{number:02d}",
        population=1000 + number,
        boundary=SQUARE,
        **extra,
    )


@pytest.mark.parametrize("rows", [1, 15])
def test_list_query_count_is_constant(client, django_assert_num_queries, rows):
    for number in range(rows):
        make(number)
    with django_assert_num_queries(1):
        response = client.get("/wijken/")
    assert response.status_code == 200
    assert "Wijk 0" in response.content.decode()


def test_detail_shows_area_manager_name_never_email(client, resident):
    # Its query count is in test_programme_and_monitor (same for 1 and 100 rows).
    make(1, area_manager=resident)
    response = client.get("/wijken/wijk-1/")
    html = response.content.decode()
    assert "WK034401" in html
    assert resident.display_name in html
    assert resident.email not in html


def test_unknown_neighbourhood_is_404(client):
    assert client.get("/wijken/nergens/").status_code == 404


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [5.3, 52.1]},
        {"type": "Polygon", "coordinates": [[[5.3, 52.1], [5.4, 52.1], [5.4, 52.2]]]},
        {"type": "Polygon", "coordinates": [[[500, 52.1], [5.4, 52.1], [5.4, 52.2], [500, 52.1]]]},
        {"type": "Polygon", "coordinates": "rommel"},
        "niet eens een object",
    ],
)
def test_invalid_boundary_is_refused(boundary):
    with pytest.raises(ValidationError):
        validate_boundary(boundary)


def test_cbs_code_format_enforced_in_database():
    with pytest.raises(IntegrityError):
        Neighbourhood.objects.create(name="X", slug="x", cbs_code="XX1", population=1)


def test_neighbourhood_visible_in_admin(admin_client):
    # admin_client bypasses MFA through force_login; the admin still lists the model.
    from django.contrib import admin

    assert Neighbourhood in admin.site._registry
