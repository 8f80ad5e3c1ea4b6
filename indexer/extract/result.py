"""The value every extractor returns."""
from __future__ import annotations

from dataclasses import dataclass, replace

from dossier.repository.text import valid_text


@dataclass(frozen=True)
class Extraction:
    pages: tuple[str, ...]          # PDFs: one per page; other types: one entry; images: ()
    status: str                     # one of repository.models.TEXT_STATUSES
    error: str | None = None        # why, when failed / partial / encrypted
    page_count: int | None = None   # PDFs only
    # PDFs: the engine that gave each page its text ("pypdf", "pdfium"), None for a page without
    # text (no layer, or one no engine reads); other types: ()
    engines: tuple[str | None, ...] = ()


def failed(error: str, page_count: int | None = None) -> Extraction:
    return Extraction((), "failed", error, page_count)


def describe(exc: BaseException, limit: int = 200) -> str:
    """A one-line 'ExceptionType: message' for an error column."""
    message = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def single_text(text: str) -> Extraction:
    """A non-paged document (HTML, DOCX, plain text): one entry with all its text."""
    if not text.strip():
        return Extraction(("",), "empty")
    return Extraction((text,), "extracted")


def storable(extraction: Extraction) -> Extraction:
    """The same extraction with every unpaired UTF-16 surrogate replaced by U+FFFD."""
    pages = tuple(map(valid_text, extraction.pages))
    error = valid_text(extraction.error) if extraction.error else extraction.error
    if pages == extraction.pages and error == extraction.error:
        return extraction
    return replace(extraction, pages=pages, error=error)
