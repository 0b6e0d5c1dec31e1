"""Uploads in an S3-compatible object store (django-storages), against a real S3 server
on the loopback (moto's server speaks the protocol over HTTP; boto3 is not patched).

Residents and suppliers upload through the portal's own forms and read back through its
own views; the files land in the bucket, not on the node's disk; every object is private
(no grant to everyone, an unsigned request is refused) and reaches people only through
the views that check who may see it. A removed file leaves the bucket after the commit.
A signed address, should one ever be logged, loses its signature in the log."""

import logging
from datetime import timedelta

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.tests.factories import UserFactory
from common.log_redaction import RedactSecrets, redact
from initiatives.models import Attachment, Initiative
from initiatives.tests.conftest import make_image, make_pdf
from initiatives.tests.factories import ThemeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from portal.settings import object_storage
from procurement.models import SocialReturnEvidence
from procurement.tests.factories import (
    ContractFactory,
    SupplierMemberFactory,
    block,
)
from reports.models import Photo
from reports.tests.test_resident import CREATE, form_data
from tests.loopback import s3_client, s3_env, s3_server

pytestmark = pytest.mark.django_db

EVERYONE = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


class Bucket:
    def __init__(self, endpoint: str, name: str):
        self.endpoint, self.name = endpoint, name
        self.client = s3_client(endpoint)

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def assert_private(self, key: str) -> None:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        assert not {g["Grantee"].get("URI") for g in grants} & EVERYONE
        # Asked without a signature (as a browser that guessed the address would).
        assert requests.get(f"{self.endpoint}/{self.name}/{key}", timeout=10).status_code == 403


@pytest.fixture
def bucket(settings, monkeypatch, tmp_path):
    with s3_server() as (endpoint, name):
        for key, value in s3_env(endpoint, name).items():
            monkeypatch.setenv(key, value)
        settings.STORAGES = {**settings.STORAGES, "default": object_storage()}
        yield Bucket(endpoint, name)
    # Nothing was written to the node's own disk.
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))


def test_the_settings_keep_every_object_private_and_the_local_disk_as_default(monkeypatch):
    monkeypatch.setenv("PORTAL_S3_BUCKET", "stad")
    monkeypatch.setenv("PORTAL_S3_ENDPOINT_URL", "http://minio:9000")
    storage = object_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "stad"
    assert options["default_acl"] is None  # the bucket's own: private
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 300
    assert options.get("custom_domain") is None  # never an unsigned public address
    assert options["file_overwrite"] is False
    assert options["signature_version"] == "s3v4"
    assert options["addressing_style"] == "path"
    from django.conf import settings

    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def test_a_reports_photo_goes_to_the_bucket_and_only_the_portal_serves_it(client, bucket):
    reporter = UserFactory()
    client.force_login(reporter)
    response = client.post(
        CREATE, form_data(email=None, photos=[make_image()]), headers={"accept-language": "en"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = Photo.objects.get()
    key = f"uploads/{photo.file.name}"
    assert bucket.keys() == {key}
    bucket.assert_private(key)

    served = client.get(photo.get_absolute_url())
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == bucket.read(key)
    # Not yet checked by a colleague: nobody else sees it.
    client.force_login(UserFactory())
    assert client.get(photo.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_a_suppliers_evidence_stays_private_in_the_bucket(client, bucket):
    member = SupplierMemberFactory()
    contract = ContractFactory(supplier=member.supplier)
    client.force_login(member.user)
    response = client.post(
        reverse("procurement:supplier_contract", args=[contract.pk]),
        {
            "block": block("bbl").pk,
            "description": "Een BBL-leerling hovenier op de opdracht",
            "quantity": "0.5",
            "period_start": contract.start_date.isoformat(),
            "period_end": (contract.start_date + timedelta(days=180)).isoformat(),
            "evidence": [make_pdf("bewijs.pdf")],
        },
    )
    assert response.status_code == 302
    evidence = SocialReturnEvidence.objects.get()
    key = f"uploads/{evidence.file.name}"
    assert bucket.keys() == {key}
    bucket.assert_private(key)

    url = reverse("procurement:evidence", args=[evidence.pk])
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert b"".join(served.streaming_content) == bucket.read(key)
    client.force_login(SupplierMemberFactory().user)  # another company
    assert client.get(url).status_code == 404


def test_an_initiatives_files_are_served_from_the_bucket_and_removed_from_it(
    client, bucket, django_capture_on_commit_callbacks
):
    from initiatives.tests.test_views import form_data as initiative_form

    initiator = UserFactory()
    client.force_login(initiator)
    neighbourhood, theme = NeighbourhoodFactory(), ThemeFactory()
    data = initiative_form(neighbourhood, theme, images=[make_image()], documents=[make_pdf()])
    assert client.post(reverse("initiatives:create"), data).status_code == 302
    initiative = Initiative.objects.get()
    keys = {f"uploads/{a.file.name}" for a in Attachment.objects.all()}
    assert bucket.keys() == keys
    for key in keys:
        bucket.assert_private(key)
    image = initiative.attachments.get(kind="image")
    served = client.get(image.get_absolute_url())  # the initiator sees their draft's files
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == bucket.read(f"uploads/{image.file.name}")
    client.force_login(UserFactory())
    assert client.get(image.get_absolute_url()).status_code == 404  # a draft

    with django_capture_on_commit_callbacks(execute=True):
        image.remove()
    assert bucket.keys() == keys - {f"uploads/{image.file.name}"}


def test_a_signed_address_loses_its_signature_in_the_log(bucket, caplog):
    name = default_storage.save("reports/proef.txt", ContentFile(b"proef"))
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url
    assert requests.get(url, timeout=10).content == b"proef"  # it is a working address
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s", (url,), None)
    RedactSecrets().filter(record)
    logged = record.getMessage()
    assert "X-Amz-Signature=[redacted]" in logged
    assert "X-Amz-Credential=[redacted]" in logged
    signature = url.split("X-Amz-Signature=")[1].split("&")[0]
    credential = url.split("X-Amz-Credential=")[1].split("&")[0]
    assert signature not in logged
    assert credential not in logged
    assert redact(url).startswith(f"{bucket.endpoint}/{bucket.name}/uploads/reports/proef")
