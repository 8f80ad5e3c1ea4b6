"""Who wins: what staff typed, what the document says about itself, what a photo inherits.

The rule, in one place: a typed value is never overwritten; a value read from the document fills
only a field staff left empty (or one that was read before, when the reader reads it again); a
photo with no date of its own takes its release's. Every field records where it came from.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from dossier.indexer.metadata import READER_VERSION, Reading, read_document
from dossier.indexer.metadata.photo import PhotoFacts
from dossier.repository import Audit, Document, NotFound

from .times import iso

if TYPE_CHECKING:
    from .app import Dossier

TYPED, DOCUMENT, INHERITED = "typed", "document", "inherited"
READER = "metadata reader"          # the audit log's actor for what was read
READ_PAGES = 2                      # the stamp, caption and title are on the first page; a stamp may be on the second
PHOTO_READER = "dossier.indexer.metadata.photo:read_photo"
IMAGE_PREFIX = "image/"


def typed_sources(given: Mapping) -> dict[str, str]:
    """The sources of a new part: what it came with is typed."""
    return {name: TYPED for name, value in given.items() if value not in (None, ())}


def noting(ids: Iterable[str], into: list[str]) -> Iterator[str]:
    """``ids``, each noted in ``into`` as it is pulled (an import's ids are a lazy stream)."""
    for doc_id in ids:
        into.append(doc_id)
        yield doc_id


def read_new(app: "Dossier", ids: Iterable[str]) -> list[str]:
    """Read the documents not read yet; the ids whose fields changed (to be indexed again)."""
    docs = [d for d in _documents(app, ids) if d.reading is None]
    return _read(app, docs)


def reread(app: "Dossier", ids: Iterable[str]) -> list[str]:
    """Read these documents again whatever read them before (their text changed: after OCR, say),
    and index those that changed; typed values are never touched."""
    changed = _read(app, [d for d in _documents(app, ids) if d.text_status is not None])
    app.indexer.index_ids(changed)
    return changed


def refresh(app: "Dossier", everything: bool = False, progress: Callable[[int], None] | None = None,
            *, index: bool = True) -> int:
    """Read again what an older reader read (or everything): read values are recomputed,
    typed ones never touched. How many documents changed; indexed again unless ``index`` is off
    (a rebuild of the index follows)."""
    docs = [d for d in app.repo.iter_documents(include_deleted=True)
            if everything or d.reading is None or d.reading.get("version") != READER_VERSION]
    changed = _read(app, [d for d in docs if d.text_status is not None], progress)
    if index:
        app.indexer.index_ids(changed)
    return len(changed)


def _documents(app: "Dossier", ids: Iterable[str]) -> list[Document]:
    out = []
    for doc_id in dict.fromkeys(ids):
        try:
            out.append(app.repo.get(doc_id, include_deleted=True))
        except NotFound:
            continue
    return out


def _read(app: "Dossier", docs: list[Document], progress=None) -> list[str]:
    # Releases first: a photo inherits the date its release was just given.
    docs = sorted(docs, key=lambda d: d.kind != "release")
    photos = _photo_facts(app, [d for d in docs if d.mime.startswith(IMAGE_PREFIX)])
    audit = Audit(READER, iso(app.now()), "read from the document")
    changed = []
    for doc in docs:
        reading = read_document(doc.kind, doc.mime, app.repo.pages(doc.id)[:READ_PAGES], photo=photos.get(doc.id))
        changes, sources = merge(doc, reading)
        changes, sources = inherit(app, doc, changes, sources)
        app.repo.apply_reading(doc.id, changes, sources, reading.to_dict(), audit)
        if changes:
            changed.append(doc.id)
        if progress:
            progress(1)
    return changed


def _photo_facts(app: "Dossier", photos: list[Document]) -> dict[str, PhotoFacts]:
    """EXIF read in the extraction workers: a hostile file costs a worker, never this process."""
    items = [(d.id, app.repo.original_path(d), PHOTO_READER) for d in photos]
    if not items:
        return {}
    return {doc_id: facts for doc_id, facts in app.indexer.pool.call_many(items) if isinstance(facts, PhotoFacts)}


def merge(doc: Document, reading: Reading) -> tuple[dict, dict[str, str]]:
    """The changes the reading makes to ``doc`` and every field's source afterwards."""
    sources = doc.provenance()
    changes: dict = {}
    found = reading.fields()
    for name, source in list(sources.items()):
        if source in (DOCUMENT, INHERITED) and name not in found and name != "title":
            changes[name] = () if isinstance(getattr(doc, name), tuple) else None   # no longer read: withdrawn
            del sources[name]
    for name, value in found.items():
        if doc.typed(name) or (name not in sources and not _replaceable(doc, name)):
            continue
        if name == "title" and not value:
            continue
        changes[name] = value
        sources[name] = DOCUMENT
    return {k: v for k, v in changes.items() if getattr(doc, k) != v}, sources


def _replaceable(doc: Document, name: str) -> bool:
    """An empty field; or the title worked out from the file name or first line (no source)."""
    return getattr(doc, name) in (None, ()) or (name == "title" and doc.sources is not None)


def inherit(app: "Dossier", doc: Document, changes: dict, sources: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """A photo with no date of its own takes the date of the release it is attached to; a filing
    keeps its own (or none)."""
    own = sources.get("date") in (TYPED, DOCUMENT)
    if doc.kind != "photo" or own:
        return changes, sources
    release_date = next((r.date for r in _releases_of(app, doc) if r.date), None)
    if not release_date:
        return changes, sources
    changes = {k: v for k, v in changes.items() if k != "date"}
    if release_date != doc.date:
        changes["date"] = release_date
    return changes, dict(sources, date=INHERITED)


def follow_release(app: "Dossier", release_id: str) -> None:
    """After a release's date changed: its photos that took their date from it take it again."""
    photos = [a.id for a in app.repo.links(release_id).attachments if a.kind == "photo"]
    reread(app, [p for p in photos if app.repo.get(p).provenance().get("date") not in (TYPED, DOCUMENT)])


def _releases_of(app: "Dossier", doc: Document) -> list[Document]:
    out = []
    for linked in app.repo.links(doc.id).attached_to:
        if linked.kind == "release":
            try:
                out.append(app.repo.get(linked.id))
            except NotFound:
                continue
    return out
