"""kill -9 at any point: acknowledged uploads survive whole, nothing half-written shows, the index catches up.

Two kinds of test: a deterministic one that kills `dossier add` at each step of
storing (spooled, original in place, row committed, index written), and a
random one that kills the server and an import mid-flight, round after round
(a few rounds by default; many with `-m slow`).
"""
from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import threading
import time

import pytest

from .conftest import DOSSIER, ROOT, Server, assert_nothing_half_written, dossier, env, kill9, make_token, \
    pdf_doc, rows, spawn_dossier, text_doc, write_manifest

# Where `dossier add` dies: the function whose call is replaced by SIGKILL of the process.
CRASH_POINTS = {
    "spooled": "dossier.repository.store:OriginalStore.put",                 # temp file written, not yet in the store
    "original_stored": "dossier.repository.catalog:Catalog.insert",          # original in place, no row yet
    "row_committed": "dossier.indexer.sync:Indexer.extract_texts",           # row committed, no text yet
    "text_stored": "dossier.indexer.sync:Indexer.index_ids",                 # text and what it says stored, not indexed
    "index_writing": "whoosh.writing:SegmentWriter.commit",          # segment files half made, lock held
    "index_committed": "dossier.repository.repo:Repository.mark_indexed",    # indexed, row not marked
}

FIRST_ANSWER_TIMEOUT = 120     # seconds a round waits for its first acknowledged upload before the kills

# "module:Owner.method" dies at the first call; "module:Owner.method@N" at the N-th (earlier calls run).
KILLER = """
import importlib, os, signal, sys
target, _, nth = sys.argv.pop(1).partition("@")
module, _, attr = target.partition(":")
owner_name, _, method = attr.partition(".")
owner = getattr(importlib.import_module(module), owner_name)
real, calls = getattr(owner, method), []
def die(*args, **kwargs):
    calls.append(1)
    if len(calls) >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(owner, method, die)
sys.argv[0] = "dossier"
from dossier.cli import main
main()
"""


