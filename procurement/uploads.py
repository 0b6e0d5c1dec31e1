"""Checking the PDFs suppliers and officers upload (evidence of social return, contract
documents): PDFs by their content and name, without anything that runs by itself
(``common.validators.inspect_pdf``), at most 10 MB; always served as downloads."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.uploads import process_document


@dataclass
class CheckedPdf:
    name: str
    content: bytes


def check_pdf(upload) -> CheckedPdf:
    """The upload's bytes when it is a plain PDF; a ValidationError saying why not (the
    portal's one document check, ``common.uploads.process_document``)."""
    document = process_document(upload)
    return CheckedPdf(name=document.original_name, content=document.content.read())


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


class StoredFileInput(forms.ClearableFileInput):
    """A file already stored is named, not linked: its address in the file store (a
    signed address in an object store) is not for handing out; the portal's checking
    views serve it."""

    template_name = "forms/widgets/stored_file_input.html"


class PdfDocumentField(forms.FileField):
    """A single PDF on a model's FileField, checked before it is stored."""

    widget = StoredFileInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,application/pdf"

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            check_pdf(value)
            value.seek(0)
        return value
