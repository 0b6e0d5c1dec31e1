"""The wijkradar: saved areas (a wijk or a circle), what reaches them (at once, daily or
weekly, on the portal and by email), one-click unsubscribe per area, and who may see,
change and remove a saved area."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community.tests.factories import PostFactory
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from procurement.models import Tender
from procurement.tests.factories import SupplierMemberFactory, TenderFactory
from radar import actions, matching, tasks
from radar.forms import kinds_for
from radar.models import MAX_AREAS, Delivery, Frequency, Kind, SavedArea

pytestmark = pytest.mark.django_db

CENTRE = (Decimal("52.000000"), Decimal("5.000000"))
# One degree of latitude on the haversine sphere, in metres.
DEGREE = math.pi * matching.EARTH_RADIUS_METRES / 180
# A square around CENTRE (about 1.1 km wide), as GeoJSON.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[4.99, 51.995], [5.01, 51.995], [5.01, 52.005], [4.99, 52.005], [4.99, 51.995]]
    ],
}


def circle(
    user, *, radius=500, kinds=(Kind.INITIATIVES,), frequency=Frequency.IMMEDIATELY, **extra
):
    return actions.save_area(
        area=SavedArea(
            user=user,
            name=extra.pop("name", "Thuis"),
            latitude=extra.pop("latitude", CENTRE[0]),
            longitude=extra.pop("longitude", CENTRE[1]),
            radius=radius,
            kinds=list(kinds),
            frequency=frequency,
            **extra,
        )
    )


def wijk(user, neighbourhood, *, kinds=(Kind.INITIATIVES,), frequency=Frequency.IMMEDIATELY):
    return actions.save_area(
        area=SavedArea(
            user=user,
            name="Mijn wijk",
            neighbourhood=neighbourhood,
            kinds=list(kinds),
            frequency=frequency,
        )
    )


def submitted(capture, **fields):
    """An initiative that goes in, with everything that happens after its commit."""
    with capture(execute=True):
        return InitiativeFactory(status=Status.SUBMITTED, **fields)


def told(user):
    return list(Notification.objects.filter(recipient=user, kind=actions.RADAR))


def post_area(client, **data):
    values = {
        "name": "Thuis",
        "shape": "circle",
        "radius": "500",
        "latitude": "52.000000",
        "longitude": "5.000000",
        "kinds": ["initiatives"],
        "frequency": "immediately",
        **data,
    }
    return client.post(reverse("radar:create"), {k: v for k, v in values.items() if v is not None})


# --- matching: distances and the boundary --------------------------------------------------


def test_distances_are_the_known_ones():
    assert matching.distance_metres(52, 5, 53, 5) == pytest.approx(DEGREE, abs=0.01)
    assert matching.distance_metres(52, 5, 52, 5) == 0
    # A degree of longitude shrinks with the cosine of the latitude (small step: flat).
    step = 0.001
    expected = DEGREE * step * math.cos(math.radians(52))
    assert matching.distance_metres(52, 5, 52, 5 + step) == pytest.approx(expected, rel=1e-6)


def test_a_point_on_the_edge_of_500_metres_is_inside_and_just_past_it_is_not(
    django_capture_on_commit_callbacks,
):
    resident = UserFactory()
    circle(resident, radius=500)
    inside, outside = Decimal("52.004496"), Decimal("52.004497")
    assert (inside - CENTRE[0]) * Decimal(DEGREE) < 500 < (outside - CENTRE[0]) * Decimal(DEGREE)
    near = submitted(django_capture_on_commit_callbacks, latitude=inside, longitude=CENTRE[1])
    far = submitted(django_capture_on_commit_callbacks, latitude=outside, longitude=CENTRE[1])
    assert [n.url for n in told(resident)] == [near.get_absolute_url()]
    assert not Delivery.objects.filter(item_id=far.pk).exists()


# --- behaviour -----------------------------------------------------------------------------


def test_a_saved_500_metre_circle_hears_of_the_next_initiative_inside_it_not_outside(
    client, django_capture_on_commit_callbacks
):
    neighbourhood = NeighbourhoodFactory(boundary=SQUARE)
    resident = UserFactory()
    client.force_login(resident)
    response = post_area(client)
    assert response.status_code == 302
    area = SavedArea.objects.get(user=resident)
    assert (area.radius, area.neighbourhood) == (500, neighbourhood)

    inside = submitted(
        django_capture_on_commit_callbacks,
        title="Bankjes op het plein",
        latitude=Decimal("52.003000"),
        longitude=Decimal("5.002000"),
    )
    submitted(
        django_capture_on_commit_callbacks,
        title="Moestuin aan de rand",
        latitude=Decimal("52.010000"),
        longitude=Decimal("5.000000"),
    )
    [notice] = told(resident)
    assert notice.url == inside.get_absolute_url()
    assert notice.in_app
    assert "Bankjes op het plein" in notice.message
    assert "Thuis" in notice.message
    [email] = [m for m in mail.outbox if resident.email in m.to]
    assert "Bankjes op het plein" in email.body
    assert "Moestuin" not in email.body
    page = client.get(reverse("notifications:list"))
    assert "Bankjes op het plein" in page.content.decode()
    assert "Moestuin aan de rand" not in page.content.decode()


def test_drafts_and_withdrawn_initiatives_are_never_told(django_capture_on_commit_callbacks):
    resident = UserFactory()
    circle(resident)
    point = {"latitude": CENTRE[0], "longitude": CENTRE[1]}
    with django_capture_on_commit_callbacks(execute=True):
        draft = InitiativeFactory(**point)
        InitiativeFactory(status=Status.WITHDRAWN, **point)
    assert told(resident) == []
    # Once the draft goes in, it is news.
    with django_capture_on_commit_callbacks(execute=True):
        draft.status, draft.submitted_at = Status.SUBMITTED, timezone.now()
        draft.save()
    assert [n.url for n in told(resident)] == [draft.get_absolute_url()]


def test_a_wijk_area_hears_of_its_own_neighbourhood_and_a_circle_of_a_wijk_without_a_point(
    django_capture_on_commit_callbacks,
):
    home = NeighbourhoodFactory(boundary=SQUARE)
    elsewhere = NeighbourhoodFactory()
    by_wijk, by_circle, far_circle = UserFactory(), UserFactory(), UserFactory()
    wijk(by_wijk, home)
    assert circle(by_circle).neighbourhood == home
    circle(far_circle, latitude=Decimal("53.000000"))
    mine = submitted(django_capture_on_commit_callbacks, neighbourhood=home)
    submitted(django_capture_on_commit_callbacks, neighbourhood=elsewhere)
    assert [n.url for n in told(by_wijk)] == [mine.get_absolute_url()]
    # No point, but it names the wijk the circle's centre lies in.
    assert [n.url for n in told(by_circle)] == [mine.get_absolute_url()]
    assert told(far_circle) == []
    # With a point outside the circle it does not reach the circle, but still the wijk.
    pointed = submitted(
        django_capture_on_commit_callbacks,
        neighbourhood=home,
        latitude=Decimal("52.004900"),
        longitude=Decimal("5.009000"),
    )
    assert pointed.get_absolute_url() in [n.url for n in told(by_wijk)]
    assert pointed.get_absolute_url() not in [n.url for n in told(by_circle)]


def test_only_the_kinds_chosen_reach_the_area(django_capture_on_commit_callbacks):
    home = NeighbourhoodFactory()
    events_only, posts_too = UserFactory(), UserFactory()
    wijk(events_only, home, kinds=[Kind.EVENTS])
    wijk(posts_too, home, kinds=[Kind.EVENTS, Kind.POSTS])
    submitted(django_capture_on_commit_callbacks, neighbourhood=home)
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(neighbourhood=home, what="Ik leen mijn ladder uit")
    assert told(events_only) == []
    assert [n.url for n in told(posts_too)] == [post.get_absolute_url()]


def test_the_author_is_not_told_about_their_own_item(django_capture_on_commit_callbacks):
    initiator, neighbour = UserFactory(), UserFactory()
    circle(initiator)
    circle(neighbour)
    submitted(
        django_capture_on_commit_callbacks,
        initiator=initiator,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    assert told(initiator) == []
    assert len(told(neighbour)) == 1


def test_an_item_saved_again_is_not_told_twice_but_once_per_saved_area(
    django_capture_on_commit_callbacks,
):
    resident = UserFactory()
    home, work = circle(resident), circle(resident, name="Werk", radius=1000)
    initiative = submitted(
        django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1]
    )
    for _round in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            initiative.title = "Nieuwe titel"
            initiative.save()
    assert actions.deliver(kind=Kind.INITIATIVES, item_id=initiative.pk) == 0
    assert sorted(n.subject_id for n in told(resident)) == sorted([home.pk, work.pk])
    assert Delivery.objects.filter(item_id=initiative.pk).count() == 2
    # Overlapping areas: one email about one item (the portal shows it for each area).
    assert len([m for m in mail.outbox if resident.email in m.to]) == 1


@pytest.mark.parametrize(
    ("frequency", "interval"),
    [(Frequency.DAILY, timedelta(days=1)), (Frequency.WEEKLY, timedelta(days=7))],
)
def test_the_daily_and_weekly_overview_collects_the_items_and_sends_once(
    django_capture_on_commit_callbacks, frequency, interval
):
    resident = UserFactory()
    circle(resident, frequency=frequency)
    for title in ("Speeltuin opknappen", "Geveltuinen"):
        submitted(
            django_capture_on_commit_callbacks,
            title=title,
            latitude=CENTRE[0],
            longitude=CENTRE[1],
        )
    # On the portal at once, by email not yet.
    assert len(told(resident)) == 2
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=frequency) == 1
    [email] = mail.outbox
    assert "Speeltuin opknappen" in email.body
    assert "Geveltuinen" in email.body
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=frequency) == 0
    # A new item waits until the interval has passed.
    submitted(
        django_capture_on_commit_callbacks, title="Bomen", latitude=CENTRE[0], longitude=CENTRE[1]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=frequency, now=timezone.now() + interval / 2) == 0
        assert actions.send_overviews(frequency=frequency, now=timezone.now() + interval) == 1
    assert len(mail.outbox) == 2
    assert "Bomen" in mail.outbox[1].body
    assert "Speeltuin" not in mail.outbox[1].body
    # The other frequency's run leaves this area alone.
    other = Frequency.WEEKLY if frequency == Frequency.DAILY else Frequency.DAILY
    assert actions.send_overviews(frequency=other, now=timezone.now() + interval * 2) == 0


def test_the_unsubscribe_link_stops_that_area_s_emails_only(
    client, django_capture_on_commit_callbacks
):
    resident = UserFactory()
    street = circle(resident, name="Straat")
    wider = circle(resident, name="Wijd", radius=2000)
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    street_email = next(m for m in mail.outbox if "Straat" in m.body)
    link = street_email.extra_headers["List-Unsubscribe"].strip("<>")
    assert street_email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.post(link).status_code == 200  # the mail client's one click, no session
    street.refresh_from_db()
    wider.refresh_from_db()
    assert (street.emails, wider.emails) == (False, True)
    mail.outbox.clear()
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    # Both areas still show it on the portal; only the wider one emails it.
    assert len(told(resident)) == 4
    assert len(mail.outbox) == 1
    assert "Wijd" in mail.outbox[0].body


def test_a_stopped_daily_area_marks_its_items_done_without_an_email(
    django_capture_on_commit_callbacks,
):
    resident = UserFactory()
    area = circle(resident, frequency=Frequency.DAILY)
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    assert actions.stop_emails(resident, area.pk)
    assert not actions.stop_emails(UserFactory(), area.pk)  # not theirs: nothing happens
    assert actions.send_overviews(frequency=Frequency.DAILY) == 0
    assert mail.outbox == []
    assert not Delivery.objects.filter(emailed_at__isnull=True).exists()


def test_a_new_item_is_told_by_the_catch_up_job_when_the_task_queue_is_unreachable(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    resident = UserFactory()
    circle(resident)

    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_item, "delay", unreachable)
    initiative = submitted(
        django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1]
    )
    assert told(resident) == []
    assert actions.deliver_missed() == 1
    assert [n.url for n in told(resident)] == [initiative.get_absolute_url()]
    assert actions.deliver_missed() == 0
    assert resident.email not in caplog.text


def test_a_save_succeeds_even_when_queue_and_catch_up_record_both_fail(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """The fallback must never turn a resident's successful save into a 500."""
    resident = UserFactory()
    circle(resident)

    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(tasks.deliver_item, "delay", unreachable)
    monkeypatch.setattr(actions, "remember_missed", broken)
    initiative = submitted(
        django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1]
    )
    assert initiative.pk is not None
    assert "could not be queued" in caplog.text
    assert resident.email not in caplog.text


