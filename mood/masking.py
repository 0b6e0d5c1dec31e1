"""Personal data taken out of residents' texts before anything reads them for topics:
email addresses, phone numbers and postcodes (with the house number before or after
them). The mask is a word in brackets, which the topic finder skips."""

import re

from common.contact_details import EMAIL_PATTERN, PHONE_PATTERN, POSTCODE_PATTERN

EMAIL = "[e-mailadres]"
PHONE = "[telefoonnummer]"
POSTCODE = "[postcode]"

# The masks themselves, for the topic finder to skip.
MASKS = re.compile(r"\[(?:e-mailadres|telefoonnummer|postcode)\]")


def mask(text: str) -> str:
    """The text with email addresses, phone numbers and postcodes replaced by a mask."""
    text = EMAIL_PATTERN.sub(EMAIL, text)
    text = PHONE_PATTERN.sub(PHONE, text)
    return POSTCODE_PATTERN.sub(POSTCODE, text)
