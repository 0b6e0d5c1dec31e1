"""The letters with codes as a PDF, one page per address, for staff who print them or
send them to a print shop: the address, the neighbourhood, the code, where to enter it
and until when it works. Written in the response that issues the codes (like the CSV and
the print page), so the codes never rest in a file on the server. In the language the
caller chose (the municipality's: Dutch); the sentences are the print page's.

Made with fpdf2 and its built-in Helvetica and Courier, so no font file is needed: text
is written in Windows-1252 (Dutch letters, curly quotes and the euro sign); a character
outside it shows as a question mark."""

from collections.abc import Iterable

from django.utils.translation import get_language, gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from neighbourhoods.models import LetterCode

ENCODING = "windows-1252"
MARGIN = 25  # mm, A4


def _text(value: object) -> str:
    """What the built-in fonts can write."""
    return str(value).encode(ENCODING, "replace").decode(ENCODING)


def _paragraph(pdf: FPDF, text: str, height: float = 6) -> None:
    pdf.multi_cell(0, height, _text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def letters_pdf(issued: Iterable[tuple[LetterCode, str]], *, url: str, sender: str) -> bytes:
    """One A4 page per issued code: ``issued`` as ``actions.issue_letter_codes`` returns
    it, ``url`` the page where residents enter the code, ``sender`` the municipality."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_text(gettext("Letters with codes")))
    pdf.set_author(_text(sender))
    pdf.set_creator(_text(sender))
    pdf.set_lang(get_language() or "nl")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    for row, code in issued:
        pdf.add_page()
        pdf.set_font("helvetica", size=10)
        _paragraph(pdf, sender)
        pdf.ln(20)
        pdf.set_font("helvetica", size=11)
        _paragraph(pdf, gettext("To the residents of"))
        _paragraph(pdf, row.address)
        pdf.ln(20)
        pdf.set_font("helvetica", style="B", size=14)
        _paragraph(
            pdf,
            gettext("Your say in the %(neighbourhood)s neighbourhood")
            % {"neighbourhood": row.neighbourhood.name},
            height=8,
        )
        pdf.ln(4)
        pdf.set_font("helvetica", size=11)
        _paragraph(
            pdf,
            gettext(
                "Some decisions about your neighbourhood are for the people who live there, "
                "such as the neighbourhood budget and the priorities on its agenda. With the "
                "code below you show once that you live here."
            ),
        )
        pdf.ln(4)
        _paragraph(
            pdf, "1. " + gettext("Go to %(url)s and sign in (or make an account).") % {"url": url}
        )
        _paragraph(pdf, "2. " + gettext("Enter this code:"))
        pdf.ln(2)
        pdf.set_font("courier", style="B", size=20)
        _paragraph(pdf, code, height=12)
        pdf.ln(4)
        pdf.set_font("helvetica", size=11)
        _paragraph(
            pdf,
            gettext(
                "The code works once, for one account. We do not keep your address with "
                "your account."
            ),
        )
        _paragraph(pdf, gettext("The code works until we send a new letter to this address."))
    return bytes(pdf.output())
