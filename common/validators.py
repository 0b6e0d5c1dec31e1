import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


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
