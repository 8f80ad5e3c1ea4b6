"""PDF text with pypdf, page by page, for files that may be hostile."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PasswordType, PdfReader

from dossier.indexer.extract.garble import is_garbled, page_garbled, page_readable
from dossier.indexer.extract.normalize import page_text
from dossier.indexer.extract.pdfium_text import ENGINE as PDFIUM, pdfium_texts
from dossier.indexer.extract.result import Extraction, describe, failed

MAX_PAGES = 10_000
PYPDF = "pypdf"
GARBLE_SAMPLE_PAGES = 5
GARBLE_SAMPLE_CHARS = 20_000


@dataclass
class _Pages:
    texts: list[str] = field(default_factory=list)
    engines: list[str | None] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (page number, reason)
    unread: int = 0      # pages with a text layer no engine reads (symbol soup)

    @property
    def with_text(self) -> int:
        return sum(1 for text in self.texts if text.strip())


def extract_pdf(path: Path) -> Extraction:
    # pypdf's DependencyError and DeprecationError are not PyPdfError: catch broadly.
    try:
        reader = PdfReader(path, strict=False)
        locked = _locked(reader)
    except MemoryError:
        raise
    except Exception as exc:
        return failed(f"unreadable PDF: {describe(exc)}")
    if locked:
        return Extraction((), "encrypted", "needs a password", _claimed_count(reader))
    try:
        count = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:
        return failed(f"unreadable PDF: {describe(exc)}")
    return _classify(_second_engine(path, _read_pages(reader, min(count, MAX_PAGES))), count)


def _locked(reader: PdfReader) -> bool:
    """Open an encrypted file with the empty user password if it has one."""
    if not reader.is_encrypted:
        return False
    return reader.decrypt("") == PasswordType.NOT_DECRYPTED


def _claimed_count(reader: PdfReader) -> int | None:
    try:
        count = len(reader.pages)  # /Count as written: the page tree cannot be walked yet
    except Exception:
        return None
    return count if isinstance(count, int) and 0 < count <= MAX_PAGES else None


def _read_pages(reader: PdfReader, count: int) -> _Pages:
    pages = _Pages()
    for index in range(count):
        try:
            text = page_text(reader.pages[index].extract_text() or "")
        except MemoryError:
            raise
        except Exception as exc:
            pages.failures.append((index + 1, describe(exc)))
            text = ""
        pages.texts.append(text)
        pages.engines.append(PYPDF if text.strip() else None)
    return pages


def _second_engine(path: Path, pages: _Pages) -> _Pages:
    """Each page pypdf left without text or garbled, read by PDFium; its text is kept where it
    clearly reads, and a garbled page no engine reads is left without text (for OCR)."""
    whole = is_garbled(_sample(tuple(pages.texts)))    # its short pages are suspect too
    # Not a page pypdf failed on: its limits refuse bombs (a content stream inflating to
    # gigabytes) that PDFium would inflate.
    failed_pages = {number for number, _ in pages.failures}
    suspect = [n for n, text in enumerate(pages.texts, start=1)
               if n not in failed_pages and (whole or page_garbled(text))]
    second = pdfium_texts(path, suspect) if suspect else {}
    for number in suspect:
        text = second.get(number, "")
        if page_readable(text):
            pages.texts[number - 1], pages.engines[number - 1] = text, PDFIUM
        elif pages.engines[number - 1] is not None:
            pages.texts[number - 1], pages.engines[number - 1] = "", None
            pages.unread += 1
    return pages


def _classify(pages: _Pages, count: int) -> Extraction:
    n = len(pages.texts)
    texts = tuple(pages.texts)
    if n and len(pages.failures) == n and pages.with_text == 0:
        return failed(f"all {n} pages failed: {pages.failures[0][1]}", count)
    blank = tuple("" for _ in texts)
    nothing = tuple(None for _ in texts)
    if pages.with_text == 0 and pages.unread:
        return Extraction(blank, "garbled", None, count, nothing)
    if pages.with_text == 0:
        return Extraction(blank, "empty", _problems(pages, count), count, nothing)
    problems = _problems(pages, count)
    return Extraction(texts, "partial" if problems else "extracted", problems, count, tuple(pages.engines))


def _problems(pages: _Pages, count: int) -> str | None:
    """What kept pages from giving text, or None when every page did."""
    n = len(pages.texts)
    failed_numbers = {number for number, _ in pages.failures}
    blank = [i + 1 for i, text in enumerate(pages.texts) if not text.strip() and i + 1 not in failed_numbers]
    notes = []
    if pages.failures:
        notes.append(f"{len(pages.failures)} of {n} pages failed (page {pages.failures[0][0]}: "
                     f"{pages.failures[0][1]})")
    if blank and pages.with_text:
        notes.append(f"{len(blank)} of {n} pages have no text (from page {blank[0]})")
    if count > n:
        notes.append(f"only the first {n} of {count} pages were read")
    return "; ".join(notes) or None


def _sample(texts: tuple[str, ...]) -> str:
    return "\n".join(texts[:GARBLE_SAMPLE_PAGES])[:GARBLE_SAMPLE_CHARS]
