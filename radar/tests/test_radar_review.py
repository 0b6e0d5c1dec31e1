"""Regressions found in review of the buurtradar: only what becomes public is news, a
published programme reaches the radar, overviews leave out what is no longer public,
the unsubscribe page names the area, and the smaller fixes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory
from common.geo import distance_metres
from community.models import Post
from community.tests.factories import PostFactory, VolunteerCallFactory
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods import actions as neighbourhood_actions
from neighbourhoods.tests.factories import (
    EventFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)
from notifications import kinds
from notifications.models import Notification
from procurement.models import Tender
from procurement.tests.factories import SupplierMemberFactory, TenderFactory
from radar import actions, sources
from radar.models import Delivery, Frequency, Kind, SavedArea
from radar.tests.test_radar import CENTRE, circle, submitted, told, wijk
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def saved(capture, row, **fields):
    with capture(execute=True):
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
    return row


# 1. Only a row created public or becoming public is news, never an edit.


def test_editing_a_public_event_is_not_told_again_and_an_ended_event_never(
    django_capture_on_commit_callbacks,
):
    home = NeighbourhoodFactory()
    resident = UserFactory()
    wijk(resident, home, kinds=[Kind.EVENTS])
    with django_capture_on_commit_callbacks(execute=True):
        event = EventFactory(neighbourhood=home)
    assert len(told(resident)) == 1
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    saved(django_capture_on_commit_callbacks, event, title="Nieuwe titel")
    assert told(resident) == []
    # Last year's event, edited now, is not news either.
    past = timezone.now() - timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        old = EventFactory(neighbourhood=home, starts_at=past, ends_at=past + timedelta(hours=2))
    saved(django_capture_on_commit_callbacks, old, title="Verslag toegevoegd")
    assert told(resident) == []
    # A cancelled event that is held after all became public again: news.
    saved(django_capture_on_commit_callbacks, event, cancelled=True)
    saved(django_capture_on_commit_callbacks, event, cancelled=False)
    assert [n.url for n in told(resident)] == [event.get_absolute_url()]


def test_a_tender_is_told_when_it_becomes_public_not_when_awarded_or_edited(
    django_capture_on_commit_callbacks,
):
    supplier = SupplierMemberFactory().user
    circle(supplier, kinds=[Kind.TENDERS])
    with django_capture_on_commit_callbacks(execute=True):
        tender = TenderFactory(status=Tender.Status.DRAFT)
    assert told(supplier) == []
    saved(django_capture_on_commit_callbacks, tender, status=Tender.Status.PUBLISHED)
    assert len(told(supplier)) == 1
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    saved(django_capture_on_commit_callbacks, tender, title="Nieuwe titel")
    saved(django_capture_on_commit_callbacks, tender, status=Tender.Status.AWARDED)
    assert told(supplier) == []
    with django_capture_on_commit_callbacks(execute=True):
        TenderFactory(status=Tender.Status.CANCELLED)
    assert told(supplier) == []


# 2. Publishing a programme reaches the radar.


def area_manager():
    user = StaffFactory()
    user.groups.add(Role.AREA_MANAGER.group())
    return user


def test_publishing_a_programme_tells_its_projects_once_and_editing_it_does_not(
    django_capture_on_commit_callbacks,
):
    manager = area_manager()
    home = NeighbourhoodFactory(area_manager=manager)
    resident = UserFactory()
    wijk(resident, home, kinds=[Kind.PROJECTS])
    programme = ProgrammeFactory(neighbourhood=home)
    with django_capture_on_commit_callbacks(execute=True):
        project = ProgrammeProjectFactory(programme=programme, title="Speelplek")
    assert told(resident) == []  # not published yet
    with django_capture_on_commit_callbacks(execute=True):
        assert neighbourhood_actions.publish_programme(programme=programme, by=manager)
    [notice] = told(resident)
    assert "Speelplek" in notice.message
    programme.refresh_from_db()
    Delivery.objects.all().delete()
    saved(django_capture_on_commit_callbacks, programme, budget=200_000)
    saved(django_capture_on_commit_callbacks, project, budget=30_000)
    assert len(told(resident)) == 1


def test_a_programme_published_by_a_save_tells_its_projects_once(
    django_capture_on_commit_callbacks,
):
    home = NeighbourhoodFactory()
    resident = UserFactory()
    wijk(resident, home, kinds=[Kind.PROJECTS])
    programme = ProgrammeFactory(neighbourhood=home)
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammeProjectFactory(programme=programme, title="Speelplek")
    assert told(resident) == []
    saved(django_capture_on_commit_callbacks, programme, published_at=timezone.now())
    assert len(told(resident)) == 1
    Delivery.objects.all().delete()
    saved(django_capture_on_commit_callbacks, programme, budget=300_000)
    assert len(told(resident)) == 1


# 3. Overviews leave out items no longer public.


def test_the_overview_leaves_out_a_post_hidden_after_it_was_found(
    django_capture_on_commit_callbacks,
):
    home = NeighbourhoodFactory()
    resident = UserFactory()
    wijk(resident, home, kinds=[Kind.POSTS], frequency=Frequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        kept = PostFactory(neighbourhood=home, what="Ladder te leen")
        hidden = PostFactory(neighbourhood=home, what="Verdacht aanbod")
    hidden.hidden_at = timezone.now()
    hidden.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=Frequency.DAILY) == 1
    [email] = mail.outbox
    assert kept.what in email.body
    assert "Verdacht aanbod" not in email.body
    assert not Delivery.objects.filter(emailed_at__isnull=True).exists()


# 9. The overview links to the items (the messages page), not to the bare counts.


def test_the_overview_links_to_the_messages_with_each_item(django_capture_on_commit_callbacks):
    resident = UserFactory()
    circle(resident, frequency=Frequency.WEEKLY)
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_overviews(frequency=Frequency.WEEKLY) == 1
    [overview] = Notification.objects.filter(kind=actions.RADAR_DIGEST)
    assert overview.url == reverse("notifications:list")


# 6. The unsubscribe page names the area and refuses someone else's.


def test_the_unsubscribe_page_names_the_area_and_404s_for_another_person_s_area(client):
    resident, other = UserFactory(), UserFactory()
    mine = circle(resident, name="Thuis")
    theirs = circle(other, name="Elders")
    url = reverse(
        "notifications:unsubscribe", args=[kinds.unsubscribe_token(resident, "radar", mine.pk)]
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "je gebied “Thuis”" in page
    done = client.post(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "je gebied “Thuis”" in done
    forged = reverse(
        "notifications:unsubscribe", args=[kinds.unsubscribe_token(resident, "radar", theirs.pk)]
    )
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    theirs.refresh_from_db()
    assert theirs.emails


# 7. The radius labels are in the visitor's language.


def test_the_radius_labels_follow_the_visitor_s_language(client):
    resident = UserFactory()
    client.force_login(resident)

    def page(language: str) -> str:
        type(resident).objects.filter(pk=resident.pk).update(language=language)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(reverse("radar:create"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    english, dutch = page("en"), page("nl")
    assert "500 metres" in english
    assert "500 meter" in dutch
    assert "500 metres" not in dutch


# 8. A report is public since it went in.


def test_a_report_is_public_since_it_went_in_not_since_it_was_typed():
    typed = timezone.now() - timedelta(days=3)
    report = ReportFactory(created_at=typed, submitted_at=timezone.now())
    item = sources.public_item(Kind.REPORTS, report.pk)
    assert item is not None
    assert item.public_since == report.submitted_at


# 11. A volunteer call's authors include the initiative's initiators.


def test_the_initiators_of_a_call_s_initiative_are_its_authors(
    django_capture_on_commit_callbacks,
):
    co = UserFactory()
    initiative = InitiativeFactory(status="submitted", neighbourhood=NeighbourhoodFactory())
    initiative.co_initiators.add(co)
    wijk(co, initiative.neighbourhood, kinds=[Kind.CALLS])
    with django_capture_on_commit_callbacks(execute=True):
        call = VolunteerCallFactory(initiative=initiative)
    assert {initiative.initiator_id, co.pk} <= sources.public_item(Kind.CALLS, call.pk).authors
    assert told(co) == []


# 13. Switching to immediately settles the waiting items.


def test_switching_an_area_to_immediately_settles_what_waited_for_its_overview(
    django_capture_on_commit_callbacks,
):
    resident = UserFactory()
    area = circle(resident, frequency=Frequency.DAILY)
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    assert Delivery.objects.filter(area=area, emailed_at__isnull=True).exists()
    area.frequency = Frequency.IMMEDIATELY
    actions.save_area(area=area)
    assert not Delivery.objects.filter(area=area, emailed_at__isnull=True).exists()


# 14. Old deliveries are pruned.


def test_deliveries_older_than_the_retention_are_removed_but_waiting_ones_stay(
    settings, django_capture_on_commit_callbacks
):
    settings.RADAR_DELIVERY_RETENTION_DAYS = 30
    emailed = circle(UserFactory())
    # Another person's (one person's overlapping areas email an item once, at once).
    waiting = circle(UserFactory(), name="Werk", frequency=Frequency.WEEKLY)
    submitted(django_capture_on_commit_callbacks, latitude=CENTRE[0], longitude=CENTRE[1])
    later = timezone.now() + timedelta(days=31)
    assert actions.prune_deliveries(now=timezone.now()) == 0
    assert actions.prune_deliveries(now=later) == 1
    assert not Delivery.objects.filter(area=emailed).exists()
    assert Delivery.objects.filter(area=waiting).exists()
    assert SavedArea.objects.count() == 2


# 15. One formula and one test of openness.


def test_reports_and_the_radar_measure_distance_the_same_way():
    report = ReportFactory(latitude=Decimal("52.000000"), longitude=Decimal("5.000000"))
    for point in ((52.004496, 5.0), (52.0, 5.01), (52.3, 5.4)):
        assert report.distance_to(*point) == distance_metres(52.0, 5.0, *point)


def test_the_radar_asks_a_post_whether_it_is_open():
    assert sources.SOURCES[Kind.POSTS].is_public is Post.is_open
