"""Privacy self-service: what we hold about a person, their export, and erasure.

Every table that holds data about a person is declared once, next to its app, in
``<app>/personal_data.py`` as a list ``PERSONAL_DATA`` of ``PersonalData`` entries (the
kernel's own tables and the libraries' in ``privacy/personal_data.py``); the registry
finds them in every installed app, so adding an app never means editing this module.
The export, the erasure and the test that guards them all read those declarations, so a
new personal field that nobody classified fails the test suite instead of silently
escaping the export.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from accounts.models import User
from common import public_cache
from common.discovery import app_modules
from privacy.audit import record

DECLARING_MODULE = "personal_data"


@dataclass(frozen=True)
class PersonalData:
    """How one table holds data about one person.

    ``rows`` finds that person's rows. Every concrete field of the table is classified:
    ``exported`` (copied into the person's export), ``withheld`` (a secret such as a
    password hash, with the reason) or ``not_personal`` (keys and public facts).
    ``erase`` runs before the account itself is deleted; when it is None, the foreign
    key's own ``on_delete`` (cascade or set null) does the work. ``labels`` names, for a
    column that stores a key without Django choices (a notification's kind), how the
    person reads it: the export shows the label, as it does for a field with choices.
    ``read_as`` says, for a column the page "my data" shows otherwise than the export
    file holds it, what the page shows of a row (a notification's text in the reader's
    language; the file holds it in every language).
    """

    model: str
    rows: Callable[[User], models.QuerySet[Any]]
    exported: tuple[str, ...]
    not_personal: tuple[str, ...] = ()
    withheld: dict[str, str] = field(default_factory=dict)
    erase: Callable[[User], None] | None = None
    labels: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    read_as: dict[str, Callable[[Any], str]] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@cache
def registry() -> tuple[PersonalData, ...]:
    """Every installed app's declarations, in the order of ``INSTALLED_APPS``."""
    return tuple(
        entry for module in app_modules(DECLARING_MODULE) for entry in module.PERSONAL_DATA
    )


@dataclass(frozen=True)
class ErasureOption:
    """A choice a person makes when their account is erased, offered by the app it is
    about: for example withdrawing their open initiatives instead of leaving them to
    the municipality. ``label`` speaks to the person, ``staff_label`` to the civil
    servant who erases an account on a request by letter."""

    key: str
    label: str
    staff_label: str
    help_text: str
    apply: Callable[[User], None]


_ERASURE_OPTIONS: dict[str, ErasureOption] = {}


def register_erasure_option(option: ErasureOption) -> None:
    """Called from an app's ``AppConfig.ready()``."""
    _ERASURE_OPTIONS[option.key] = option


def erasure_options() -> list[ErasureOption]:
    return list(_ERASURE_OPTIONS.values())


def _plain(value: object, *, for_reading: bool = False) -> object:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        # The page formats a moment in the reader's language and time zone.
        return value if for_reading else value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    return value


def _row(
    instance: models.Model, entry: PersonalData, *, for_reading: bool = False
) -> dict[str, object]:
    row: dict[str, object] = {}
    for name in entry.exported:
        model_field = instance._meta.get_field(name)
        if for_reading and name in entry.read_as:
            row[name] = entry.read_as[name](instance)
        elif model_field.many_to_many:
            row[name] = [str(related) for related in getattr(instance, name).all()]
        elif getattr(model_field, "choices", None):
            row[name] = getattr(instance, f"get_{name}_display")()
        elif name in entry.labels:
            row[name] = str(entry.labels[name](getattr(instance, name)))
        else:
            row[name] = _plain(getattr(instance, name), for_reading=for_reading)
    return row


def _column_name(field: Any) -> str:
    """A column's name in the reader's language, also for a library's field that has no
    name of its own (allauth's "created at": our catalogue translates it)."""
    name = field.verbose_name
    return str(name) if isinstance(name, Promise) else gettext(str(name))


def export_personal_data(user: User, *, for_reading: bool = False) -> dict[str, Any]:
    """Everything the portal stores about this person, as plain JSON-ready data; for
    the page (``for_reading``) moments stay dates and times, to show in the reader's
    language and time zone."""
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
        rows = [_row(instance, entry, for_reading=for_reading) for instance in queryset]
        if rows:
            sections.append(
                {
                    "table": entry.model,
                    "title": str(model._meta.verbose_name_plural),
                    "fields": {
                        # Exported names are the table's own fields, never reverse relations.
                        name: _column_name(model._meta.get_field(name))
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
def erase_person(*, user: User, options: Iterable[str] = (), by: User | None = None) -> None:
    """Delete an account and every piece of personal data held with it.

    Public contributions (initiatives, comments, agenda items) stay, credited to "a
    former resident"; supports and agenda votes are removed and the counters recounted.
    Survey answers were never linked to the person when the survey was anonymous; for
    other surveys the link is cut. ``options`` are the keys of the erasure options the
    person chose (``register_erasure_option``). Staff run the same for a request
    received by letter (``by`` is then the civil servant, and the audit log records it).
    """
    for key in options:
        _ERASURE_OPTIONS[key].apply(user)
    for entry in registry():
        if entry.erase is not None:
            entry.erase(user)
    if by is not None:
        record(actor=by, action="erased", target=user, summary="account erased on request")
    user.delete()
    # Their name may be on cached public pages; contributions were re-credited by UPDATE.
    public_cache.bump_after_commit()
