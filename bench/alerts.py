"""Percolation: matching newly published documents against N saved searches (alerts).

    python -m bench.alerts [--alerts 1000 10000 100000] [--docs 200] [--repeat 5] [--first-only]

Stores ``--docs`` generated releases, then N confirmed alerts whose searches are drawn from the
corpus's own words (one or two words, a phrase, OR, NOT; one in 20 names a field, one in 100 has
a prefix wildcard, one in 1,000 a fuzzy term and one in 1,000 is ``related:``; a third with a
facet filter, a tenth with a date range; every text distinct, half of them ANDed with a word no
document holds, half ORed with it), and times ``alerts.match`` for one newly published release
(the release and one attachment) against all of them. The releases to match are stored first,
before any alert exists (storing a published document matches it).

For each N, three timings: the application opened afresh with nothing kept of earlier matches
("nothing kept": every search is read, what the first match ever pays); opened afresh again
("reopened": what a process that just started pays once searches were kept); then the next
releases ("again", the median). Each is wall-clock seconds, then in brackets the CPU seconds of
the process (less disturbed by other work on a shared machine). Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

from dossier.core import Config, Dossier, Upload
from dossier.core import alerts as core_alerts

WORDS = ("water rights aquifer pipeline fraud consumer settlement opioid lawsuit court county tribal land "
         "environment pollution contract price gouging charity scam elder abuse housing tenant landlord "
         "election voter privacy data breach antitrust merger hospital pharmacy insurance wage theft "
         "immigration police shooting investigation grand jury indictment plea sentencing prison").split()
OFFICES = ("Office of the Attorney General", "Consumer Protection Division", "Special Prosecutions")
NOW = "2026-12-02T00:00:00Z"
KEPT = "saved-searches.pickle"      # where the index keeps the searches it read (indexer/parsed.py)


def text_of(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def alert_search(rng: random.Random, i: int, stored: list[str]) -> dict:
    a, b, c = rng.sample(WORDS, 3)
    kind = i % 5
    q = [f"{a} {b}", f"\"{a} {b}\"", f"{a} OR {b}", f"{a} NOT {b}", f"{a} {b} {c}"][kind]
    if i % 20 == 3:
        q = f"title:{a} {b}"
    if i % 200 in (7, 8):
        q = f"{a[:4]}* {b}"
    if i % 2000 in (13, 14):
        q = f"{a[:-1]}x~ {b}"
    q = f"{q} w{i}" if i % 2 else f"({q}) OR w{i}"   # every text distinct: no parse is shared
    if i % 1000 == 17:
        q = f"related:{stored[i % len(stored)]}"
    params = {"q": q}
    if i % 3 == 0:
        params["filters"] = {"office": [rng.choice(OFFICES)]}
    if i % 10 == 0:
        params["from"] = "2020-01-01"
    return params


def release(app, rng: random.Random, n: int) -> list[str]:
    added = app.add_text(text_of(rng, 300), {"title": text_of(rng, 6), "date": "2026-12-01",
                                            "office": rng.choice(OFFICES)},
                         [Upload(io.BytesIO(text_of(rng, 300).encode()), f"ex{n}.txt", {"kind": "filing"})])
    return [added.main.document.id, added.attachments[0].document.id]


def add_alerts(app, rng: random.Random, start: int, end: int, stored: list[str]) -> None:
    conn = app.repo.alerts.conn
    conn.execute("PRAGMA synchronous = OFF")      # loading only: not what is measured
    try:
        for i in range(start, end):
            params = core_alerts.clean_params(alert_search(rng, i, stored))
            app.repo.alerts.add(channel="email", email=f"r{i}@x.example", params=params, frequency="immediate",
                                confirm_token=core_alerts._token(), manage_token=core_alerts._token(),
                                created_at=NOW, confirmed_at=NOW)
    finally:
        conn.execute("PRAGMA synchronous = FULL")


def reopened(app, config: Config, *, forget: bool):
    """The application closed and opened again; ``forget``: without the searches it kept."""
    app.close()
    if forget:
        for kept in config.data_dir.rglob(KEPT):
            kept.unlink()
    return Dossier(config)


def timed_match(app, ids: list[str]) -> tuple[tuple[float, float], int]:
    """((wall-clock seconds, CPU seconds of this process), pairs enqueued) of one match."""
    app.repo.alerts.conn.execute("DELETE FROM outbox")
    t, cpu = time.perf_counter(), time.process_time()
    pairs = core_alerts.match(app, ids)
    return (time.perf_counter() - t, time.process_time() - cpu), pairs


def cell(timing: tuple[float, float]) -> str:
    return f"{timing[0]:.3f} s ({timing[1]:.3f})"


def median(timings: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--alerts", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--docs", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--first-only", action="store_true",
                   help="only the match with nothing kept (code that keeps nothing: the rest is the same)")
    args = p.parse_args(argv)
    rng = random.Random(1)
    sizes = sorted(args.alerts)
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp) / "data", extract_workers=1, smtp_host="localhost")
        app = Dossier(config)
        try:
            stored = [app.add_text(text_of(rng, 200), {"title": text_of(rng, 6), "date": f"20{10 + i % 15}-06-01",
                                                      "office": rng.choice(OFFICES)}).main.document.id
                      for i in range(args.docs)]
            fresh = [release(app, rng, n) for n in range(len(sizes) * (args.repeat + 2))]
            print(f"| alerts | nothing kept | reopened | again, median of {args.repeat} | min | pairs enqueued |")
            print("|---:|---:|---:|---:|---:|---:|")
            made = 0
            for n in sizes:
                add_alerts(app, rng, made, n, stored)
                made = n
                app = reopened(app, config, forget=True)
                cold, pairs = timed_match(app, fresh.pop())
                if args.first_only:
                    print(f"| {n:,} | {cell(cold)} | | | | {pairs} |", flush=True)
                    continue
                app = reopened(app, config, forget=False)
                kept, _ = timed_match(app, fresh.pop())
                again = [timed_match(app, fresh.pop())[0] for _ in range(args.repeat)]
                print(f"| {n:,} | {cell(cold)} | {cell(kept)} | {cell(median(again))} | {cell(min(again))} "
                      f"| {pairs} |", flush=True)
        finally:
            app.close()


if __name__ == "__main__":
    main()
