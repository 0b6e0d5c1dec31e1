"""The supplier database (leveranciersdatabank) and the tender calendar
(aanbestedingskalender): who can deliver what, what the municipality plans to buy, and
who was invited to the private procedures."""

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from stdnum.nl import btw, postcode

from common.validators import validate_plain_text

# How many suppliers a multiple private procedure invites (more or fewer needs a reason).
MIN_SHORTLIST = 3
MAX_SHORTLIST = 5

KVK_VALIDATOR = RegexValidator(r"^\d{8}$", _("A KvK number has 8 digits."))
ESTABLISHMENT_VALIDATOR = RegexValidator(
    r"^\d{12}$", _("An establishment number (vestigingsnummer) has 12 digits.")
)


def validate_vat(value: str) -> None:
    """Dutch BTW-id: both the old (11-test) and the new (mod 97) form, via python-stdnum."""
    if value and not btw.is_valid(value):
        raise ValidationError(_("Enter a valid Dutch VAT number, such as NL000099998B57."))


def validate_postcode(value: str) -> None:
    if value and not postcode.is_valid(value):
        raise ValidationError(_("Enter a Dutch postcode, such as 3811 AB."))


class CpvCodeQuerySet(models.QuerySet["CpvCode"]):
    def search(self, text: str, limit: int = 30) -> "CpvCodeQuerySet":
        """CPV codes by code (with or without check digit) or by words in the label, Dutch
        or English."""
        text = text.strip()
        if not text:
            return self.none()
        digits = text.replace("-", "")
        if digits.isdigit():
            return self.filter(code__startswith=digits[:8])[:limit]
        condition = Q()
        for word in text.split()[:5]:
            # Either language: an English word finds a code on a Dutch page and back.
            condition &= Q(label__icontains=word) | Q(label_nl__icontains=word)
        return self.filter(condition)[:limit]


class CpvCode(models.Model):
    """A code of the Common Procurement Vocabulary (CPV 2008). The check digit comes from
    the official table; the tree follows the code's significant digits. Its label is kept
    in English and Dutch (``procurement/data/``); pages show the reader's language."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    check_digit = models.CharField(_("check digit"), max_length=1)
    label = models.CharField(_("label (English)"), max_length=300)
    label_nl = models.CharField(_("label (Dutch)"), max_length=300, blank=True)
    # "45" for 45000000, "4521" for 45210000: the prefix a subtree search uses.
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)

    objects = CpvCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.full_code} {self.localized_label}"

    @property
    def localized_label(self) -> str:
        """The label in the reader's language: Dutch on Dutch pages, English otherwise."""
        language = get_language() or settings.LANGUAGE_CODE
        if language.startswith("nl") and self.label_nl:
            return self.label_nl
        return self.label

    @property
    def full_code(self) -> str:
        return f"{self.code}-{self.check_digit}"

    @staticmethod
    def prefix_of(code: str) -> str:
        """The significant part: divisions have 2 digits, then one digit per level."""
        stripped = code.rstrip("0")
        return stripped if len(stripped) >= 2 else code[:2]

    @classmethod
    def prefix_of_input(cls, text: str) -> str | None:
        """The prefix of a code someone typed ("4521", "45210000-2"), or None."""
        digits = text.replace("-", "").strip()[:8]
        return cls.prefix_of(digits.ljust(8, "0")) if digits.isdigit() else None


def cpv_overlap(field: str, prefixes) -> Q:
    """Rows whose CPV codes (through ``field``, or CPV codes themselves when it is empty)
    lie in the subtree of one of ``prefixes`` or above it: the tree read both ways, so a
    supplier of "45" (construction) meets a tender for "4521" and the other way round.
    Empty when there are no prefixes."""
    lookup = f"{field}__prefix" if field else "prefix"
    condition = Q(pk__in=[])
    for prefix in prefixes:
        ancestors = [prefix[:length] for length in range(2, len(prefix) + 1)]
        condition |= Q(**{f"{lookup}__startswith": prefix})
        condition |= Q(**{f"{lookup}__in": ancestors})
    return condition


def new_feed_token() -> str:
    """The secret in a supplier's personal calendar feed URL (32 hex characters)."""
    return secrets.token_hex(16)


class SupplierQuerySet(models.QuerySet["Supplier"]):
    def in_cpv_subtree(self, *prefixes: str) -> "SupplierQuerySet":
        """Suppliers of a code in the subtree of one of ``prefixes``, or who chose a
        broader code above it (the tree read both ways, as :func:`cpv_overlap`). The
        subtree is one range of the suppliers' CPV prefixes (:class:`SupplierCpvPrefix`),
        however many codes lie below; the few broader levels are looked up as chosen."""
        if not prefixes:
            return self.none()
        below = SupplierCpvPrefix.objects.filter(prefix__in=prefixes)
        ancestors = {prefix[:length] for prefix in prefixes for length in range(2, len(prefix))}
        above = SupplierCpvPrefix.objects.filter(prefix__in=ancestors, chosen=True)
        return self.filter(pk__in=below.values("supplier_id").union(above.values("supplier_id")))

    def matching(self, tender: "Tender") -> "SupplierQuerySet":
        """Suppliers (not suspended) whose CPV codes meet the tender's, up or down the tree."""
        prefixes = [code.prefix for code in tender.cpv_codes.all()]
        return self.exclude(status=Supplier.Status.SUSPENDED).in_cpv_subtree(*prefixes)

    def of(self, user) -> "Supplier | None":
        """The supplier this person manages (one at most), or None."""
        if not user.is_authenticated:
            return None
        return self.filter(members__user=user).first()

    def team_members(self) -> list:
        """The people who manage these suppliers."""
        return [
            member.user
            for member in SupplierMember.objects.filter(supplier__in=self).select_related("user")
        ]


