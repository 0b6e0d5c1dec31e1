"""Every list and detail page costs the same number of queries for 1 row and for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives import actions
from initiatives.models import Initiative, Status, SupportKind
from initiatives.tests.factories import CommentFactory, InitiativeFactory, ThemeFactory
from neighbourhoods.tests.factories import EventFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"view": "map"},
        {"neighbourhood": "haven", "theme": "groen", "status": "accepted", "support": "money"},
        {"q": "speeltuin", "sort": "supported"},
    ],
)
def test_list_query_count_is_the_same_for_1_and_200(client, params):
    neighbourhood = NeighbourhoodFactory(slug="haven")
    theme = ThemeFactory(slug="groen")

    def make(count):
        for number in range(count):
            InitiativeFactory(
                status=Status.ACCEPTED,
                neighbourhood=neighbourhood,
                theme=theme,
                title=f"Speeltuin {number}",
                latitude=52.1,
                longitude=5.3,
                support=["money", "permit"],
            )

    make(1)
    one = count_queries(client, reverse("initiatives:list"), params)
    make(199)
    many = count_queries(client, reverse("initiatives:list"), params)
    assert one == many


def test_detail_query_count_is_the_same_for_few_and_many_related_rows(client):
    staff = UserFactory(is_staff=True)
    viewer = UserFactory()
    client.force_login(viewer)
    initiative = InitiativeFactory(support=["money"], initiator=UserFactory())
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative.refresh_from_db()
    CommentFactory(initiative=initiative)
    url = initiative.get_absolute_url()
    none = count_queries(client, url)
    # One of each list the page shows: what the row says it has is read once.
    initiative.co_initiators.add(UserFactory())
    actions.sign_up_for_market(initiative=initiative, event=EventFactory(), by=initiative.initiator)
    few = count_queries(client, url)
    # Without co-initiators and pitches (as most initiatives are) no query asks for them.
    assert none == few - 2

    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken."
    )
    for _number in range(30):
        top = CommentFactory(initiative=initiative)
        CommentFactory(initiative=initiative, parent=top)
        actions.support_initiative(initiative=initiative, user=UserFactory())
    initiative.co_initiators.add(UserFactory(), UserFactory())
    for _number in range(2):
        actions.sign_up_for_market(
            initiative=initiative, event=EventFactory(), by=initiative.initiator
        )
    many = count_queries(client, url)
    assert few == many


def test_initiator_detail_query_count_is_constant(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(initiative.initiator)
    EventFactory()
    CommentFactory(initiative=initiative)
    few = count_queries(client, initiative.get_absolute_url())
    for _number in range(5):
        EventFactory()
        CommentFactory(initiative=initiative)
    assert count_queries(client, initiative.get_absolute_url()) == few


def test_event_pages_query_counts_are_constant(client):
    from initiatives.models import MarketPitch

    event = EventFactory()
    few_list = count_queries(client, reverse("neighbourhoods:events"))
    few_detail = count_queries(client, event.get_absolute_url())
    for _number in range(10):
        EventFactory()
        MarketPitch.objects.create(
            event=event, initiative=InitiativeFactory(status=Status.SUBMITTED)
        )
    assert count_queries(client, reverse("neighbourhoods:events")) == few_list
    assert count_queries(client, event.get_absolute_url()) == few_detail


def test_a_visitors_page_reads_neighbourhood_theme_and_support_with_the_row(client):
    """The row of an initiative's page brings its neighbourhood, theme and the kinds of
    support it asks for; the list's rows bring theirs (no prefetch: the list's filter form
    reads the neighbourhoods and themes for its choices, nothing else does)."""
    initiative = InitiativeFactory(status=Status.SUBMITTED, support=["permit", "money"])
    pages = {
        initiative.get_absolute_url(): (
            "neighbourhoods_neighbourhood",
            "initiatives_theme",
            "initiatives_supportkind",
            "initiatives_initiative_support_kinds",
        ),
        reverse("initiatives:list"): (
            "initiatives_supportkind",
            "initiatives_initiative_support_kinds",
        ),
    }
    for url, not_their_own in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        # What each query reads first (a prefetch starts with the through table).
        read_from = [query["sql"].split()[1].strip("(").split(".")[0] for query in queries]
        for table in not_their_own:
            assert f'"{table}"' not in read_from, (url, read_from)
        # In the order the form offers them, in the reader's language.
        assert "Geld, Vergunning" in response.content.decode() or "geld, vergunning" in (
            response.content.decode()
        )


def test_status_and_support_labels_are_djangos():
    initiative = InitiativeFactory(status=Status.IN_REVIEW, support=["materials", "advice"])
    row = Initiative.objects.for_listing().get(pk=initiative.pk)
    assert row.get_status_display() == str(Status.IN_REVIEW.label)
    field = Initiative._meta.get_field("status")
    assert row.get_status_display() == dict(field.flatchoices)[Status.IN_REVIEW]
    assert [kind.label for kind in row.support_asked()] == [
        SupportKind.Code.ADVICE.label,
        SupportKind.Code.MATERIALS.label,
    ]
    plain = Initiative.objects.get(pk=initiative.pk)  # not annotated: read now
    assert plain.support_asked() == row.support_asked()
    assert InitiativeFactory(status=Status.SUBMITTED).support_asked() == []
