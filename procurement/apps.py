import json
from datetime import date
from decimal import Decimal
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

# A small believable set from the MVI criteria tool (code, product group, theme, level,
# Dutch, English); officers keep and extend the list in the back office.
DEFAULT_MVI_CRITERIA = [
    (
        "GRN-K1",
        "Groenvoorziening",
        "climate",
        "base",
        "Inzet van emissiearm materieel (minimaal Stage V)",
        "Low-emission equipment (at least Stage V)",
    ),
    (
        "GRN-K2",
        "Groenvoorziening",
        "climate",
        "ambitious",
        "Volledig emissievrij materieel en elektrisch vervoer",
        "Fully zero-emission equipment and electric transport",
    ),
    (
        "GRN-C1",
        "Groenvoorziening",
        "circular",
        "significant",
        "Groenafval wordt lokaal gecomposteerd en hergebruikt",
        "Green waste is composted and reused locally",
    ),
    (
        "GRN-M1",
        "Groenvoorziening",
        "environment",
        "base",
        "Geen chemische bestrijdingsmiddelen",
        "No chemical pesticides",
    ),
    (
        "GRN-M2",
        "Groenvoorziening",
        "environment",
        "significant",
        "Beheerplan voor biodiversiteit (inheemse beplanting, maaibeheer)",
        "Biodiversity management plan (native planting, mowing regime)",
    ),
    (
        "GRN-S1",
        "Groenvoorziening",
        "social",
        "base",
        "5% van de opdrachtwaarde aan social return",
        "5% of the contract value as social return",
    ),
    (
        "SCH-K1",
        "Schoonmaakdiensten",
        "climate",
        "significant",
        "Schoonmakers reizen met openbaar vervoer of fiets; bedrijfsauto's elektrisch",
        "Cleaners travel by public transport or bicycle; company cars electric",
    ),
    (
        "SCH-M1",
        "Schoonmaakdiensten",
        "environment",
        "base",
        "Schoonmaakmiddelen met een erkend milieukeurmerk (EU Ecolabel)",
        "Cleaning products with a recognised ecolabel (EU Ecolabel)",
    ),
    (
        "SCH-I1",
        "Schoonmaakdiensten",
        "international",
        "base",
        "Naleving van de ILO-kernverdragen in de keten van middelen en textiel",
        "Compliance with the ILO core conventions in the chain of products and textiles",
    ),
    (
        "SCH-D1",
        "Schoonmaakdiensten",
        "diversity",
        "significant",
        "Diversiteitsbeleid met meetbare doelen voor het team op de opdracht",
        "Diversity policy with measurable goals for the team on the contract",
    ),
    (
        "GWW-K1",
        "Grond-, weg- en waterbouw",
        "climate",
        "significant",
        "CO2-Prestatieladder niveau 3 of gelijkwaardig",
        "CO2 Performance Ladder level 3 or equivalent",
    ),
    (
        "GWW-C1",
        "Grond-, weg- en waterbouw",
        "circular",
        "ambitious",
        "Minimaal 50% secundair materiaal in funderingen en verhardingen",
        "At least 50% secondary material in foundations and pavements",
    ),
    (
        "GWW-I1",
        "Grond-, weg- en waterbouw",
        "international",
        "significant",
        "Natuursteen uit ketens met aantoonbaar due diligence (IMVO-convenant)",
        "Natural stone from chains with demonstrated due diligence (IRBC covenant)",
    ),
    (
        "SPL-C1",
        "Speeltoestellen",
        "circular",
        "base",
        "Toestellen demontabel en onderdelen minimaal 10 jaar leverbaar",
        "Equipment can be dismantled; spare parts available for at least 10 years",
    ),
]
# The building blocks (bouwblokken) of the social-return valuation: code, Dutch, English,
# unit, value per unit (€), how it is valued.
DEFAULT_SOCIAL_RETURN_BLOCKS = [
    (
        "uitkering",
        "Werkzoekende met een uitkering in dienst",
        "Job seeker on benefits employed",
        "person_year",
        "35000.00",
        "Per jaar voltijd in dienst (naar rato bij deeltijd of korter dienstverband).",
    ),
    (
        "doelgroepregister",
        "Werknemer uit het doelgroepregister (banenafspraak)",
        "Employee from the target group register (jobs agreement)",
        "person_year",
        "35000.00",
        "Per jaar voltijd in dienst (naar rato).",
    ),
    (
        "bbl",
        "Leerwerkplek BBL-leerling",
        "Work-based apprenticeship (BBL)",
        "person_year",
        "25000.00",
        "Per leerjaar op de opdracht.",
    ),
    (
        "stage",
        "Stageplaats (mbo, hbo), minimaal drie maanden",
        "Internship (vocational, higher education), at least three months",
        "each",
        "2500.00",
        "Per afgeronde stage.",
    ),
    (
        "werkervaring",
        "Werkervaringsplaats met begeleiding",
        "Work experience placement with coaching",
        "each",
        "5000.00",
        "Per plaats van minimaal zes maanden.",
    ),
    (
        "sociale-onderneming",
        "Inkoop bij een sociale onderneming",
        "Purchasing from a social enterprise",
        "euro",
        "0.30",
        "30% van de factuurwaarde (het arbeidsdeel) telt mee.",
    ),
]

