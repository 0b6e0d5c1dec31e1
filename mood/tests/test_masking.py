"""Personal data is masked before anything reads a text for topics."""

import pytest

from mood.masking import EMAIL, PHONE, POSTCODE, mask
from mood.topics import words_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail me: jan.de-vries+buurt@example.nl.", f"Mail me: {EMAIL}."),
        ("Bel 06-12345678 of 06 1234 5678", f"Bel {PHONE} of {PHONE}"),
        ("Bel 020 123 4567 of 050-1234567", f"Bel {PHONE} of {PHONE}"),
        ("Bel +31 (0)6 1234 5678 of 0031612345678", f"Bel {PHONE} of {PHONE}"),
        ("Bel (050) 123 4567 na vijf uur", f"Bel {PHONE} na vijf uur"),
        ("Ik woon op 3512 AB 12a, naast de school", f"Ik woon op {POSTCODE}, naast de school"),
        ("Adres: 9711ab 5-2 hier", f"Adres: {POSTCODE} hier"),
        ("Postcode 1234 XY en verder", f"Postcode {POSTCODE} en verder"),
        ("Bel 06 - 12345678 nu", f"Bel {PHONE} nu"),
        ("Bel 020 - 1234567 nu", f"Bel {PHONE} nu"),
        ("Bel 06/12345678 nu", f"Bel {PHONE} nu"),
        ("Op 1234 ab 12 woon ik", f"Op {POSTCODE} woon ik"),
        ("Op 1234 Ab 12 woon ik", f"Op {POSTCODE} woon ik"),
        ("Op 1234AB12 woon ik", f"Op {POSTCODE} woon ik"),
        ("Op 3512JE12 woon ik", f"Op {POSTCODE} woon ik"),
        ("Kerkstraat 12, 1234 AB Utrecht", f"Kerkstraat {POSTCODE} Utrecht"),
        ("Kerkstraat 12a 1234AB", f"Kerkstraat {POSTCODE}"),
        ("Mail jan(at)gmail.com of jan [at] gmail.com", f"Mail {EMAIL} of {EMAIL}"),
        ("Mail o'brien@x.nl vandaag", f"Mail {EMAIL} vandaag"),
    ],
)
def test_personal_data_is_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2024 en 2025 zijn er 150 bomen geplant.",
        "De bus van 08.15 uur komt niet.",
        "Zo'n 1234 mensen tekenden.",
        "Een 0 op 10 voor de bestrating.",
        "In 2024 en 2025, 12 keer gemeld; in 2024 op 3 mei.",
        "Het kost € 1500 en 12 euro per maand, of 1500 ex 21 procent btw.",
        "Een rit van 1500km en 12 stops, 1234 Te 5 is geen adres.",
    ],
)
def test_numbers_that_are_not_personal_stay(text):
    assert mask(text) == text


def test_the_topic_finder_never_reads_the_personal_data_or_the_masks():
    words = words_of("Bel Jan op 06-12345678 of jan@example.nl, Kerkstraat 3512 AB 4 kapot")
    assert words == ["bel", "jan", "kerkstraat", "kapot"]
