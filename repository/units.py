"""Documents stored together, all or none: a release, its attachments and the links between them.

Originals go in place first (each is a file named by its hash: harmless on its
own), then ONE transaction inserts every row and link. A journal in tmp/ names
the originals a unit is putting in place until its transaction commits; a unit
that died between the two (kill -9, power cut) leaves originals no row names,
and the next open of the repository removes them (``recover``).
"""
from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from .audit import Audit, log
from .catalog import Catalog, now, transaction
from .errors import InvalidMetadata
from .metadata import clean_metadata
from .models import Document
from .publication import Publication, set_findings, set_publication
from .store import SHA256

if TYPE_CHECKING:
    from .repo import Repository, SpooledFile

JOURNAL_PREFIX = "unit-"
# A journal this old belongs to a unit that died even if its process id is alive again
# (reused): storing a unit takes seconds, its transaction milliseconds.
STALE_JOURNAL_SECONDS = 600


@dataclass(frozen=True)
class NewDocument:
    meta: Mapping          # editable fields; kind and title required
    spooled: "SpooledFile"
    # What the redaction check found, ((page, text), ...); None: not checked (not a PDF).
    redaction_findings: Sequence[tuple[int, str]] | None = None
    # field -> where its value came from ("typed" for what the part came with).
    sources: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Link:
    """source and target: a position among the unit's documents, or a stored document's id."""
    source: int | str
    target: int | str
    type: str = "attachment"


def store_together(repo: "Repository", documents: Sequence[NewDocument], links: Sequence[Link] = (),
                   publication: Publication | None = None, audit: Audit | None = None
                   ) -> list[tuple[Document, bool]]:
    """Store every document and link, or none: (document, created) per document, in order.

    New documents take ``publication``'s state (none given: published now). Bytes already stored are that document
    (created False; its metadata kept, a deleted one restored, a damaged original
    repaired by the new copy), and a unit that is published publishes them too; the same
    bytes twice in one unit are one document."""
    metas = [_checked(doc.meta) for doc in documents]
    publication = publication or Publication("published", published_at=now())
    sha256s = [doc.spooled.sha256 for doc in documents]
    journal = Journal.start(repo.tmp_dir, sha256s)
    try:
        for doc in documents:
            repo.originals.put(doc.spooled.path, doc.spooled.sha256)
        with transaction(repo.catalog.conn) as conn:
            catalog = Catalog(conn)
            stored = [_insert(catalog, dict(meta, sources=json.dumps(dict(doc.sources or {}))), doc.spooled, publication)
                      for meta, doc in zip(metas, documents)]
            ids = [d.id for d, _ in stored]
            if publication.state == "published":
                held_back = [d.id for d, created in stored if not created and d.state in ("draft", "scheduled")]
                set_publication(conn, list(dict.fromkeys(held_back)), publication)
            for (doc, created), new in zip(stored, documents):
                if new.redaction_findings is not None:
                    set_findings(conn, doc.id, new.redaction_findings)
                if created:
                    log(conn, audit, "add", doc.id, None, {"title": doc.title, "kind": doc.kind, "state": doc.state})
            for link in links:
                source, target = (ids[r] if isinstance(r, int) else r for r in (link.source, link.target))
                if source != target:
                    catalog.add_link(source, target, link.type)
            return [(catalog.get(d.id), created) for d, created in stored]
    except BaseException:
        _remove_unnamed(repo, sha256s, besides=journal.path)
        raise
    finally:
        journal.end()


def _checked(meta: Mapping) -> dict:
    clean = clean_metadata(meta)
    for required in ("kind", "title"):
        if not clean.get(required):
            raise InvalidMetadata(required, "is required")
    return clean


def _insert(catalog: Catalog, meta: dict, spooled: "SpooledFile", publication: Publication
            ) -> tuple[Document, bool]:
    # Inside the transaction, which holds SQLite's write lock: no other process can store
    # the same bytes between this look-up and the insert.
    existing = catalog.find_by_sha256(spooled.sha256)
    if existing is not None:
        if existing.deleted:
            catalog.set_deleted(existing.id, False)
        return existing, False
    return catalog.insert({**meta, **publication.row()}, sha256=spooled.sha256, size=spooled.size,
                          mime=spooled.mime, filename=spooled.filename), True


class Journal:
    """tmp/unit-<random>.json: the process and the originals of one unit being stored."""

    def __init__(self, path: Path | None):
        self.path = path

    @classmethod
    def start(cls, tmp_dir: Path, sha256s: Sequence[str]) -> "Journal":
        if not sha256s:
            return cls(None)
        path = tmp_dir / f"{JOURNAL_PREFIX}{secrets.token_hex(8)}.json"
        # Not fsynced: after a power cut an original may outlive a lost journal, and
        # `dossier check` reports it (orphan_original); an fsync per unit would slow imports.
        path.write_text(json.dumps({"pid": os.getpid(), "sha256": list(sha256s)}), encoding="utf-8")
        return cls(path)

    def end(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def recover(repo: "Repository") -> int:
    """Remove the originals of units that died before their rows were committed; how many went."""
    removed = 0
    for path, record in _journals(repo.tmp_dir):
        if _live(path, record):
            continue
        removed += _remove_unnamed(repo, record.get("sha256", ()), besides=path)
        path.unlink(missing_ok=True)
    return removed


def _journals(tmp_dir: Path):
    for path in tmp_dir.glob(f"{JOURNAL_PREFIX}*.json"):
        try:
            yield path, json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue                        # finished meanwhile, or being written


def _live(path: Path, record: dict) -> bool:
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    return process_alive(record.get("pid")) and age < STALE_JOURNAL_SECONDS


def _remove_unnamed(repo: "Repository", sha256s, *, besides: Path | None) -> int:
    """Remove those originals no row names, but those another live unit is storing."""
    busy = {sha for path, record in _journals(repo.tmp_dir) if path != besides and _live(path, record)
            for sha in record.get("sha256", ())}
    removed = 0
    for sha256 in set(sha256s) - busy:
        if isinstance(sha256, str) and SHA256.fullmatch(sha256) and repo.catalog.count_sha256(sha256) == 0:
            repo.originals.remove(sha256)
            removed += 1
    return removed


def process_alive(pid) -> bool:
    """Whether a process of this machine with that id runs (journals and OCR claims name theirs)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
