"""Checking what residents upload, so nothing active is ever served back.

Images are decoded with Pillow and written anew as JPEG or PNG: whatever else was in
the file (EXIF with a home's GPS position, scripts in an SVG or a polyglot) is gone.
Documents must be PDFs by their content, not by their name, without scripts or
actions that run by themselves (``common.validators.inspect_pdf``), and are always
served as downloads. Sizes are limited before anything is decoded.

A stored file goes with its row once the row's deletion is committed
(``delete_after_commit``; ``delete_files_with_rows`` for every deletion of a model's
rows, also by cascade).
"""

import io
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from common.validators import UnsafePdf, inspect_pdf

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # beyond this Pillow could be made to eat the memory
MAX_IMAGE_SIDE = 2400  # stored images are scaled down to this
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass
class ProcessedUpload:
    kind: str
    content: ContentFile
    extension: str
    content_type: str
    original_name: str
    token: str

    @property
    def size(self) -> int:
        return self.content.size


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:120] or "bestand"


def process_image(upload) -> ProcessedUpload:
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB. Choose a smaller image."),
            code="too_large",
            params={"name": _clean_name(upload.name)},
        )
    try:
        with Image.open(upload) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise UnidentifiedImageError
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels."),
                    code="too_large",
                    params={"name": _clean_name(upload.name)},
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            has_alpha = image.mode in {"RGBA", "LA", "P"}
            output = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(output, format="PNG", optimize=True)
                extension, content_type = "png", "image/png"
            else:
                image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
                extension, content_type = "jpg", "image/jpeg"
    except Image.DecompressionBombError:
        # Pillow's own guard, for images far beyond ours, fires while opening the file.
        raise ValidationError(
            _("%(name)s has too many pixels."),
            code="too_large",
            params={"name": _clean_name(upload.name)},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP image."),
            code="invalid_image",
            params={"name": _clean_name(upload.name)},
        ) from None
    return ProcessedUpload(
        kind="image",
        content=ContentFile(output.getvalue()),
        extension=extension,
        content_type=content_type,
        original_name=_clean_name(upload.name),
        token=secrets.token_hex(16),
    )


def process_document(upload) -> ProcessedUpload:
    name = _clean_name(upload.name)
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB. Choose a smaller document."),
            code="too_large",
            params={"name": name},
        )
    upload.seek(0)
    head = upload.read(1024)
    if b"%PDF-" not in head[:1024] or not name.lower().endswith(".pdf"):
        raise ValidationError(
            _("%(name)s is not a PDF document."), code="invalid_document", params={"name": name}
        )
    upload.seek(0)
    content = upload.read()
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
    return ProcessedUpload(
        kind="document",
        content=ContentFile(content),
        extension="pdf",
        content_type="application/pdf",
        original_name=name,
        token=secrets.token_hex(16),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files in one input, each checked by ``process``."""

    widget = MultipleFileInput

    def __init__(self, *, process, max_files: int, accept: str, **kwargs):
        self.process = process
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = accept

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise ValidationError(
                _("Choose at most %(count)d files."),
                code="too_many",
                params={"count": self.max_files},
            )
        results, errors = [], []
        for upload in files:
            try:
                results.append(self.process(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return results


def delete_after_commit(file: FieldFile, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove ``file`` from storage (the local disk or the object store) once the
    deletion of the row that names it is committed: a rollback keeps the row, so it
    keeps its file too. Outside a transaction it goes at once."""
    name, storage = file.name, file.storage
    if name:
        # robust: the row is gone for good by then; a file that cannot be removed is
        # logged instead of turning the committed deletion into an error.
        transaction.on_commit(partial(storage.delete, name), using=using, robust=True)


def delete_files_with_rows(model: type[models.Model], *fields: str) -> None:
    """Every deletion of a ``model`` row removes its stored ``fields`` after the commit
    (``delete_after_commit``): one row, a queryset, or a cascade from the row it belongs
    to. Called from the app's ``AppConfig.ready()``."""

    def remove_files(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        for field in fields:
            delete_after_commit(getattr(instance, field), using=kwargs["using"])

    post_delete.connect(
        remove_files, sender=model, weak=False, dispatch_uid=f"uploads:{model._meta.label}"
    )
