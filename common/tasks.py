"""Work the kernel enqueues: recomputing figures a visitor found stale."""

from typing import Any

from celery import shared_task

from common import figures


@shared_task  # type: ignore[untyped-decorator]  # celery ships no types
def refresh_figures(name: str, selection: dict[str, Any], language: str) -> None:
    figures.refresh_if_default(name, selection, language)
