"""Intake: files (paths or streams) and their metadata in, parts checked and ready to store out.

Each part, in small ordered steps: its details checked -> spooled (size cap,
sha256) -> sniffed (the name must agree with the bytes) -> what was not given
worked out (kind, title). Nothing is stored here: the caller stores the parts
of a unit together (``repository.units``), once every one of them passed.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Mapping, Sequence

from dossier.repository import InvalidMetadata, Repository, SpooledFile
from dossier.repository.metadata import clean_metadata
from dossier.repository.text import valid_text

from . import sniff as sniffing
from .errors import Rejected
from .names import safe_filename, title_from
from .spool import spool

DEFAULT_MAX_BYTES = 100 * 2**20
TYPED_NAME = "release.txt"      # the original's name of a release typed rather than uploaded


@dataclass(frozen=True)
class Upload:
    """One file to take in: a stream or a path, the name it came with, and its metadata.
    ``mime``: the type, when we made the bytes ourselves (typed text); otherwise sniffed."""
    source: BinaryIO | Path
    filename: str
    meta: Mapping = field(default_factory=dict)
    mime: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A part that passed every check, spooled in the repository's tmp folder; not stored yet."""
    upload: Upload
    spooled: SpooledFile
    meta: dict            # every editable field, kind and title worked out where not given
    given: dict           # only the fields the part came with, cleaned


def typed(text: str, meta: Mapping) -> Upload:
    """A release typed or pasted in: kept as a UTF-8 .txt original."""
    return Upload(io.BytesIO(typed_text(text).encode("utf-8")), TYPED_NAME, meta, mime=sniffing.TEXT)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def typed_text(text: str) -> str:
    """Typed or pasted text, as kept: Unix newlines, valid Unicode, no control characters
    (pasted from PDFs they come along: \\x03, \\x1b) but tabs and newlines."""
    return _CONTROL.sub("", valid_text(text).replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class Intake:
    repo: Repository
    max_bytes: int = DEFAULT_MAX_BYTES

    def prepare(self, uploads: Sequence[Upload], *, first_kind: str | None = None) -> list[Prepared]:
        """Every part checked and spooled, in order; the first one refused raises Rejected
        (its ``part``: the position) and nothing of any part is kept. ``first_kind``: the
        kind the first part takes when it names none (a release); later parts are attachments."""
        for position, upload in enumerate(uploads):
            given(upload, position)           # every part's details, before any byte is read
        prepared: list[Prepared] = []
        try:
            for position, upload in enumerate(uploads):
                prepared.append(self._prepare(upload, position, first_kind if position == 0 else None))
        except BaseException:
            self.discard(prepared)
            raise
        return prepared

    def discard(self, prepared: Sequence[Prepared]) -> None:
        """Remove the spool files of parts that were not stored (stored ones were moved away)."""
        for part in prepared:
            part.spooled.path.unlink(missing_ok=True)

    def _prepare(self, upload: Upload, position: int, default_kind: str | None) -> Prepared:
        filename = safe_filename(upload.filename)
        try:
            path, sha256, size = self._spool(upload)
        except Rejected as exc:
            raise exc.located(filename, position) from None
        try:
            mime = upload.mime or sniffing.accepted_type(path, filename)
            details = given(upload, position)
            meta = clean_metadata(details)
            meta["kind"] = meta["kind"] or default_kind or guess_kind(mime, attachment=position > 0)
            meta["title"] = meta["title"] or title_from(path, mime, filename)
        except Rejected as exc:
            path.unlink(missing_ok=True)
            raise exc.located(filename, position) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Prepared(upload, SpooledFile(path, sha256, size, mime, filename), meta, details)

    def _spool(self, upload: Upload):
        if isinstance(upload.source, (str, Path)):
            try:
                with open(upload.source, "rb") as stream:
                    return spool(stream, self.repo.tmp_dir, self.max_bytes)
            except OSError as exc:
                raise Rejected("unreadable", f"could not be read: {exc.strerror or exc}") from None
        return spool(upload.source, self.repo.tmp_dir, self.max_bytes)


def given(upload: Upload, position: int = 0) -> dict:
    """The fields an upload came with, cleaned; Rejected (invalid_metadata) if one cannot be stored."""
    try:
        return clean_metadata(upload.meta, partial=True)
    except InvalidMetadata as exc:
        raise Rejected("invalid_metadata", f"has details that cannot be stored ({exc})",
                       field=exc.field, detail=exc.message).located(safe_filename(upload.filename), position) from None


def guess_kind(mime: str, attachment: bool) -> str:
    if mime in sniffing.IMAGES:
        return "photo"
    if mime in (sniffing.PDF, sniffing.DOCX):
        return "filing"
    return "filing" if attachment else "release"
