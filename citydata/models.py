"""The inner city's data shared by partners: an organisation (the entrepreneurs'
association, a housing corporation, the city community) publishes series into datasets
agreed with the municipality, through the API with its own token or a CSV upload.

A dataset's schema says what a row holds: a period (a day or a month), the values of its
dimensions (each with its allowed values, such as the streets of the inner city) and one
measure (a number with a unit and bounds). Partners publish aggregates only, never
anything about a person. Nothing shows publicly until a member of staff approved the
dataset for publication."""

import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX_LENGTH = 8
# The longest value of a dimension, and of a row's values together (``Observation.key``).
DIMENSION_VALUE_LENGTH = 100
KEY_LENGTH = 500


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Partner(models.Model):
    """An organisation outside the municipality that shares data for the inner-city
    dashboard; its members (accounts on the portal) upload its series."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="data_partners",
        help_text=_("Accounts that may upload this partner's series."),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("data partner")
        verbose_name_plural = _("data partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Granularity(models.TextChoices):
    DAY = "day", _("per day")
    MONTH = "month", _("per month")


class Aggregation(models.TextChoices):
    """How the dashboard makes one number of a month from a series' periods: footfall
    adds up; a stock (vacant shop units) does not, and takes its average or its last
    count of the month."""

    SUM = "sum", _("the total of the month")
    AVERAGE = "average", _("the average of the month")
    LAST = "last", _("the last value of the month")


class DatasetQuerySet(models.QuerySet["Dataset"]):
    def approved(self) -> "DatasetQuerySet":
        """What anyone may see: the datasets staff approved for publication."""
        return self.filter(approved_at__isnull=False)

    def of_member(self, user: Any) -> "DatasetQuerySet":
        """The datasets of the partners ``user`` is a member of."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(partner__members=user)


def _validate_dimensions(value: Any) -> None:
    """A list of ``{"name": ..., "label_nl": ..., "label_en": ..., "values": [...]}``."""
    message = _(
        'Write a list of dimensions, each {"name": "street", "label_nl": "straat", '
        '"label_en": "street", "values": ["…", "…"]}.'
    )
    if not isinstance(value, list):
        raise ValidationError(message)
    names = set()
    for dimension in value:
        if not isinstance(dimension, dict) or set(dimension) != {
            "name",
            "label_nl",
            "label_en",
            "values",
        }:
            raise ValidationError(message)
        name, values = dimension["name"], dimension["values"]
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or name in ("period", "value")
            or name in names
            or not isinstance(values, list)
            or not values
            or not all(
                isinstance(item, str) and item.strip() and len(item) <= DIMENSION_VALUE_LENGTH
                for item in values
            )
            or len(set(values)) != len(values)
        ):
            raise ValidationError(message)
        names.add(name)


class Dataset(models.Model):
    """A series agreed with a partner (footfall per street per day, vacant shop units per
    month): its schema, licence and source, and whether staff approved it for
    publication."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="datasets"
    )
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    granularity = models.CharField(
        _("period"), max_length=5, choices=Granularity.choices, default=Granularity.DAY
    )
    dimensions = models.JSONField(
        _("dimensions"),
        default=list,
        blank=True,
        validators=[_validate_dimensions],
        help_text=_(
            "What each row is broken down by, with the allowed values; a value outside "
            "them is refused."
        ),
    )
    measure_nl = models.CharField(_("measure (Dutch)"), max_length=100)
    measure_en = models.CharField(_("measure (English)"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    aggregation = models.CharField(
        _("per month on the dashboard"),
        max_length=7,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
        help_text=_(
            "Footfall adds up over a month; a count of what there is (vacant shop units) "
            "does not: take its average or its last value."
        ),
    )
    minimum = models.DecimalField(_("lowest value"), max_digits=14, decimal_places=2, default=0)
    maximum = models.DecimalField(_("highest value"), max_digits=14, decimal_places=2)
    licence = models.CharField(_("licence"), max_length=100, default="CC BY 4.0")
    source = models.CharField(
        _("source line"),
        max_length=200,
        help_text=_("How the data is attributed wherever it is shown."),
    )
    approved_at = models.DateTimeField(_("approved for publication"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner dataset")
        verbose_name_plural = _("partner datasets")
        ordering = ["partner__name", "name_nl"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maximum__gt=models.F("minimum")),
                name="citydata_dataset_bounds",
                violation_error_message=_("The highest value must be above the lowest."),
            )
        ]

    def __str__(self) -> str:
        return self.name_nl

    def name_for(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl

    def description_for(self, language: str) -> str:
        return self.description_en if language == "en" else self.description_nl

    def measure_for(self, language: str) -> str:
        return self.measure_en if language == "en" else self.measure_nl

    def dimension_names(self) -> list[str]:
        return [dimension["name"] for dimension in self.dimensions]

    def columns(self) -> list[str]:
        """The fields of a row, in the order of a CSV file's header."""
        return ["period", *self.dimension_names(), "value"]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


def dimension_key(values: dict[str, str]) -> str:
    """One text for a row's dimension values: what makes it unique within a period."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


class Observation(models.Model):
    """One number of a dataset: the measure for a period and the dimensions' values
    (footfall in the Langestraat on 3 March). Publishing the same period and values again
    replaces it."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="observations")
    period = models.DateField(_("period"))
    dimension_values = models.JSONField(_("dimensions"), default=dict)
    key = models.CharField(max_length=KEY_LENGTH, editable=False)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["dataset", "period", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "period", "key"], name="citydata_one_value_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.key}: {self.value}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_token(self, token: str) -> "ApiToken | None":
        """The token, not revoked, whose hash this is; ``None`` otherwise."""
        if not token:
            return None
        return (
            self.filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .select_related("partner")
            .first()
        )


class ApiToken(models.Model):
    """A key with which a partner's system publishes through the API. It is shown once,
    when staff add it; only its hash is kept. Revoked, it no longer works."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the partner uses it for."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("token begins with"),
        max_length=TOKEN_PREFIX_LENGTH,
        editable=False,
        help_text=_("The first characters of the token, to recognise it."),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")
        ordering = ["partner__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def new_token(self) -> str:
        """Give the token a new random value; returns it (the only time it is readable)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.prefix = token[:TOKEN_PREFIX_LENGTH]
        return token


ZERO = Decimal(0)
