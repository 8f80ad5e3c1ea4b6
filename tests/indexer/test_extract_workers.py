"""ExtractionPool: real worker processes, real time/memory limits, real crashes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from multiprocessing import resource_tracker

import pytest

from dossier.indexer.extract import ExtractionPool, register
from tests.indexer import slow_extractors as slow
from tests.pdfmaker import make_pdf

PDF = "application/pdf"


@pytest.fixture(scope="module", autouse=True)
def test_extractors() -> None:
    for mime, ref in slow.MIMES.items():
        register(mime, ref)


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    with ExtractionPool(workers=2, time_limit=2, memory_limit=512 * 2**20) as pool:
        yield pool


@pytest.fixture
def sample_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "ok.pdf", ["an ordinary order", "page two"])


def _doc(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content)
    return path


def _children() -> set[int]:
    """Our live child processes (zombies excluded), read from /proc."""
    me, found = str(os.getpid()), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_pool_extracts_a_pdf(pool: ExtractionPool, sample_pdf: Path) -> None:
    result = pool.extract(sample_pdf, PDF)
    assert result.status == "extracted" and result.page_count == 2
    assert "ordinary order" in result.pages[0]


def test_timeout_kills_the_task_and_the_pool_goes_on(pool: ExtractionPool, tmp_path: Path,
                                                      sample_pdf: Path) -> None:
    result = pool.extract(_doc(tmp_path, "slow", "60"), slow.SLEEP)
    assert result.status == "failed" and result.error == "timed out after 2 s"
    assert pool.extract(sample_pdf, PDF).status == "extracted"


def test_timeout_kills_processes_the_worker_started(pool: ExtractionPool, tmp_path: Path) -> None:
    doc = _doc(tmp_path, "spawner", "")
    result = pool.extract(doc, slow.SPAWN)
    assert result.error == "timed out after 2 s"
    grandchild = int(doc.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_memory_limit_is_enforced(pool: ExtractionPool, tmp_path: Path, sample_pdf: Path) -> None:
    result = pool.extract(_doc(tmp_path, "hog", str(2 * 2**30)), slow.HOG)
    assert result.status == "failed"
    assert result.error == "out of memory (limit 512 MB)"
    small = pool.extract(_doc(tmp_path, "small", str(2**20)), slow.HOG)
    assert small.status == "extracted"
    assert pool.extract(sample_pdf, PDF).status == "extracted"


def test_crashing_worker_is_reported_and_replaced(pool: ExtractionPool, tmp_path: Path,
                                                  sample_pdf: Path) -> None:
    result = pool.extract(_doc(tmp_path, "boom", ""), slow.CRASH)
    assert result.status == "failed"
    assert result.error == f"extractor crashed (signal {int(signal.SIGKILL)})"
    assert pool.extract(sample_pdf, PDF).status == "extracted"


def test_extract_many_runs_workers_in_parallel(pool: ExtractionPool, tmp_path: Path) -> None:
    a, b = str(tmp_path / "a.start"), str(tmp_path / "b.start")
    items = [("a", _doc(tmp_path, "a", json.dumps({"me": a, "partner": b})), slow.RENDEZVOUS),
             ("b", _doc(tmp_path, "b", json.dumps({"me": b, "partner": a})), slow.RENDEZVOUS)]
    results = dict(pool.extract_many(items))
    assert results["a"].pages == ("met=True",) and results["b"].pages == ("met=True",)
    start_a, end_a, start_b, end_b = (float(Path(p).read_text()) for p in (a, a + ".end", b, b + ".end"))
    assert start_a < end_b and start_b < end_a


def test_extract_many_mixes_outcomes(pool: ExtractionPool, tmp_path: Path, sample_pdf: Path) -> None:
    items = [(1, sample_pdf, PDF), (2, _doc(tmp_path, "slow", "60"), slow.SLEEP),
             (3, _doc(tmp_path, "boom", ""), slow.CRASH), (4, sample_pdf, "application/x-unknown"),
             (5, sample_pdf, PDF), (6, _doc(tmp_path, "quick", "0.1"), slow.SLEEP)]
    results = dict(pool.extract_many(iter(items)))
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert [results[k].status for k in (1, 5, 6)] == ["extracted"] * 3
    assert results[2].error.startswith("timed out")
    assert results[3].error.startswith("extractor crashed")
    assert results[4].error == "no extractor for application/x-unknown"


def test_abandoned_extract_many_leaves_the_pool_usable(pool: ExtractionPool, tmp_path: Path,
                                                       sample_pdf: Path) -> None:
    items = [(1, sample_pdf, PDF), (2, _doc(tmp_path, "slow", "60"), slow.SLEEP),
             (3, _doc(tmp_path, "slow2", "60"), slow.SLEEP)]
    for key, _ in pool.extract_many(items):
        assert key == 1
        break
    assert pool.extract(sample_pdf, PDF).status == "extracted"


def test_close_leaves_no_processes(tmp_path: Path, sample_pdf: Path) -> None:
    resource_tracker.ensure_running()  # multiprocessing's own helper, lives as long as we do
    before = _children()
    pool = ExtractionPool(workers=2, time_limit=30)
    items = [(1, sample_pdf, PDF), (2, sample_pdf, PDF), (3, _doc(tmp_path, "slow", "0.5"), slow.SLEEP)]
    assert len(list(pool.extract_many(items))) == 3
    workers = _children() - before
    assert len(workers) == 2
    pool.close()
    assert _children() - before == set()
    assert not any(_alive(pid) for pid in workers)
    with pytest.raises(RuntimeError):
        pool.extract(sample_pdf, PDF)


def test_workers_die_with_a_killed_parent(sample_pdf: Path) -> None:
    script = (
        "import os, sys\n"
        "from dossier.indexer.extract import ExtractionPool\n"
        "pool = ExtractionPool(workers=2)\n"
        "items = [(i, sys.argv[1], 'application/pdf') for i in range(2)]\n"
        "assert len(list(pool.extract_many(items))) == 2\n"
        "from pathlib import Path\n"
        "me = str(os.getpid())\n"
        "kids = [p.parent.name for p in Path('/proc').glob('[0-9]*/stat')\n"
        "        if p.read_text().rsplit(')', 1)[1].split()[1] == me]\n"
        "print(' '.join(kids), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", script, str(sample_pdf)], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    workers = [int(pid) for pid in run.stdout.split()]  # and multiprocessing's resource tracker
    assert len(workers) >= 2
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, workers))
