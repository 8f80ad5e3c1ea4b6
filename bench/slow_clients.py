"""Searches while slow clients hold connections, server by server (loopback only, every loop bounded).

.venv/bin/python -m bench.slow_clients [--docs 2000] [--slow 20] [--candidates sync,gthread-8,...]

For each candidate server of the Dossier app: search latency alone; requests/s
with 8 concurrent clients; then, for each kind of slow client, `--slow` of them
(and `--many` of the three kinds in turn) connected while searches are timed one
after another:
  headers  request headers sent a line a second, never finished
  body     an anonymous sign-in form whose 64 KB body trickles in (256 bytes a second)
  readers  downloads of a large original read at 16 KB/s through a small receive buffer
A search that takes longer than `--timeout` counts as that long.

gunicorn and granian are references for this benchmark only (pip install them to
measure those candidates); waitress is what `dossier serve` runs.
"""
from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .timing import Latencies

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
KINDS = ("headers", "body", "readers")


# -- slow clients ----------------------------------------------------------------
@dataclass
class SlowClient:
    """One slow connection in a thread of its own; `stop()` ends it. Counts the bytes it read."""
    port: int
    kind: str
    path: str = "/"
    deadline: float = 60.0          # seconds, whatever happens
    read_rate: int = 16 * 1024      # bytes a second, for readers
    received: int = 0
    error: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "SlowClient":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        end = time.monotonic() + self.deadline
        try:
            with socket.socket() as sock:
                if self.kind == "readers":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.settimeout(5)
                sock.connect((HOST, self.port))
                getattr(self, "_" + self.kind)(sock, end)
        except OSError as exc:
            self.error = f"{type(exc).__name__}: {exc}"

    def _waiting(self, end: float, seconds: float) -> bool:
        """Sleep; whether to go on."""
        return not self._stop.wait(seconds) and time.monotonic() < end

    def _headers(self, sock: socket.socket, end: float) -> None:
        sock.sendall(f"GET /api/search?q=court HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        n = 0
        while self._waiting(end, 1.0):
            n += 1
            sock.sendall(f"X-Trickle-{n}: {n}\r\n".encode())

    def _body(self, sock: socket.socket, end: float) -> None:
        size = 64 * 1024
        sock.sendall(f"POST /signin HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {size}\r\n\r\nname=".encode())
        sent = 5
        while sent < size and self._waiting(end, 1.0):
            sock.sendall(b"a" * min(256, size - sent))
            sent += 256

    def _readers(self, sock: socket.socket, end: float) -> None:
        sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        step = 0.25
        while self._waiting(end, step):
            chunk = sock.recv(int(self.read_rate * step))
            if not chunk:
                return
            self.received += len(chunk)


def open_slow_clients(port: int, kinds: list[str], original_path: str, deadline: float = 60.0) -> list[SlowClient]:
    return [SlowClient(port, kind, original_path, deadline).start() for kind in kinds]


def timed_search(port: int, path: str, timeout: float) -> float:
    """Seconds one search took on a new connection (timeout if it did not answer in time)."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
    except (TimeoutError, socket.timeout):
        return timeout
    finally:
        conn.close()
    return time.perf_counter() - t0


# -- the candidates --------------------------------------------------------------
CANDIDATES = {
    "sync": ["gunicorn-sync", "--threads", "1"],
    "gthread-8": ["gunicorn-gthread", "--threads", "8"],
    "gthread-32": ["gunicorn-gthread", "--threads", "32"],
    "waitress-4": ["waitress", "--threads", "4"],
    "waitress-8": ["waitress", "--threads", "8"],
    "granian-8": None,
}


def server_command(name: str, port: int, workers: int) -> list[str]:
    if name.startswith("granian"):
        granian = Path(sys.executable).with_name("granian")
        return [str(granian), "--interface", "wsgi", "--factory", "--host", HOST, "--port", str(port),
                "--workers", str(workers), "--blocking-threads", name.split("-")[1], "--access-log",
                "bench.serve_candidates:granian_app"]
    return [sys.executable, "-m", "bench.serve_candidates", *CANDIDATES[name], "--port", str(port),
            "--workers", str(workers)]


class Candidate:
    def __init__(self, name: str, data: Path, workers: int, log: Path):
        with socket.socket() as s:
            s.bind((HOST, 0))
            self.port = s.getsockname()[1]
        self.log = open(log, "wb")
        env = dict(os.environ, DOSSIER_DATA=str(data), DOSSIER_EXTRACT_WORKERS="1")
        self.proc = subprocess.Popen(server_command(name, self.port, workers), cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                timed_search(self.port, "/api/search?q=", 5)
                return
            except (OSError, RuntimeError, http.client.HTTPException):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} did not come up (see {log})")
                time.sleep(0.3)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self.log.close()


# -- measuring -------------------------------------------------------------------
def latencies(port: int, paths: list[str], count: int, seconds: float, timeout: float) -> dict:
    lat, timeouts = Latencies(), 0
    end = time.monotonic() + seconds
    for i in range(count):
        if time.monotonic() > end:
            break
        took = timed_search(port, paths[i % len(paths)], timeout)
        timeouts += took >= timeout
        lat.add(took)
    return {**lat.summary(), "timeouts": timeouts}


def measure(name: str, data: Path, args, paths: list[str], original: str, out: Path) -> dict:
    print(f"  {name} ...", file=sys.stderr, flush=True)
    server = Candidate(name, data, args.workers, out / f"server-{name}.log")
    res: dict = {}
    try:
        for path in paths:      # warm-up: each worker's searcher and facet arrays
            timed_search(server.port, path, 30)
        res["alone"] = latencies(server.port, paths, 40, 20, args.timeout)
        res["throughput"] = [_sustained(server.port, paths, 8, args.requests)]
        mixed = [KINDS[i % len(KINDS)] for i in range(args.many)]
        for kind, kinds in [*((k, [k] * args.slow) for k in KINDS), ("mixed", mixed)]:
            slow = open_slow_clients(server.port, kinds, original, deadline=args.seconds + 30)
            time.sleep(2)       # let them connect and be taken up by the server
            res[kind] = latencies(server.port, paths, 20, args.seconds, args.timeout)
            res[kind]["slow_errors"] = sum(c.error is not None for c in slow)
            for client in slow:
                client.stop()
            time.sleep(1)
            latencies(server.port, paths[:1], 1, 30, 30)    # recovered before the next kind
    finally:
        server.stop()
    return res


def throughput_round(name: str, data: Path, args, paths: list[str], out: Path) -> dict:
    """One more 8-client run on a fresh server: candidates are taken in turn, round after
    round, so a change in the machine's load falls on all of them alike."""
    server = Candidate(name, data, args.workers, out / f"server-{name}.log")
    try:
        for path in paths:
            timed_search(server.port, path, 30)
        return _sustained(server.port, paths, 8, args.requests)
    finally:
        server.stop()


def _sustained(port: int, paths: list[str], clients: int, requests: int) -> dict:
    """`requests` searches spread over `clients` keep-alive connections."""
    from .http_load import Client
    lock, counter, lat = threading.Lock(), iter(range(requests)), Latencies()

    def work(k: int) -> None:
        client = Client(port)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t0 = time.perf_counter()
            client.get(paths[(i + k) % len(paths)])
            with lock:
                lat.add(time.perf_counter() - t0)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": requests / (time.perf_counter() - t0), **lat.summary()}


# -- the data folder -------------------------------------------------------------
def write_large_jpeg(path: Path, size: int) -> None:
    """Random bytes behind a JPEG signature: stored as an image, nothing to extract."""
    with open(path, "wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        while fh.tell() < size:
            fh.write(os.urandom(min(2**20, size - fh.tell())))


def prepare(out: Path, docs: int, big_mb: int) -> tuple[Path, list[str], str]:
    """A data folder with `docs` generated documents and one large original; the search paths and its URL."""
    from . import corpus, queries
    from .http_load import url
    from .procs import dossier_cmd

    data = out / "data"
    generated = list(corpus.generate(corpus.Sources.load(ROOT / "bench" / "out" / "cache"), docs, 1))
    paths = [url(q) for q in queries.build(generated) if q.cls != "deep"]
    stamp = out / "prepared.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("docs") == docs:
        return data, paths, json.loads(stamp.read_text())["original"]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    manifest = corpus.write_manifest(generated, out / "corpus")
    big = out / "corpus" / "large.jpg"
    write_large_jpeg(big, big_mb * 2**20)
    with open(manifest, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"file": "large.jpg", "kind": "filing", "title": "Zqbigoriginal, a large original"}) + "\n")
    print(f"  importing {docs} documents and a {big_mb} MB original ...", file=sys.stderr, flush=True)
    subprocess.run(dossier_cmd(data, "import", str(manifest)), check=True, stdout=subprocess.DEVNULL)
    listing = subprocess.run(dossier_cmd(data, "search", "zqbigoriginal", "--json"), check=True,
                             capture_output=True, text=True).stdout
    doc_id = json.loads(listing)["hits"][0]["id"]
    original = f"/documents/{doc_id}/original"
    stamp.write_text(json.dumps({"docs": docs, "original": original}))
    return data, paths, original


