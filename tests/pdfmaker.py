"""Build small real PDFs for tests with fpdf2 (a test-only dependency)."""
from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import EncryptionMethod


def make_pdf(path: str | os.PathLike, pages: list[str], *, password: str | None = None,
             owner_password: str | None = None, title: str | None = None,
             aes: bool = True) -> Path:
    """One PDF page per entry of `pages` (text may hold newlines; Latin-1 only).

    `password` encrypts with that user password; `owner_password` alone encrypts
    with an EMPTY user password (opens without asking, like most "protected" PDFs).
    """
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title is not None:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if password is not None or owner_password is not None:
        pdf.set_encryption(
            owner_password=owner_password or password or "",
            user_password=password or "",
            encryption_method=EncryptionMethod.AES_256 if aes else EncryptionMethod.RC4,
        )
    path = Path(path)
    pdf.output(str(path))
    return path


def make_glyph_named_pdf(path: str | os.PathLike, pages: list[str]) -> Path:
    """Like ``make_pdf``, but the font's encoding names every glyph `/gNN` (NN its code), as some
    producers write: pypdf returns those names ("/g84/g104/g101"), PDFium the letters."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    path = make_pdf(path, pages)
    writer = PdfWriter(clone_from=str(path))
    names = ArrayObject([NumberObject(32), *(NameObject(f"/g{code}") for code in range(32, 256))])
    encoding = DictionaryObject({NameObject("/Type"): NameObject("/Encoding"),
                                 NameObject("/BaseEncoding"): NameObject("/WinAnsiEncoding"),
                                 NameObject("/Differences"): names})
    for page in writer.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font.get_object()[NameObject("/Encoding")] = encoding
    writer.write(str(path))
    return path
