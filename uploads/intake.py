"""Intake: a file (a path or a stream) and its metadata in, a stored document out.

Small ordered steps: spool (size cap, sha256) -> sniff -> guess what was not
given -> store (dedupe by sha256) -> link -> announce. `announce` is whatever
the app wired at start-up (the indexer): an upload is acknowledged only once
it has returned.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Mapping, Sequence

from repository import Document, InvalidMetadata, NotFound, Repository, SpooledFile
from repository.metadata import clean_metadata
from repository.text import valid_text

from . import sniff as sniffing
from .errors import Rejected
from .names import safe_filename, title_from
from .spool import spool

DEFAULT_MAX_BYTES = 100 * 2**20

Announce = Callable[[Sequence[str]], None]


@dataclass(frozen=True)
class Upload:
    """One file to take in: a stream or a path, the name it came with, and its metadata.
    ``mime``: the type, when we made the bytes ourselves (typed text); otherwise sniffed."""
    source: BinaryIO | Path
    filename: str
    meta: Mapping = field(default_factory=dict)
    mime: str | None = None


@dataclass(frozen=True)
class Stored:
    document: Document
    created: bool      # False: the same bytes were already stored


@dataclass
class Intake:
    repo: Repository
    max_bytes: int = DEFAULT_MAX_BYTES
    announce: Announce | None = None

    def add(self, upload: Upload, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = (),
            *, default_kind: str | None = None) -> tuple[Stored, list[Stored]]:
        """Store a document with its attachments and link them, in order; then announce them.

        Each document is stored whole or not at all. An attachment that is
        refused stops the call with Rejected; documents stored before it stay
        stored (they are complete) and are announced.
        """
        for doc_id in attach_ids:
            self.repo.get(doc_id)  # NotFound before anything is stored
        for part in (upload, *attachments):
            check_metadata(part)   # every part's details, before anything is stored
        stored_ids: list[str] = []
        try:
            main = self._store(upload, default_kind)
            stored_ids.append(main.document.id)
            parts = []
            for attachment in attachments:
                part = self._store(attachment, None, attachment=True)
                stored_ids.append(part.document.id)
                parts.append(part)
            for target in [p.document.id for p in parts] + list(attach_ids):
                if target != main.document.id:
                    self.repo.link(main.document.id, target, "attachment")
        except Rejected as exc:
            exc.stored_ids = tuple(stored_ids)
            raise
        finally:
            if stored_ids and self.announce:
                self.announce(stored_ids)
        return self._fresh(main), [self._fresh(p) for p in parts]

    def add_text(self, text: str, meta: Mapping, attachments: Sequence[Upload] = (),
                 attach_ids: Sequence[str] = ()) -> tuple[Stored, list[Stored]]:
        """A release typed in rather than uploaded: kept as a UTF-8 .txt original."""
        data = typed_text(text).encode("utf-8")
        return self.add(Upload(io.BytesIO(data), "release.txt", meta, mime=sniffing.TEXT), attachments, attach_ids,
                        default_kind="release")

    def _store(self, upload: Upload, default_kind: str | None, attachment: bool = False) -> Stored:
        filename = safe_filename(upload.filename)
        try:
            return self._store_file(upload, filename, default_kind, attachment)
        except Rejected as exc:
            exc.filename = filename
            raise

    def _store_file(self, upload: Upload, filename: str, default_kind: str | None, attachment: bool) -> Stored:
        path, sha256, size = self._spool(upload)
        try:
            mime = upload.mime or sniffing.accepted_type(path, filename)
            meta = dict(upload.meta)
            meta.setdefault("kind", None)
            meta["kind"] = meta["kind"] or default_kind or guess_kind(mime, attachment)
            meta["title"] = meta.get("title") or title_from(path, mime, filename)
            document, created = self.repo.add(meta, SpooledFile(path, sha256, size, mime, filename))
        except InvalidMetadata as exc:
            raise Rejected("invalid_metadata", str(exc), field=exc.field) from None
        finally:
            path.unlink(missing_ok=True)  # gone already when it was stored
        return Stored(document, created)

    def _spool(self, upload: Upload):
        if isinstance(upload.source, (str, Path)):
            try:
                with open(upload.source, "rb") as stream:
                    return spool(stream, self.repo.tmp_dir, self.max_bytes)
            except OSError as exc:
                raise Rejected("unreadable", f"{upload.source}: {exc.strerror or exc}") from None
        return spool(upload.source, self.repo.tmp_dir, self.max_bytes)

    def _fresh(self, stored: Stored) -> Stored:
        """The document as it is after announcing (text status, indexed flag)."""
        try:
            return Stored(self.repo.get(stored.document.id), stored.created)
        except NotFound:
            return stored


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def typed_text(text: str) -> str:
    """Typed or pasted text, as kept: Unix newlines, valid Unicode, no control characters
    (pasted from PDFs they come along: \x03, \x1b) but tabs and newlines."""
    return _CONTROL.sub("", valid_text(text).replace("\r\n", "\n").replace("\r", "\n"))


def check_metadata(upload: Upload) -> None:
    try:
        clean_metadata(upload.meta, partial=True)
    except InvalidMetadata as exc:
        rejected = Rejected("invalid_metadata", str(exc), field=exc.field)
        rejected.filename = safe_filename(upload.filename)
        raise rejected from None


def guess_kind(mime: str, attachment: bool) -> str:
    if mime in sniffing.IMAGES:
        return "photo"
    if mime in (sniffing.PDF, sniffing.DOCX):
        return "filing"
    return "filing" if attachment else "release"
