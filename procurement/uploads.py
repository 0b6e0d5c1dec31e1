"""Checking the PDFs suppliers and officers upload (evidence of social return, contract
documents): PDFs by their content and name, without anything that runs by itself
(``common.validators.inspect_pdf``), at most 10 MB; always served as downloads."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.validators import UnsafePdf, inspect_pdf

MAX_PDF_BYTES = 10 * 1024 * 1024


@dataclass
class CheckedPdf:
    name: str
    content: bytes


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:120] or "document.pdf"


def check_pdf(upload) -> CheckedPdf:
    """The upload's bytes when it is a plain PDF; a ValidationError saying why not."""
    name = _clean_name(upload.name)
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB. Choose a smaller document."),
            code="too_large",
            params={"name": name},
        )
    upload.seek(0)
    content = upload.read()
    if b"%PDF-" not in content[:1024] or not name.lower().endswith(".pdf"):
        raise ValidationError(
            _("%(name)s is not a PDF document."), code="invalid_document", params={"name": name}
        )
    try:
        inspect_pdf(content)
    except UnsafePdf as refused:
        messages = {
            "active": _(
                "%(name)s contains a script or an action that runs by itself (such as "
                "JavaScript or an embedded file). Save it again as a plain PDF, for "
                "example with Print to PDF, and upload that."
            ),
            "encrypted": _(
                "%(name)s is protected with a password. Upload it without the password."
            ),
            "unreadable": _("%(name)s is damaged or not a PDF document we can read."),
        }
        raise ValidationError(
            messages[refused.reason], code="unsafe_document", params={"name": name}
        ) from None
    return CheckedPdf(name=name, content=content)


class MultiplePdfInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PdfFilesField(forms.FileField):
    """One or more PDFs in one input, each checked."""

    widget = MultiplePdfInput

    def __init__(self, *, max_files: int = 5, **kwargs):
        self.max_files = max_files
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,application/pdf"

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("Choose at most %(count)d files."),
                code="too_many",
                params={"count": self.max_files},
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_pdf(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class PdfDocumentField(forms.FileField):
    """A single PDF on a model's FileField, checked before it is stored."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,application/pdf"

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            check_pdf(value)
            value.seek(0)
        return value
