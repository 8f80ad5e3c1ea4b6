"""A document's state of publication, changed for several documents in one transaction."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Sequence

from .errors import NotFound


@dataclass(frozen=True)
class Publication:
    """What a state change sets; fields left None are cleared."""
    state: str
    publish_at: str | None = None
    published_at: str | None = None
    withdrawn_at: str | None = None
    withdrawn_reason: str | None = None

    def row(self) -> dict:
        return {"state": self.state, "publish_at": self.publish_at, "published_at": self.published_at,
                "withdrawn_at": self.withdrawn_at, "withdrawn_reason": self.withdrawn_reason}


def set_publication(conn: sqlite3.Connection, doc_ids: Sequence[str], publication: Publication) -> None:
    """Set the state of every one of ``doc_ids`` (caller holds the transaction); marks them for re-indexing.
    A document published before keeps its first publication time (withdrawn and published again, say)."""
    values = publication.row()
    for doc_id in doc_ids:
        cur = conn.execute(
            "UPDATE documents SET state = :state, publish_at = :publish_at, "
            "published_at = coalesce(published_at, :published_at), "
            "withdrawn_at = :withdrawn_at, withdrawn_reason = :withdrawn_reason, indexed = 0, index_error = NULL "
            "WHERE id = :id", dict(values, id=doc_id))
        if cur.rowcount == 0:
            raise NotFound(doc_id)


def due(conn: sqlite3.Connection, now: str) -> list[str]:
    """Scheduled documents whose time has come."""
    return [r[0] for r in conn.execute(
        "SELECT id FROM documents WHERE state = 'scheduled' AND publish_at <= ? AND deleted_at IS NULL "
        "ORDER BY publish_at, id", (now,))]


def next_due(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT min(publish_at) FROM documents WHERE state = 'scheduled' AND deleted_at IS NULL"
                       ).fetchone()
    return row[0] if row else None


def released(conn: sqlite3.Connection, *, kind: str | None, limit: int,
             before: tuple[str, str] | None) -> list[sqlite3.Row]:
    """Rows of published documents, newest publication first (ties: id); ``before``: the
    (published_at, id) of the last row of the previous page."""
    where, args = ["state = 'published'", "deleted_at IS NULL"], []
    if kind:
        where.append("kind = ?")
        args.append(kind)
    if before:
        where.append("(published_at < ? OR (published_at = ? AND id < ?))")
        args.extend((before[0], before[0], before[1]))
    return conn.execute(f"SELECT * FROM documents WHERE {' AND '.join(where)} "
                        "ORDER BY published_at DESC, id DESC LIMIT ?", (*args, limit)).fetchall()


def published_index(conn: sqlite3.Connection, *, offset: int, limit: int) -> list[tuple[str, str]]:
    """(id, published_at) of published documents, the first published first (a new one lands at
    the end, so earlier slices keep their members)."""
    return [tuple(r) for r in conn.execute(
        "SELECT id, published_at FROM documents WHERE state = 'published' AND deleted_at IS NULL "
        "ORDER BY published_at, id LIMIT ? OFFSET ?", (limit, offset))]


def count_published(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents WHERE state = 'published' AND deleted_at IS NULL").fetchone()[0]


def unpublished(conn: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    """Drafts and scheduled documents, the next to go out first, then the newest drafts."""
    return conn.execute("SELECT * FROM documents WHERE state IN ('draft', 'scheduled') AND deleted_at IS NULL "
                        "ORDER BY state = 'draft', publish_at, added_at DESC LIMIT ?", (limit,)).fetchall()


def set_findings(conn: sqlite3.Connection, doc_id: str, findings: Sequence[tuple[int, str]]) -> None:
    conn.execute("UPDATE documents SET redaction_findings = ? WHERE id = ?",
                 (json.dumps([{"page": page, "text": text} for page, text in findings]), doc_id))
