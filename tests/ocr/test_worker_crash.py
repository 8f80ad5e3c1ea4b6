"""The queue's consumer (`dossier worker`) killed -9 mid-document, then started again: every page
is recognised once, none lost. A trigger the test adds counts each page's recognised writes."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.scanmaker import make_scan_pdf

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")
PAGES = len(WORDS)
DEADLINE = 240.0


def count_table(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            CREATE TABLE IF NOT EXISTS test_writes (page_no INTEGER);
            CREATE TRIGGER IF NOT EXISTS test_count_insert AFTER INSERT ON pages WHEN new.engine = 'tesseract'
                BEGIN INSERT INTO test_writes VALUES (new.page_no); END;
            CREATE TRIGGER IF NOT EXISTS test_count_update AFTER UPDATE ON pages WHEN new.engine = 'tesseract'
                BEGIN INSERT INTO test_writes VALUES (new.page_no); END;
        """)


def query(db: Path, sql: str):
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def start_worker(data: Path) -> subprocess.Popen:
    env = dict(os.environ, DOSSIER_EXTRACT_WORKERS="2")
    return subprocess.Popen([str(Path(sys.executable).with_name("dossier")), "--data", str(data), "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def wait_for(condition, what: str) -> None:
    end = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_kill_9_during_ocr_then_restart_recognises_every_page_once(dossier, data_dir: Path, tmp_path: Path):
    scan = make_scan_pdf(tmp_path / "exhibit.pdf", [f"EXHIBIT PAGE\nthe {word} statement, sworn" for word in WORDS])
    [doc_id] = dossier("add", scan).stdout.split()
    db = data_dir / "dossier.sqlite3"
    count_table(db)
    done = "SELECT count(*) FROM pages WHERE engine = 'tesseract'"

    worker = start_worker(data_dir)
    try:
        wait_for(lambda: query(db, done)[0][0] >= 1, "the first page")
        os.killpg(worker.pid, signal.SIGKILL)        # the consumer and its OCR workers, mid-document
        worker.wait(10)
        assert query(db, done)[0][0] < PAGES, "finished before the kill: make the scan longer"
        worker = start_worker(data_dir)
        wait_for(lambda: query(db, f"SELECT text_status FROM documents WHERE id = '{doc_id}'")[0][0] == "ocr",
                 "the document to be done")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)

    writes = [n for (n,) in query(db, "SELECT page_no FROM test_writes ORDER BY page_no")]
    assert writes == list(range(1, PAGES + 1))                    # each page once: none lost, none twice
    texts = query(db, f"SELECT page_no, text FROM pages WHERE document_id = '{doc_id}' ORDER BY page_no")
    assert all(f"the {word} statement" in text for word, (_, text) in zip(WORDS, texts, strict=True)), texts
    assert "p. 6" in dossier("search", '"foxtrot statement"').stdout
