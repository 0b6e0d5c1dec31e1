"""Personal data taken out of residents' texts before anything reads them for topics:
email addresses, phone numbers and postcodes (with the house number after them). The
mask is a word in brackets, which the topic finder skips."""

import re

EMAIL = "[e-mailadres]"
PHONE = "[telefoonnummer]"
POSTCODE = "[postcode]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Dutch numbers: 0 and nine digits (06-12345678, 020 123 4567, 050-1234567), +31 or
# 0031 and nine digits with an optional (0) (+31 (0)6 1234 5678), or an area code in
# brackets ((020) 123 4567). Spaces, dots and dashes may separate the digits.
_SEP = r"[\s.\-]?"
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    rf"(?:\+|00)31{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{8}}"
    rf"|\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{5,7}}"
    rf"|0\d(?:{_SEP}\d){{8}}"
    r")(?!\d)"
)
# A postcode (1234 AB or 1234ab; never starting with 0; letters in capitals unless
# written together with the digits, so "in 2024 en" stays), optionally followed by a house number
# with its addition (12, 12a, 12-2, 12 bis).
_POSTCODE = re.compile(
    r"\b[1-9]\d{3}(?:\s?(?!SA|SD|SS)[A-Z]{2}|(?!sa|sd|ss)[a-z]{2})\b"
    r"(?:,?\s+\d{1,5}(?:\s?-?\s?[A-Za-z0-9]{1,4}\b)?)?"
)
# The masks themselves, for the topic finder to skip.
MASKS = re.compile(r"\[(?:e-mailadres|telefoonnummer|postcode)\]")


def mask(text: str) -> str:
    """The text with email addresses, phone numbers and postcodes replaced by a mask."""
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    return _POSTCODE.sub(POSTCODE, text)
