"""Privacy self-service: what we hold about a person, their export, and erasure.

Every table that holds data about a person is declared once, next to its app, in
``<app>/privacy.py`` as a list of ``PersonalData`` entries. The export, the erasure and
the test that guards them all read those declarations, so a new personal field that
nobody classified fails the test suite instead of silently escaping the export.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

# Apps (ours and the libraries') whose tables may hold data about a person.
DECLARING_MODULES = (
    "portal.privacy_tables",
    "neighbourhoods.privacy",
    "initiatives.privacy",
    "surveys.privacy",
    "procurement.privacy",
    "participation.privacy",
)


@dataclass(frozen=True)
class PersonalData:
    """How one table holds data about one person.

    ``rows`` finds that person's rows. Every concrete field of the table is classified:
    ``exported`` (copied into the person's export), ``withheld`` (a secret such as a
    password hash, with the reason) or ``not_personal`` (keys and public facts).
    ``erase`` runs before the account itself is deleted; when it is None, the foreign
    key's own ``on_delete`` (cascade or set null) does the work.
    """

    model: str
    rows: Callable[[object], models.QuerySet]
    exported: tuple[str, ...]
    not_personal: tuple[str, ...] = ()
    withheld: dict[str, str] = field(default_factory=dict)
    erase: Callable[[object], None] | None = None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@cache
def registry() -> tuple[PersonalData, ...]:
    entries: list[PersonalData] = []
    for module in DECLARING_MODULES:
        entries.extend(import_module(module).PERSONAL_DATA)
    return tuple(entries)


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    return value


def _row(instance: models.Model, names: Iterable[str]) -> dict:
    row = {}
    for name in names:
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            row[name] = [str(related) for related in getattr(instance, name).all()]
        elif getattr(model_field, "choices", None):
            row[name] = getattr(instance, f"get_{name}_display")()
        else:
            row[name] = _plain(getattr(instance, name))
    return row


def export_personal_data(user) -> dict:
    """Everything the portal stores about this person, as plain JSON-ready data."""
    sections = []
    for entry in registry():
        model = entry.model_class
        related = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.name in entry.exported
        ]
        queryset = entry.rows(user).order_by("pk")
        if related:
            queryset = queryset.select_related(*related)
        rows = [_row(instance, entry.exported) for instance in queryset]
        if rows:
            sections.append(
                {
                    "table": entry.model,
                    "title": str(model._meta.verbose_name_plural),
                    "fields": {
                        name: str(model._meta.get_field(name).verbose_name)
                        for name in entry.exported
                    },
                    "rows": rows,
                }
            )
    return {
        "municipality": settings.PORTAL_MUNICIPALITY_NAME,
        "generated_at": timezone.now().isoformat(),
        "sections": sections,
    }


@transaction.atomic
def erase_person(*, user, withdraw_open_initiatives: bool = False, by=None) -> None:
    """Delete an account and every piece of personal data held with it.

    Public contributions (initiatives, comments, agenda items) stay, credited to "a
    former resident"; supports and agenda votes are removed and the counters recounted.
    Survey answers were never linked to the person when the survey was anonymous; for
    other surveys the link is cut. Staff run the same for a request received by letter
    (``by`` is then the civil servant, and the audit log records it).
    """
    from portal import public_cache
    from portal.audit import record  # the audit log also reads the registry's models

    if withdraw_open_initiatives:
        from initiatives.actions import withdraw_all_open

        withdraw_all_open(user=user)
    for entry in registry():
        if entry.erase is not None:
            entry.erase(user)
    if by is not None:
        record(actor=by, action="erased", target=user, summary="account erased on request")
    user.delete()
    # Their name may be on kept public pages; contributions were re-credited by UPDATE.
    public_cache.bump_after_commit()


# --- retention: accounts nobody uses any more -------------------------------------------


def _inactive_since(cutoff):
    from django.db.models import Q

    from portal.models import User

    return User.objects.filter(is_staff=False, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def accounts_to_warn(now=None):
    """Accounts unused for the retention period that have not been warned yet."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PORTAL_RETENTION_INACTIVE_DAYS)
    return _inactive_since(cutoff).filter(retention_warned_at__isnull=True)


def accounts_to_erase(now=None):
    """Accounts warned at least the grace period ago that did not sign in since."""
    from django.db.models import F, Q

    now = now or timezone.now()
    warned_before = now - datetime.timedelta(days=settings.PORTAL_RETENTION_GRACE_DAYS)
    cutoff = now - datetime.timedelta(days=settings.PORTAL_RETENTION_INACTIVE_DAYS)
    return _inactive_since(cutoff).filter(
        Q(last_login__isnull=True) | Q(last_login__lt=F("retention_warned_at")),
        retention_warned_at__lte=warned_before,
    )


def apply_retention(now=None) -> tuple[int, int]:
    """The daily retention run: queue a warning for newly inactive accounts and erase
    those warned long enough ago. Safe to run twice: the warning email claims its
    account before sending, and an erased account is gone."""
    from portal.tasks import send_retention_warning

    warned = 0
    for user_id in accounts_to_warn(now).values_list("pk", flat=True).iterator():
        send_retention_warning.delay_on_commit(user_id)
        warned += 1
    erased = 0
    for user in accounts_to_erase(now).iterator():
        erase_person(user=user)
        erased += 1
    return warned, erased


def forget_retention_warning(sender, request, user, **kwargs) -> None:
    """Signing in is using the account: the removal warning no longer applies."""
    if user.retention_warned_at is not None:
        type(user).objects.filter(pk=user.pk).update(retention_warned_at=None)
        user.retention_warned_at = None
