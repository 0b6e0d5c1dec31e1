"""Personal data in the wijkradar (see ``privacy.registry``). A saved area says where a
person lives or works, so it is personal data: it is in their export, goes with their
account (the foreign key cascades), and is kept as long as the person keeps it. What
each area was told goes with the area, and once emailed or settled after
``RADAR_DELIVERY_RETENTION_DAYS`` (``radar.periodic.prune_deliveries``)."""

from privacy.registry import PersonalData
from radar.models import Delivery, Kind, SavedArea


def _kind(value: str) -> str:
    """A kind of news as the person reads it (a kind no longer known: its key)."""
    return str(Kind(value).label) if value in Kind.values else value


def _kinds(values: list[str]) -> str:
    return ", ".join(_kind(value) for value in values or [])


PERSONAL_DATA = [
    PersonalData(
        model="radar.SavedArea",
        rows=lambda user: SavedArea.objects.filter(user=user),
        exported=(
            "name",
            "neighbourhood",
            "latitude",
            "longitude",
            "radius",
            "kinds",
            "frequency",
            "emails",
            "created_at",
            "updated_at",
        ),
        not_personal=("id", "user"),
        labels={"kinds": _kinds},
    ),
    PersonalData(
        model="radar.Delivery",
        rows=lambda user: Delivery.objects.filter(area__user=user),
        exported=("area", "source", "item_id", "title", "url", "created_at", "emailed_at"),
        not_personal=("id",),
        labels={"source": _kind},
    ),
]
