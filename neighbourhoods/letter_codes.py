"""Letter codes: the addresses entitled to take part, as staff import them from the
municipality's own register, and the codes sent to them.

The CSV has the columns ``postcode``, ``house_number``, ``addition`` (may be empty) and
``neighbourhood`` (the wijk's CBS code, e.g. WK034401, or its name), or in Dutch
``huisnummer``, ``toevoeging`` and ``wijk``; no names. The file
is checked whole before anything is stored: every problem with its line number, and a
file with any problem imports nothing. Semicolons (as Dutch spreadsheets save) and
commas both work.

A code is 12 letters and digits from an alphabet without look-alikes (no 0/O, 1/I/L),
printed in groups of four: 31 ** 12, about 59 bits, drawn by ``secrets``. Only its keyed
hash is stored (HMAC-SHA256 with ``PORTAL_VERIFICATION_KEY``, a key kept out of the
database), so a copy of the database alone cannot be searched for the codes; what a
resident types is normalised first (case, spaces, dashes). Codes issued before the keyed
hash (plain SHA-256) or under another key no longer match: issue the list again (no
migration can recompute them, as the codes themselves are not kept).
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext

from common.csv import CsvProblem, read_table
from neighbourhoods.models import Neighbourhood

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
MAX_ROWS = 100_000
REQUIRED_COLUMNS = ("postcode", "house_number", "neighbourhood")
# The columns as a Dutch register names them.
DUTCH_COLUMNS = {"huisnummer": "house_number", "toevoeging": "addition", "wijk": "neighbourhood"}
POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
ADDITION = re.compile(r"^[A-Z0-9]{1,10}$")


def new_code() -> str:
    """A fresh code as printed in the letter: XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    """What a person typed, as the code's characters only (upper case, no separators)."""
    return re.sub(r"[\s\-.]", "", code).upper()


def looks_like_a_code(code: str) -> bool:
    value = normalise(code)
    return len(value) == CODE_LENGTH and all(char in ALPHABET for char in value)


def code_hash(code: str) -> str:
    """The keyed hash stored for a code (HMAC-SHA256 with ``PORTAL_VERIFICATION_KEY``)."""
    message = f"letter-code|{normalise(code)}".encode()
    key = settings.PORTAL_VERIFICATION_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Address:
    line: int
    postcode: str
    house_number: int
    addition: str
    neighbourhood: Neighbourhood


@dataclass
class Parsed:
    addresses: list[Address] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _column(name: str) -> str:
    """A column as the importer knows it: lower case, underscores, Dutch names in English."""
    name = name.strip().lower().replace(" ", "_")
    return DUTCH_COLUMNS.get(name, name)


def parse(content: bytes, neighbourhoods: Iterable[Neighbourhood]) -> Parsed:
    """Read an address list; ``neighbourhoods`` are the ones the rows may name (an area
    manager's own). Every error with its line number."""
    parsed = Parsed()
    try:
        table = read_table(
            content,
            required=REQUIRED_COLUMNS,
            max_rows=MAX_ROWS,
            column=_column,
            delimiters=",;",
        )
    except CsvProblem as problem:
        parsed.errors.append((problem.line, problem.message))
        return parsed
    allowed: dict[str, Neighbourhood] = {}
    for neighbourhood in neighbourhoods:
        allowed[neighbourhood.cbs_code.upper()] = neighbourhood
        allowed[neighbourhood.name.upper()] = neighbourhood
    seen: dict[tuple[str, int, str], int] = {}
    for row in table.rows:
        line, values = row.line, row.values
        if row.problem:
            parsed.errors.append((line, row.problem))
            continue
        problems = []
        postcode = values["postcode"].replace(" ", "").upper()
        if not POSTCODE.fullmatch(postcode):
            problems.append(
                gettext("postcode “%(postcode)s” is not a Dutch postcode such as 9712 CP")
                % {"postcode": values["postcode"][:10]}
            )
        number_text = values["house_number"]
        number = int(number_text) if number_text.isdigit() else 0
        if not 1 <= number <= 99999:
            problems.append(
                gettext("house number “%(number)s” is not a number") % {"number": number_text[:10]}
            )
        addition = values.get("addition", "").replace(" ", "").replace("-", "").upper()
        if addition and not ADDITION.fullmatch(addition):
            problems.append(
                gettext("addition “%(addition)s” is not letters and digits (at most 10)")
                % {"addition": addition[:20]}
            )
        named = allowed.get(values["neighbourhood"].upper())
        if named is None:
            problems.append(
                gettext("neighbourhood “%(name)s” is not one you can import addresses for")
                % {"name": values["neighbourhood"][:100]}
            )
        key = (postcode, number, addition)
        if not problems and key in seen:
            problems.append(
                gettext("this address is on line %(line)s already") % {"line": seen[key]}
            )
        if problems:
            parsed.errors.append((line, "; ".join(problems)))
            continue
        assert named is not None
        seen[key] = line
        parsed.addresses.append(Address(line, postcode, number, addition, named))
    if not parsed.addresses and not parsed.errors:
        parsed.errors.append((1, gettext("The file holds no addresses.")))
    return parsed
