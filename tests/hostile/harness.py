"""Run a file through the REAL intake path and measure what it cost.

Shared by tests/hostile/ and scripts/hostile_outcomes.py. A file goes in the
way `dossier add` takes it: `Dossier(load_config(...))`, then
`services.add(Upload(path, name, {}))`, which spools, sniffs, stores,
and (through `announce`) extracts in the extraction pool and indexes.

Peak memory is that of the extraction worker processes (the pool's spawned
children), read from /proc: before each file the workers' peak-RSS counter
(VmHWM) is reset by writing "5" to /proc/PID/clear_refs, and a sampler thread
reads VmHWM every few milliseconds, so the peak of a worker that is killed
half-way (timeout) is still seen. Where the reset is not allowed, the sampler
falls back to the maximum of VmRSS it saw.
"""
from __future__ import annotations

import csv
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

MB = 2**20

HOSTILE_DIRS = ("pdf/malformed/", "pdf/encrypted/", "pdf/scanned/", "other-formats/", "photos/")

# Buckets for the committed table: a change of behaviour shows, run-to-run noise does not.
TIME_BUCKETS = (2, 30, 60, 120)  # coarse: the committed table must change with behaviour, not with load
MEMORY_BUCKETS_MB = (100, 200, 300, 500, 750, 1024, 2048)


# ---- the corpus ---------------------------------------------------------------

def corpus_root() -> Path | None:
    configured = os.environ.get("DOSSIER_CORPUS")
    path = Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared" / "corpus"
    return path if (path / "manifest.tsv").is_file() else None


def hostile_rows(corpus: Path) -> list[dict[str, str]]:
    """The manifest rows of every hostile file, sorted by path."""
    with open(corpus / "manifest.tsv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["file"].startswith(HOSTILE_DIRS)]
    return sorted(rows, key=lambda row: row["file"])


# ---- worker memory --------------------------------------------------------------

def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def extraction_workers() -> list[int]:
    """Pids of this process's live extraction workers (spawned multiprocessing children)."""
    me = str(os.getpid())
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if fields[1] != me or fields[0] == "Z":
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                if b"spawn_main" not in handle.read():
                    continue
        except (OSError, IndexError):
            continue
        found.append(int(entry.name))
    return found


def _reset_peak(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class WorkerPeak:
    """Peak resident memory (bytes) of the extraction workers while the block runs."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak_kb = 0
        self.workers_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._key = "VmHWM:"
        self._known: set[int] = set()

    @property
    def peak(self) -> int | None:
        return self.peak_kb * 1024 if self.workers_seen else None

    def __enter__(self) -> "WorkerPeak":
        pids = extraction_workers()
        if not all(_reset_peak(pid) for pid in pids):
            self._key = "VmRSS:"     # cannot reset the high-water mark: sample the current size
        self._known = set(pids)
        self._thread = threading.Thread(target=self._sample_loop, name="worker-peak", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self._sample()

    def _sample_loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in extraction_workers():
            # A worker started during the block is new: its VmHWM is its own whole life.
            key = "VmHWM:" if pid not in self._known else self._key
            kb = _status_kb(pid, key)
            if kb is not None:
                self.workers_seen.add(pid)
                self.peak_kb = max(self.peak_kb, kb)


# ---- intake -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    file: str
    stored: bool
    status: str | None          # text_status when stored
    code: str | None            # rejection code when rejected
    message: str | None         # text_error, or the rejection message
    mime: str | None
    pages: int | None
    secs: float
    peak_rss: int | None        # bytes, extraction workers; None when nothing was extracted

    @property
    def result(self) -> str:
        return f"stored/{self.status}" if self.stored else f"rejected/{self.code}"


def open_test_services(data_dir: Path, *, time_limit: float = 20.0, memory_mb: int = 1024, workers: int = 1):
    from dossier.core import Dossier, load_config

    return Dossier(load_config({"data_dir": data_dir, "extract_timeout": time_limit,
                                "extract_memory_mb": memory_mb, "extract_workers": workers}))


def warm_up(services, scratch: Path) -> None:
    """Start the pool's worker (and load the PDF stack) before timing, so start-up is not counted."""
    sample = scratch / "warm-up.txt"
    sample.write_text("warm up\n")
    services.indexer.pool.extract(sample, "text/plain")


def add_file(services, path: Path, name: str | None = None, label: str | None = None,
             meta: dict | None = None) -> Outcome:
    """One file through the real intake; never raises for a rejected file."""
    from dossier.core import Refused, Upload

    with WorkerPeak() as peak:
        started = time.monotonic()
        try:
            stored, _ = services.add(Upload(path, name or path.name, dict(meta or {})))
        except Refused as exc:
            secs = time.monotonic() - started
            return Outcome(label or str(path), False, None, exc.code, exc.message, None, None, secs, None)
        secs = time.monotonic() - started
    doc = stored.document
    # What extraction gave (an upload needing OCR then waits for it, "ocr_pending").
    return Outcome(label or str(path), True, doc.layer_status or doc.text_status, None, doc.text_error, doc.mime,
                   doc.page_count,
                   secs, peak.peak)


def recycle_if_bloated(services, above: int = 250 * MB) -> None:
    """Replace the pool's workers when one is bigger than `above`, so one file's garbage is not
    counted in the next file's peak (see test_worker_memory.py: workers keep what they grew to)."""
    if any((_status_kb(pid, "VmRSS:") or 0) * 1024 > above for pid in extraction_workers()):
        services.indexer.close()


@contextmanager
def fresh_services(scratch: Path, **limits) -> Iterator[object]:
    services = open_test_services(scratch / "data", **limits)
    try:
        warm_up(services, scratch)
        yield services
    finally:
        services.close()


# ---- presentation ----------------------------------------------------------------------

def time_bucket(secs: float) -> str:
    for bound in TIME_BUCKETS:
        if secs < bound:
            return f"< {bound:g} s"
    return f">= {TIME_BUCKETS[-1]:g} s"


def memory_bucket(peak: int | None) -> str:
    if peak is None:
        return "-"
    for bound in MEMORY_BUCKETS_MB:
        if peak < bound * MB:
            return f"< {bound} MB"
    return f">= {MEMORY_BUCKETS_MB[-1]} MB"


def short(text: str | None, limit: int = 90) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
