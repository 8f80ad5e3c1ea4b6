"""Search through HTTP against `dossier serve` (2 worker processes, loopback
only): per-query latency, requests/s with N concurrent clients, and the
concurrency at which p95 passes a threshold. Every run is bounded."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from .procs import child_pids, dossier_cmd
from .queries import BenchQuery
from .timing import Latencies, proc_peak_rss_mb

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def url(q: BenchQuery) -> str:
    params = [("q", q.text), *q.filters.items(), ("sort", q.sort), ("page", q.page), ("per_page", q.per_page)]
    if q.date_from:
        params.append(("from", q.date_from))
    if q.date_to:
        params.append(("to", q.date_to))
    return "/api/search?" + urlencode(params)


class Server:
    """`dossier serve` as a subprocess on a free loopback port."""

    def __init__(self, data_dir: Path, workers: int, log: Path):
        self.port = free_port()
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(dossier_cmd(data_dir, "serve", "--host", HOST, "--port", str(self.port),
                                                 "--workers", str(workers)),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _ = Client(self.port).get("/api/search?q=")
                if status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dossier serve did not come up (see {log})")
            time.sleep(0.25)

    def peak_rss_mb(self) -> dict:
        workers = {p: proc_peak_rss_mb(p) for p in child_pids(self.proc.pid)}
        workers = {p: v for p, v in workers.items() if v is not None}
        return {"master": proc_peak_rss_mb(self.proc.pid), "workers": list(workers.values()),
                "total": (proc_peak_rss_mb(self.proc.pid) or 0) + sum(workers.values())}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()          # the server may close an idle keep-alive: retry once
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
        return resp.status, resp.read()


def latency_log(port: int, log: list[BenchQuery], rounds: int) -> dict[str, Latencies]:
    client = Client(port)
    for q in log:                       # warm-up
        client.get(url(q))
    out: dict[str, Latencies] = {}
    errors = 0
    for _ in range(rounds):
        for q in log:
            t0 = time.perf_counter()
            status, _ = client.get(url(q))
            dt = time.perf_counter() - t0
            errors += status != 200
            out.setdefault(q.cls, Latencies()).add(dt)
            out.setdefault("all", Latencies()).add(dt)
    if errors:
        out["_errors"] = errors
    return out


def sustained(port: int, log: list[BenchQuery], clients: int, requests: int) -> dict:
    """`requests` requests spread over `clients` threads, each cycling the log."""
    paths = [url(q) for q in log]
    lat = Latencies()
    lock = threading.Lock()
    counter = iter(range(requests))
    errors = [0]

    def worker(k: int) -> None:
        c = Client(port)
        mine = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            t0 = time.perf_counter()
            status, _ = c.get(paths[(i + k) % len(paths)])
            mine.append(time.perf_counter() - t0)
            if status != 200:
                errors[0] += 1
        with lock:
            lat.samples.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - t0
    return {"clients": clients, "requests": requests, "seconds": secs, "rps": requests / secs,
            "errors": errors[0], **lat.summary()}


def sweep(port: int, log: list[BenchQuery], levels=(1, 2, 4, 8, 16), per_level: int = 100,
          p95_limit_ms: float = 200.0) -> dict:
    """Sustained runs at rising concurrency; the first level whose p95 exceeds the limit."""
    runs, crossed = [], None
    for level in levels:
        r = sustained(port, log, level, max(per_level, level * 4))
        runs.append(r)
        if r["p95"] > p95_limit_ms:
            crossed = level
            break
    return {"runs": runs, "p95_limit_ms": p95_limit_ms, "first_level_over": crossed}
