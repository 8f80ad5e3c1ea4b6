"""Documents, their links and their extracted text, in SQLite."""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import sqlite3
from typing import Iterable, Iterator, Sequence

from .errors import InvalidLink, NotFound
from .models import LINK_TYPES, LIST_FIELDS, Document, LinkedDocument, Links, PageSource
from .text import valid_text

ID_LENGTH = 10


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def id_for(sha256: str, length: int = ID_LENGTH) -> str:
    """A short, URL-safe id derived from the content, so re-imports map to the same id."""
    return base64.b32encode(bytes.fromhex(sha256)).decode("ascii").lower()[:length]


def _engine(item: tuple, page_no: int) -> str | None:
    engines = item[5] if len(item) > 5 else ()
    return engines[page_no - 1] if page_no <= len(engines) else None


def row_to_document(row: sqlite3.Row) -> Document:
    values = dict(row)
    for name in LIST_FIELDS:
        # JSON escapes let a list hold a lone surrogate that UTF-8 text could not (older rows).
        values[name] = tuple(valid_text(v) for v in _json_list(values[name]) if isinstance(v, str))
    values["deleted"] = values.pop("deleted_at") is not None
    values["indexed"] = bool(values["indexed"])
    findings = values.get("redaction_findings")
    values["redaction_findings"] = None if findings is None else tuple(
        (int(f["page"]), valid_text(str(f["text"]))) for f in _json_list(findings) if isinstance(f, dict))
    values["sources"] = _json_object(values.get("sources"))
    values["reading"] = _json_object(values.get("reading"))
    return Document(**values)


def _json_object(value: str | None) -> dict | None:
    if value is None:
        return None
    try:
        item = json.loads(value)
    except ValueError:
        return {}
    return item if isinstance(item, dict) else {}


