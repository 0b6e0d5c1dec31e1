"""The resident's side: reporting (signed in or with a confirmed email address), reports
nearby, "I saw this too", bad input, and the public pages without personal data."""

import html
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import StaffFactory, UserFactory
from common import workdays
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from reports import actions
from reports.models import Category, Photo, Report, Status, StatusChange, Supporter
from reports.tests.factories import ReportFactory, loose_paving

pytestmark = pytest.mark.django_db

CREATE = "/openbare-ruimte/melden/"
BLOCK = {
    "type": "Polygon",
    "coordinates": [[[5.36, 52.14], [5.38, 52.14], [5.38, 52.155], [5.36, 52.155], [5.36, 52.14]]],
}


def make_image(name="tegel.jpg", fmt="JPEG", size=(64, 48), exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (120, 120, 120)).save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_data(**changes) -> dict:
    data = {
        "category": str(loose_paving().pk),
        "address": "",
        "latitude": "52.150000",
        "longitude": "5.370000",
        "description": "Losse stoeptegels voor de bakker, iemand is gestruikeld.",
        "email": "bewoner@example.nl",
        "homepage": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def english(client, settings):
    """Messages are asserted in English (the cookie the language switch sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def link_in(message) -> str:
    return re.search(r"http://testserver(/openbare-ruimte/bevestigen/[^/\s]+/)", message.body)[1]


def test_a_visitors_report_waits_for_the_email_and_then_goes_in(
    client, django_capture_on_commit_callbacks
):
    neighbourhood = NeighbourhoodFactory(boundary=BLOCK)
    exif = Image.Exif()
    exif[0x010F] = "Camera met GPS"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, form_data(photos=[make_image(exif=exif.tobytes())]))
    assert response.status_code == 200
    assert (
        "Check your email" in response.content.decode()
        or "Kijk in je e-mail" in response.content.decode()
    )
    report = Report.objects.get()
    assert report.status == Status.UNCONFIRMED
    assert report.neighbourhood == neighbourhood  # derived from the point
    assert client.get(report.get_absolute_url()).status_code == 404  # not in yet
    with Image.open(Photo.objects.get().file) as stored:
        assert not stored.getexif()
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])

    landing = client.get(link)
    assert landing.status_code == 303
    assert landing["Location"] == reverse("reports:confirm")  # no token in the address
    assert client.get(landing["Location"]).status_code == 200
    assert Report.objects.get().status == Status.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("reports:confirm"))
    assert done.status_code == 303
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    assert report.department == loose_paving().department_for(neighbourhood)
    assert report.department is not None
    assert report.due_date == workdays.add_working_days(
        timezone.localdate(report.submitted_at), loose_paving().term_working_days
    )
    assert [c.key for c in report.changes.all()] == ["received", "routed"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert "bewoner@example.nl" not in page
    # The same link again does nothing more.
    client.get(link)
    client.post(reverse("reports:confirm"))
    assert StatusChange.objects.filter(report=report).count() == 2


def test_a_forged_or_missing_confirmation_changes_nothing(client):
    ReportFactory(status=Status.UNCONFIRMED, reporter=None, reporter_email="x@example.nl")
    client.get("/openbare-ruimte/bevestigen/niet-echt/")
    response = client.post(reverse("reports:confirm"))
    assert response.status_code == 400
    assert Report.objects.get().status == Status.UNCONFIRMED


def test_a_signed_in_resident_reports_at_once(client, resident):
    client.force_login(resident)
    response = client.post(
        CREATE, form_data(email=None, latitude="", longitude="", address="Kerkstraat 1")
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.reporter, report.reporter_email) == (
        Status.RECEIVED,
        resident,
        "",
    )
    assert report.neighbourhood is None
    assert report.address == "Kerkstraat 1"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "", "longitude": "", "address": ""}, "address", "Say where it is"),
        ({"latitude": "48.1", "longitude": "5.37"}, "address", "outside the municipality"),
        ({"photos": [make_image(size=(10, 10))] * 4}, "photos", "at most 3"),
        (
            {"photos": [SimpleUploadedFile("tegel.jpg", b"<svg/>", "image/jpeg")]},
            "photos",
            "not a JPEG",
        ),
        ({"category": "999999"}, "category", "Select a valid choice"),
        ({"category": ""}, "category", "required"),
        ({"description": "kort"}, "description", "at least 10"),
        ({"email": "geen-adres"}, "email", "valid email"),
    ],
)
def test_bad_input_is_said_beside_the_field_and_nothing_is_saved(client, changes, field, message):
    response = client.post(CREATE, form_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert message in page  # beside the field and in the summary, in the reader's language
    assert not Report.objects.exists()
    assert not Photo.objects.exists()


def test_a_photo_over_5_mb_is_refused(client, settings):
    big = SimpleUploadedFile("groot.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "image/jpeg")
    response = client.post(CREATE, form_data(photos=[big]))
    assert response.status_code == 400
    assert "larger than 5 MB" in str(response.context["form"].errors["photos"])
    assert not Report.objects.exists()


def test_the_same_kind_of_report_nearby_is_shown_before_sending(client, resident):
    existing = ReportFactory(latitude=Decimal("52.150500"), longitude=Decimal("5.370500"))
    far = ReportFactory(latitude=Decimal("52.160000"), longitude=Decimal("5.370000"))
    other_kind = ReportFactory(category=Category.objects.get(slug="boom"))
    old = ReportFactory(created_at=timezone.now() - timezone.timedelta(days=40))
    client.force_login(resident)
    response = client.post(CREATE, form_data(email=None))
    assert response.status_code == 200
    nearby = response.context["nearby"]
    assert nearby == [existing]
    assert far not in nearby
    assert other_kind not in nearby
    assert old not in nearby
    assert Report.objects.count() == 4  # nothing saved yet
    assert 'name="seen_nearby" value="True"' in response.content.decode()
    again = client.post(CREATE, form_data(email=None, seen_nearby="True"))
    assert again.status_code == 302
    assert Report.objects.count() == 5


def test_i_saw_this_too_counts_a_resident_once_and_never_the_reporter(client, resident):
    report = ReportFactory()
    client.force_login(resident)
    url = reverse("reports:support", args=[report.pk])
    client.post(url)
    client.post(url)
    report.refresh_from_db()
    assert report.supporter_count == 1
    client.force_login(report.reporter)
    client.post(url)
    report.refresh_from_db()
    assert report.supporter_count == 1
    assert Supporter.objects.count() == 1


def test_a_visitor_counts_after_confirming(client, django_capture_on_commit_callbacks):
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:support", args=[report.pk]), {"email": "buur@example.nl"}
        )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.supporter_count == 0
    client.get(link_in(mail.outbox[-1]))
    client.post(reverse("reports:confirm"))
    report.refresh_from_db()
    assert report.supporter_count == 1


def test_a_visitor_with_a_bad_address_is_told_beside_the_field(client):
    report = ReportFactory()
    response = client.post(reverse("reports:support", args=[report.pk]), {"email": "nee"})
    assert response.status_code == 400
    assert "email" in response.context["support_form"].errors
    assert not Supporter.objects.exists()


def test_a_status_change_tells_reporter_and_supporters_in_their_language(
    client, django_capture_on_commit_callbacks
):
    reporter = UserFactory(language="en")
    neighbour = UserFactory(language="nl")
    report = ReportFactory(reporter=reporter)
    actions.add_supporter(report=report, user=neighbour)
    Supporter.objects.create(
        report=report, email="buur@example.nl", language="nl", confirmed_at=timezone.now()
    )
    staff = StaffFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(
            report=report, to=Status.SOLVED, by=staff, message="Tegels liggen weer."
        )
    english = Notification.objects.get(recipient=reporter)
    dutch = Notification.objects.get(recipient=neighbour)
    assert english.message_in("en") == f"Report {report.pk}: The report is solved."
    assert dutch.message_in("nl") == f"Melding {report.pk}: De melding is opgelost."
    # Each reads it in the other language too, once they read the portal in it.
    assert english.messages == dutch.messages
    to_email = [m for m in mail.outbox if m.to == ["buur@example.nl"]]
    assert len(to_email) == 1
    assert "opgelost" in to_email[0].body
    report.refresh_from_db()
    assert report.closed_at is not None
    assert report.status == Status.SOLVED


def test_photos_are_public_only_after_a_staff_check(client, resident):
    report = ReportFactory(reporter=resident)
    photo = Photo.objects.create(
        report=report,
        token="f" * 32,
        content_type="image/jpeg",
        size=3,
        file=SimpleUploadedFile("a.jpg", b"abc"),
    )
    assert client.get(photo.get_absolute_url()).status_code == 404
    assert photo.get_absolute_url() not in client.get(report.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert client.get(photo.get_absolute_url()).status_code == 404  # another resident
    client.force_login(resident)
    assert client.get(photo.get_absolute_url()).status_code == 200  # their own
    client.logout()
    Report.objects.filter(pk=report.pk).update(photos_checked=True)
    assert client.get(photo.get_absolute_url()).status_code == 200
    assert photo.get_absolute_url() in client.get(report.get_absolute_url()).content.decode()


def test_public_list_shows_open_and_recently_closed_without_reporters(client):
    reporter = UserFactory(display_name="Zwaluwstaart", email="zwaluw@example.nl")
    open_report = ReportFactory(reporter=reporter, description="Open melding")
    recent = ReportFactory(
        status=Status.SOLVED, closed_at=timezone.now(), description="Net opgelost"
    )
    long_ago = ReportFactory(
        status=Status.SOLVED, closed_at=timezone.now() - timezone.timedelta(days=60)
    )
    waiting = ReportFactory(status=Status.UNCONFIRMED, reporter=None, reporter_email="a@example.nl")
    page = client.get(reverse("reports:list")).content.decode()
    assert open_report.get_absolute_url() in page
    assert recent.get_absolute_url() in page
    assert long_ago.get_absolute_url() not in page
    assert waiting.get_absolute_url() not in page
    assert "Zwaluwstaart" not in page
    assert "zwaluw@example.nl" not in page
    detail = client.get(open_report.get_absolute_url()).content.decode()
    assert "Zwaluwstaart" not in detail
    assert "zwaluw@example.nl" not in detail


def test_detail_says_what_happens_now_and_when(client):
    report = ReportFactory()
    actions.change_status(report=report, to=Status.IN_PROGRESS, by=StaffFactory())
    report.refresh_from_db()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "What happens now, and when" in page
    assert f"at most {report.category.term_working_days} working days" in page
    assert "A colleague is working on it." in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_is_the_same_for_1_and_60(client):
    ReportFactory()
    one = _count(client, reverse("reports:list"))
    for number in range(59):
        ReportFactory(supporter_count=number, category=Category.objects.reportable()[number % 20])
    assert _count(client, reverse("reports:list")) == one


def test_detail_query_count_is_the_same_for_few_and_many_changes(client, resident):
    staff = StaffFactory()
    report = ReportFactory(photos_checked=True)
    client.force_login(resident)
    one = _count(client, report.get_absolute_url())
    for _ in range(5):
        actions.change_status(report=report, to=Status.IN_PROGRESS, by=staff)
        actions.change_status(report=report, to=Status.SOLVED, by=staff)
    actions.change_status(report=report, to=Status.IN_PROGRESS, by=staff)
    for _ in range(5):
        actions.add_supporter(report=report, user=UserFactory())
    for number in range(3):
        Photo.objects.create(
            report=report,
            token=f"{number}" * 32,
            content_type="image/jpeg",
            size=1,
            file=SimpleUploadedFile("a.jpg", b"a"),
        )
    assert _count(client, report.get_absolute_url()) == one


def test_reporting_is_rate_limited_and_a_refused_report_saves_nothing(client, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "public_space_report": "2/h"}
    for _ in range(2):
        client.post(CREATE, form_data(latitude="", longitude="", address="Kerkstraat 1"))
    assert Report.objects.count() == 2
    refused = client.post(CREATE, form_data(latitude="", longitude="", address="Kerkstraat 2"))
    assert refused.status_code == 429
    assert Report.objects.count() == 2


def test_a_filled_honeypot_is_refused(client):
    response = client.post(CREATE, form_data(homepage="http://spam.example"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_the_confirmation_link_lives_only_in_the_session(client):
    """The token moves from the address into the session; the page after it has none."""
    report = ReportFactory(status=Status.UNCONFIRMED, reporter=None, reporter_email="a@example.nl")
    token = actions.confirmation_token("r", report.pk)
    landing = client.get(f"/openbare-ruimte/bevestigen/{token}/")
    assert landing.status_code == 303
    assert token not in landing["Location"]
    page = client.get(landing["Location"]).content.decode()
    assert token not in page


def test_a_new_report_says_it_came_in_today_and_that_nobody_else_saw_it_yet(client):
    """Walk finding: "Doorlooptijd 0 werkdagen" and "Ook gezien door 0 personen"."""
    from django.conf import settings

    from reports.tests.factories import ReportFactory

    report = ReportFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(report.get_absolute_url()).content.decode()
    assert not re.search(r"\b0 (werkdagen|personen)", page)
    assert "Vandaag binnengekomen" in page
    assert "Nog niemand anders" in page


def test_the_report_form_says_optional_once_per_field(client, settings):
    """The label already says "(niet verplicht)"; the help text does not repeat it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    content = html.unescape(client.get(CREATE).content.decode())
    photos = content[content.index('for="id_photos"') :]
    photos = photos[: photos.index("</div>", photos.index("utrecht-form-field-description"))]
    assert "Foto's <span" in photos
    assert re.findall(r"niet verplicht", photos, flags=re.IGNORECASE) == ["niet verplicht"]
    assert "Tot 3 foto's (JPEG, PNG of WebP) van elk hooguit 5 MB." in photos


@pytest.mark.parametrize("path", [CREATE, "/openbare-ruimte/vragen/stellen/"])
def test_a_visitor_reads_one_whole_sentence_about_signing_in(client, settings, path):
    """Not a sentence glued from pieces around the link ("Aanmelden dan hoef je …")."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    content = client.get(path).content.decode()
    assert (
        "Heb je een account? Dan hoef je je e-mailadres niet te bevestigen."
        f' <a class="utrecht-link" href="/account/login/?next={path}">Aanmelden</a>'
    ) in content
