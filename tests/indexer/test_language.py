"""Language detection in a process whose first documents are indexed by several threads at once
(a server worker taking uploads side by side: each upload's indexing thread detects a language)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS = 16
PROCESSES = 3          # the model is loaded once per process: each is a first use

FIRST_USE = textwrap.dedent(f"""
    import threading
    from dossier.indexer.language import language_of

    text = "The office announced today that the court heard the complaint filed against the company."
    start = threading.Barrier({THREADS})
    found = []

    def detect():
        start.wait()
        try:
            found.append(language_of("Press release", text))
        except Exception as exc:
            found.append(type(exc).__name__)

    threads = [threading.Thread(target=detect) for _ in range({THREADS})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(" ".join(map(str, found)))
""")


def test_first_texts_of_a_process_detected_from_several_threads_at_once():
    for _ in range(PROCESSES):
        run = subprocess.run([sys.executable, "-c", FIRST_USE], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["English"] * THREADS
