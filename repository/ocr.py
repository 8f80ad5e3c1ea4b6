"""OCR's rows: which documents wait, who works on one, each recognised page.

A page's recognised text is written with its page number as the key (an upsert), so a
job done twice, or resumed after a crash, leaves each page once.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Sequence

from .text import valid_text

OCR_ENGINE = "tesseract"


def look_at(conn: sqlite3.Connection, doc_id: str, pending: bool, now: str) -> None:
    """Note the text layer's status; with ``pending`` the document waits for OCR."""
    conn.execute(
        "UPDATE documents SET layer_status = coalesce(layer_status, text_status), "
        "text_status = CASE WHEN ? THEN 'ocr_pending' ELSE text_status END, "
        "ocr_queued_at = CASE WHEN ? THEN ? ELSE ocr_queued_at END WHERE id = ?",
        (pending, pending, now, doc_id))


def set_languages(conn: sqlite3.Connection, doc_ids: Sequence[str], languages: str) -> None:
    conn.executemany("UPDATE documents SET ocr_languages = ? WHERE id = ?", [(languages, i) for i in doc_ids])


def unexamined(conn: sqlite3.Connection) -> list[str]:
    """Documents with text (or an image) whose text layer was never looked at for OCR."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM documents WHERE layer_status IS NULL AND text_status IS NOT NULL "
        "AND text_status NOT IN ('ocr_pending', 'ocr') AND deleted_at IS NULL ORDER BY added_at, id")]


def pending(conn: sqlite3.Connection, queued_before: str | None = None) -> list[str]:
    sql = "SELECT id FROM documents WHERE text_status = 'ocr_pending' AND deleted_at IS NULL"
    args: tuple = ()
    if queued_before is not None:
        sql, args = sql + " AND ocr_queued_at < ?", (queued_before,)
    return [r[0] for r in conn.execute(sql + " ORDER BY ocr_queued_at, id", args)]


def claim(conn: sqlite3.Connection, doc_id: str, owner: str, until: str, now: str, dead: Sequence[str]) -> bool:
    """Take the document for ``owner`` until ``until``, unless someone alive holds a lease that
    has not run out (``dead``: owners known to have died)."""
    marks = ", ".join("?" for _ in dead) or "NULL"
    cur = conn.execute(
        f"UPDATE documents SET ocr_owner = ?, ocr_lease = ? WHERE id = ? AND text_status = 'ocr_pending' "
        f"AND (ocr_owner IS NULL OR ocr_owner = ? OR ocr_lease < ? OR ocr_owner IN ({marks}))",
        (owner, until, doc_id, owner, now, *dead))
    return cur.rowcount == 1


def owners(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT ocr_owner FROM documents WHERE ocr_owner IS NOT NULL")]


def set_page(conn: sqlite3.Connection, doc_id: str, page_no: int, text: str, words: Sequence | None,
             confidence: float | None) -> None:
    conn.execute(
        "INSERT INTO pages (document_id, page_no, text, engine, confidence, words) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (document_id, page_no) DO UPDATE SET text = excluded.text, engine = excluded.engine, "
        "confidence = excluded.confidence, words = excluded.words",
        (doc_id, page_no, valid_text(text), OCR_ENGINE, confidence,
         None if words is None else json.dumps(words, ensure_ascii=False)))


def finish(conn: sqlite3.Connection, doc_id: str) -> None:
    """Done: 'ocr' when a recognised page has text (with their mean confidence), else the text
    layer's own status; the index entry is to be made again."""
    found, confidence = conn.execute(
        "SELECT count(*), avg(confidence) FROM pages WHERE document_id = ? AND engine = ? AND text <> ''",
        (doc_id, OCR_ENGINE)).fetchone()
    conn.execute(
        "UPDATE documents SET text_status = CASE WHEN ? THEN 'ocr' ELSE layer_status END, ocr_confidence = ?, "
        "ocr_owner = NULL, ocr_lease = NULL, indexed = 0, index_error = NULL WHERE id = ?",
        (found > 0, round(confidence, 1) if found else None, doc_id))


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    """Back to the text layer alone (``dossier ocr --redo``): recognised pages emptied."""
    conn.execute("UPDATE pages SET text = '', engine = NULL, confidence = NULL, words = NULL "
                 "WHERE document_id = ? AND engine = ?", (doc_id, OCR_ENGINE))
    conn.execute("UPDATE documents SET text_status = coalesce(layer_status, text_status), layer_status = NULL, "
                 "ocr_confidence = NULL, ocr_owner = NULL, ocr_lease = NULL, indexed = 0 WHERE id = ?", (doc_id,))


def page_texts(conn: sqlite3.Connection, doc_id: str) -> list[tuple[int, str, str | None]]:
    return [(r[0], r[1], r[2]) for r in conn.execute(
        "SELECT page_no, text, engine FROM pages WHERE document_id = ? ORDER BY page_no", (doc_id,))]


def words(conn: sqlite3.Connection, doc_id: str, page_no: int) -> list:
    row = conn.execute("SELECT words FROM pages WHERE document_id = ? AND page_no = ?", (doc_id, page_no)).fetchone()
    return json.loads(row[0]) if row and row[0] else []
