"""The search index of the repository's documents: the one interface the rest
of Dossier uses (``Index.open``, ``add``, ``delete``, ``clear``, ``merge``,
``doc_ids``, ``search``), so another engine could stand behind it later.

This implementation is Whoosh. Layout: one Whoosh document per repository
document (``type=doc``; a PDF's pages are found from its positions, see
``indexer.paged``), see ``indexer.schema`` and ``indexer.documents``. The schema version is recorded in
``index_dir/SCHEMA_VERSION``. The parts: ``writer`` (batches, merge policy),
``searchers`` (one reused searcher per index generation), ``searching`` (the
single search pass), ``hits`` (snippets and pages), ``facets`` (counts and sort
keys from in-memory arrays), ``accelerator`` (the one reader of Whoosh's
internals, checked by ``accelerator_check`` when an index opens).

Concurrency: one writer at a time across processes (Whoosh's file lock, waited
for up to ``writer_timeout``). Readers share one searcher, re-opened when the
index generation changes, used by one search at a time.
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query
from whoosh.filedb.filestore import FileStorage

from dossier.repository.models import Document

from . import accelerator_check
from .analysis import find_marks
from .errors import IndexerError, IndexLocked, QueryError
from .pagematch import DocumentPositions, PageMatcher
from .query import UserQuery
from .schema import DOC, SCHEMA_VERSION, build_schema, is_spanish, marking_analyzers
from .search import SearchQuery, SearchResult
from .searchers import Searchers
from .parsed import Parsed
from .posting_cache import DEFAULT_MB as DEFAULT_POSTINGS_CACHE_MB
from .percolate import percolate
from .searching import Search
from .writer import WRITER_DELAY, Batch, Writing

VERSION_FILE = "SCHEMA_VERSION"
_INDEXNAME = "MAIN"
_READ_RETRIES = 3
_OPEN_ATTEMPTS = 3
log = logging.getLogger("dossier.indexer")
MAX_MARKS = 5_000          # marks in one shown text: past them it reads on unmarked


class Index:
    def __init__(self, index_dir: Path, ix, writer_timeout: float, needs_rebuild: bool,
                 postings_cache_mb: int = DEFAULT_POSTINGS_CACHE_MB):
        self.index_dir = index_dir
        self.needs_rebuild = needs_rebuild
        self._ix = ix
        self._closed = False
        self._writing = Writing(ix, writer_timeout, self._check_open)
        self._searchers = Searchers(ix, self._check_open, postings_cache_mb)
        self._parsed = Parsed(index_dir)      # saved searches' queries, read once (alerts)

    # ---- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, *, writer_timeout: float = 30.0,
             postings_cache_mb: int = DEFAULT_POSTINGS_CACHE_MB) -> "Index":
        """Open the index in ``index_dir``, creating it if missing. If it was
        written with another schema version (or had none recorded), or its files
        are damaged, it is recreated empty: it is derived data, and
        ``needs_rebuild`` (also True for a new index) tells the caller to
        rebuild it from the repository."""
        accelerator_check.decide()
        index_dir = Path(index_dir)
        index_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        needs_rebuild = not cls._current(index_dir) and cls._create(index_dir, writer_timeout, wipe=False)
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                index = cls(index_dir, whoosh_index.open_dir(str(index_dir), indexname=_INDEXNAME),
                            writer_timeout, needs_rebuild, postings_cache_mb)
                index._verify()
                return index
            except Exception:
                # Damaged (garbage in a segment file, say), or caught mid-merge by another
                # process: look again before starting over.
                time.sleep(WRITER_DELAY * (attempt + 1))
        cls._create(index_dir, writer_timeout, wipe=True)
        return cls(index_dir, whoosh_index.open_dir(str(index_dir), indexname=_INDEXNAME), writer_timeout, True,
                   postings_cache_mb)

    @classmethod
    def _create(cls, index_dir: Path, writer_timeout: float, *, wipe: bool) -> bool:
        """Create an empty index under the writer lock; False when another process just made it current."""
        lock = FileStorage(str(index_dir)).lock(f"{_INDEXNAME}_WRITELOCK")
        if not _try_for(lock.acquire, writer_timeout):
            raise IndexLocked(f"Timed out after {writer_timeout:g}s waiting to create the index in {index_dir}.")
        try:
            if not wipe and cls._current(index_dir):
                return False
            if wipe:
                for path in index_dir.iterdir():
                    if path.is_file() and path.name != f"{_INDEXNAME}_WRITELOCK":
                        path.unlink()
            whoosh_index.create_in(str(index_dir), build_schema(), indexname=_INDEXNAME)
            _write_atomic(index_dir / VERSION_FILE, f"{SCHEMA_VERSION}\n")
            return True
        finally:
            lock.release()

    @staticmethod
    def _current(index_dir: Path) -> bool:
        try:
            recorded = (index_dir / VERSION_FILE).read_text(encoding="utf-8").strip()
            return recorded == str(SCHEMA_VERSION) and whoosh_index.exists_in(str(index_dir), indexname=_INDEXNAME)
        except Exception:
            return False  # unreadable version file or table of contents: recreated by the caller

    def _verify(self) -> None:
        """Read a little of every kind of file (table of contents, columns, stored
        fields, terms, postings) of every segment; raises when one is damaged.
        Cheap: one posting list per field, whatever the index's size."""
        with self._searchers.reading() as snap:
            for leaf, _ in snap.searcher.reader().leaf_readers():
                for fieldname in leaf.indexed_field_names():
                    for text in itertools.islice(leaf.lexicon(fieldname), 1):
                        list(leaf.postings(fieldname, text).all_ids())

    def close(self) -> None:
        self._closed = True
        self._searchers.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise IndexerError("The index has been closed.")

    # ---- writing ---------------------------------------------------------------

    def add(self, items: Sequence[tuple[Document, Sequence[str]]], *, bulk: bool = False) -> None:
        """Index a batch in one commit: (document, page texts) pairs. Replaces
        existing entries of the same ids; a document marked deleted is removed.
        On any error nothing of the batch is written and the error is re-raised.
        ``bulk``: one batch of many (import, reindex): small segments are left
        for ``merge()`` at the end of the run."""
        self._writing.add(items, bulk=bulk)

    def batch(self, *, bulk: bool = False) -> Batch:
        """A commit built one document at a time: ``add(doc, pages)``,
        ``delete(id)``, then ``commit()`` (or ``cancel()``: nothing is written)."""
        return Batch(self._writing, bulk)

    def delete(self, ids: Iterable[str]) -> None:
        self._writing.delete(ids)

    def merge(self) -> None:
        """Merge the small segments a bulk run left (fewer segments: faster queries)."""
        self._writing.merge()

    def clear(self) -> None:
        self._writing.clear()

    # ---- reading ---------------------------------------------------------------

    def doc_ids(self) -> set[str]:
        def ids_of(snap) -> set[str]:
            searcher = snap.searcher
            if not searcher.doc_count():
                return set()
            ids = searcher.reader().column_reader("id")
            return {ids[d] for d in searcher.docs_for_query(query.Term("type", DOC))}
        return self._read(ids_of)

    def highlight_terms(self, text: str) -> frozenset[str]:
        """The analysed words a query's matches are marked by (what snippets mark);
        empty for an empty or unreadable query."""
        text = (text or "").strip()
        if not text or text == "*":
            return frozenset()

        def terms(snap):
            reader = snap.searcher.reader()
            return UserQuery(text, snap.searcher.schema, reader).highlight_terms(reader)
        try:
            return self._read(terms)
        except QueryError:
            return frozenset()

    def marks(self, text: str, terms: frozenset[str], limit: int = MAX_MARKS, *,
              spanish: bool = False) -> list[tuple[int, int]]:
        """Spans of ``text`` to mark for ``terms`` (from ``highlight_terms``), the way snippets mark
        them; ``spanish``: the text is a Spanish document's (``is_spanish``)."""
        return find_marks(text, terms, marking_analyzers(spanish), limit)

    def is_spanish(self, doc_id: str) -> bool:
        """Whether the document was indexed as Spanish (its words have Spanish stems too)."""
        def spanish(snap):
            docnum = snap.searcher.document_number(id=doc_id, type=DOC)
            return docnum is not None and is_spanish(snap.searcher.reader(), docnum)
        return self._read(spanish)

    def pages_with_words(self, doc_id: str, text: str) -> tuple[int, ...] | None:
        """The pages (from 1) of an indexed PDF holding any of a query's words, read from the
        index's positions: the candidates to mark, so a 400-page exhibit is not analysed word by
        word. None when the index cannot tell (not indexed, not paged, Spanish: its words may
        match through Spanish stems, which carry no positions)."""
        def pages(snap):
            searcher, reader = snap.searcher, snap.searcher.reader()
            docnum = searcher.document_number(id=doc_id, type=DOC)
            if docnum is None or is_spanish(reader, docnum):
                return None
            starts = searcher.stored_fields(docnum).get("page_starts")
            words = UserQuery(text, searcher.schema, reader).any_term_page_query() if starts else None
            if words is None:
                return None
            return tuple(sorted(PageMatcher(DocumentPositions(reader, docnum), starts).pages(words)))
        try:
            return self._read(pages)
        except QueryError:
            return None

    def search(self, q: SearchQuery) -> SearchResult:
        q = q.validated()
        return self._read(lambda snap: Search(snap.searcher, snap.view, q, snap.words).run())

    def percolate(self, queries: Sequence[SearchQuery], ids: Sequence[str]) -> list[list[str]]:
        """For each query, which of the documents ``ids`` it finds, as the public search would
        (``indexer/percolate.py``): how alerts are matched when documents are published."""
        usable = {n: valid for n, q in enumerate(queries) if (valid := _usable(q)) is not None}
        found = self._read(lambda snap: percolate(snap.searcher, snap.view, list(usable.values()), list(ids),
                                                  self._parsed))
        answers = dict(zip(usable, found))
        return [answers.get(n, []) for n in range(len(queries))]

    def _read(self, work):
        """Run `work(snapshot)`; when it fails because another process changed the
        index under it (a merge deleting segment files), run it again on a fresh searcher."""
        fresh = False
        for attempt in range(_READ_RETRIES):
            with self._searchers.reading(fresh=fresh) as snap:
                try:
                    return work(snap)
                except IndexerError:
                    raise
                except Exception:
                    if attempt == _READ_RETRIES - 1 or not self._searchers.changed_since(snap):
                        raise
            fresh = True
            time.sleep(WRITER_DELAY)


def _usable(q: SearchQuery) -> SearchQuery | None:
    """A saved search as the public search would run it; None (it matches nothing) when it can no
    longer be run (a facet renamed since it was saved, say): one such search must not stop the
    others from matching."""
    try:
        q = q.validated()
    except QueryError as exc:
        log.warning("a saved search cannot be run and matches nothing: %s", exc)
        return None
    return dataclasses.replace(q, everything=False) if q.everything else q


def _try_for(fn, timeout: float, delay: float = WRITER_DELAY) -> bool:
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        if fn():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
