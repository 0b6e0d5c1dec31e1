"""How contact details look in a resident's text: email addresses, Dutch phone numbers
and postcodes (with the house number before or after them). One definition, used to
mask them (mood) and to refuse them where a text is shown in public (community)."""

import re

# An address with @, or with (at) or [at] written for it (jan(at)gmail.com); the name may
# hold an apostrophe (o'brien@x.nl).
EMAIL_PATTERN = re.compile(
    r"\w[\w.+'\u2019-]*(?:@|\s?[(\[]at[)\]]\s?)[\w-]+(?:\.[\w-]+)+", re.UNICODE | re.IGNORECASE
)
# Dutch numbers: 0 and nine digits (06-12345678, 020 123 4567, 050-1234567, 06 - 12345678,
# 06/12345678), +31 or 0031 and nine digits with an optional (0) (+31 (0)6 1234 5678), or
# an area code in brackets ((020) 123 4567). A space, or a dot, dash or slash with a space
# on either side or none, may separate the digits.
_SEP = r"(?:\s?[./\-]\s?|\s)?"
PHONE_PATTERN = re.compile(
    r"(?<![\w+])(?:"
    rf"(?:\+|00)31{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{8}}"
    rf"|\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{5,7}}"
    rf"|0\d(?:{_SEP}\d){{8}}"
    r")(?!\d)"
)
# Two-letter words that follow a number in ordinary Dutch ("in 2024 en 2025", "1234 op
# 10"): with a space between, lower or mixed case, they are not the letters of a postcode.
_WORDS = "en|of|op|in|is|te|na|om|al|nu|de|ze|we|je|ik|uw|ja|er|zo|bv|ca|nr|tm|ex"
# A house number with its addition (12, 12a, 12-2, 12 - 3hg, 12 bis, 12 A), not the word
# after it (12 woon ik).
_NUMBER = r"\d{1,5}(?:[A-Za-z]{1,2}\b|\s?-\s?[A-Za-z0-9]{1,4}\b|\s(?:bis|hs|bg|[A-Z])\b)?"
# A postcode (1234 AB, 1234AB, 1234ab; never starting with 0; never SA, SD or SS). Written
# with a space and not in capitals (1234 ab, 1234 Ab) it counts only with a house number
# after it, so "in 2024 en 2025" stays. A house number may follow (3512 AB 12a, 1234AB12),
# or come before it, as after a street (Kerkstraat 12, 1234 AB).
_LETTERS = (
    r"(?:\s?(?!SA|SD|SS)[A-Z]{2}"
    r"|(?!(?i:sa|sd|ss|km|kg|cm|mm|ml|kw|mb|gb)(?![A-Za-z]))[A-Za-z]{2}"
    rf"|\s(?!(?i:sa|sd|ss|{_WORDS})(?![A-Za-z]))[A-Za-z]{{2}}(?=,?\s*\d))"
)
POSTCODE_PATTERN = re.compile(
    rf"(?:(?<![\w-]){_NUMBER},?\s+)?"
    rf"\b[1-9]\d{{3}}{_LETTERS}(?![A-Za-z])"
    rf"(?:,?\s*{_NUMBER})?"
)