class Supplier(models.Model):
    """A company in the supplier database. Pending until a procurement officer verifies
    it; only verified suppliers appear in the officers' search and shortlists."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    class Turnover(models.TextChoices):
        UP_TO_2M = "2m", _("Up to € 2 million")
        UP_TO_10M = "10m", _("€ 2 to 10 million")
        UP_TO_50M = "50m", _("€ 10 to 50 million")
        MORE = "more", _("More than € 50 million")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium-sized")
        LARGE = "large", _("Large")

    # Small and medium-sized enterprises (MKB) in the EU's sense.
    SME_SIZES = (Size.MICRO, Size.SMALL, Size.MEDIUM)

    class Area(models.TextChoices):
        MUNICIPALITY = "municipality", _("This municipality")
        REGION = "region", _("The region")
        PROVINCE = "province", _("The province")
        COUNTRY = "country", _("The whole country")

    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        unique=True,
        validators=[KVK_VALIDATOR],
        error_messages={
            "unique": _(
                "This KvK number is registered already. Ask that company's team to invite you."
            )
        },
    )
    establishment_number = models.CharField(
        _("establishment number"), max_length=12, blank=True, validators=[ESTABLISHMENT_VALIDATOR]
    )
    name = models.CharField(_("company name"), max_length=160, validators=[validate_plain_text])
    vat_number = models.CharField(
        _("VAT number (BTW-id)"), max_length=14, validators=[validate_vat]
    )
    street = models.CharField(_("street and number"), max_length=160)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=80)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact email"))
    staff_count = models.PositiveIntegerField(
        _("number of staff (FTE)"), validators=[MaxValueValidator(1_000_000)]
    )
    turnover = models.CharField(_("annual turnover"), max_length=8, choices=Turnover.choices)
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, editable=False)
    is_local = models.BooleanField(_("local"), default=False, editable=False)
    social_enterprise = models.BooleanField(_("social enterprise"), default=False)
    service_area = models.CharField(
        _("area of work"), max_length=16, choices=Area.choices, default=Area.REGION
    )
    wants_invitations = models.BooleanField(
        _("wants invitations for private tenders"), default=True
    )
    cpv_codes = models.ManyToManyField(
        CpvCode, verbose_name=_("CPV codes delivered"), blank=True, related_name="suppliers"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    feed_token = models.CharField(
        _("calendar feed key"), max_length=32, unique=True, default=new_feed_token
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        indexes = [
            # The officers' search without a CPV code (with one it reads SupplierCpvPrefix):
            # by status and name, the search page as it opens; by status and size, and
            # where they work, in name order. A name is found through a trigram index
            # (PostgreSQL only, migration 0007). The status alone counts the verified
            # suppliers from a narrow index instead of reading the table.
            models.Index(fields=["status"], name="supplier_status"),
            models.Index(fields=["status", "name", "id"], name="supplier_status_name"),
            models.Index(
                fields=["status", "size", "name"], include=["id"], name="supplier_status_size_name"
            ),
            models.Index(
                fields=["status", "size", "service_area", "name"],
                include=["id"],
                name="supplier_status_size_area",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kvk_number__regex=r"^[0-9]{8}$"), name="supplier_kvk_format"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "verified", "suspended"]),
                name="supplier_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kvk_number})"

    def save(self, *args, **kwargs) -> None:
        self.postcode = postcode.compact(self.postcode) if self.postcode else ""
        if len(self.postcode) == 6:
            self.postcode = f"{self.postcode[:4]} {self.postcode[4:]}"
        self.vat_number = f"NL{btw.compact(self.vat_number)}" if self.vat_number else ""
        self.size = size_class(self.staff_count, self.turnover)
        self.is_local = is_local_postcode(self.postcode)
        super().save(*args, **kwargs)

    def renew_feed_token(self) -> None:
        """Make a new personal calendar link: the old one stops working at once (for
        when the link was shared with someone who should no longer have it)."""
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token"])

    @property
    def is_sme(self) -> bool:
        return self.size in self.SME_SIZES

    def team_members(self) -> list:
        """The people who manage this supplier's profile."""
        return [member.user for member in self.members.select_related("user")]


# What the officers' search filters on besides the code, status and name (the CPV index's
# keys): read from the index's entries without visiting the table.
FILTERED_IN_INDEX_ENTRIES = [
    "size",
    "service_area",
    "is_local",
    "social_enterprise",
    "wants_invitations",
]


