"""Timing, percentiles and memory helpers shared by every section of the suite."""
from __future__ import annotations

import resource
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of non-empty values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class Latencies:
    """Latencies in seconds; summary in milliseconds."""
    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)

    def summary(self) -> dict:
        ms = [s * 1000 for s in self.samples]
        if not ms:
            return {"n": 0}
        return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
                "p99": percentile(ms, 99), "mean": statistics.fmean(ms), "max": max(ms)}


def time_calls(fn, args_list, repeat: int = 1) -> Latencies:
    """Call fn(*args) for each args (repeat rounds, first round included); per-call latencies."""
    lat = Latencies()
    for _ in range(repeat):
        for args in args_list:
            t0 = time.perf_counter()
            fn(*args)
            lat.add(time.perf_counter() - t0)
    return lat


@contextmanager
def stopwatch():
    """with stopwatch() as t: ...; then t() is the elapsed seconds."""
    t0 = time.perf_counter()
    end = [None]
    yield lambda: (end[0] if end[0] is not None else time.perf_counter()) - t0
    end[0] = time.perf_counter()


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Largest peak RSS of any waited-for child process so far."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def proc_peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a live process (None if gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def dir_size_mb(path) -> float:
    from pathlib import Path
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20
