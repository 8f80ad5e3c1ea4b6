"""The most expensive queries the limits admit, timed on a kept data folder.

    .venv/bin/python -m bench.worst_queries --data bench/out/run-100000-s1/data [--rounds 3]

Each kind is built from the index's own words where that makes more work (words
that exist, prefixes that expand) and from made-up words where that does (unknown
words make "did you mean" look for candidates). Every query stays within the
query limits (2,000 characters, ...) or is one the limits refuse: the table says
which, and how long the answer (a result or the refusal) took through Dossier.search.
"""
from __future__ import annotations

import argparse
import random
import string
import time
from pathlib import Path

from dossier.core import Dossier, QueryError, SearchQuery, load_config

MAX_CHARS = 2000


def _fit(words: list[str], sep: str = " ") -> str:
    out, size = [], 0
    for word in words:
        if size + len(word) + len(sep) > MAX_CHARS:
            break
        out.append(word)
        size += len(word) + len(sep)
    return sep.join(out)


def vocabulary(app: Dossier, n: int = 5000) -> list[str]:
    """Words of the index (from the suggestion field), longest first."""
    with app.index._searchers.reading() as snap:
        reader = snap.searcher.reader()
        words = []
        for btext in reader.lexicon("words"):
            words.append(btext.decode("utf-8"))
            if len(words) >= 200_000:
                break
    rng = random.Random(3)
    return rng.sample(words, min(n, len(words)))


def made_up(rng: random.Random, n: int, length: int = 5) -> list[str]:
    return ["".join(rng.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(n)]


def worst(app: Dossier) -> dict[str, str]:
    rng = random.Random(1)
    real = vocabulary(app)
    return {
        "333 unknown words": _fit(made_up(rng, 400)),
        "unknown words OR'd": _fit(made_up(rng, 400), " OR "),
        "real words AND": _fit(real[:400]),
        "real words OR": _fit(real[:400], " OR "),
        "5 fuzzy terms (the most allowed)": " ".join(w + "~" for w in made_up(rng, 5)),
        "20 fuzzy terms (refused)": " ".join(w + "~" for w in made_up(rng, 20)),
        "20 two-letter prefixes": " ".join(w[:2] + "*" for w in real[:60] if len(w) > 3)[:400],
        "20 wildcards": " ".join(w[:3] + "?" + w[4:] for w in real if len(w) > 5)[:250],
        "phrases of real words": _fit([f'"{a} {b} {c}"' for a, b, c in zip(*[iter(real[:600])] * 3)]),
        "nested 16 deep": "(" * 16 + " OR ".join(real[:50]) + ")" * 16,
        "a typo per word, 6 words": " ".join(w[1] + w[0] + w[2:] for w in real[:6]),
        "200 fuzzy terms (refused)": " ".join(w + "~2" for w in made_up(rng, 200)),
    }


def time_query(app: Dossier, text: str, rounds: int) -> tuple[list[float], str]:
    times, outcome = [], ""
    for _ in range(rounds):
        started = time.perf_counter()
        try:
            result = app.search(SearchQuery(text=text))
            outcome = f"{result.total} hits" + (", a suggestion" if result.suggestion else "")
        except QueryError as exc:
            outcome = f"refused: {str(exc)[:60]}"
        times.append(time.perf_counter() - started)
    return times, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = Dossier(load_config({"data_dir": args.data}), catch_up=False)
    try:
        print(f"{app.live_count()} documents in {args.data}\n")
        print(f"| query kind | characters | first, s | slowest of {args.rounds}, s | answer |")
        print("|---|---:|---:|---:|---|")
        for name, text in worst(app).items():
            times, outcome = time_query(app, text, args.rounds)
            print(f"| {name} | {len(text)} | {times[0]:.3f} | {max(times):.3f} | {outcome} |")
    finally:
        app.close()


if __name__ == "__main__":
    main()
