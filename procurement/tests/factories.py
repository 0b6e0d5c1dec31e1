from datetime import timedelta

import factory
from django.utils import timezone

from procurement.models import (
    Contract,
    CpvCode,
    SocialReturnBlock,
    Supplier,
    SupplierMember,
    Tender,
)


def cpv(code: str) -> CpvCode:
    return CpvCode.objects.get(code=code)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    name = factory.Sequence(lambda n: f"Leverancier {n} B.V.")
    vat_number = "NL004495445B01"
    street = "Havenstraat 1"
    postcode = "3811 AB"
    city = "Eemdal"
    contact_name = "Contact"
    contact_email = factory.Sequence(lambda n: f"info{n}@leverancier.example")
    staff_count = 5
    turnover = "2m"
    status = Supplier.Status.VERIFIED

    @factory.post_generation
    def codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.cpv_codes.set([cpv(code) for code in extracted])


class SupplierMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierMember

    supplier = factory.SubFactory(SupplierFactory)
    user = factory.SubFactory("accounts.tests.factories.UserFactory")


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Aanbesteding {n}")
    department = "Beheer openbare ruimte"
    category = Tender.Category.SERVICES
    procedure = Tender.Procedure.MULTIPLE
    value_low = 60_000
    value_high = 90_000
    expected_publication = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    contact_name = "Inkoper"
    contact_email = "inkoop@gemeente.example"
    status = Tender.Status.PLANNED

    @factory.post_generation
    def codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.cpv_codes.set([cpv(code) for code in extracted])


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    tender = factory.SubFactory(TenderFactory, status=Tender.Status.AWARDED)
    supplier = factory.SubFactory(SupplierFactory)
    department = factory.SelfAttribute("tender.department")
    value = 100_000
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=265))
    social_return_obligation = 5_000


def block(code: str = "uitkering") -> SocialReturnBlock:
    return SocialReturnBlock.objects.get(code=code)


def minimal_pdf() -> bytes:
    """A small plain PDF with one empty page."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
