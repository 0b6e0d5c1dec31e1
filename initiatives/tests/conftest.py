import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def make_image(name="foto.jpg", fmt="JPEG", size=(64, 48), exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 60))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_pdf(name="begroting.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


@pytest.fixture
def theme(db):
    from initiatives.tests.factories import ThemeFactory

    return ThemeFactory(name_nl="Groen", name_en="Green", slug="groen-test")


@pytest.fixture
def neighbourhood(db):
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    return NeighbourhoodFactory(name="Havenkwartier", slug="havenkwartier")