@pytest.mark.parametrize("point", list(CRASH_POINTS))
def test_add_killed_at_each_step_leaves_all_or_nothing(tmp_path, point):
    data = tmp_path / "data"
    assert dossier(data, "check").returncode == 0   # the data folder exists, with an index
    doc = pdf_doc(tmp_path, "crash")
    path = tmp_path / doc.name
    died = subprocess.run([sys.executable, "-c", KILLER, CRASH_POINTS[point], "--data", str(data), "add",
                           str(path), "--title", "Crash test"], cwd=ROOT, env=env(), capture_output=True,
                          text=True, timeout=120)
    assert died.returncode == -9, died.stderr
    assert_nothing_half_written(data)
    committed = point in ("row_committed", "text_stored", "index_writing", "index_committed")
    assert len(rows(data)) == (1 if committed else 0)

    # The next command catches up first; check finds nothing wrong.
    checked = dossier(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    found = json.loads(dossier(data, "search", doc.word, "--json").stdout)
    assert found["total"] == (1 if committed else 0)
    # Adding it again completes (or finds) it: one document, searchable once.
    again = dossier(data, "add", str(path), "--title", "Crash test")
    assert again.returncode == 0, again.stderr
    assert ("already stored" in again.stderr) == committed
    assert json.loads(dossier(data, "search", doc.word, "--json").stdout)["total"] == 1
    assert len(rows(data)) == 1 and all(row["indexed"] for row in rows(data))
    assert dossier(data, "check").returncode == 0


def test_a_release_killed_between_its_parts_leaves_nothing_half_stored(tmp_path):
    """Killed with the release's and its first attachment's originals in place and the second's not:
    no row was committed, and the next command removes the originals no row names."""
    data = tmp_path / "data"
    assert dossier(data, "check").returncode == 0
    release = text_doc("between")
    (tmp_path / "release.txt").write_bytes(release.data)
    first, second = pdf_doc(tmp_path, "between-a"), pdf_doc(tmp_path, "between-b")
    died = subprocess.run([sys.executable, "-c", KILLER, "dossier.repository.store:OriginalStore.put@3", "--data", str(data),
                           "add", str(tmp_path / "release.txt"), "--attach", str(tmp_path / first.name),
                           "--attach", str(tmp_path / second.name)],
                          cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
    assert died.returncode == -9, died.stderr
    assert rows(data) == []
    assert len([p for p in (data / "originals").rglob("*") if p.is_file()]) == 2    # release and first attachment
    checked = dossier(data, "check")                 # opening the repository removes them
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert [p for p in (data / "originals").rglob("*") if p.is_file()] == []
    again = dossier(data, "add", str(tmp_path / "release.txt"), "--attach", str(tmp_path / first.name),
                    "--attach", str(tmp_path / second.name))
    assert again.returncode == 0, again.stderr
    assert len(rows(data)) == 3 and all(row["indexed"] for row in rows(data))
    assert dossier(data, "check").returncode == 0


def crash_round(tmp_path, data, token, round_no: int, rng: random.Random) -> int:
    """Uploads to a 2-worker server and an import, both killed -9 at a random moment."""
    work = tmp_path / f"round{round_no}"
    work.mkdir()
    manifest_docs = [text_doc(f"r{round_no}imp") if i % 4 else pdf_doc(work, f"r{round_no}imp{i}") for i in range(40)]
    manifest = write_manifest(work / "import", manifest_docs)
    uploads = [text_doc(f"r{round_no}up") if i % 3 else pdf_doc(work, f"r{round_no}up{i}") for i in range(60)]
    acknowledged: dict[str, tuple] = {}   # word -> (id, sha256)
    before = {row["sha256"] for row in rows(data)}

    server = Server(data, workers=2).start()
    stop = threading.Event()
    first_acknowledged = threading.Event()

    def upload(docs):
        for doc in docs:
            if stop.is_set():
                return
            try:
                status, body = server.upload(token, doc, title=f"Upload {doc.word}")
            except (OSError, http.client.HTTPException):
                return   # the server died under us (before or during its answer): never acknowledged
            if status in (200, 201):
                acknowledged[doc.word] = (body["id"], doc.sha256)
                first_acknowledged.set()

    threads = [threading.Thread(target=upload, args=(uploads[i::3],)) for i in range(3)]
    importer = spawn_dossier(data, "import", str(manifest), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for thread in threads:
        thread.start()
    time.sleep(rng.uniform(0.5, 4.0))
    # On a busy machine a worker's first upload (it starts the extraction workers) can take longer
    # than that: the kills wait for one answer, or the round would test nothing.
    first_acknowledged.wait(timeout=FIRST_ANSWER_TIMEOUT)
    kill9(importer)
    time.sleep(rng.uniform(0, 1.0))
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    # Straight after the crash, before anything repairs: nothing half-written is visible.
    assert_nothing_half_written(data)
    by_sha = {row["sha256"]: row for row in rows(data)}
    for word, (doc_id, sha256) in acknowledged.items():
        assert by_sha[sha256]["id"] == doc_id, f"acknowledged upload {word} ({doc_id}) is lost"
        assert by_sha[sha256]["indexed"], f"{doc_id} was acknowledged before it was indexed"

    # Restart: the server catches up by itself; every acknowledged upload is searchable.
    server = Server(data, workers=2).start()
    try:
        assert all(row["indexed"] for row in rows(data))
        for word, (doc_id, _) in acknowledged.items():
            assert server.hits(word) == [doc_id], word
    finally:
        server.stop()
    checked = dossier(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # Re-running the interrupted import completes it, duplicating nothing.
    rerun = dossier(data, "import", str(manifest), timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    table = rows(data)
    assert len(table) == len({row["sha256"] for row in table})
    shas = {row["sha256"] for row in table}
    assert {doc.sha256 for doc in manifest_docs} <= shas
    assert shas - before <= {doc.sha256 for doc in manifest_docs + uploads}
    for doc in manifest_docs[::7]:
        found = json.loads(dossier(data, "search", doc.word, "--json").stdout)
        assert found["total"] == 1, doc.name
    assert dossier(data, "check").returncode == 0
    return len(acknowledged)


def _rounds(tmp_path, count: int) -> None:
    data = tmp_path / "data"
    token = make_token(data)
    assert dossier(data, "check").returncode == 0   # creates the repository
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    acknowledged = 0
    for round_no in range(count):
        try:
            acknowledged += crash_round(tmp_path, data, token, round_no, rng)
        except AssertionError as exc:
            raise AssertionError(f"round {round_no} (seed {seed}): {exc}") from exc
    assert acknowledged > 0, "no upload was acknowledged before the kills: the test proved nothing"


def test_kill9_server_and_import_at_random_points(tmp_path):
    _rounds(tmp_path, 2)


@pytest.mark.slow
def test_kill9_server_and_import_at_random_points_many_rounds(tmp_path):
    _rounds(tmp_path, 10)
