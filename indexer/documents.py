"""Turning repository documents into Whoosh documents (see ``indexer.schema``)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from dossier.repository.models import Document

from .analysis import STORED_TEXT_CHARS, strip_repeated_lines
from .paged import paged_text
from .language import language_of
from .schema import DOC, text_analyzer

_TEXT_ANALYZER = text_analyzer()    # the "text" field's (the accelerator runs it as one loop)


def check_item(item) -> tuple[Document, tuple[str, ...]]:
    try:
        doc, pages = item
    except (TypeError, ValueError):
        raise TypeError(f"expected (Document, page texts), got {type(item).__name__}") from None
    if not isinstance(doc, Document):
        raise TypeError(f"expected a Document, got {type(doc).__name__}")
    if isinstance(pages, (str, bytes)) or not all(isinstance(p, str) for p in pages):
        raise TypeError(f"document {doc.id}: page texts must be a sequence of str")
    return doc, tuple(pages)


_VOCAB_RE = re.compile(r"[^\W\d_]{3,32}")


def vocabulary(*texts: str) -> set[str]:
    words: set[str] = set()
    for text in texts:
        words.update(_VOCAB_RE.findall(text.lower()))
    return words


def _parse_date(doc: Document) -> datetime | None:
    if doc.date is None:
        return None
    try:
        return datetime.strptime(doc.date, "%Y-%m-%d")
    except (TypeError, ValueError):
        raise ValueError(f"document {doc.id}: date {doc.date!r} is not YYYY-MM-DD") from None


def _added_micros(added_at: str) -> int:
    try:
        dt = datetime.fromisoformat(added_at)
    except (TypeError, ValueError):
        return 0
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return max(0, int(dt.timestamp() * 1_000_000))


def whoosh_documents(doc: Document, pages: tuple[str, ...]) -> list[dict]:
    """The document's index entry (``type=doc``), as a list of one."""
    date = _parse_date(doc)
    is_pdf = doc.page_count is not None
    pdf_fields: dict = {}
    if is_pdf:
        page_texts, stamps = strip_repeated_lines(pages)
        # Repeated stamps are kept once, after the last page, so the document is
        # still found by them (e.g. its case number) but no page is.
        text = paged_text(page_texts, "\n".join(stamps), _TEXT_ANALYZER)
        body = str(text)
        pdf_fields = {"page_starts": text.page_starts,
                      "page_texts": json.dumps([t[:STORED_TEXT_CHARS] for t in page_texts]).encode("utf-8")}
    else:
        text = body = "\n\n".join(pages).strip()
    language = language_of(doc.title, body)
    meta = "\n".join(v for v in (doc.office, doc.court, doc.case_number, doc.doc_type, doc.parties,
                                 *doc.topics, *doc.people, *doc.places) if v)
    fields: dict = {
        "type": DOC,
        "id": doc.id,
        "title": doc.title,
        "text": text,
        "_stored_text": body[:STORED_TEXT_CHARS],
        **pdf_fields,
        "meta": meta,
        "date_num": int(date.strftime("%Y%m%d")) if date else 0,
        "added_num": _added_micros(doc.added_at),
        "page_count": doc.page_count,
        "state": doc.state,
        "publish_at": doc.publish_at,
        "public": int(doc.public),
        "kind": doc.kind,
        "year": doc.year,
        "topic": list(doc.topics),
        "person": list(doc.people),
        "place": list(doc.places),
    }
    if language:
        fields["language"] = language
    if language == "Spanish":
        fields["text_es"] = f"{doc.title}\n{body}"
    if date is not None:
        fields["date"] = date
        fields["_stored_date"] = doc.date
    for name in ("office", "court", "case_number", "doc_type"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    return [fields]