_OFFICER = [
    ("procurement", f"{verb}_{model}")
    for model in [
        "supplier",
        "tender",
        "tenderinvitation",
        "threshold",
        "certificate",
        "mvicriterion",
        "tendercriterion",
        "contract",
        "contractoption",
        "contractdocument",
        "socialreturnblock",
        "kpicheckpoint",
        "contractpayment",
    ]
    for verb in ["add", "change", "view"]
] + [
    ("procurement", "view_interest"),
    ("procurement", "view_tenderchange"),
    ("procurement", "view_cpvcode"),
    ("procurement", "view_socialreturnactivity"),
    ("procurement", "change_socialreturnactivity"),
    ("procurement", "view_socialreturnevidence"),
    ("procurement", "view_officerdepartment"),
]


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_migrate

        from common import attention, figures, public_cache, search
        from common.uploads import delete_files_with_rows
        from notifications.kinds import register_kind
        from procurement import actions
        from procurement import figures as procurement_figures
        from procurement.models import (
            ContractDocument,
            SocialReturnEvidence,
            Supplier,
            SupplierMember,
        )
        from procurement.search import find_tenders

        # A contract's documents and a supplier's evidence leave storage with their rows
        # (also by cascade from the contract or supplier), once the deletion is committed.
        delete_files_with_rows(ContractDocument, "file")
        delete_files_with_rows(SocialReturnEvidence, "file")

        public_cache.register_public_app(
            self.label,
            quiet_models=(
                "procurement.teaminvitation",
                "procurement.tenderinvitation",
                "procurement.officerdepartment",
                "procurement.socialreturnactivity",
                "procurement.socialreturnevidence",
                "procurement.contractdocument",
            ),
            # Tenders, contracts and suppliers show on the procurement pages only (and
            # on the city-wide ones, which every change renews).
            tags=("procurement",),
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
        figures.register_figures(
            figures.FiguresKind(
                procurement_figures.FIGURES,
                procurement_figures.build_selection,
                procurement_figures.default_selections,
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
            actions.CONTRACT_DEADLINES,
            _("Contracts ending and options to decide"),
            subject=_("A contract needs a decision"),
        )
        register_kind(
            actions.SOCIAL_RETURN,
            _("Social return: reports and reviews"),
            subject=_("Social return on a contract"),
        )
        register_kind(
            actions.SUPPLIER_PERFORMANCE,
            _("Supplier performance: KPI checkpoints and responses"),
            subject=_("A KPI checkpoint on a contract"),
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
    _create_mvi_defaults(apps)
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


def _create_mvi_defaults(apps) -> None:
    """The seeded MVI criteria and building blocks, each put back where its code is
    missing (an officer's changes to one that exists are kept)."""
    try:
        criterion_model = apps.get_model("procurement", "MviCriterion")
        block_model = apps.get_model("procurement", "SocialReturnBlock")
    except LookupError:
        return
    have = set(criterion_model.objects.values_list("code", flat=True))
    criterion_model.objects.bulk_create(
        criterion_model(
            code=code, product_group=group, theme=theme, level=level, title=nl, title_en=en
        )
        for code, group, theme, level, nl, en in DEFAULT_MVI_CRITERIA
        if code not in have
    )
    have = set(block_model.objects.values_list("code", flat=True))
    block_model.objects.bulk_create(
        block_model(
            code=code,
            name=nl,
            name_en=en,
            unit=unit,
            value_per_unit=Decimal(value),
            method=method,
        )
        for code, nl, en, unit, value, method in DEFAULT_SOCIAL_RETURN_BLOCKS
        if code not in have
    )
