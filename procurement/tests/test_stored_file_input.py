"""A contract document already stored is named in the back office's form, never linked:
its address in the file store (with an object store, a signed address) is not for
handing out; the portal's checking views serve it."""

from types import SimpleNamespace

from procurement.uploads import PdfDocumentField


def test_a_stored_document_is_named_not_linked():
    stored = SimpleNamespace(
        name="contracts/2026/offerte.pdf",
        url="https://bucket.example/contracts/2026/offerte.pdf?X-Amz-Signature=secret",
    )
    html = PdfDocumentField().widget.render("file", stored)
    assert "contracts/2026/offerte.pdf" in html
    assert "<a " not in html
    assert "X-Amz-Signature" not in html
    assert 'type="file"' in html