# -- the table -------------------------------------------------------------------
def _ms(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return "-"
    text = f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
    return f"≥{text}" if row.get("timeouts") and key in ("p50", "p95") and value >= row["max"] else text


def table(results: dict, args) -> str:
    names = list(results)
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(results[n]) for n in names) + " |")

    row("search alone, p50 / p95 ms", lambda r: f"{_ms(r['alone'], 'p50')} / {_ms(r['alone'], 'p95')}")
    def runs(r):
        return sorted(r["throughput"], key=lambda run: run["rps"])

    row(f"8 clients: requests/s, median of {len(next(iter(results.values()))['throughput'])} (min-max)",
        lambda r: f"{runs(r)[len(runs(r)) // 2]['rps']:.1f} ({runs(r)[0]['rps']:.0f}-{runs(r)[-1]['rps']:.0f})")
    row("8 clients: p50 / p95 ms of the median run",
        lambda r: f"{_ms(runs(r)[len(runs(r)) // 2], 'p50')} / {_ms(runs(r)[len(runs(r)) // 2], 'p95')}")
    for kind, label in [*((k, f"{args.slow} slow {k}") for k in KINDS), ("mixed", f"{args.many} slow, mixed")]:
        row(f"{label}: p50 / p95 ms", lambda r, k=kind: f"{_ms(r[k], 'p50')} / {_ms(r[k], 'p95')}")
        row(f"{label}: searches done / over {args.timeout:g} s",
            lambda r, k=kind: f"{r[k]['n']} / {r[k]['timeouts']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--big-mb", type=int, default=96)
    parser.add_argument("--slow", type=int, default=20, help="slow clients of each kind")
    parser.add_argument("--many", type=int, default=100, help="slow clients of the mixed run (kinds in turn)")
    parser.add_argument("--seconds", type=float, default=15, help="time for the searches beside each kind")
    parser.add_argument("--timeout", type=float, default=5, help="a search over this many seconds is cut")
    parser.add_argument("--requests", type=int, default=400, help="searches of the 8-client run")
    parser.add_argument("--rounds", type=int, default=3, help="8-client runs of each candidate, taken in turn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "slow-clients"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    data, paths, original = prepare(out, args.docs, args.big_mb)
    results = {}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = [os.getloadavg()[0]]
    for name in args.candidates.split(","):
        package = "granian" if name.startswith("granian") else "waitress" if name.startswith("waitress") else "gunicorn"
        if importlib.util.find_spec(package) is None:
            print(f"  {name}: skipped, {package} is not installed (pip install {package})", file=sys.stderr)
            continue
        try:
            results[name] = measure(name, data, args, paths, original, out)
        except RuntimeError as exc:
            print(f"  {name}: {exc}", file=sys.stderr)
            continue
        load.append(os.getloadavg()[0])
        (out / "results.json").write_text(json.dumps(results, indent=1))
    for _ in range(args.rounds - 1):
        for name in results:
            print(f"  {name}: 8 clients again ...", file=sys.stderr, flush=True)
            results[name]["throughput"].append(throughput_round(name, data, args, paths, out))
        load.append(os.getloadavg()[0])
        (out / "results.json").write_text(json.dumps(results, indent=1))
    print(f"{started}; {os.cpu_count()} cores; 1-minute load average at the start, after each "
          f"candidate and after each further round of 8-client runs: {', '.join(f'{x:.1f}' for x in load)}\n")
    print(table(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
