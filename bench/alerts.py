"""Percolation: matching newly published documents against N saved searches (alerts).

    python -m bench.alerts [--alerts 1000 10000] [--docs 200]

Stores ``--docs`` generated releases, then N confirmed alerts whose searches are drawn from the
corpus's own words (one or two words, a phrase, OR, NOT; a third with a facet filter, a tenth with
a date range; every text distinct), and times ``alerts.match`` for one newly published release
(the release and one attachment) against all of them. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import datetime as dt
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


def text_of(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def alert_search(rng: random.Random, i: int) -> dict:
    a, b, c = rng.sample(WORDS, 3)
    kind = i % 5
    q = [f"{a} {b}", f"\"{a} {b}\"", f"{a} OR {b}", f"{a} NOT {b}", f"{a} {b} {c}"][kind]
    q = f"{q} w{i}" if i % 2 else f"({q}) OR w{i}"   # every text distinct: no parse is shared
    params = {"q": q}
    if i % 3 == 0:
        params["filters"] = {"office": [rng.choice(OFFICES)]}
    if i % 10 == 0:
        params["from"] = "2020-01-01"
    return params


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--alerts", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--docs", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        app = Dossier(Config(data_dir=Path(tmp) / "data", extract_workers=1, smtp_host="localhost"))
        try:
            for i in range(args.docs):
                app.add_text(text_of(rng, 200), {"title": text_of(rng, 6), "date": f"20{10 + i % 15}-06-01",
                                                "office": rng.choice(OFFICES)})
            print("| alerts | match one release (+1 attachment), median of runs | min | pairs enqueued |")
            print("|---:|---:|---:|---:|")
            made = 0
            now = "2026-12-02T00:00:00Z"
            for n in sorted(args.alerts):
                with app.repo.catalog.conn:
                    pass
                rows = []
                while made < n:
                    params = core_alerts.clean_params(alert_search(rng, made))
                    rows.append(params)
                    made += 1
                for params in rows:
                    app.repo.alerts.add(channel="email", email=f"r{made}@x.example", params=params,
                                        frequency="immediate", confirm_token=core_alerts._token(),
                                        manage_token=core_alerts._token(), created_at=now, confirmed_at=now)
                times, pairs = [], 0
                for r in range(args.repeat):
                    added = app.add_text(text_of(rng, 300), {"title": text_of(rng, 6), "date": "2026-12-01",
                                                            "office": rng.choice(OFFICES)},
                                         [Upload(io.BytesIO(text_of(rng, 300).encode()), f"ex{r}.txt",
                                                 {"kind": "filing"})])
                    ids = [added.main.document.id, added.attachments[0].document.id]
                    app.repo.alerts.conn.execute("DELETE FROM outbox")
                    t = time.perf_counter()
                    pairs = core_alerts.match(app, ids)
                    times.append(time.perf_counter() - t)
                print(f"| {n:,} | {statistics.median(times):.3f} s | {min(times):.3f} s | {pairs} |")
        finally:
            app.close()


if __name__ == "__main__":
    main()
