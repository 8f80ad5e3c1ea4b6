"""Test-only extractors that misbehave on purpose; workers import them by name.

Each reads its instructions from the "document" it is given.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dossier.indexer.extract import Extraction

SLEEP = "application/x-dossier-test-sleep"
HOG = "application/x-dossier-test-hog"
CRASH = "application/x-dossier-test-crash"
RENDEZVOUS = "application/x-dossier-test-rendezvous"
SPAWN = "application/x-dossier-test-spawn"
MIMES = {
    SLEEP: "tests.indexer.slow_extractors:sleep",
    HOG: "tests.indexer.slow_extractors:hog",
    CRASH: "tests.indexer.slow_extractors:crash",
    RENDEZVOUS: "tests.indexer.slow_extractors:rendezvous",
    SPAWN: "tests.indexer.slow_extractors:spawn_and_hang",
}


def sleep(path: Path) -> Extraction:
    """Sleep for the number of seconds written in the file."""
    time.sleep(float(path.read_text()))
    return Extraction(("slept",), "extracted")


def hog(path: Path) -> Extraction:
    """Allocate the number of bytes written in the file."""
    block = bytearray(int(path.read_text()))
    return Extraction((f"allocated {len(block)}",), "extracted")


def crash(path: Path) -> Extraction:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def rendezvous(path: Path) -> Extraction:
    """Record start/end times; wait (up to 20 s) until the partner task has started too.

    Run one after the other, the first task would never see its partner start.
    """
    plan = json.loads(path.read_text())
    Path(plan["me"]).write_text(str(time.time()))
    deadline = time.monotonic() + 20
    while not Path(plan["partner"]).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    met = Path(plan["partner"]).exists()
    Path(plan["me"] + ".end").write_text(str(time.time()))
    return Extraction((f"met={met}",), "extracted")


def spawn_and_hang(path: Path) -> Extraction:
    """Start a child process, write its pid into the file, then hang."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    path.write_text(str(child.pid))
    time.sleep(120)
    return Extraction(("unreachable",), "extracted")
