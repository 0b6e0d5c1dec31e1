"""Writes of the inner city's data: a partner's rows stored all at once (or not at
all), a dataset approved for publication, a token revoked."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from citydata import dashboard
from citydata.models import ApiToken, Dataset, Observation
from citydata.validation import RowError, validate_rows
from common import figures, public_cache
from common.transactions import once_after_commit


class RowsRefused(Exception):
    """The rows were not stored: each error names a row and a field."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def publish_observations(*, dataset: Dataset, rows: Any) -> int:
    """Check every row against ``dataset``'s schema and, only when all are right, store
    them; a period and values already there get the new value. Returns how many rows
    were stored; raises ``RowsRefused`` with every error otherwise."""
    clean, errors = validate_rows(dataset, rows)
    if errors:
        raise RowsRefused(errors)
    now = timezone.now()
    with transaction.atomic(), public_cache.changing("citydata"):
        Observation.objects.bulk_create(
            [
                Observation(
                    dataset=dataset,
                    period=row.period,
                    dimension_values=row.dimension_values,
                    key=row.key,
                    value=row.value,
                    updated_at=now,
                )
                for row in clean
            ],
            update_conflicts=True,
            unique_fields=["dataset", "period", "key"],
            update_fields=["value", "dimension_values", "updated_at"],
            batch_size=1000,
        )
    return len(clean)


def refresh_dashboard() -> None:
    """The inner-city dashboard as the database holds it now, in every language: its
    stored figures replaced at once (not when they next go stale), then the visitors'
    cached pages renewed, so that no visitor is served the page of before."""
    if settings.PORTAL_DASHBOARD_CACHE_SECONDS:  # otherwise computed for every visitor
        for language, _label in settings.LANGUAGES:
            figures.refresh(dashboard.FIGURES, {}, language)
    public_cache.bump("citydata")


def approve_datasets(*, datasets: QuerySet[Dataset], by: Any) -> list[Dataset]:
    """Approve the datasets not yet approved for publication; returns those approved."""
    with transaction.atomic():
        chosen = list(datasets.select_for_update().filter(approved_at__isnull=True))
        now = timezone.now()
        for dataset in chosen:
            dataset.approved_at, dataset.approved_by = now, by
            dataset.save(update_fields=["approved_at", "approved_by"])
        if chosen:
            once_after_commit(refresh_dashboard)
    return chosen


def withdraw_datasets(*, datasets: QuerySet[Dataset]) -> list[Dataset]:
    """Take approved datasets off the public pages (their rows stay)."""
    with transaction.atomic():
        chosen = list(datasets.select_for_update().filter(approved_at__isnull=False))
        for dataset in chosen:
            dataset.approved_at, dataset.approved_by = None, None
            dataset.save(update_fields=["approved_at", "approved_by"])
        if chosen:
            once_after_commit(refresh_dashboard)
    return chosen


def revoke_tokens(*, tokens: QuerySet[ApiToken]) -> list[ApiToken]:
    """Revoke the tokens still working; from now on they are refused (401)."""
    with transaction.atomic():
        chosen = list(tokens.select_for_update().filter(revoked_at__isnull=True))
        now = timezone.now()
        for token in chosen:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
    return chosen


def note_use(token: ApiToken) -> None:
    """Remember when a token was last used (at most once a minute per token)."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < 60:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