# --- tenders: only for suppliers -------------------------------------------------------------


def test_tenders_are_offered_and_told_only_to_a_supplier_s_team(
    client, django_capture_on_commit_callbacks
):
    supplier = SupplierMemberFactory().user
    resident = UserFactory()
    assert Kind.TENDERS in dict(kinds_for(supplier))
    assert Kind.TENDERS not in dict(kinds_for(resident))
    client.force_login(resident)
    page = client.get(reverse("radar:create")).content.decode()
    assert 'value="tenders"' not in page
    response = post_area(client, kinds=["tenders"])
    assert response.status_code == 400
    assert not SavedArea.objects.exists()
    assert response.context["form"].errors["kinds"]
    # An area holding the kind anyway (saved while on a team) gets no tender after.
    for person in (supplier, resident):
        circle(person, kinds=[Kind.TENDERS])
    with django_capture_on_commit_callbacks(execute=True):
        tender = TenderFactory(status=Tender.Status.PUBLISHED)
    assert [n.url for n in told(supplier)] == [tender.get_absolute_url()]
    assert told(resident) == []


# --- authorisation -----------------------------------------------------------------------------


def test_another_resident_cannot_see_change_or_remove_my_area(client):
    mine = circle(UserFactory(), name="Mijn straat")
    client.force_login(UserFactory())
    assert "Mijn straat" not in client.get(reverse("radar:list")).content.decode()
    for name in ("radar:edit", "radar:delete"):
        assert client.get(reverse(name, args=[mine.pk])).status_code == 404
        assert client.post(reverse(name, args=[mine.pk]), {"name": "x"}).status_code == 404
    mine.refresh_from_db()
    assert mine.name == "Mijn straat"


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    area = circle(UserFactory())
    for url in (
        reverse("radar:list"),
        reverse("radar:create"),
        reverse("radar:edit", args=[area.pk]),
        reverse("radar:delete", args=[area.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
    assert client.post(reverse("radar:delete", args=[area.pk])).status_code == 302
    assert SavedArea.objects.filter(pk=area.pk).exists()


def test_the_owner_changes_and_removes_their_area(client):
    resident = UserFactory()
    area = circle(resident)
    area.emails = False
    area.save()
    client.force_login(resident)
    assert client.get(reverse("radar:edit", args=[area.pk])).status_code == 200
    response = post_area(client, name="Werk", radius="1000", frequency="weekly")
    assert response.status_code == 302  # a second area
    response = client.post(
        reverse("radar:edit", args=[area.pk]),
        {
            "name": "Thuis",
            "shape": "wijk",
            "neighbourhood": NeighbourhoodFactory(slug="oost").slug,
            "kinds": ["events", "posts"],
            "frequency": "daily",
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.radius, area.latitude, area.neighbourhood.slug) == (None, None, "oost")
    assert (area.kinds, area.emails) == (["events", "posts"], True)
    assert client.post(reverse("radar:delete", args=[area.pk])).status_code == 302
    assert list(SavedArea.objects.filter(user=resident).values_list("name", flat=True)) == ["Werk"]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"radius": "5000"}, "radius", "5000 is not one of the available choices"),
        ({"radius": ""}, "radius", "Choose a distance."),
        (
            {"latitude": "48.8566", "longitude": "2.3522"},
            "latitude",
            "greater than or equal to 50.5",
        ),
        ({"longitude": "9.5"}, "longitude", "less than or equal to 7.5"),
        ({"latitude": ""}, "latitude", "Fill in the latitude of the centre for a circle."),
        ({"longitude": ""}, "longitude", "Fill in the longitude of the centre for a circle."),
        ({"kinds": None}, "kinds", "Choose at least one kind of news."),
        ({"kinds": ["nonsense"]}, "kinds", "nonsense is not one of the available choices"),
        ({"shape": "wijk", "neighbourhood": ""}, "neighbourhood", "Choose a neighbourhood."),
        ({"frequency": "hourly"}, "frequency", "hourly is not one of the available choices"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(client, data, field, text):
    client.force_login(UserFactory())
    response = post_area(client, **data)
    assert response.status_code == 400
    form = response.context["form"]
    with translation.override("en"):
        assert any(text in str(error) for error in form.errors[field])
    # Beside the field: its error is tied to it (and listed in the summary at the top).
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not SavedArea.objects.exists()


def test_over_the_cap_is_refused_and_nothing_is_saved(client):
    resident = UserFactory()
    for number in range(MAX_AREAS):
        circle(resident, name=f"Gebied {number}")
    client.force_login(resident)
    response = post_area(client, name="Nog een")
    assert response.status_code == 400
    assert f"{MAX_AREAS} gebieden" in str(response.context["form"].non_field_errors())
    assert SavedArea.objects.filter(user=resident).count() == MAX_AREAS
    # Changing one of them is still allowed.
    first = SavedArea.objects.filter(user=resident).first()
    assert client.get(reverse("radar:edit", args=[first.pk])).status_code == 200


# --- query counts -------------------------------------------------------------------------------


def test_my_buurtradar_costs_the_same_queries_for_one_area_and_many(
    client, django_capture_on_commit_callbacks
):
    resident = UserFactory()
    client.force_login(resident)
    circle(resident)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("radar:list")).status_code == 200
        return len(queries)

    one = count()
    for _number in range(6):
        wijk(resident, NeighbourhoodFactory(), kinds=[Kind.POSTS, Kind.EVENTS])
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    assert count() == one


def test_telling_an_item_costs_a_fixed_number_of_queries_per_chunk_of_areas(
    monkeypatch, django_capture_on_commit_callbacks
):
    """100,000 saved areas are told a chunk at a time: the queries grow with the
    chunks, never with the areas in a chunk (and no IN list is longer than a chunk)."""
    initiative = submitted(
        django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1]
    )

    def cost(areas: int, chunk: int) -> int:
        monkeypatch.setattr(matching, "CHUNK", chunk)
        Delivery.objects.all().delete()
        Notification.objects.all().delete()
        SavedArea.objects.all().delete()
        for _number in range(areas):
            circle(UserFactory())
        # Saved before the initiative went in (only what is new to an area is told).
        SavedArea.objects.update(created_at=initiative.submitted_at - timedelta(days=1))
        with CaptureQueriesContext(connection) as queries:
            told_now = actions.deliver(kind=Kind.INITIATIVES, item_id=initiative.pk)
        assert told_now == areas
        assert Notification.objects.filter(kind=actions.RADAR).count() == areas
        return len(queries)

    cost(1, 3)  # warms the caches (content types)
    # One chunk: the same queries for one area as for three.
    assert cost(1, 3) == cost(3, 3)
    # Each further chunk costs the same fixed number.
    one, two, three = cost(3, 3), cost(6, 3), cost(9, 3)
    assert three - two == two - one


@pytest.mark.parametrize("immediate_first", [True, False])
def test_an_item_emailed_at_once_is_not_in_the_overview_of_an_overlapping_area(
    monkeypatch, django_capture_on_commit_callbacks, immediate_first
):
    """A person with a street told at once and the whole wijk weekly, overlapping: the
    item is emailed once (at once), and the weekly overview does not repeat it; in
    either order of the areas, also when they fall in different chunks."""
    monkeypatch.setattr(matching, "CHUNK", 1)
    resident = UserFactory()
    neighbourhood = NeighbourhoodFactory(boundary=SQUARE)
    areas = [
        lambda: circle(resident, name="Straat"),
        lambda: wijk(resident, neighbourhood, frequency=Frequency.WEEKLY),
    ]
    for save in areas if immediate_first else reversed(areas):
        save()
    submitted(
        django_capture_on_commit_callbacks,
        title="Speeltuin opknappen",
        neighbourhood=neighbourhood,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    assert len(told(resident)) == 2, "the portal shows it for each area"
    assert len([m for m in mail.outbox if resident.email in m.to]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=Frequency.WEEKLY) == 0
    assert len(mail.outbox) == 1
    assert not Delivery.objects.filter(emailed_at__isnull=True).exists()
    # Without the email at once (that area's emails stopped) the overview tells it.
    Delivery.objects.all().delete()
    Notification.objects.all().delete()
    SavedArea.objects.filter(frequency=Frequency.IMMEDIATELY).update(emails=False)
    submitted(
        django_capture_on_commit_callbacks,
        title="Geveltuinen",
        neighbourhood=neighbourhood,
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=Frequency.WEEKLY) == 1
    assert "Geveltuinen" in mail.outbox[-1].body