class SupplierCpvPrefix(models.Model):
    """The supplier search's index of what a supplier delivers: one row for every CPV
    prefix at or above a code the supplier chose, from the division ("45") down to the
    code itself ("4521"). A search for "45" and everything below it is then one range of
    one index instead of hundreds of codes.

    Each row carries a copy of what the officers filter and sort on (name, status, size,
    where the supplier works, the flags), so a search by code, size and region reads
    this table's index alone, in name order, without meeting the suppliers' table.
    The rows are rebuilt for a supplier whenever its CPV codes change
    (``procurement.apps``); the copies follow every change of the supplier itself through
    a database trigger (migration 0006), whichever way the supplier is updated. A later
    migration that makes SQLite rebuild the suppliers' table drops the trigger and must
    create it again; the copies' test fails until it does. Never edited by hand."""

    # What REBUILD_SQL and the trigger copy from the supplier.
    COPIED = ("name", "status", *FILTERED_IN_INDEX_ENTRIES)

    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    prefix = models.CharField(_("prefix"), max_length=8)
    # The supplier chose a code at exactly this level (not only one below it): a search
    # for a narrower code finds those who deliver everything in this broader one.
    chosen = models.BooleanField(_("chosen"), default=False)
    name = models.CharField(_("name"), max_length=160)
    status = models.CharField(_("status"), max_length=16)
    size = models.CharField(_("size"), max_length=8)
    service_area = models.CharField(_("service area"), max_length=16)
    is_local = models.BooleanField(_("local"), default=False)
    social_enterprise = models.BooleanField(_("social enterprise"), default=False)
    wants_invitations = models.BooleanField(_("wants invitations"), default=False)

    class Meta:
        verbose_name = _("CPV code of a supplier")
        verbose_name_plural = _("CPV codes of suppliers")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "prefix"], name="supplier_cpv_prefix_once")
        ]
        indexes = [
            # One code and status, in name order; everything else the search asks is read
            # from the index entries, so a count or a page never visits the table.
            models.Index(
                fields=["prefix", "status", "name", "supplier"],
                include=["chosen", *FILTERED_IN_INDEX_ENTRIES],
                name="supplier_cpv_prefix_search",
            ),
            # Those who chose a broader code, asked for beside a narrower code's subtree:
            # a few rows among the many below a division.
            models.Index(
                fields=["prefix", "status", "name", "supplier"],
                include=FILTERED_IN_INDEX_ENTRIES,
                condition=Q(chosen=True),
                name="supplier_cpv_prefix_chosen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.prefix}"

    # Every prefix of every chosen code, marked when a code was chosen at that level, with
    # the supplier's searched facts: substr(), a join with the lengths 2..8 and positional
    # GROUP BY work alike on PostgreSQL and SQLite.
    REBUILD_SQL = """
        INSERT INTO procurement_suppliercpvprefix
            (supplier_id, prefix, chosen, name, status, size, service_area, is_local,
             social_enterprise, wants_invitations)
        SELECT supplier.id, levels.prefix, levels.chosen, supplier.name, supplier.status,
               supplier.size, supplier.service_area, supplier.is_local,
               supplier.social_enterprise, supplier.wants_invitations
        FROM (
            SELECT interest.supplier_id AS supplier_id,
                   substr(code.prefix, 1, lengths.n) AS prefix,
                   MAX(CASE WHEN lengths.n = length(code.prefix) THEN 1 ELSE 0 END) = 1
                       AS chosen
            FROM procurement_supplier_cpv_codes interest
            JOIN procurement_cpvcode code ON code.id = interest.cpvcode_id
            JOIN (SELECT 2 AS n UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
                  UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) lengths
              ON lengths.n <= length(code.prefix)
            {where}
            GROUP BY 1, 2
        ) levels
        JOIN procurement_supplier supplier ON supplier.id = levels.supplier_id
    """

    @classmethod
    def rebuild(cls, supplier_ids=None) -> None:
        """Derive the rows of these suppliers (all suppliers when None) from their CPV
        codes again, in one transaction."""
        rows = cls.objects.all()
        where, params = "", []
        if supplier_ids is not None:
            supplier_ids = [int(pk) for pk in supplier_ids]
            if not supplier_ids:
                return
            rows = rows.filter(supplier_id__in=supplier_ids)
            where = f"WHERE interest.supplier_id IN ({', '.join(['%s'] * len(supplier_ids))})"
            params = supplier_ids
        with transaction.atomic(), connection.cursor() as cursor:
            rows.delete()
            cursor.execute(cls.REBUILD_SQL.format(where=where), params)


def size_class(staff: int, turnover: str) -> str:
    """EU recommendation 2003/361: micro < 10 staff and ≤ € 2M; small < 50 and ≤ € 10M;
    medium < 250 and ≤ € 50M; otherwise large. (The balance-sheet alternative is not
    asked; turnover is the usual criterion.)"""
    order = ["2m", "10m", "50m", "more"]
    level = order.index(turnover) if turnover in order else 3
    if staff < 10 and level <= 0:
        return Supplier.Size.MICRO
    if staff < 50 and level <= 1:
        return Supplier.Size.SMALL
    if staff < 250 and level <= 2:
        return Supplier.Size.MEDIUM
    return Supplier.Size.LARGE


def is_local_postcode(value: str) -> bool:
    """Within the municipality's postcode ranges (PROCUREMENT_LOCAL_POSTCODES)."""
    if not value:
        return False
    number = int(value[:4])
    return any(low <= number <= high for low, high in settings.PROCUREMENT_LOCAL_POSTCODES)


class SupplierMember(models.Model):
    """A person who manages a supplier's profile. One user manages one supplier."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="supplier_membership",
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.supplier_id}"

    @staticmethod
    def manages_a_supplier(user: Any) -> bool:
        """Whether this person is on a supplier's team (hears of tenders, certificates
        and the supplier's status)."""
        return SupplierMember.objects.filter(user=user).exists()


class TeamInvitation(models.Model):
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="team_invitations",
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "email"], name="team_invitation_once")
        ]

    def __str__(self) -> str:
        return self.email


