"""PDF text with pypdf, page by page, for files that may be hostile."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PasswordType, PdfReader

from dossier.indexer.extract.garble import is_garbled
from dossier.indexer.extract.normalize import page_text
from dossier.indexer.extract.result import Extraction, describe, failed

MAX_PAGES = 10_000
GARBLE_SAMPLE_PAGES = 5
GARBLE_SAMPLE_CHARS = 20_000


@dataclass
class _Pages:
    texts: list[str] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (page number, reason)

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
    return _classify(_read_pages(reader, min(count, MAX_PAGES)), count)


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
    return pages


def _classify(pages: _Pages, count: int) -> Extraction:
    n = len(pages.texts)
    texts = tuple(pages.texts)
    if n and len(pages.failures) == n:
        return failed(f"all {n} pages failed: {pages.failures[0][1]}", count)
    if pages.with_text == 0:
        return Extraction(tuple("" for _ in texts), "empty", _problems(pages, count), count)
    if is_garbled(_sample(texts)):
        return Extraction(tuple("" for _ in texts), "garbled", None, count)
    problems = _problems(pages, count)
    return Extraction(texts, "partial" if problems else "extracted", problems, count)


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
