"""A full `dossier reindex`, killed with SIGKILL part way, then resumed by the next command.

    python -m bench.reindex_crash --data bench/out/run-100000-s1/data --kill-at 50000

Samples every 5 s: indexed rows (read from SQLite), the command's VmRSS and VmHWM,
and the number of index segments; prints them as TSV, then the two phases' times.
Shows that memory stays bounded through a whole rebuild, and that a crash loses
only the open batch (the resume indexes only the rows the crash left unindexed).
"""
from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .procs import dossier_cmd


def _status(pid: int) -> dict[str, float]:
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(("VmRSS", "VmHWM")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def _indexed(data: Path) -> int:
    con = sqlite3.connect(f"file:{data / 'dossier.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM documents WHERE indexed = 1").fetchone()[0]
    finally:
        con.close()


def run(phase: str, data: Path, args: list[str], kill_at: int | None = None) -> float:
    t0 = time.monotonic()
    proc = subprocess.Popen(dossier_cmd(data, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cleared = False                  # the reindex has marked every row unindexed
    while proc.poll() is None:
        time.sleep(5)
        n, st = _indexed(data), _status(proc.pid)
        segments = len(list((data / "index").glob("*.trm")))
        print(phase, round(time.monotonic() - t0, 1), n, round(st.get("VmRSS", 0), 1),
              round(st.get("VmHWM", 0), 1), segments, sep="\t", flush=True)
        cleared = cleared or (kill_at is not None and n < kill_at)
        if kill_at is not None and cleared and n >= kill_at:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            print(phase, "SIGKILL", round(time.monotonic() - t0, 1), _indexed(data), sep="\t", flush=True)
            return time.monotonic() - t0
    print(phase, f"exit {proc.returncode}", round(time.monotonic() - t0, 1), _indexed(data), sep="\t", flush=True)
    return time.monotonic() - t0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.reindex_crash", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, type=Path, help="a data folder (e.g. from bench run --keep)")
    p.add_argument("--kill-at", type=int, default=None, help="SIGKILL once this many rows are indexed")
    args = p.parse_args(argv)
    print("phase\tseconds\tindexed\trss_mb\thwm_mb\tsegments", flush=True)
    first = run("reindex", args.data, ["reindex"], args.kill_at)
    second = run("resume", args.data, ["search", "health"]) if args.kill_at is not None else 0.0
    print(f"total\t{first + second:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
