"""The SQLite file: connection settings and the versioned schema."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .text import decode_column

# Each entry moves the schema from version i to i+1; never edit a shipped one, append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE documents (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('release', 'filing', 'photo', 'other')),
        title       TEXT NOT NULL,
        date        TEXT,
        added_at    TEXT NOT NULL,
        office      TEXT,
        topics      TEXT NOT NULL DEFAULT '[]',
        people      TEXT NOT NULL DEFAULT '[]',
        places      TEXT NOT NULL DEFAULT '[]',
        court       TEXT,
        case_number TEXT,
        doc_type    TEXT,
        filename    TEXT NOT NULL,
        mime        TEXT NOT NULL,
        size        INTEGER NOT NULL,
        sha256      TEXT NOT NULL UNIQUE,
        page_count  INTEGER,
        text_status TEXT,
        text_error  TEXT,
        deleted_at  TEXT,
        indexed     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX documents_added_at ON documents (added_at);
    CREATE INDEX documents_unindexed ON documents (indexed) WHERE indexed = 0;
    CREATE INDEX documents_case_number ON documents (case_number);

    CREATE TABLE links (
        source_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        target_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        type      TEXT NOT NULL CHECK (type IN ('attachment', 'related')),
        position  INTEGER NOT NULL,
        PRIMARY KEY (source_id, target_id, type),
        CHECK (source_id <> target_id)
    );
    CREATE INDEX links_target ON links (target_id);

    CREATE TABLE pages (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        page_no     INTEGER NOT NULL,
        text        TEXT NOT NULL,
        PRIMARY KEY (document_id, page_no)
    );
    """,
    # Why a row could not be indexed: catch-up skips it (a bad row never stops a start)
    # until it is changed or the index rebuilt; `dossier check` reports it.
    """
    ALTER TABLE documents ADD COLUMN index_error TEXT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.text_factory = decode_column
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: an acknowledged upload must survive a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 60000")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"the repository's schema is version {version}, newer than this Dossier ({SCHEMA_VERSION}); upgrade Dossier")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for script in MIGRATIONS[version:]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