def _json_list(value: str) -> list:
    try:
        items = json.loads(value)
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def _valid_stored(value: bytes, is_list: bool) -> bool:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not is_list:
        return True
    try:
        items = json.loads(text)
    except ValueError:
        return False
    return isinstance(items, list) and all(isinstance(v, str) and valid_text(v) == v for v in items)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection):
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Catalog:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- documents -----------------------------------------------------------
    def insert(self, meta: dict, *, sha256: str, size: int, mime: str, filename: str) -> Document:
        """Insert a new row (caller holds a transaction). The id grows on the rare prefix clash."""
        length = ID_LENGTH
        while self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (id_for(sha256, length),)).fetchone():
            length += 2
        row = dict(meta, id=id_for(sha256, length), added_at=now(), sha256=sha256, size=size,
                   mime=valid_text(mime), filename=valid_text(filename))
        for name in LIST_FIELDS:
            row[name] = json.dumps(list(row.get(name) or ()))
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        self.conn.execute(f"INSERT INTO documents ({names}) VALUES ({marks})", row)
        return self.get(row["id"], include_deleted=True)

    def get(self, doc_id: str, *, include_deleted: bool = False) -> Document:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None or (row["deleted_at"] is not None and not include_deleted):
            raise NotFound(doc_id)
        return row_to_document(row)

    def find_by_sha256(self, sha256: str) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row_to_document(row) if row else None

    def iter_documents(self, *, include_deleted: bool = False, batch: int = 500) -> Iterator[Document]:
        """Every document, oldest first, read in batches so memory stays flat."""
        where = "" if include_deleted else "AND deleted_at IS NULL"
        last = ("", "")
        while True:
            rows = self.conn.execute(
                f"SELECT * FROM documents WHERE (added_at, id) > (?, ?) {where} "
                "ORDER BY added_at, id LIMIT ?", (*last, batch)).fetchall()
            if not rows:
                return
            yield from (row_to_document(r) for r in rows)
            last = (rows[-1]["added_at"], rows[-1]["id"])

    def ids(self, *, include_deleted: bool = False) -> set[str]:
        where = "" if include_deleted else " WHERE deleted_at IS NULL"
        return {r[0] for r in self.conn.execute("SELECT id FROM documents" + where)}

    def update(self, doc_id: str, changes: dict) -> None:
        if not changes:
            return
        values = dict(changes)
        for name in LIST_FIELDS:
            if name in values:
                values[name] = json.dumps(list(values[name]))
        sets = ", ".join(f"{name} = :{name}" for name in values)
        cur = self.conn.execute(f"UPDATE documents SET {sets}, indexed = 0, index_error = NULL WHERE id = :_id",
                                dict(values, _id=doc_id))
        if cur.rowcount == 0:
            raise NotFound(doc_id)

    def set_provenance(self, doc_id: str, sources: dict | None = None, reading: dict | None = None) -> None:
        """Where each field came from, and what the reader found (each left as it is when None)."""
        if sources is not None:
            self.conn.execute("UPDATE documents SET sources = ? WHERE id = ?", (json.dumps(sources), doc_id))
        if reading is not None:
            self.conn.execute("UPDATE documents SET reading = ? WHERE id = ?", (json.dumps(reading), doc_id))

    def set_deleted(self, doc_id: str, deleted: bool) -> None:
        cur = self.conn.execute("UPDATE documents SET deleted_at = ?, indexed = 0, index_error = NULL WHERE id = ?",
                                (now() if deleted else None, doc_id))
        if cur.rowcount == 0:
            raise NotFound(doc_id)

    def deleted(self) -> list[Document]:
        rows = self.conn.execute("SELECT * FROM documents WHERE deleted_at IS NOT NULL").fetchall()
        return [row_to_document(r) for r in rows]

    def remove(self, doc_id: str) -> None:
        self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def count_sha256(self, sha256: str) -> int:
        return self.conn.execute("SELECT count(*) FROM documents WHERE sha256 = ?", (sha256,)).fetchone()[0]

    # -- indexing state ------------------------------------------------------
    def unindexed_ids(self) -> list[str]:
        """Rows the index lacks, but those that failed to index (until they change)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE indexed = 0 AND index_error IS NULL ORDER BY added_at, id")]

    def unread_ids(self, added_before: str | None = None) -> list[str]:
        """Rows with text the metadata reader has not read (a crash came between, or they are
        older than the reader); ``added_before``: only rows added before then (ISO 8601, UTC)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE reading IS NULL AND text_status IS NOT NULL AND added_at < ? "
            "ORDER BY added_at, id", (added_before or "9999",))]

    def mark_indexed(self, ids: Iterable[str], indexed: bool = True) -> None:
        self.conn.executemany("UPDATE documents SET indexed = ?, index_error = NULL WHERE id = ?",
                              [(int(indexed), i) for i in ids])

    def mark_index_failed(self, failures: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany("UPDATE documents SET indexed = 0, index_error = ? WHERE id = ?",
                              [(reason, doc_id) for doc_id, reason in failures])

    def index_failures(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT id, index_error FROM documents WHERE index_error IS NOT NULL ORDER BY id")]

    def invalid_text(self) -> Iterator[tuple[str, str]]:
        """(id, what) of every stored value that is not valid text: bytes that are not
        UTF-8, or a list value holding an escaped lone surrogate."""
        columns = [r["name"] for r in self.conn.execute("PRAGMA table_info(documents)") if r["type"] == "TEXT"]
        blobs = ", ".join(f"CAST({c} AS BLOB)" for c in columns)
        raw = self.conn.cursor()
        raw.row_factory = None
        try:
            for doc_id, *values in raw.execute(f"SELECT id, {blobs} FROM documents ORDER BY id"):
                for column, value in zip(columns, values):
                    if value is not None and not _valid_stored(value, column in LIST_FIELDS):
                        yield doc_id, column
            for doc_id, page_no, value in raw.execute(
                    "SELECT document_id, page_no, CAST(text AS BLOB) FROM pages ORDER BY document_id, page_no"):
                if not _valid_stored(value, False):
                    yield doc_id, f"text of page {page_no}"
        finally:
            raw.close()

    # -- text ----------------------------------------------------------------
    def set_text(self, doc_id: str, pages: Sequence[str], *, status: str, error: str | None,
                 page_count: int | None, engines: Sequence[str | None] = ()) -> None:
        self.set_texts([(doc_id, pages, status, error, page_count, engines)])

    def set_texts(self, items: Iterable[tuple], only_new: bool = False) -> None:
        """``set_text`` for many documents (caller holds one transaction): items are
        (doc_id, pages, status, error, page_count[, engines]), engines one a page or ()."""
        items = list({item[0]: item for item in items}.values())   # the last item of an id wins
        if only_new and items:
            waiting = {r[0] for r in self.conn.execute(
                f"SELECT id FROM documents WHERE text_status IS NULL AND id IN ({','.join('?' * len(items))})",
                [i[0] for i in items])}
            items = [item for item in items if item[0] in waiting]
        if not items:
            return
        self.conn.executemany("DELETE FROM pages WHERE document_id = ?", [(i[0],) for i in items])
        self.conn.executemany("INSERT INTO pages (document_id, page_no, text, engine) VALUES (?, ?, ?, ?)",
                              [(item[0], n, valid_text(text), _engine(item, n))
                               for item in items for n, text in enumerate(item[1], start=1)])
        self.conn.executemany(
            "UPDATE documents SET text_status = ?, text_error = ?, page_count = ?, indexed = 0, index_error = NULL, "
            "layer_status = NULL, ocr_confidence = NULL, ocr_queued_at = NULL WHERE id = ?",
            [(status, error and valid_text(error), page_count, doc_id)
             for doc_id, _, status, error, page_count, *_ in items])

    def pages(self, doc_id: str) -> list[str]:
        rows = self.conn.execute("SELECT text FROM pages WHERE document_id = ? ORDER BY page_no", (doc_id,))
        return [r[0] for r in rows]

    def page_sources(self, doc_id: str) -> list[PageSource]:
        rows = self.conn.execute("SELECT page_no, engine, confidence, length(text) AS chars FROM pages "
                                 "WHERE document_id = ? ORDER BY page_no", (doc_id,))
        return [PageSource(r["page_no"], r["engine"], r["confidence"], r["chars"]) for r in rows]

    # -- links ---------------------------------------------------------------
    def add_link(self, source_id: str, target_id: str, link_type: str) -> bool:
        """Add a link at the end of the source's list; False when it was already there."""
        if link_type not in LINK_TYPES:
            raise InvalidLink(f"unknown link type {link_type!r}")
        if source_id == target_id:
            raise InvalidLink("a document cannot be linked to itself")
        for doc_id in (source_id, target_id):
            self.get(doc_id, include_deleted=True)
        if link_type == "related" and self._has_link(target_id, source_id, "related"):
            return False
        position = self.conn.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM links WHERE source_id = ? AND type = ?",
            (source_id, link_type)).fetchone()[0]
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO links (source_id, target_id, type, position) VALUES (?, ?, ?, ?)",
            (source_id, target_id, link_type, position))
        return cur.rowcount == 1

    def remove_link(self, a: str, b: str, link_type: str | None = None) -> int:
        """Remove links between a and b (either direction); returns how many went."""
        sql = "DELETE FROM links WHERE ((source_id = ? AND target_id = ?) OR (source_id = ? AND target_id = ?))"
        args: list = [a, b, b, a]
        if link_type:
            sql += " AND type = ?"
            args.append(link_type)
        return self.conn.execute(sql, args).rowcount

    def _has_link(self, source_id: str, target_id: str, link_type: str) -> bool:
        return self.conn.execute("SELECT 1 FROM links WHERE source_id = ? AND target_id = ? AND type = ?",
                                 (source_id, target_id, link_type)).fetchone() is not None

    def links(self, doc_id: str) -> Links:
        def ends(sql: str, *args) -> tuple[LinkedDocument, ...]:
            rows = self.conn.execute(
                "SELECT d.id, d.kind, d.title FROM links l JOIN documents d ON d.id = " + sql
                + " AND d.deleted_at IS NULL ORDER BY l.position, d.id", args)
            return tuple(LinkedDocument(r["id"], r["kind"], r["title"]) for r in rows)

        return Links(
            attachments=ends("l.target_id WHERE l.source_id = ? AND l.type = 'attachment'", doc_id),
            attached_to=ends("l.source_id WHERE l.target_id = ? AND l.type = 'attachment'", doc_id),
            related=ends("l.target_id WHERE l.source_id = ? AND l.type = 'related'", doc_id)
            + ends("l.source_id WHERE l.target_id = ? AND l.type = 'related'", doc_id),
        )
