"""Helpers for the stress tests: the real `dossier` command and server as subprocesses.

Tests marked `slow` (repeat-heavy variants) are skipped unless asked for with
`-m slow` (or any -m expression naming slow), so the default run stays short:
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/stress -m slow
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = [sys.executable, "-c", "import sys; from dossier.cli import main; sys.argv[0] = 'dossier'; main()"]
PASSWORD = "stress test password"


def pytest_collection_modifyitems(config, items):
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="repeat-heavy variant: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def env() -> dict:
    out = dict(os.environ, DOSSIER_EXTRACT_WORKERS="1", PYTHONDONTWRITEBYTECODE="1")
    for name in ("DOSSIER_DATA", "DOSSIER_SECRET_KEY"):
        out.pop(name, None)
    return out


def dossier(data: Path, *args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*DOSSIER, "--data", str(data), *map(str, args)], cwd=ROOT, env=env(), input=input,
                          capture_output=True, text=True, timeout=timeout)


def spawn_dossier(data: Path, *args: str, **kwargs) -> subprocess.Popen:
    """A `dossier` command in its own process group, so kill -9 takes its extraction workers too."""
    return subprocess.Popen([*DOSSIER, "--data", str(data), *map(str, args)], cwd=ROOT, env=env(),
                            start_new_session=True, **kwargs)


def kill9(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_token(data: Path) -> str:
    added = dossier(data, "user", "add", "press", "--password-stdin", input=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    created = dossier(data, "token", "create", "press")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


# -- documents with a word nothing else contains -----------------------------------
def marker() -> str:
    """A made-up word, unique to one document, that the analyzer keeps as it is."""
    return "zq" + "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))


@dataclass
class Doc:
    name: str
    data: bytes
    word: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def text_doc(prefix: str) -> Doc:
    word = marker()
    body = f"{prefix} release {uuid.uuid4().hex}\nThe office announced {word} today.\n".encode()
    return Doc(f"{prefix}-{word}.txt", body, word)


def pdf_doc(tmp: Path, prefix: str) -> Doc:
    from tests.pdfmaker import make_pdf

    word = marker()
    path = make_pdf(tmp / f"{prefix}-{word}.pdf", [f"Complaint {prefix}", f"The court heard {word} on page two."])
    return Doc(path.name, path.read_bytes(), word)


def write_manifest(folder: Path, docs: list[Doc]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for doc in docs:
        (folder / doc.name).write_bytes(doc.data)
        lines.append(json.dumps({"file": doc.name, "kind": "filing" if doc.name.endswith(".pdf") else "release",
                                 "title": f"Imported {doc.word}"}))
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


# -- the server ------------------------------------------------------------------
@dataclass
class Server:
    data: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log: Path | None = None
    options: tuple[str, ...] = ()     # more `dossier serve` options

    def start(self, timeout: float = 60) -> "Server":
        self.log = self.data.parent / f"server-{self.port}.log"
        with open(self.log, "ab") as log:
            self.proc = spawn_dossier(self.data, "serve", "--port", str(self.port), "--workers", str(self.workers),
                                      *self.options, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.request("GET", "/api/search?q=")[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"the server did not start: {self.errors()[-2000:]}")
            time.sleep(0.2)

    def errors(self) -> str:
        """What the server logged besides its access log."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(line for line in text.splitlines() if '"GET ' not in line and '"POST ' not in line)

    def kill(self) -> None:
        if self.proc is not None:
            kill9(self.proc)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            self.kill()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 120) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def upload(self, token: str, doc: Doc, **fields: str) -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{doc.name}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + doc.data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        status, raw = self.request("POST", "/api/documents", body, {
            "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, {"raw": raw[:500].decode(errors="replace")}

    def hits(self, word: str) -> list[str]:
        status, raw = self.request("GET", f"/api/search?q={word}&per_page=100")
        assert status == 200, (status, raw[:300])
        return [hit["id"] for hit in json.loads(raw)["hits"]]


# -- looking at the data folder directly (no catch-up, no repair) ----------------
def rows(data: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{data / 'dossier.sqlite3'}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT id, sha256, indexed, deleted_at FROM documents").fetchall()
    finally:
        conn.close()


def original(data: Path, sha256: str) -> Path:
    return data / "originals" / sha256[:2] / sha256[2:4] / sha256


def assert_nothing_half_written(data: Path) -> None:
    """Every row has its intact original; every file under a real name in originals/ is intact."""
    for row in rows(data):
        path = original(data, row["sha256"])
        assert path.is_file(), f"row {row['id']} has no original"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], f"original of {row['id']} corrupt"
    for path in (data / "originals").glob("*/*/*"):
        if len(path.name) == 64 and all(c in string.hexdigits for c in path.name):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, f"partial original {path}"
    shas = {row["sha256"] for row in rows(data)}
    for path in (data / "tmp").iterdir():
        assert path.name not in shas  # a leftover spool file is never a document
