"""PDFs that run or open something by themselves are refused (issue 21, part 4)."""

import io
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from common.validators import UnsafePdf, inspect_pdf


def plain_pdf(open_action=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if open_action is not None:
        writer._root_object[NameObject("/OpenAction")] = open_action(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_action(writer) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hallo')"),
        }
    )


def go_to_first_page(writer) -> ArrayObject:
    return ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])


def in_object_stream(action: bytes) -> bytes:
    """A PDF 1.5 whose catalogue and open action live only in a compressed object
    stream, with a compressed cross-reference stream: nothing readable in its bytes."""
    objects = [
        b"<</Type/Catalog/Pages 3 0 R/OpenAction 4 0 R>>",
        b"<</Type/Pages/Kids[6 0 R]/Count 1>>",
        action,
    ]
    offsets, body = [], b""
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(f"{n} {o}".encode() for n, o in zip((2, 3, 4), offsets, strict=True))
    header += b"\n"
    packed = zlib.compress(header + body)
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    positions = {}
    positions[1] = len(pdf)
    pdf += (
        b"1 0 obj\n<</Type/ObjStm/N 3/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    positions[6] = len(pdf)
    pdf += b"6 0 obj\n<</Type/Page/Parent 3 0 R/MediaBox[0 0 200 200]>>\nendobj\n"
    positions[5] = len(pdf)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (0xFFFF).to_bytes(2, "big")]
    rows.append(b"\x01" + positions[1].to_bytes(4, "big") + b"\x00\x00")
    for index in range(3):  # objects 2, 3, 4 in object stream 1
        rows.append(b"\x02" + (1).to_bytes(4, "big") + index.to_bytes(2, "big"))
    rows.append(b"\x01" + positions[5].to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x01" + positions[6].to_bytes(4, "big") + b"\x00\x00")
    xref = zlib.compress(b"".join(rows))
    pdf += (
        b"5 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 2 0 R/Filter/FlateDecode/Length %d>>\n"
        b"stream\n" % len(xref) + xref + b"\nendstream\nendobj\n"
    )
    pdf += b"startxref\n%d\n%%%%EOF\n" % positions[5]
    return pdf


def test_a_normal_pdf_is_accepted():
    inspect_pdf(plain_pdf())
    inspect_pdf(plain_pdf(go_to_first_page))  # opening at a page is no action to fear
    inspect_pdf(in_object_stream(b"[6 0 R/Fit]"))  # the same, packed in an object stream


@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(plain_pdf(javascript_action), id="open-action-js"),
        pytest.param(
            in_object_stream(b"<</S/JavaScript/JS(app.alert\\(1\\))>>"), id="object-stream"
        ),
        pytest.param(in_object_stream(b"<</S/Launch/F(calc.exe)>>"), id="launch-in-stream"),
        pytest.param(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/J#53(x)>>>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n",
            id="escaped-name",
        ),
    ],
)
def test_a_pdf_with_javascript_or_an_action_is_refused(pdf):
    with pytest.raises(UnsafePdf) as refused:
        inspect_pdf(pdf)
    assert refused.value.reason == "active"


def test_the_object_stream_hides_the_script_from_a_byte_scan():
    pdf = in_object_stream(b"<</S/JavaScript/JS(app.alert\\(1\\))>>")
    assert b"JavaScript" not in pdf
    assert b"/JS" not in pdf


def test_a_pdf_we_cannot_read_is_refused():
    with pytest.raises(UnsafePdf) as refused:
        inspect_pdf(b"%PDF-1.4\nthis is no pdf at all")
    assert refused.value.reason == "unreadable"
