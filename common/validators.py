import io
import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.contact_details import EMAIL_PATTERN, PHONE_PATTERN, POSTCODE_PATTERN


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with a message our catalogues translate (Django's Dutch catalogue
    lacks the current wording)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


# Text fields hold plain text and are always shown escaped; still, code that would run
# if someone pasted it into another system is refused outright, so it is never stored.
_ACTIVE_CONTENT = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|svg|style|link|meta)\b|javascript\s*:|<[^>]*\bon[a-z]+\s*=",
    re.IGNORECASE,
)


def validate_plain_text(value: str) -> None:
    if value and _ACTIVE_CONTENT.search(value):
        raise ValidationError(
            _(
                "Remove the code from this text (such as a script or an event handler). "
                "Write plain text."
            ),
            code="active_content",
        )


def validate_no_contact_details(value: str) -> None:
    """A text shown in public (an ambassador's profile) holds no email address, phone
    number or postcode with house number: residents reach each other through the portal."""
    if value and any(
        pattern.search(value) for pattern in (EMAIL_PATTERN, PHONE_PATTERN, POSTCODE_PATTERN)
    ):
        raise ValidationError(
            _(
                "Remove the email address, phone number or address: this text is public. "
                "Residents write to you through the portal."
            ),
            code="contact_details",
        )


# --- PDFs without scripts or actions -------------------------------------------------

# What a PDF viewer runs or opens by itself: JavaScript (also as a document's name tree
# or an action's /S), actions on opening a document, page or field (/OpenAction with an
# action, /AA), launching a program, fetching or sending data, embedded files and media,
# and XFA forms (which carry their own scripts).
_PDF_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
}
_PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
    "/Sound",
    "/Movie",
}
# A name in the raw bytes, where #xx may stand for any character (/J#53 is /JS).
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")


class UnsafePdf(Exception):
    """The document is not a PDF we can read, or it carries something active."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unreadable", "encrypted" or "active"


def _raw_pdf_names(data: bytes) -> set[str]:
    names = set()
    for match in _PDF_NAME.finditer(data):
        raw = match.group()
        try:
            decoded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            names.add(decoded.decode("latin-1"))
        except ValueError:
            continue
    return names


def _resolved(value: object) -> object:
    get_object = getattr(value, "get_object", None)
    return get_object() if get_object is not None else value


def _is_active(obj: object) -> bool:
    if not isinstance(obj, dict):
        return False
    if {str(key) for key in obj} & _PDF_ACTIVE_KEYS:
        return True
    if str(_resolved(obj.get("/S"))) in _PDF_ACTIVE_ACTIONS:
        return True
    # Opening at a page (a destination array) is harmless; any other action is not.
    open_action = _resolved(obj.get("/OpenAction"))
    return isinstance(open_action, dict) and str(_resolved(open_action.get("/S"))) != "/GoTo"


_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_ACTIVE_NAMES = _PDF_ACTIVE_KEYS | _PDF_ACTIVE_ACTIONS


def inspect_pdf(data: bytes) -> None:
    """Raise :class:`UnsafePdf` unless ``data`` is a PDF that runs and opens nothing by
    itself. Every object is read through pypdf, those packed in compressed object
    streams included (where a scan of the bytes sees nothing); the bytes outside stream
    data are scanned as well, for objects a viewer could still find in a damaged file
    that the cross-reference leaves out."""
    # pypdf is only needed here (an upload being checked), not for every validator.
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    if _raw_pdf_names(_PDF_STREAM.sub(b" ", data)) & _PDF_ACTIVE_NAMES:
        raise UnsafePdf("active")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsafePdf("encrypted")
        if _is_active(reader.trailer) or _is_active(reader.trailer["/Root"].get_object()):
            raise UnsafePdf("active")
        numbers = {
            (number, generation)
            for generation, objects in reader.xref.items()
            for number in objects
        }
        numbers |= {(number, 0) for number in reader.xref_objStm}
        for number, generation in sorted(numbers):
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if _is_active(obj):
                raise UnsafePdf("active")
            # An object stream's content, inflated: its objects were read above through
            # the cross-reference; this also finds those it leaves out.
            if (
                isinstance(obj, dict)
                and str(obj.get("/Type")) == "/ObjStm"
                and _raw_pdf_names(obj.get_data()) & _PDF_ACTIVE_NAMES
            ):
                raise UnsafePdf("active")
    except UnsafePdf:
        raise
    except Exception:  # pypdf's read, dependency and limit errors: a PDF we cannot check
        raise UnsafePdf("unreadable") from None
