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

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from neighbourhoods.models import Neighbourhood
from notifications.service import Notice, notify, notify_batch
from radar import matching, sources
from radar.models import MAX_AREAS, Delivery, Frequency, Kind, MissedItem, SavedArea

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
        if area.frequency == Frequency.IMMEDIATELY:
            # Items waiting for a daily or weekly overview are settled: they are on the
            # portal already, and no overview of this area will come any more.
            area.deliveries.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return area


def delete_area(*, area: SavedArea) -> None:
    """Remove a saved area with what it was told (its messages on the portal stay)."""
    with transaction.atomic():
        area.delete()


def stop_emails(user: User, area_id: int) -> bool:
    """The unsubscribe link of an area's email: that area emails no more (the portal
    still shows its news). Whether the area was the person's."""
    return SavedArea.objects.filter(user=user, pk=area_id).update(emails=False) > 0


def describe_area(user: User, area_id: int) -> str | None:
    """The area as the unsubscribe page names it, or None when it is not the person's."""
    name = SavedArea.objects.filter(user=user, pk=area_id).values_list("name", flat=True).first()
    if name is None:
        return None
    return gettext("your area “%(area)s”") % {"area": name}


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
    The areas are told a chunk at a time (``matching.CHUNK``), a fixed number of
    queries each. A person whose areas overlap gets one email about the item (the
    portal shows it for each area): emailed at once for one area, it is settled in
    their daily or weekly areas instead of waiting for the overview. Returns how many
    areas were told now."""
    item = sources.public_item(kind, item_id)
    if item is None:
        return 0
    emailed: set[int] = set()
    told_now = 0
    for chunk in matching.areas_for(item):
        told_now += _deliver_chunk(item, chunk, emailed)
    return told_now


def _deliver_chunk(item: sources.Item, areas: list[SavedArea], emailed: set[int]) -> int:
    if not areas:
        return 0
    now = timezone.now()
    with transaction.atomic():
        told = set(
            Delivery.objects.filter(
                source=item.kind, item_id=item.pk, area__in=[area.pk for area in areas]
            ).values_list("area_id", flat=True)
        )
        new = [area for area in areas if area.pk not in told]
        # Overlapping areas of one person: one email about one item. Whoever has it
        # emailed at once now does not get it again in a daily or weekly overview.
        email_now: set[int] = set()
        for area in new:
            if (
                area.emails
                and area.frequency == Frequency.IMMEDIATELY
                and area.user_id not in emailed
            ):
                email_now.add(area.pk)
                emailed.add(area.user_id)
        Delivery.objects.bulk_create(
            [
                Delivery(
                    area=area,
                    source=item.kind,
                    item_id=item.pk,
                    title=item.title[:200],
                    url=item.url,
                    created_at=now,
                    emailed_at=(
                        now
                        if area.frequency == Frequency.IMMEDIATELY or area.user_id in emailed
                        else None
                    ),
                )
                for area in new
            ],
            ignore_conflicts=True,
        )
        # The same person's areas of an earlier chunk that wait for an overview.
        settled = {area.user_id for area in new if area.pk in email_now}
        if settled:
            Delivery.objects.filter(
                source=item.kind,
                item_id=item.pk,
                emailed_at__isnull=True,
                area__user__in=settled,
            ).update(emailed_at=now)
        notify_batch(
            [
                Notice(
                    recipient=area.user,
                    message=_message(area, item),
                    dedupe_key=f"radar:{area.pk}:{item.kind}:{item.pk}",
                    url=item.url,
                    subject=area,
                    email=area.pk in email_now,
                )
                for area in new
            ],
            kind=RADAR,
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


def still_public(rows: list[Delivery]) -> list[Delivery]:
    """The waiting items that are still public: one query per kind of news."""
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row.source, []).append(row.item_id)
    public = {
        (kind, pk)
        for kind, pks in by_kind.items()
        if kind in sources.SOURCES
        for pk in sources.SOURCES[kind].public_pks(pks)
    }
    return [row for row in rows if (row.source, row.item_id) in public]


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
            # An item no longer public (a hidden post, a withdrawn initiative, a
            # cancelled event) is settled without being told.
            rows = still_public(rows)
            if not area.emails or not rows:
                continue
            notify(
                recipient=area.user,
                kind=RADAR_DIGEST,
                message=_overview_message(area, [row.title for row in rows], len(rows)),
                dedupe_key=f"radar-digest:{area.pk}:{rows[-1].pk}",
                # Each item is linked among the person's messages on the portal.
                url=reverse("notifications:list"),
                subject=area,
            )
            sent += 1
    return sent


def remember_missed(*, kind: str, item_id: int) -> None:
    """An item to tell later: the task queue was unreachable (``deliver_missed``)."""
    MissedItem.objects.get_or_create(source=kind, item_id=item_id)


def deliver_missed() -> int:
    """Tell the areas about the items written down while the task queue was
    unreachable, each removed once told; safe to run twice. Returns how many items."""
    done = 0
    for missed in MissedItem.objects.order_by("pk").iterator():
        deliver(kind=missed.source, item_id=missed.item_id)
        MissedItem.objects.filter(pk=missed.pk).delete()
        done += 1
    return done


def prune_deliveries(*, now: datetime | None = None) -> int:
    """Remove what areas were told longer ago than ``RADAR_DELIVERY_RETENTION_DAYS``
    (only rows emailed or settled; waiting ones stay for their overview). An item is
    news only when it becomes public, so an old row is no longer needed to keep it
    from being told twice. Returns how many rows went."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.RADAR_DELIVERY_RETENTION_DAYS)
    deleted, _per_model = Delivery.objects.filter(
        emailed_at__isnull=False, created_at__lt=before
    ).delete()
    return deleted
