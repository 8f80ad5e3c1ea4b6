"""Known-item search: does the document a person half-remembers come back near the top?

    .venv/bin/python -m bench.known_items [--corpus DIR] [--sample N] [--seed S]
    OTHER/.venv/bin/python bench/known_items.py      # another checkout's code, the same queries

Every real press release of the shared corpus (press-releases/) is stored through
``Dossier.add_text``; for a seeded sample of them, queries are built the way a person remembers a
document, one of each kind:

- ``rare``: two of its rarest words (in the fewest releases);
- ``phrase``: three consecutive words of its text around one of its rarer words, in quotes;
- ``title``: three of its title's longest words;
- ``inflection``: one of its rare words in another form (plural/singular, -ed/-ing);
- ``typo``: its two rarest words, the first with two neighbouring letters swapped.

A query is a hit at rank r when the document is r-th (1-10) in the results; when it is not in
them and the page offers "did you mean", the suggestion is searched instead, as a person would.
Prints, per kind: queries, found in the top 3, mean reciprocal rank (rank > 10: 0). Imports only
``dossier.core``'s long-standing API, so the same file runs against an older checkout.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tempfile
from pathlib import Path

from dossier.core import Dossier, SearchQuery, load_config

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
KINDS = ("rare", "phrase", "title", "inflection", "typo")
TOP = 10
_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset("""that this with from have will been their which they were said about would there
also more into than them other what when these some only over such after most very year years""".split())


def releases(corpus: Path) -> list[dict]:
    out = []
    for path in sorted((corpus / "press-releases").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data.get("body_text") or "").strip():
            out.append(data)
    return out


def words_of(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def other_form(word: str) -> str | None:
    for old, new in (("ies", "y"), ("ing", "ed"), ("ed", "ing"), ("s", ""), ("ion", "ions")):
        if word.endswith(old) and len(word) - len(old) >= 4:
            return word[: len(word) - len(old)] + new
    return word + "s" if len(word) >= 5 else None


def swapped(word: str, rng: random.Random) -> str:
    places = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
    i = rng.choice(places)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def queries_for(doc: dict, df: collections.Counter, rng: random.Random) -> dict[str, str]:
    body = words_of(doc["body_text"])
    rare = sorted(set(body), key=lambda w: (df[w], w))
    out = {"rare": f"{rare[0]} {rare[1]}"}
    plain = doc["body_text"].split()
    # The words around one of its rarer words: what sticks in memory is a distinctive phrase.
    anchor = rng.choice(rare[:5])
    at = next((i for i, w in enumerate(plain) if anchor in w.lower()), 0)
    start = max(0, min(at - rng.randrange(3), len(plain) - 3))
    out["phrase"] = '"' + " ".join(re.sub(r"[^\w'-]", "", w) for w in plain[start:start + 3]) + '"'
    if doc.get("title"):          # the Members' releases came without one: Dossier derives it
        out["title"] = " ".join(sorted(set(words_of(doc["title"])), key=len, reverse=True)[:3]) or doc["title"]
    forms = [f for w in rare[:5] if (f := other_form(w))]
    if forms:
        out["inflection"] = f"{forms[0]} {rare[1] if forms[0] != other_form(rare[1]) else rare[2]}"
    out["typo"] = f"{swapped(rare[0], rng)} {rare[1]}"
    return out


def rank(app: Dossier, text: str, target: str) -> int | None:
    result = app.search(SearchQuery(text=text, per_page=TOP))
    ids = [h.id for h in result.hits]
    if target not in ids and result.suggestion:
        ids = [h.id for h in app.search(SearchQuery(text=result.suggestion, per_page=TOP)).hits]
    return ids.index(target) + 1 if target in ids else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    docs = releases(args.corpus)
    df = collections.Counter(w for d in docs for w in set(words_of(d["body_text"])))
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        app = Dossier(load_config({"data_dir": Path(folder) / "data"}))
        try:
            ids = {}
            for d in docs:
                meta = {"date": d.get("date"), "office": d.get("agency") or d.get("office") or None,
                        **({"title": d["title"][:300]} if d.get("title") else {})}
                main, _ = app.add_text(d["body_text"], meta)
                ids[d["id"]] = main.document.id
            results: dict[str, list[int | None]] = {kind: [] for kind in KINDS}
            misses = []
            for d in rng.sample(docs, min(args.sample, len(docs))):
                for kind, text in queries_for(d, df, rng).items():
                    r = rank(app, text, ids[d["id"]])
                    results[kind].append(r)
                    if r is None or r > 3:
                        misses.append((kind, text, r))
        finally:
            app.close()
    print(f"{len(docs)} releases stored; {args.sample} sampled (seed {args.seed})\n")
    print("| kind | queries | top 3 | MRR |\n|---|---|---|---|")
    every = [r for rs in results.values() for r in rs]
    for kind, rs in [*results.items(), ("all", every)]:
        top3 = sum(1 for r in rs if r and r <= 3)
        mrr = sum(1 / r for r in rs if r) / len(rs) if rs else 0.0
        print(f"| {kind} | {len(rs)} | {top3} ({top3 / len(rs):.0%}) | {mrr:.2f} |")
    print("\nMissed (not in the top 3):")
    for kind, text, r in misses:
        print(f"- {kind}: `{text}` -> {r or 'not in top 10'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