class Certificate(models.Model):
    class Kind(models.TextChoices):
        PSO = "pso", _("PSO (social enterprise performance ladder)")
        CO2 = "co2", _("CO2-Prestatieladder")
        ISO9001 = "iso9001", _("ISO 9001")
        ISO14001 = "iso14001", _("ISO 14001")
        VCA = "vca", _("VCA (safety)")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("certificate"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level or note"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def expired(self) -> bool:
        return self.valid_until < timezone.localdate()


class TenderQuerySet(models.QuerySet["Tender"]):
    def public(self) -> "TenderQuerySet":
        return self.exclude(status=Tender.Status.DRAFT)

    def for_listing(self) -> "TenderQuerySet":
        return self.prefetch_related("cpv_codes")

    def matching(self, supplier: Supplier) -> "TenderQuerySet":
        """Tenders whose CPV codes meet the supplier's, up or down the tree."""
        prefixes = supplier.cpv_codes.values_list("prefix", flat=True)
        return self.filter(pk__in=Tender.objects.filter(cpv_overlap("cpv_codes", prefixes)))


class Tender(models.Model):
    """An entry of the tender calendar (aanbestedingskalender): a purchase the
    municipality plans, with its procedure, value band and milestones. Every change is
    kept and raises the version calendars and OCDS see."""

    class Category(models.TextChoices):
        WORKS = "works", _("Works")
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")
        SOCIAL = "social", _("Social and other specific services")

    class Procedure(models.TextChoices):
        SINGLE = "enkelvoudig", _("Single private (enkelvoudig onderhands)")
        MULTIPLE = "meervoudig", _("Multiple private (meervoudig onderhands)")
        NATIONAL = "nationaal", _("National open tender")
        EUROPEAN = "europees", _("European tender")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not on the calendar)")
        PLANNED = "planned", _("Planned")
        PUBLISHED = "published", _("Published")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    department = models.CharField(_("department"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    value_low = models.PositiveBigIntegerField(_("estimated value from (€, excl. VAT)"))
    value_high = models.PositiveBigIntegerField(_("estimated value up to (€, excl. VAT)"))
    expected_publication = models.DateField(_("expected publication"))
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    cpv_codes = models.ManyToManyField(CpvCode, verbose_name=_("CPV codes"), related_name="tenders")
    social_return_percent = models.PositiveSmallIntegerField(
        _("social return (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    social_return_amount = models.PositiveBigIntegerField(
        _("social return as a fixed amount (€)"),
        default=0,
        help_text=_(
            "Instead of a percentage of the contract value; leave 0 to use the percentage."
        ),
    )
    mvi_criteria = models.TextField(
        _("sustainability and social criteria (MVI)"), blank=True, max_length=3000
    )
    contact_name = models.CharField(_("contact"), max_length=120)
    contact_email = models.EmailField(_("contact email"))
    tenderned_url = models.URLField(_("TenderNed link"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    shortlist_reason = models.TextField(
        _("why fewer than 3 or more than 5 invited"), blank=True, max_length=1000
    )
    project = models.ForeignKey(
        "neighbourhoods.ProgrammeProject",
        verbose_name=_("delivers this project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenders",
        help_text=_("The project of a neighbourhood programme this purchase carries out."),
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["expected_publication", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_high__gte=models.F("value_low")), name="tender_value_band"
            ),
            models.CheckConstraint(
                condition=Q(social_return_percent__lte=100), name="tender_social_return_range"
            ),
            models.CheckConstraint(
                condition=Q(social_return_percent=0) | Q(social_return_amount=0),
                name="tender_social_return_one_way",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procurement:tender", args=[self.pk])

    def clean(self) -> None:
        low, high = self.value_low, self.value_high
        if low is not None and high is not None and high < low:
            raise ValidationError(
                {"value_high": _("The upper value cannot be below the lower value.")}
            )
        if self.social_return_percent and self.social_return_amount:
            raise ValidationError(
                {
                    "social_return_amount": _(
                        "Ask social return as a percentage or as a fixed amount, not both."
                    )
                }
            )

    @property
    def has_social_return(self) -> bool:
        return bool(self.social_return_percent or self.social_return_amount)

    def social_return_for(self, contract_value: int) -> int:
        """The social return (€) this tender's clause asks of a contract of this value."""
        if self.social_return_amount:
            return self.social_return_amount
        return contract_value * self.social_return_percent // 100

    @property
    def quarter(self) -> str:
        return f"{self.expected_publication.year}-Q{(self.expected_publication.month - 1) // 3 + 1}"

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def suggested_shortlist(
        self, *, size: int = MAX_SHORTLIST, seed: int | None = None
    ) -> list["Candidate"]:
        """A fair shortlist for a private procedure: verified suppliers that want
        invitations and match the CPV codes. Interested suppliers first, then those invited
        least in the last 12 months (so the work rotates), local SMEs before others; ties
        drawn at random. A supplier whose mean KPI score over its recent checkpoints is
        below the performance threshold (``PROCUREMENT_KPI_THRESHOLD``) comes after all
        others, so it is only suggested when too few others match, and its reason says
        so; a supplier without checkpoints is not held back."""
        since = timezone.now() - timedelta(days=365)
        rng = random.Random(seed)  # noqa: S311  fair tie-breaking, not a secret
        suppliers = (
            Supplier.objects.matching(self)
            .filter(status=Supplier.Status.VERIFIED, wants_invitations=True)
            .annotate(
                invited_last_year=Count(
                    "tender_invitations",
                    filter=Q(tender_invitations__created_at__gte=since),
                    distinct=True,
                ),
                interested=Exists(Interest.objects.filter(tender=self, supplier=OuterRef("pk"))),
            )
        )
        matching = list(suppliers)
        performance = KpiCheckpoint.objects.recent_means([s.pk for s in matching])
        ranked = sorted(
            matching,
            key=lambda s: (
                s.pk in performance and performance[s.pk].below_threshold,
                not s.interested,
                s.invited_last_year,
                not (s.is_local and s.is_sme),
                not s.is_local,
                rng.random(),
            ),
        )
        candidates = []
        for supplier in ranked[:size]:
            reasons = [gettext("matches the CPV codes")]
            if supplier.interested:
                reasons.append(gettext("said it is interested"))
            if supplier.is_local and supplier.is_sme:
                reasons.append(gettext("local SME"))
            reasons.append(
                ngettext(
                    "invited %(count)d time in the last 12 months",
                    "invited %(count)d times in the last 12 months",
                    supplier.invited_last_year,
                )
                % {"count": supplier.invited_last_year}
            )
            score = performance.get(supplier.pk)
            if score is not None:
                reasons.append(_performance_reason(score))
            candidates.append(
                Candidate(
                    supplier,
                    supplier.interested,
                    supplier.invited_last_year,
                    "; ".join(reasons),
                    score,
                )
            )
        return candidates


@dataclass
class Candidate:
    """A supplier suggested for a tender's invitation list, and why."""

    supplier: Supplier
    interested: bool
    invited_last_year: int
    reason: str
    performance: "Performance | None" = None

    @property
    def below_threshold(self) -> bool:
        return self.performance is not None and self.performance.below_threshold


def _performance_reason(score: "Performance") -> str:
    """The performance part of a shortlist reason, in the reader's language."""
    values = {
        "mean": number_format(score.mean, 1),
        "count": score.checkpoints,
        "threshold": number_format(settings.PROCUREMENT_KPI_THRESHOLD, 1),
    }
    if score.below_threshold:
        return (
            ngettext(
                "performance below the threshold: mean KPI score %(mean)s over the last "
                "%(count)d checkpoint (threshold %(threshold)s), so suggested last",
                "performance below the threshold: mean KPI score %(mean)s over the last "
                "%(count)d checkpoints (threshold %(threshold)s), so suggested last",
                score.checkpoints,
            )
            % values
        )
    return (
        ngettext(
            "mean KPI score %(mean)s over the last %(count)d checkpoint",
            "mean KPI score %(mean)s over the last %(count)d checkpoints",
            score.checkpoints,
        )
        % values
    )


class TenderChange(models.Model):
    """Who changed a calendar entry, when, and what. What the portal records itself
    (created, which fields changed) is kept as a kind with its details and written out
    in the reader's language; ``summary`` holds what a person wrote."""

    class Kind(models.TextChoices):
        WRITTEN = "", _("written by a person")
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    summary = models.TextField(_("what changed"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind, default=Kind.WRITTEN, blank=True
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("tender change")
        verbose_name_plural = _("tender changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.description()[:60]

    def description(self) -> str:
        """What changed, in the reader's language for what the portal wrote itself."""
        if self.kind == self.Kind.CREATED:
            status = self.details.get("status", "")
            if not status:
                return str(self.Kind.CREATED.label)
            label = Tender.Status(status).label if status in Tender.Status.values else status
            return gettext("created (status: %(status)s)") % {"status": label}
        if self.kind == self.Kind.CHANGED:
            fields = ", ".join(_field_label(name) for name in self.details.get("fields", []))
            status = self.details.get("status", "")
            if status:
                # The new status said, not only that it changed ("status: awarded").
                label = Tender.Status(status).label if status in Tender.Status.values else status
                return gettext("changed: %(fields)s (new status: %(status)s)") % {
                    "fields": fields,
                    "status": label,
                }
            return gettext("changed: %(fields)s") % {"fields": fields}
        return self.summary


def _field_label(name: str) -> str:
    """A tender field's name as the reader says it (the name itself if it is gone)."""
    try:
        field = Tender._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


class Interest(models.Model):
    """A supplier says it wants to take part in a tender."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="interests"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="interests"
    )
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_plain_text])
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [models.UniqueConstraint(fields=["tender", "supplier"], name="interest_once")]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.tender_id}"


class TenderInvitation(models.Model):
    """A supplier on the invitation list of a private procedure, with the reason it was
    chosen; emailed once."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="invitations"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="tender_invitations",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender invitation")
        verbose_name_plural = _("tender invitations")
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="tender_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.tender_id}"


class Threshold(models.Model):
    """From which estimated value (excl. VAT) a procedure applies, per category, valid
    from a date. The municipality keeps its own thresholds (inkoopbeleid) beside the EU's."""

    category = models.CharField(_("category"), max_length=16, choices=Tender.Category.choices)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Tender.Procedure.choices)
    minimum_value = models.PositiveBigIntegerField(_("from value (€, excl. VAT)"))
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["category", "-valid_from", "minimum_value"]

    def __str__(self) -> str:
        procedure = self.get_procedure_display()
        return gettext("%(category)s: %(procedure)s from € %(minimum)s") % {
            "category": self.get_category_display(),
            "procedure": procedure,
            "minimum": f"{self.minimum_value:,}",
        }


def advised_procedure(category: str, value: int, on: date | None = None) -> str | None:
    """The procedure the thresholds in force on ``on`` suggest: the one with the highest
    minimum value not above ``value``."""
    on = on or timezone.localdate()
    rows = Threshold.objects.filter(category=category, valid_from__lte=on).order_by("-valid_from")
    latest: dict[str, Threshold] = {}
    for row in rows:
        latest.setdefault(row.procedure, row)
    applicable = [row for row in latest.values() if row.minimum_value <= value]
    if not applicable:
        return None
    return max(applicable, key=lambda row: row.minimum_value).procedure


# --- Maatschappelijk verantwoord inkopen (MVI) ----------------------------------------


class MviTheme(models.TextChoices):
    """The themes of the manifesto Maatschappelijk Verantwoord Inkopen."""

    CLIMATE = "climate", _("Climate")
    CIRCULAR = "circular", _("Circular economy")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL = "social", _("Social return")
    INTERNATIONAL = "international", _("International social conditions")
    DIVERSITY = "diversity", _("Diversity and inclusion")


class MviCriterion(models.Model):
    """A criterion from the MVI criteria tool: for one product group and theme, what the
    municipality can ask at an ambition level. Procurement officers keep the list; a
    small set is put back after every migrate where missing."""

    class Level(models.TextChoices):
        BASE = "base", _("Base level")
        SIGNIFICANT = "significant", _("Significant level")
        AMBITIOUS = "ambitious", _("Ambitious level")

    code = models.CharField(_("code"), max_length=20, unique=True)
    product_group = models.CharField(_("product group"), max_length=120)
    theme = models.CharField(_("theme"), max_length=16, choices=MviTheme.choices)
    level = models.CharField(_("ambition level"), max_length=16, choices=Level.choices)
    title = models.CharField(_("criterion (Dutch)"), max_length=300)
    title_en = models.CharField(_("criterion (English)"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("MVI criterion")
        verbose_name_plural = _("MVI criteria")
        ordering = ["product_group", "theme", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.localized_title} ({self.get_level_display()})"

    @property
    def localized_title(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        if not language.startswith("nl") and self.title_en:
            return self.title_en
        return self.title


class TenderCriterion(models.Model):
    """The criterion a tender carries for one MVI theme (one per theme)."""

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.CASCADE, related_name="criteria"
    )
    criterion = models.ForeignKey(
        MviCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    theme = models.CharField(_("theme"), max_length=16, choices=MviTheme.choices, editable=False)

    class Meta:
        verbose_name = _("MVI criterion of a tender")
        verbose_name_plural = _("MVI criteria of the tender")
        ordering = ["theme"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "theme"], name="tender_criterion_per_theme")
        ]

    def __str__(self) -> str:
        return str(self.criterion)

    def save(self, *args, **kwargs) -> None:
        self.theme = self.criterion.theme
        super().save(*args, **kwargs)


# --- Contracts (contractregister) ---------------------------------------------------


def validate_not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("Enter an amount of zero or more."), code="negative")


class ContractQuerySet(models.QuerySet["Contract"]):
    def for_register(self) -> "ContractQuerySet":
        return self.select_related("tender", "supplier").order_by("-start_date", "-pk")

    def of_supplier(self, supplier: "Supplier | None") -> "ContractQuerySet":
        """A supplier's own contracts: nobody else's."""
        if supplier is None:
            return self.none()
        return self.filter(supplier=supplier)

    def in_departments_of(self, user) -> "ContractQuerySet":
        """What an officer may handle: everything, unless the municipality limits
        officers to their own departments (``PROCUREMENT_LIMIT_TO_DEPARTMENTS``)."""
        if user.is_superuser or not settings.PROCUREMENT_LIMIT_TO_DEPARTMENTS:
            return self
        return self.filter(
            department__in=OfficerDepartment.objects.filter(user=user).values("department")
        )

    def with_realised(self) -> "ContractQuerySet":
        accepted = SocialReturnActivity.Status.ACCEPTED
        return self.annotate(
            realised_value=models.functions.Coalesce(
                models.Sum(
                    "social_return_activities__value",
                    filter=Q(social_return_activities__status=accepted),
                ),
                models.Value(0, output_field=models.DecimalField(max_digits=14, decimal_places=2)),
            )
        )


class Contract(models.Model):
    """A contract the municipality signed after awarding a tender (gunning), in the
    contract register: with whom, for how much, for how long, the options to extend,
    who manages it, and the social return it promises."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        EXTENDED = "extended", _("Extended")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated")

    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), on_delete=models.PROTECT, related_name="contracts"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="contracts",
        null=True,
        blank=True,
        help_text=_("A verified supplier. Leave empty to invite a company not yet registered."),
    )
    # A company not yet in the supplier database: invited by email to register; its
    # contract finds it by KvK number when it does.
    invited_name = models.CharField(
        _("company not yet registered"),
        max_length=160,
        blank=True,
        validators=[validate_plain_text],
    )
    invited_kvk = models.CharField(
        _("its KvK number"), max_length=8, blank=True, validators=[KVK_VALIDATOR]
    )
    invited_email = models.EmailField(_("its email address"), blank=True)
    invited_at = models.DateTimeField(_("invited to register"), null=True, blank=True)
    department = models.CharField(_("department"), max_length=120, editable=False)
    value = models.PositiveBigIntegerField(
        _("contract value (€, excl. VAT)"), validators=[MaxValueValidator(10**12)]
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    contract_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contract manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_contracts",
        limit_choices_to={"is_staff": True},
    )
    social_return_obligation = models.PositiveBigIntegerField(
        _("social return obliged (€)"), default=0, editable=False
    )
    awarded_at = models.DateTimeField(_("awarded"), default=timezone.now, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["-start_date", "-id"], name="contract_register_order"),
            models.Index(fields=["status", "end_date"], name="contract_status_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_period"
            ),
            models.CheckConstraint(
                condition=~Q(supplier=None) | ~Q(invited_kvk=""), name="contract_has_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.title} - {self.party_name}"

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        if self.supplier_id is None and not (self.invited_name and self.invited_email):
            errors["supplier"] = _(
                "Choose a verified supplier, or give the name, KvK number and email address "
                "of a company not yet registered."
            )
        if self.supplier_id is None and not self.invited_kvk:
            errors.setdefault("invited_kvk", _("Give the KvK number of the company."))
        if errors:
            raise ValidationError(errors)

    @property
    def party_name(self) -> str:
        return self.supplier.name if self.supplier is not None else self.invited_name

    def obligation_for(self, tender: Tender) -> int:
        """What the tender's social-return clause asks of this contract (€)."""
        return tender.social_return_for(self.value)

    def forecast(self, realised: Decimal | int, today: date | None = None) -> int | None:
        """The social return expected by the end date if it goes on at the pace so far
        (linear); None before the contract has started."""
        today = today or timezone.localdate()
        total = (self.end_date - self.start_date).days or 1
        elapsed = (min(today, self.end_date) - self.start_date).days
        if elapsed <= 0:
            return None
        return round(float(realised) * total / elapsed)


class OfficerDepartment(models.Model):
    """A procurement officer works for a department; where the municipality limits it,
    they handle only that department's contracts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="procurement_departments",
        limit_choices_to={"is_staff": True},
    )
    department = models.CharField(_("department"), max_length=120)

    class Meta:
        verbose_name = _("department of an officer")
        verbose_name_plural = _("departments of officers")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="officer_department_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.department}"


class ContractOption(models.Model):
    """An option to extend a contract: until when, and by when the municipality must
    decide."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="options"
    )
    extends_to = models.DateField(_("extends the contract until"))
    decide_by = models.DateField(_("decide by"))
    used_at = models.DateField(_("used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("option to extend")
        verbose_name_plural = _("options to extend")
        ordering = ["extends_to"]

    def __str__(self) -> str:
        return gettext("until %(date)s") % {"date": self.extends_to.isoformat()}

    def clean(self) -> None:
        contract = getattr(self, "contract", None)
        if (
            contract is not None
            and self.extends_to
            and contract.end_date
            and self.extends_to <= contract.end_date
            and not self.used_at
        ):
            raise ValidationError(
                {"extends_to": _("An option extends the contract beyond its end date.")}
            )


def contract_document_path(instance, filename: str) -> str:
    return f"contracts/{instance.contract_id}/{secrets.token_hex(16)}.pdf"


class ContractDocument(models.Model):
    """A document of a contract (the signed contract, an addendum): PDFs only, checked
    for anything active, served to the officers and the supplier's team."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_text])
    file = models.FileField(_("PDF document"), upload_to=contract_document_path)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


# --- Social return (social return op aanbesteding) ------------------------------------


class SocialReturnBlock(models.Model):
    """A building block (bouwblok) of the social-return valuation: what one unit of an
    activity counts for, in euros. Staff keep the values; a documented set is put back
    after migrate where missing."""

    class Unit(models.TextChoices):
        PERSON_YEAR = "person_year", _("per person per year (full time)")
        EACH = "each", _("per activity")
        EURO = "euro", _("per euro spent")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    value_per_unit = models.DecimalField(
        _("value per unit (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[validate_not_negative],
    )
    method = models.CharField(_("how it is valued"), max_length=500, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("social-return building block")
        verbose_name_plural = _("social-return building blocks")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.localized_name} ({self.get_unit_display()})"

    @property
    def localized_name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        if not language.startswith("nl") and self.name_en:
            return self.name_en
        return self.name


class SocialReturnActivity(models.Model):
    """Something the supplier did to meet its social-return obligation, as it reported
    it, valued by a building block, with evidence; the social-return coordinator accepts
    it or asks for more."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        MORE_ASKED = "more_asked", _("More information asked")
        ACCEPTED = "accepted", _("Accepted")

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="social_return_activities",
    )
    block = models.ForeignKey(
        SocialReturnBlock,
        verbose_name=_("building block"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(
        _("what was done"), max_length=2000, validators=[validate_plain_text]
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[validate_not_negative]
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    value = models.DecimalField(_("value (€)"), max_digits=14, decimal_places=2, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(
        _("coordinator's note"), max_length=2000, blank=True, validators=[validate_plain_text]
    )

    class Meta:
        verbose_name = _("social-return activity")
        verbose_name_plural = _("social-return activities")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="social_return_activity_period",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="social_return_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.block.localized_name}: € {self.value}"


def evidence_path(instance, filename: str) -> str:
    return f"social-return/{instance.activity.contract_id}/{secrets.token_hex(16)}.pdf"


class SocialReturnEvidence(models.Model):
    """A PDF that proves a social-return activity (a contract of employment, a
    certificate of an apprenticeship, an invoice of a social enterprise)."""

    activity = models.ForeignKey(
        SocialReturnActivity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("evidence (PDF)"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


# --- Supplier performance (KPI checkpoints) and payments ------------------------------

KPI_SCORE_VALIDATORS = [
    MinValueValidator(1, message=_("Give a score from 1 to 10.")),
    MaxValueValidator(10, message=_("Give a score from 1 to 10.")),
]


class KpiCheckpointQuerySet(models.QuerySet["KpiCheckpoint"]):
    def recent_means(self, supplier_ids, *, last: int | None = None) -> dict[int, "Performance"]:
        """Per supplier, the mean KPI score (the four scores of a checkpoint averaged,
        then averaged over checkpoints) of its ``last`` most recent checkpoints over all
        its contracts (``PROCUREMENT_KPI_CHECKPOINTS``): one query for any number of
        suppliers."""
        last = last or settings.PROCUREMENT_KPI_CHECKPOINTS
        rows = (
            self.filter(contract__supplier__in=supplier_ids)
            .annotate(
                supplier_id=F("contract__supplier_id"),
                rank=Window(
                    RowNumber(),
                    partition_by=[F("contract__supplier_id")],
                    order_by=[F("period_end").desc(), F("pk").desc()],
                ),
            )
            .filter(rank__lte=last)
            .values_list("supplier_id", "quality", "on_time", "communication", "sustainability")
        )
        totals: dict[int, list[int]] = {}
        for supplier_id, *scores in rows:
            entry = totals.setdefault(supplier_id, [0, 0])
            entry[0] += sum(scores)
            entry[1] += 1
        return {
            supplier_id: Performance(Decimal(total) / (4 * count), count)
            for supplier_id, (total, count) in totals.items()
        }


@dataclass(frozen=True)
class Performance:
    """A supplier's mean KPI score over its recent checkpoints, and how many counted.
    The mean is exact (compared with the threshold as it is); pages round it to show."""

    mean: Decimal
    checkpoints: int

    @property
    def below_threshold(self) -> bool:
        return self.mean < Decimal(str(settings.PROCUREMENT_KPI_THRESHOLD))


class KpiCheckpoint(models.Model):
    """A short performance review of a contract by its contract manager (the KPI
    questionnaire): quality, on time, communication and sustainability, each 1-10, with
    a remark, over a period. The supplier's team sees its own scores and may respond
    once; the mean over a supplier's recent checkpoints counts in the fair shortlist."""

    SCORES = ("quality", "on_time", "communication", "sustainability")

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="kpi_checkpoints",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    quality = models.PositiveSmallIntegerField(_("quality"), validators=KPI_SCORE_VALIDATORS)
    on_time = models.PositiveSmallIntegerField(_("on time"), validators=KPI_SCORE_VALIDATORS)
    communication = models.PositiveSmallIntegerField(
        _("communication"), validators=KPI_SCORE_VALIDATORS
    )
    sustainability = models.PositiveSmallIntegerField(
        _("sustainability"), validators=KPI_SCORE_VALIDATORS
    )
    remark = models.TextField(
        _("remark"), max_length=2000, blank=True, validators=[validate_plain_text]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    response = models.TextField(
        _("supplier's response"), max_length=2000, blank=True, validators=[validate_plain_text]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)

    objects = KpiCheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI checkpoint")
        verbose_name_plural = _("KPI checkpoints")
        ordering = ["-period_end", "-pk"]
        indexes = [
            models.Index(fields=["contract", "-period_end"], name="kpi_checkpoint_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="kpi_checkpoint_period"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{score}__gte": 1, f"{score}__lte": 10}),
                    name=f"kpi_checkpoint_{score}_range",
                )
                for score in ("quality", "on_time", "communication", "sustainability")
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(start)s to %(end)s: %(mean)s") % {
            "start": self.period_start.isoformat(),
            "end": self.period_end.isoformat(),
            "mean": self.mean,
        }

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end cannot be before the start.")})

    @property
    def mean(self) -> Decimal:
        """The four scores averaged (exact: a quarter at most; pages round it to show)."""
        total = sum(getattr(self, score) or 0 for score in self.SCORES)
        return Decimal(total) / 4

    @property
    def met(self) -> bool:
        """At or above the performance threshold (``PROCUREMENT_KPI_THRESHOLD``)."""
        return self.mean >= Decimal(str(settings.PROCUREMENT_KPI_THRESHOLD))

    @property
    def has_response(self) -> bool:
        return self.responded_at is not None


def validate_positive(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("Enter an amount above zero."), code="not_positive")


class ContractPayment(models.Model):
    """A payment (an invoice paid) on a contract, recorded by staff: the implementation
    stage's transactions in OCDS, and what later spending figures add up."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(
        _("amount (€, excl. VAT)"),
        max_digits=14,
        decimal_places=2,
        validators=[validate_positive, MaxValueValidator(10**12)],
    )
    invoice_number = models.CharField(
        _("invoice number"), max_length=40, blank=True, validators=[validate_plain_text]
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["contract", "paid_on"], name="contract_payment_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.paid_on.isoformat()}: € {self.amount}"
