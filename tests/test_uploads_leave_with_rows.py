"""Every uploaded file leaves storage with the row that names it, also when the row goes
by cascade (a report erased, an initiative deleted, a contract removed), once the
deletion is committed (``common.uploads.delete_files_with_rows``); a rollback keeps both."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from initiatives.models import Attachment
from initiatives.tests.factories import InitiativeFactory
from procurement.models import ContractDocument
from procurement.tests.factories import ContractFactory
from reports.models import Photo
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


def report_photo():
    report = ReportFactory()
    photo = Photo(report=report, token="p" * 32, content_type="image/jpeg", size=4)
    photo.file.save("melding.jpg", ContentFile(b"jpeg"), save=True)
    return photo, report


def initiative_attachment():
    initiative = InitiativeFactory()
    attachment = Attachment(
        initiative=initiative,
        kind=Attachment.Kind.DOCUMENT,
        token="a" * 32,
        extension="pdf",
        content_type="application/pdf",
        original_name="plan.pdf",
        size=8,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return attachment, initiative


def contract_document():
    contract = ContractFactory()
    document = ContractDocument(contract=contract, title="Overeenkomst")
    document.file.save("overeenkomst.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return document, contract


MADE = [
    pytest.param(report_photo, id="a report's photo, the report erased"),
    pytest.param(initiative_attachment, id="an initiative's attachment, the initiative deleted"),
    pytest.param(contract_document, id="a contract's document, the contract deleted"),
]


@pytest.mark.parametrize("make", MADE)
def test_the_file_goes_when_its_owner_is_deleted(make):
    row, owner = make()
    name = row.file.name
    assert default_storage.exists(name)
    owner.delete()
    assert not default_storage.exists(name)


class Boom(Exception):
    pass


def _delete_and_fail(owner) -> None:
    with transaction.atomic():
        owner.delete()
        raise Boom


@pytest.mark.parametrize("make", MADE)
def test_a_rolled_back_deletion_keeps_the_file(make):
    row, owner = make()
    name = row.file.name
    with pytest.raises(Boom):
        _delete_and_fail(owner)
    assert default_storage.exists(name)
    assert type(row).objects.filter(pk=row.pk).exists()
