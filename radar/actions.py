"""What the wijkradar does: saving and removing a resident's areas, telling each area
about new items in it, and the daily and weekly overviews.

Weekly delivery is the radar's own overview sent through the notifications kernel
(kind ``radar_digest``), not a weekly digest in the kernel: the frequency belongs to
one saved area, not to a kind of message, so a person can have their street emailed
at once and the whole city weekly. Each item is told at once on the portal (kind
``radar``); it is emailed at once only for an area that wants that, and otherwise waits
(``Delivery.emailed_at`` empty) for the area's overview. One-click unsubscribe in either
email stops that area's emails (``SavedArea.emails``) and nothing else."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from neighbourhoods.models import Neighbourhood
from notifications.service import notify
from radar import matching, sources
from radar.models import MAX_AREAS, Delivery, Frequency, Kind, SavedArea

RADAR = "radar"
RADAR_DIGEST = "radar_digest"
# How long an area's overview waits at least between two emails.
DIGEST_INTERVAL = {
    Frequency.DAILY: timedelta(hours=20),
    Frequency.WEEKLY: timedelta(days=6, hours=20),
}


class RadarError(Exception):
    """A saved area that cannot be saved (the cap on saved areas)."""


def save_area(*, area: SavedArea) -> SavedArea:
    """Save a new or changed area of a resident: at most ``MAX_AREAS`` each. A circle
    learns the neighbourhood its centre lies in (for news that names only a wijk)."""
    with transaction.atomic():
        # One saver at a time per person, so two tabs cannot pass the cap together.
        User.objects.select_for_update().filter(pk=area.user_id).first()
        if area.pk is None and SavedArea.objects.of(area.user).count() >= MAX_AREAS:
            raise RadarError(
                ngettext(
                    "You can save at most %(count)d area. Remove one first.",
                    "You can save at most %(count)d areas. Remove one first.",
                    MAX_AREAS,
                )
                % {"count": MAX_AREAS}
            )
        if area.latitude is not None and area.longitude is not None:
            area.neighbourhood = Neighbourhood.objects.containing(
                float(area.latitude), float(area.longitude)
            )
        area.save()
    return area


def delete_area(*, area: SavedArea) -> None:
    """Remove a saved area with what it was told (its messages on the portal stay)."""
    with transaction.atomic():
        area.delete()


def stop_emails(user: User, area_id: int) -> bool:
    """The unsubscribe link of an area's email: that area emails no more (the portal
    still shows its news). Whether the area was the person's."""
    return SavedArea.objects.filter(user=user, pk=area_id).update(emails=False) > 0


def _message(area: SavedArea, item: sources.Item) -> Callable[[], str]:
    name, title, kind = area.name, item.title, Kind(item.kind)

    def render() -> str:
        return gettext("New in your area “%(area)s”: %(kind)s: %(title)s") % {
            "area": name,
            "kind": kind.label,
            "title": title,
        }

    return render


def deliver(*, kind: str, item_id: int) -> int:
    """Tell every saved area the item falls in about it, once per area however often it
    is saved (the ``Delivery`` pair is unique, and the kernel's dedupe key holds too).
    Returns how many areas were told now."""
    item = sources.public_item(kind, item_id)
    if item is None:
        return 0
    areas = matching.areas_for(item)
    if not areas:
        return 0
    now = timezone.now()
    with transaction.atomic():
        told = set(
            Delivery.objects.filter(
                source=kind, item_id=item_id, area__in=[area.pk for area in areas]
            ).values_list("area_id", flat=True)
        )
        new = [area for area in areas if area.pk not in told]
        Delivery.objects.bulk_create(
            [
                Delivery(
                    area=area,
                    source=kind,
                    item_id=item_id,
                    title=item.title[:200],
                    url=item.url,
                    created_at=now,
                    emailed_at=now if area.frequency == Frequency.IMMEDIATELY else None,
                )
                for area in new
            ],
            ignore_conflicts=True,
        )
        for area in new:
            notify(
                recipient=area.user,
                kind=RADAR,
                message=_message(area, item),
                dedupe_key=f"radar:{area.pk}:{kind}:{item_id}",
                url=item.url,
                subject=area,
                email=area.emails and area.frequency == Frequency.IMMEDIATELY,
            )
    return len(new)


def _overview_message(area: SavedArea, titles: list[str], count: int) -> Callable[[], str]:
    name = area.name

    def render() -> str:
        text = ngettext(
            "%(count)d new item in your area “%(area)s”:",
            "%(count)d new items in your area “%(area)s”:",
            count,
        ) % {"count": count, "area": name}
        return f"{text} {'; '.join(titles)}"

    return render


def send_overviews(*, frequency: str, now: datetime | None = None) -> int:
    """Email each area of this frequency its waiting items in one overview, at most once
    per interval; safe to run twice (the waiting items are claimed first). An area whose
    emails were stopped has its items marked done without an email. Returns how many
    overviews went out."""
    now = now or timezone.now()
    due_before = now - DIGEST_INTERVAL[Frequency(frequency)]
    waiting = (
        SavedArea.objects.filter(frequency=frequency, deliveries__emailed_at__isnull=True)
        .distinct()
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for area in waiting.iterator():
        with transaction.atomic():
            rows = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(area=area, emailed_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not rows or (
                area.emails
                and Delivery.objects.filter(area=area, emailed_at__gt=due_before).exists()
            ):
                continue
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)
            if not area.emails:
                continue
            notify(
                recipient=area.user,
                kind=RADAR_DIGEST,
                message=_overview_message(area, [row.title for row in rows], len(rows)),
                dedupe_key=f"radar-digest:{area.pk}:{rows[-1].pk}",
                url=reverse("radar:list"),
                subject=area,
            )
            sent += 1
    return sent
