"""The SQLite file: connection settings and the versioned schema."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .alerts import MIGRATION as ALERTS_MIGRATION
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
    # Publication: every document is a draft, scheduled (publish_at, UTC), published (since
    # published_at) or withdrawn (withdrawn_at, with a public reason). What was stored before
    # was published when it was added. redaction_findings: JSON [{"page", "text"}] of text under
    # opaque boxes, NULL until checked. The audit log is append-only (triggers refuse the rest).
    """
    ALTER TABLE documents ADD COLUMN state TEXT NOT NULL DEFAULT 'published'
        CHECK (state IN ('draft', 'scheduled', 'published', 'withdrawn'));
    ALTER TABLE documents ADD COLUMN publish_at TEXT;
    ALTER TABLE documents ADD COLUMN published_at TEXT;
    UPDATE documents SET published_at = added_at;
    ALTER TABLE documents ADD COLUMN withdrawn_at TEXT;
    ALTER TABLE documents ADD COLUMN withdrawn_reason TEXT;
    ALTER TABLE documents ADD COLUMN redaction_findings TEXT;
    CREATE INDEX documents_due ON documents (publish_at) WHERE state = 'scheduled';
    CREATE INDEX documents_published_at ON documents (published_at) WHERE state = 'published';
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        document_id TEXT,
        before      TEXT,
        after       TEXT,
        note        TEXT
    );
    CREATE INDEX audit_document ON audit (document_id, id);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # Which engine gave each page its text: 'pypdf', 'pdfium' (where pypdf's is garbled or
    # missing); NULL for a page without text, for what is not a PDF, and on rows from before.
    """
    ALTER TABLE pages ADD COLUMN engine TEXT;
    """,
    # OCR, derived data like extracted text: ocr_languages, the languages asked for at upload
    # (NULL: the setting's); a recognised page has engine 'tesseract', its mean
    # word confidence (0-100) and its words as JSON [[text, x0, y0, x1, y1, confidence]], boxes
    # as fractions of the page. layer_status: what the text layer alone gave (text_status before
    # OCR; NULL until the document was looked at for OCR). ocr_owner/ocr_lease: who recognises it
    # now (host:pid, until when), so two workers never do a document twice; ocr_queued_at: since when
    # it waits.
    """
    ALTER TABLE pages ADD COLUMN confidence REAL;
    ALTER TABLE pages ADD COLUMN words TEXT;
    ALTER TABLE documents ADD COLUMN layer_status TEXT;
    ALTER TABLE documents ADD COLUMN ocr_confidence REAL;
    ALTER TABLE documents ADD COLUMN ocr_languages TEXT;
    ALTER TABLE documents ADD COLUMN ocr_queued_at TEXT;
    ALTER TABLE documents ADD COLUMN ocr_owner TEXT;
    ALTER TABLE documents ADD COLUMN ocr_lease TEXT;
    CREATE INDEX documents_ocr_pending ON documents (ocr_queued_at) WHERE text_status = 'ocr_pending';
    """,
    # What documents say about themselves. parties: "X v. Y" from a filing's caption. sources:
    # JSON {field: "typed" | "document" | "inherited"}; NULL on rows stored before, whose every
    # filled field counts as typed. reading: JSON of what the reader found ({version, values,
    # where}), NULL until read.
    """
    ALTER TABLE documents ADD COLUMN parties TEXT;
    ALTER TABLE documents ADD COLUMN sources TEXT;
    ALTER TABLE documents ADD COLUMN reading TEXT;
    """,
    # Alerts: saved searches told by email or webhook, and the outbox of matches to deliver
    # (repository/alerts.py).
    ALERTS_MIGRATION,
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


def statements(script: str) -> list[str]:
    """The statements of a script, split where SQLite says one is complete (a trigger's
    body holds semicolons of its own)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return [s for s in out if s.rstrip(";").strip()]


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
            for statement in statements(script):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
