"""The audit log: who did what to which document, when, with the fields before and after.

Append-only: SQLite triggers refuse any change or deletion of an entry.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str                 # ISO 8601, UTC
    actor: str              # a staff member's name, or who ran the command line
    action: str             # add, update, publish, schedule, withdraw, delete, restore, purge, link, unlink, ...
    document_id: str | None
    before: Mapping | None
    after: Mapping | None
    note: str | None        # a reason given: a withdrawal's, a redaction override's

    def to_dict(self) -> dict:
        return {"id": self.id, "at": self.at, "actor": self.actor, "action": self.action,
                "document_id": self.document_id, "before": self.before, "after": self.after, "note": self.note}


@dataclass(frozen=True)
class Audit:
    """Who makes a change and when (and why, when they said): recorded in the change's own transaction."""
    actor: str
    at: str
    note: str | None = None


def log(conn: sqlite3.Connection, audit: Audit | None, action: str, document_id: str | None,
        before: Mapping | None = None, after: Mapping | None = None) -> None:
    if audit is not None:
        record(conn, at=audit.at, actor=audit.actor, action=action, document_id=document_id, before=before,
               after=after, note=audit.note)


def record(conn: sqlite3.Connection, *, at: str, actor: str, action: str, document_id: str | None = None,
           before: Mapping | None = None, after: Mapping | None = None, note: str | None = None) -> None:
    conn.execute("INSERT INTO audit (at, actor, action, document_id, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (at, actor, action, document_id, _json(before), _json(after), note))


def entries(conn: sqlite3.Connection, document_id: str | None = None, *, limit: int = 100,
            before_id: int | None = None) -> list[AuditEntry]:
    """Newest first; of one document, or of all; ``before_id`` pages back."""
    where, args = [], []
    if document_id is not None:
        where.append("document_id = ?")
        args.append(document_id)
    if before_id is not None:
        where.append("id < ?")
        args.append(before_id)
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
    return [_entry(row) for row in conn.execute(sql, (*args, limit))]


def _json(value: Mapping | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(row["id"], row["at"], row["actor"], row["action"], row["document_id"],
                      json.loads(row["before"]) if row["before"] else None,
                      json.loads(row["after"]) if row["after"] else None, row["note"])
