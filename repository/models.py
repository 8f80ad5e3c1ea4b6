"""The values the repository hands out: plain, frozen, free of storage details."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Mapping

KINDS = ("release", "filing", "photo", "other")
LINK_TYPES = ("attachment", "related")
TEXT_STATUSES = (
    "extracted",       # every page gave text
    "partial",         # some pages gave text, some failed or were empty
    "empty",           # no text layer at all: needs OCR
    "encrypted",       # could not be opened without a password
    "garbled",         # a text layer that decodes to symbol soup
    "failed",          # extraction raised, timed out or ran out of memory (see text_error)
    "not_applicable",  # images: only their metadata is searchable (and their text once recognised)
    "ocr_pending",     # pages without a readable text layer wait for OCR
    "ocr",             # some pages' text was recognised by OCR (see ocr_confidence)
)
LIST_FIELDS = ("topics", "people", "places")
STATES = ("draft", "scheduled", "published", "withdrawn")
# Bookkeeping, not part of the document's public record.
INTERNAL_FIELDS = ("deleted", "indexed", "index_error", "ocr_queued_at", "ocr_owner", "ocr_lease")
# Metadata a person (or a manifest) may set; the rest is derived from the file.
EDITABLE_FIELDS = (
    "kind", "title", "date", "office", "topics", "people", "places",
    "court", "case_number", "doc_type", "parties",
)
# Where a field's value came from: typed by staff (always wins), read from the document itself,
# or inherited (a photo with no date of its own takes its release's).
SOURCES = ("typed", "document", "inherited")


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    title: str
    date: str | None          # YYYY-MM-DD
    added_at: str             # ISO 8601, UTC
    office: str | None
    topics: tuple[str, ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    court: str | None
    case_number: str | None
    doc_type: str | None
    filename: str             # the name it was uploaded with; never used as a path
    mime: str                 # sniffed from the bytes
    size: int
    sha256: str
    page_count: int | None    # PDFs only
    text_status: str | None   # None until the text has been extracted
    text_error: str | None = None
    deleted: bool = False
    indexed: bool = False
    index_error: str | None = None   # why the index could not take it (catch-up skips it until it changes)
    state: str = "published"         # draft, scheduled, published or withdrawn
    publish_at: str | None = None    # scheduled: when it goes out (ISO 8601, UTC)
    published_at: str | None = None  # when it became public (ISO 8601, UTC)
    withdrawn_at: str | None = None
    withdrawn_reason: str | None = None
    # Text that lies under opaque boxes and can be copied out: ((page, text), ...);
    # None until checked, () when checked and clean.
    redaction_findings: tuple[tuple[int, str], ...] | None = None
    ocr_confidence: float | None = None   # mean word confidence (0-100) of the recognised pages
    ocr_languages: str | None = None      # asked for at upload ("eng+spa"); None: the setting's
    layer_status: str | None = None       # text_status of the text layer alone; None until looked at for OCR
    ocr_queued_at: str | None = None
    ocr_owner: str | None = None
    ocr_lease: str | None = None
    parties: str | None = None       # "Jinhua v. Micron"
    # field -> where its value came from (SOURCES); None for rows stored before sources were kept.
    sources: Mapping[str, str] | None = None
    # What the metadata reader found: {"version", "values", "where"}; None until read.
    reading: Mapping | None = None

    def provenance(self) -> dict[str, str]:
        """field -> where its value came from. On rows from before sources were kept, every
        filled field counts as typed: nothing staff may have typed is ever overwritten."""
        if self.sources is not None:
            return dict(self.sources)
        return {name: "typed" for name in EDITABLE_FIELDS if getattr(self, name) not in (None, ())}

    def typed(self, name: str) -> bool:
        """Whether staff set this field: never overwritten by what is read."""
        return self.provenance().get(name) == "typed"

    @property
    def public(self) -> bool:
        return self.state == "published" and not self.deleted

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else "unknown"

    def to_dict(self) -> dict:
        """The public fields, in the contract's order (no `links`: see Repository.links)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in INTERNAL_FIELDS}
        for name in LIST_FIELDS:
            out[name] = list(out[name])
        out["sources"] = dict(self.sources or {})
        out.pop("reading")
        if self.redaction_findings is not None:
            out["redaction_findings"] = [{"page": page, "text": text} for page, text in self.redaction_findings]
        return out

    def with_changes(self, **changes) -> "Document":
        return replace(self, **changes)


@dataclass(frozen=True)
class LinkedDocument:
    """One end of a link, as `show` and the API list it."""
    id: str
    kind: str
    title: str

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title}


@dataclass(frozen=True)
class Links:
    attachments: tuple[LinkedDocument, ...] = ()   # this release's files, in order
    attached_to: tuple[LinkedDocument, ...] = ()   # releases this file is attached to
    related: tuple[LinkedDocument, ...] = ()       # either direction

    def to_dict(self) -> dict:
        return {name: [d.to_dict() for d in getattr(self, name)]
                for name in ("attachments", "attached_to", "related")}


@dataclass(frozen=True)
class PageSource:
    """Where one page's stored text came from."""
    page: int                       # 1-based
    engine: str | None              # "pypdf", "pdfium", "tesseract"; None: no text
    confidence: float | None = None  # OCR: mean word confidence, 0-100
    chars: int = 0                   # length of its text

    def to_dict(self) -> dict:
        return {"page": self.page, "engine": self.engine, "confidence": self.confidence}
