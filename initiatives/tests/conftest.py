import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def make_image(name="foto.jpg", fmt="JPEG", size=(64, 48), exif=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 60))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_pdf(name="begroting.pdf", javascript: str = "") -> SimpleUploadedFile:
    """A one-page PDF; with ``javascript``, one that runs it when opened."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/pdf")


@pytest.fixture
def theme(db):
    from initiatives.tests.factories import ThemeFactory

    return ThemeFactory(name_nl="Groen", name_en="Green", slug="groen-test")


@pytest.fixture
def neighbourhood(db):
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    return NeighbourhoodFactory(name="Havenkwartier", slug="havenkwartier")
