"""Work the wijkradar enqueues: telling the saved areas about one new item."""

import logging

from celery import shared_task
from django.db import DatabaseError

from radar import actions

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=8,
)
def deliver_item(kind: str, item_id: int) -> int:
    """Tell the saved areas about one item; safe to run twice (see ``actions.deliver``)."""
    return actions.deliver(kind=kind, item_id=item_id)


def enqueue(kind: str, item_id: int) -> None:
    """After the item's transaction committed: hand it to a worker. When the task queue
    is unreachable the item is written down for the beat job ``deliver_missed`` (the
    resident's save has succeeded and must never fail on this)."""
    try:
        deliver_item.delay(kind, item_id)
    except Exception:  # the broker is down
        try:
            actions.remember_missed(kind=kind, item_id=item_id)
        except Exception:
            logger.exception("Radar item could not be queued nor written down (kind %s)", kind)
        else:
            logger.warning("Task queue unreachable; radar item kept for the catch-up job")
