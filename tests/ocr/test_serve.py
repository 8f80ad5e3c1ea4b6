"""`dossier serve` runs the queue's consumer beside its web workers: a scan stored while nothing
ran is recognised once the server is up, then stops with it."""
from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from tests.scanmaker import make_scan_pdf
from tests.stress.conftest import dossier, free_port, spawn_dossier


def test_serve_recognises_what_waits(tmp_path: Path):
    data = tmp_path / "data"
    scan = make_scan_pdf(tmp_path / "brief.pdf", ["BRIEF OF THE APPELLEE", "The judgment should be affirmed."])
    doc_id = dossier(data, "add", scan).stdout.split()[0]
    server = spawn_dossier(data, "serve", "--port", str(free_port()))
    try:
        end = time.monotonic() + 120
        while _status(data, doc_id) != "ocr":
            assert time.monotonic() < end, "not recognised within 120 s"
            assert server.poll() is None, "the server stopped"
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert "p. 2" in dossier(data, "search", '"judgment should be affirmed"').stdout


def _status(data: Path, doc_id: str) -> str:
    conn = sqlite3.connect(data / "dossier.sqlite3", timeout=30)
    try:
        return conn.execute("SELECT text_status FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    finally:
        conn.close()
