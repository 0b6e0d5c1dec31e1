import json
from datetime import date
from pathlib import Path

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

CPV_FILE = Path(__file__).parent / "data" / "cpv2008_en.json"
# The same codes with their Dutch labels (sources and licences: procurement/data/README.md).
CPV_FILE_NL = Path(__file__).parent / "data" / "cpv2008_nl.json"

# Thresholds in force from 1 January 2026 (EU thresholds 2026-2027, excl. VAT) and the
# municipality's own inkoopbeleid below them. Procurement officers keep them in the admin.
DEFAULT_THRESHOLDS = [
    ("works", "enkelvoudig", 0, "Inkoopbeleid gemeente"),
    ("works", "meervoudig", 150_000, "Inkoopbeleid gemeente"),
    ("works", "nationaal", 1_500_000, "Inkoopbeleid gemeente"),
    ("works", "europees", 5_404_000, "EU-drempel 2026-2027"),
    ("goods", "enkelvoudig", 0, "Inkoopbeleid gemeente"),
    ("goods", "meervoudig", 50_000, "Inkoopbeleid gemeente"),
    ("goods", "europees", 216_000, "EU-drempel 2026-2027"),
    ("services", "enkelvoudig", 0, "Inkoopbeleid gemeente"),
    ("services", "meervoudig", 50_000, "Inkoopbeleid gemeente"),
    ("services", "europees", 216_000, "EU-drempel 2026-2027"),
    ("social", "enkelvoudig", 0, "Inkoopbeleid gemeente"),
    ("social", "meervoudig", 100_000, "Inkoopbeleid gemeente"),
    ("social", "europees", 750_000, "EU-drempel 2026-2027"),
]

_OFFICER = [
    ("procurement", f"{verb}_{model}")
    for model in ["supplier", "tender", "tenderinvitation", "threshold", "certificate"]
    for verb in ["add", "change", "view"]
] + [
    ("procurement", "view_interest"),
    ("procurement", "view_tenderchange"),
    ("procurement", "view_cpvcode"),
]


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_migrate

        from common import attention, public_cache, search
        from notifications.kinds import register_kind
        from procurement import actions
        from procurement.models import Supplier, SupplierMember
        from procurement.search import find_tenders

        public_cache.register_public_app(
            self.label,
            quiet_models=(
                "procurement.teaminvitation",
                "procurement.tenderinvitation",
            ),
        )
        search.register_fields("procurement.Tender", ["title"], ["description", "department"])
        search.register(search.Kind("tenders", _("Tenders"), find_tenders), position=50)
        attention.register_queue(
            attention.QueueDefinition(
                _("Suppliers to verify"),
                "procurement.view_supplier",
                "procurement_supplier",
                {"status__exact": Supplier.Status.PENDING},
                lambda rows: rows.filter(status=Supplier.Status.PENDING).count(),
            )
        )
        post_migrate.connect(_create_defaults, sender=self)
        m2m_changed.connect(
            _supplier_cpv_codes_changed,
            sender=self.get_model("Supplier").cpv_codes.through,
            dispatch_uid="supplier_cpv_prefixes",
        )
        register_kind(
            actions.TENDER_NEWS,
            _("Tenders in your field"),
            subject=_("A tender in your field"),
            audience=SupplierMember.manages_a_supplier,
        )
        register_kind(
            actions.CERTIFICATES,
            _("Certificates about to expire"),
            subject=_("A certificate is about to expire"),
            audience=SupplierMember.manages_a_supplier,
        )
        register_kind(
            actions.SUPPLIER_STATUS,
            _("Your company verified or suspended"),
            subject=_("Your company's status in the supplier register"),
            audience=SupplierMember.manages_a_supplier,
        )


def _supplier_cpv_codes_changed(instance, action, reverse, pk_set, **kwargs) -> None:
    """Keep the supplier search's CPV prefixes in step with the codes a supplier chose,
    whichever side the codes were changed from (``supplier.cpv_codes`` or, rarely,
    ``code.suppliers``)."""
    from procurement.models import SupplierCpvPrefix

    if action == "pre_clear" and reverse:
        # Which suppliers lose this code is only known before the clear.
        instance._suppliers_before_clear = list(instance.suppliers.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            SupplierCpvPrefix.rebuild([instance.pk])
        elif action == "post_clear":
            SupplierCpvPrefix.rebuild(getattr(instance, "_suppliers_before_clear", []))
        else:
            SupplierCpvPrefix.rebuild(pk_set or [])


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: the CPV 2008 table, default thresholds and the officers'
    permissions, where missing."""
    from common.permissions import grant_permissions

    try:
        cpv_model = apps.get_model("procurement", "CpvCode")
        threshold_model = apps.get_model("procurement", "Threshold")
    except LookupError:
        return
    if not cpv_model.objects.exists():
        from procurement.models import CpvCode

        rows = json.loads(CPV_FILE.read_text(encoding="utf-8"))
        dutch = json.loads(CPV_FILE_NL.read_text(encoding="utf-8"))
        cpv_model.objects.bulk_create(
            [
                cpv_model(
                    code=full[:8],
                    check_digit=full[9:],
                    label=label,
                    label_nl=dutch.get(full, ""),
                    prefix=CpvCode.prefix_of(full[:8]),
                )
                for full, label in rows.items()
            ],
            batch_size=2000,
        )
    elif cpv_model.objects.filter(label_nl="").exists():
        fill_dutch_cpv_labels(cpv_model)
    if not threshold_model.objects.exists():
        threshold_model.objects.bulk_create(
            threshold_model(
                category=category,
                procedure=procedure,
                minimum_value=value,
                valid_from=date(2026, 1, 1),
                source=source,
            )
            for category, procedure, value, source in DEFAULT_THRESHOLDS
        )
    grant_permissions(apps, {"Procurement officer": _OFFICER})


def fill_dutch_cpv_labels(cpv_model) -> int:
    """Give the CPV codes without a Dutch label theirs (a table loaded before the Dutch
    labels came); used by a migration and after migrate."""
    dutch = json.loads(CPV_FILE_NL.read_text(encoding="utf-8"))
    missing = list(cpv_model.objects.filter(label_nl=""))
    for code in missing:
        code.label_nl = dutch.get(f"{code.code}-{code.check_digit}", "")
    cpv_model.objects.bulk_update(missing, ["label_nl"], batch_size=2000)
    return len(missing)
