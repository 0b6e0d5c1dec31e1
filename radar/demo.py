"""Demo saved areas: Fatima keeps an eye on her own neighbourhood (a weekly email) and
on a 500 m circle around the town centre (at once); Jeroen on a 1 km circle (daily).
The newest public initiatives and offers in them are told as if they came in after."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from community.models import Post
from initiatives.models import Initiative
from radar import actions
from radar.models import Frequency, Kind, SavedArea


def seed(demo) -> None:
    residents = demo.residents
    neighbourhoods = demo.extra.get("neighbourhoods", [])
    if len(residents) < 2 or not neighbourhoods or SavedArea.objects.exists():
        return
    fatima, jeroen = residents[0], residents[1]
    home = fatima.home_neighbourhood or neighbourhoods[0]
    latitude, longitude = (Decimal(str(value)) for value in settings.PORTAL_MAP_CENTER)
    long_ago = timezone.now() - timedelta(days=365)
    areas = [
        SavedArea(
            user=fatima,
            name="Mijn wijk",
            neighbourhood=home,
            kinds=[Kind.INITIATIVES, Kind.AGENDA, Kind.EVENTS, Kind.POSTS, Kind.CALLS],
            frequency=Frequency.WEEKLY,
        ),
        SavedArea(
            user=fatima,
            name="Rond het centrum",
            latitude=latitude,
            longitude=longitude,
            radius=500,
            kinds=[Kind.INITIATIVES, Kind.REPORTS, Kind.PROJECTS],
            frequency=Frequency.IMMEDIATELY,
        ),
        SavedArea(
            user=jeroen,
            name="Rond mijn werk",
            latitude=latitude + Decimal("0.004"),
            longitude=longitude - Decimal("0.006"),
            radius=1000,
            kinds=[Kind.INITIATIVES, Kind.EVENTS, Kind.POSTS],
            frequency=Frequency.DAILY,
        ),
    ]
    for area in areas:
        actions.save_area(area=area)
    SavedArea.objects.update(created_at=long_ago)
    for pk in (
        Initiative.objects.public().order_by("-submitted_at").values_list("pk", flat=True)[:5]
    ):
        actions.deliver(kind=Kind.INITIATIVES, item_id=pk)
    for pk in Post.objects.order_by("-created_at").values_list("pk", flat=True)[:3]:
        actions.deliver(kind=Kind.POSTS, item_id=pk)
