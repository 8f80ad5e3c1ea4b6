"""Running Dossier's own command as a measured subprocess, and a process tree's peak RSS."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .timing import proc_peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = Path(sys.executable).with_name("dossier")
# Without the console script installed: the same entry point.
_LAUNCH = "import sys; sys.path.insert(0, %r)\nfrom dossier.cli import main; main()" % str(ROOT)


def dossier_cmd(data_dir: Path, *args: str) -> list[str]:
    """The `dossier` command line (the installed script if there is one)."""
    head = [str(DOSSIER)] if DOSSIER.exists() else [sys.executable, "-c", _LAUNCH]
    return [*head, "--data", str(data_dir), *args]


def child_pids(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return out


def tree_peak_rss_mb(pid: int) -> dict:
    """VmHWM of a process and of each of its live children (MB)."""
    kids = {c: proc_peak_rss_mb(c) for c in child_pids(pid)}
    return {"main": proc_peak_rss_mb(pid), "children": {k: v for k, v in kids.items() if v is not None}}


def run_measured(cmd: list[str], log: Path | None = None) -> dict:
    """Run to completion; wall seconds, exit code, peak RSS of the main process
    (polled VmHWM) and of the largest process in its tree (wait4 rusage)."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    peak_main, peak_children = 0.0, 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = tree_peak_rss_mb(proc.pid)
        peak_main = max(peak_main, tree["main"] or 0.0)
        peak_children = max([peak_children, *tree["children"].values()])
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    # Peak RSS is the polled VmHWM of the command's own process. Not wait4's
    # ru_maxrss: Linux carries the forking parent's high-water mark into the
    # child across exec, so it reported this (bench) process's peak (470.7 MB at
    # 10k, 2,736.7 MB at 100k: the same figure for import and reindex).
    return {"seconds": seconds, "rc": proc.returncode, "peak_rss_mb": peak_main,
            "ru_maxrss_mb": usage.ru_maxrss / 1024,
            "peak_rss_child_mb": peak_children, "cmd": "dossier " + " ".join(cmd[cmd.index("--data"):])}
