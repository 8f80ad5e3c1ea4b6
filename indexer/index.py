"""The Whoosh index of the repository's documents.

Layout: one Whoosh document per repository document (``type=doc``) and one per
non-empty PDF page (``type=page``), see ``indexer.schema``. The schema version
is recorded in ``index_dir/SCHEMA_VERSION``.

Concurrency: one writer at a time across processes (Whoosh's file lock, waited
for up to ``writer_timeout``). Readers share one searcher, re-opened when the
index generation changes, used by one search at a time (see ``_reading``).
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query, writing
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from repository.models import Document

from . import facets as _facets
from .analysis import STORED_TEXT_CHARS, plain_snippet, snippet, strip_repeated_lines
from .errors import IndexerError, IndexLocked, QueryError
from .query import UserQuery, suggest
from .schema import DOC, FACETS, PAGE, VOCAB, SCHEMA_VERSION, build_schema, normalize_value
from .search import Hit, SearchQuery, SearchResult

VERSION_FILE = "SCHEMA_VERSION"
_WRITER_DELAY = 0.05
SUGGEST_BELOW = 3            # offer "did you mean" when a query has fewer hits than this
_INDEXNAME = "MAIN"
_OPEN_RETRIES = 10
_EAGER_COLUMNS = (*FACETS, "date_num", "added_num", "id", "page")
_SCORED_FIELDS = ("title", "text", "meta", "words")


class _Snapshot:
    """A searcher plus the facet arrays of its index generation."""

    __slots__ = ("searcher", "view")

    def __init__(self, searcher, view):
        self.searcher, self.view = searcher, view


class Index:
    def __init__(self, index_dir: Path, ix, writer_timeout: float, needs_rebuild: bool):
        self.index_dir = index_dir
        self.needs_rebuild = needs_rebuild
        self._ix = ix
        self._writer_timeout = writer_timeout
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._facet_cache = _facets.FacetCache()
        self._closed = False

    # ---- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, *, writer_timeout: float = 30.0) -> "Index":
        """Open the index in ``index_dir``, creating it if missing. If it was
        written with another schema version (or had none recorded) it is
        recreated empty; ``needs_rebuild`` is then True (also for a new index)."""
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        needs_rebuild = False
        if not cls._current(index_dir):
            lock = FileStorage(str(index_dir)).lock(f"{_INDEXNAME}_WRITELOCK")
            if not _try_for(lock.acquire, writer_timeout):
                raise IndexLocked(f"Timed out after {writer_timeout:g}s waiting to create the index in {index_dir}.")
            try:
                if not cls._current(index_dir):   # another process may have just done it
                    whoosh_index.create_in(str(index_dir), build_schema(), indexname=_INDEXNAME)
                    _write_atomic(index_dir / VERSION_FILE, f"{SCHEMA_VERSION}\n")
                    needs_rebuild = True
            finally:
                lock.release()
        try:
            ix = whoosh_index.open_dir(str(index_dir), indexname=_INDEXNAME)
        except Exception as e:
            raise IndexerError(f"Could not open the search index in {index_dir}: {e}") from e
        return cls(index_dir, ix, writer_timeout, needs_rebuild)

    @staticmethod
    def _current(index_dir: Path) -> bool:
        try:
            recorded = (index_dir / VERSION_FILE).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return False
        return recorded == str(SCHEMA_VERSION) and whoosh_index.exists_in(str(index_dir), indexname=_INDEXNAME)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            snap, self._snapshot = self._snapshot, None
            if snap is not None:
                snap.searcher.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writing ---------------------------------------------------------------

    @contextmanager
    def _writer(self):
        self._check_open()
        try:
            writer = self._ix.writer(timeout=self._writer_timeout, delay=_WRITER_DELAY, compound=False)
        except LockError:
            raise IndexLocked(
                f"Another process is writing to the search index; gave up after {self._writer_timeout:g}s."
            ) from None
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise

    def add(self, items: Sequence[tuple[Document, Sequence[str]]]) -> None:
        """Index a batch in one commit: (document, page texts) pairs. Replaces
        existing entries of the same ids; a document marked deleted is removed.
        On any error nothing of the batch is written and the error is re-raised."""
        items = list(items)
        if not items:
            return
        with self._writer() as writer:
            latest: dict[str, tuple[Document, tuple[str, ...]]] = {}
            for item in items:
                doc, pages = _check_item(item)
                latest[doc.id] = (doc, pages)    # last one wins within a batch
            for doc_id in latest:
                writer.delete_by_term("id", doc_id)
            vocabulary: set[str] = set()
            for doc, pages in latest.values():
                if doc.deleted:
                    continue
                for fields in _whoosh_documents(doc, pages):
                    writer.add_document(**fields)
                    if fields["type"] == DOC:
                        vocabulary |= _vocabulary(fields["title"], fields["text"], fields["meta"])
            if vocabulary:
                # The words for "did you mean", once per batch rather than once per
                # document (a third of the indexing time otherwise). Words of
                # deleted documents linger; a suggestion is only offered when it
                # finds more than the query typed, so they are harmless.
                writer.add_document(type=VOCAB, words=sorted(vocabulary))
            writer.commit()

    def delete(self, ids: Iterable[str]) -> None:
        ids = [i for i in dict.fromkeys(ids)]
        if not ids:
            return
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)
            writer.commit()

    def clear(self) -> None:
        with self._writer() as writer:
            writer.commit(mergetype=writing.CLEAR)

    # ---- reading ---------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise IndexerError("The index has been closed.")

    @contextmanager
    def _reading(self):
        """The current snapshot, refreshed if the index changed, held under the
        search lock: Whoosh searchers share seek-and-read file handles and are
        not safe to use from two threads at once. Searching is CPU-bound Python,
        so under the GIL serialising costs little throughput."""
        with self._lock:
            self._check_open()
            snap = self._snapshot
            # Not Searcher.refresh(): its reader re-use keeps segments that a
            # merge or clear() removed (whoosh-reloaded 2.7.5), giving duplicate
            # hits. Checking the generation is the same cheap test refresh()
            # makes; a changed index gets a fresh searcher.
            if snap is None or snap.searcher.reader().generation() != self._ix.latest_generation():
                self._snapshot = None
                if snap is not None:
                    snap.searcher.close()
                searcher = self._open_searcher()
                try:
                    view = self._facet_cache.view(searcher)
                except BaseException:
                    searcher.close()
                    raise
                self._snapshot = snap = _Snapshot(searcher, view)
            yield snap

    def _open_searcher(self):
        """A searcher whose column files are all open. Whoosh opens column files
        lazily and a commit deletes the files of segments it merged away, so a
        late open could fail, or silently read a missing column as empty. Open
        them up front, and retry if the index changed meanwhile."""
        for attempt in range(_OPEN_RETRIES):
            searcher = self._ix.searcher()
            try:
                for leaf, _ in searcher.reader().leaf_readers():
                    for name in _EAGER_COLUMNS:
                        if leaf.has_column(name):
                            leaf.column_reader(name, translate=False)
                    if leaf.doc_count_all():
                        # stored fields and field lengths are columns too
                        leaf.stored_fields(0)
                        for name in _SCORED_FIELDS:
                            leaf.doc_field_length(0, name)
            except OSError:
                searcher.close()
                time.sleep(_WRITER_DELAY)
                continue
            if searcher.reader().generation() == self._ix.latest_generation() or attempt == _OPEN_RETRIES - 1:
                return searcher
            searcher.close()
        return self._ix.searcher()

    def doc_ids(self) -> set[str]:
        with self._reading() as snap:
            searcher = snap.searcher
            if not searcher.doc_count():
                return set()
            ids = searcher.reader().column_reader("id")
            return {ids[d] for d in searcher.docs_for_query(query.Term("type", DOC))}

    def search(self, q: SearchQuery) -> SearchResult:
        q = q.validated()
        with self._reading() as snap:
            return _Search(snap, q).run()


# ---- turning documents into Whoosh documents ---------------------------------------


def _check_item(item) -> tuple[Document, tuple[str, ...]]:
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


def _vocabulary(*texts: str) -> set[str]:
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


def _whoosh_documents(doc: Document, pages: tuple[str, ...]) -> list[dict]:
    date = _parse_date(doc)
    is_pdf = doc.page_count is not None
    if is_pdf:
        page_texts, stamps = strip_repeated_lines(pages)
        # Repeated stamps are kept once at document level, so the document is
        # still found by them (e.g. its case number).
        body = "\n\n".join([*page_texts, "\n".join(stamps)]).strip()
    else:
        page_texts = []
        body = "\n\n".join(pages).strip()
    meta = "\n".join(v for v in (doc.office, doc.court, doc.case_number, doc.doc_type,
                                 *doc.topics, *doc.people, *doc.places) if v)
    fields: dict = {
        "type": DOC,
        "id": doc.id,
        "title": doc.title,
        "text": body,
        "_stored_text": body[:STORED_TEXT_CHARS],
        "meta": meta,
        "date_num": int(date.strftime("%Y%m%d")) if date else 0,
        "added_num": _added_micros(doc.added_at),
        "page_count": doc.page_count,
        "kind": doc.kind,
        "year": doc.year,
        "topic": list(doc.topics),
        "person": list(doc.people),
        "place": list(doc.places),
    }
    if date is not None:
        fields["date"] = date
        fields["_stored_date"] = doc.date
    for name in ("office", "court", "case_number", "doc_type"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    out = [fields]
    for number, text in enumerate(page_texts, start=1):
        if text.strip():
            out.append({"type": PAGE, "id": doc.id, "page": number,
                        "text": text, "_stored_text": text[:STORED_TEXT_CHARS]})
    return out


# ---- searching ---------------------------------------------------------------------


def _filter_query(q: SearchQuery) -> list[query.Query]:
    clauses: list[query.Query] = [query.Term("type", DOC)]
    for name, values in q.filters.items():
        terms = [query.Term(name, normalize_value(v)) for v in values]
        clauses.append(terms[0] if len(terms) == 1 else query.Or(terms))
    if q.date_from or q.date_to:
        start = datetime.strptime(q.date_from, "%Y-%m-%d") if q.date_from else None
        end = (datetime.strptime(q.date_to, "%Y-%m-%d").replace(hour=23, minute=59, second=59, microsecond=999999)
               if q.date_to else None)
        clauses.append(query.DateRange("date", start, end))
    return clauses


class _Search:
    def __init__(self, snap: _Snapshot, q: SearchQuery):
        self.searcher = snap.searcher
        self.view = snap.view
        self.reader = snap.searcher.reader()
        self.schema = self.searcher.schema
        self.q = q
        text = q.text.strip()
        self.user = UserQuery(text, self.schema, self.reader) if text and text != "*" else None

    def _main_query(self, user: UserQuery | None) -> query.Query:
        clauses = _filter_query(self.q)
        if user is None:
            return query.And(clauses)
        return query.And([user.q, query.ConstantScoreQuery(query.And(clauses), 0.0)])

    def run(self) -> SearchResult:
        q = self.q
        main = self._main_query(self.user)
        try:
            docnums = list(self.searcher.docs_for_query(main))
            total = len(docnums)
            counts = self.view.count(self.view.rows(docnums))
            start = (q.page - 1) * q.per_page
            top: list[int] = []
            if start < total:
                limit = start + q.per_page
                if self.user is not None and q.sort == "relevance":
                    results = self.searcher.search(main, limit=limit)
                    top = [results.docnum(i) for i in range(start, min(limit, len(results.top_n)))]
                else:
                    top = self.view.top_by_date(docnums, limit, newest=q.sort != "oldest")[start:]
            hits = self._hits(top)
        except QueryError:
            raise
        except Exception as e:
            # Whoosh raises its own errors for some readable-but-unrunnable queries
            # (e.g. a phrase on a field without positions).
            if type(e).__module__.startswith("whoosh") and "Error" in type(e).__name__:
                raise QueryError(f"Could not run the query {q.text!r}.") from e
            raise
        suggestion = self._suggestion(total)
        return SearchResult(query=q.text, total=total, page=q.page, per_page=q.per_page,
                            hits=tuple(hits), facets={f: counts[f] for f in FACETS},
                            suggestion=suggestion)

    def _hits(self, docnums: list[int]) -> list[Hit]:
        stored = [self.searcher.stored_fields(d) for d in docnums]
        pages, best_page = self._pages([s for s in stored if s.get("page_count") is not None])
        terms = self.user.highlight_terms(self.reader) if self.user else frozenset()
        analyzer = self.schema["text"].analyzer
        hits = []
        for fields in stored:
            doc_id = fields["id"]
            if self.user is None:
                snip = plain_snippet(fields.get("text", ""))
            else:
                page_doc = best_page.get(doc_id)
                text = (self.searcher.stored_fields(page_doc).get("text", "") if page_doc is not None
                        else fields.get("text", ""))
                snip = snippet(text, terms, analyzer)
            hits.append(Hit(id=doc_id, kind=fields.get("kind", ""), title=fields.get("title", ""),
                            date=fields.get("date"), office=fields.get("office"), snippet=snip,
                            pages=pages.get(doc_id, ())))
        return hits

    def _pages(self, stored: list[dict]) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
        """Pages of the given PDF hits the query matches, and the best-scoring
        page docnum of each (for its snippet)."""
        if self.user is None or not stored:
            return {}, {}
        ids = [s["id"] for s in stored]
        found: dict[str, dict[int, tuple[float, int]]] = {}
        self._match_pages(self.user.page_q, ids, found)
        missing = [i for i in ids if i not in found]
        fallback = self.user.any_term_page_query()
        if missing and fallback is not None:
            # No page matches the whole query (its words are on different pages,
            # or it also names metadata): the pages with any of its words.
            self._match_pages(fallback, missing, found)
        pages = {i: tuple(sorted(p)) for i, p in found.items()}
        best = {i: max(p.values())[1] for i, p in found.items()}
        return pages, best

    def _match_pages(self, page_q: query.Query, ids: list[str], found: dict) -> None:
        restrict = query.And([query.Term("type", PAGE),
                              query.Or([query.Term("id", i) for i in ids])])
        results = self.searcher.search(query.And([page_q, query.ConstantScoreQuery(restrict, 0.0)]),
                                       limit=None)
        id_col = self.reader.column_reader("id")
        page_col = self.reader.column_reader("page")
        for docnum, score in results.items():
            found.setdefault(id_col[docnum], {})[page_col[docnum]] = (score, docnum)

    def _suggestion(self, total: int) -> str | None:
        if self.user is None or total >= SUGGEST_BELOW:
            return None
        corrected = suggest(self.q.text.strip(), self.schema, self.reader)
        if corrected is None:
            return None
        try:
            alt = UserQuery(corrected, self.schema, self.reader)
            better = sum(1 for _ in self.searcher.docs_for_query(self._main_query(alt)))
        except QueryError:
            return None
        return corrected if better > total else None


def _try_for(fn, timeout: float, delay: float = _WRITER_DELAY) -> bool:
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
