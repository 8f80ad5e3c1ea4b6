"""Index.search of this checkout against another's, query by query in one process: whether a
change to the search path costs anything measurable on a machine other work shares.

    .venv/bin/python -m bench run --docs 10000 --keep --sections search      # once: the index
    .venv/bin/python -m bench.search_ab --other ../main

The other checkout's ``indexer`` package is loaded beside this one (under another name; the rest,
``repository`` and Whoosh, is this checkout's and this virtualenv's), each opens the index a
``--keep`` run left, and every query of the log runs through both, one after the other, the order
swapped every round, after one warm-up round. Passes minutes apart on a shared machine differed by
a quarter; interleaving puts any slowdown of the machine on both sides. Times are CPU time. The
table sums each query's median over the rounds, by class and for the whole log. The query log is
generated from the same corpus as ``bench run`` (same --docs and --seed) and kept beside the index.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OTHER = "other_indexer"


def query_log(out: Path, docs: int, seed: int) -> list[dict]:
    path = out / f"run-{docs}-s{seed}" / "query-log.json"
    if not path.exists():
        from . import corpus, queries
        generated = list(corpus.generate(corpus.Sources.load(out / "cache"), docs, seed))
        path.write_text(json.dumps([dataclasses.asdict(q) for q in queries.build(generated)]), encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def other_indexer(checkout: Path):
    sys.dont_write_bytecode = True          # leaves the other checkout as it is
    package = checkout / "indexer"
    spec = importlib.util.spec_from_file_location(OTHER, package / "__init__.py", submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[OTHER] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{OTHER}.index"), importlib.import_module(f"{OTHER}.search")


class Side:
    """One checkout's Index on the kept index, with the log as its own SearchQuery values."""

    def __init__(self, index_module, search_module, index_dir: Path, log: list[dict]):
        self.index = index_module.Index.open(index_dir)
        self.queries = [search_module.SearchQuery(
            text=q["text"], filters={k: [v] for k, v in q["filters"].items()}, sort=q["sort"], page=q["page"],
            per_page=q["per_page"], date_from=q["date_from"], date_to=q["date_to"]) for q in log]
        self.samples: list[list[float]] = [[] for _ in log]

    def run(self, n: int, record: bool) -> None:
        t0 = time.process_time()
        self.index.search(self.queries[n])
        if record:
            self.samples[n].append(time.process_time() - t0)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.search_ab", description=__doc__.split("\n\n")[0])
    p.add_argument("--other", required=True, help="the checkout to compare with")
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "bench" / "out"))
    p.add_argument("--rounds", type=int, default=15)
    args = p.parse_args(argv)
    out = Path(args.out)
    index_dir = out / f"run-{args.docs}-s{args.seed}" / "data" / "index"
    if not index_dir.is_dir():
        raise SystemExit(f"no kept index in {index_dir}: run `python -m bench run --docs {args.docs} --keep --sections search`")
    log = query_log(out, args.docs, args.seed)
    from dossier.indexer import index, search
    this = Side(index, search, index_dir, log)
    other = Side(*other_indexer(Path(args.other).resolve()), index_dir, log)
    for r in range(args.rounds + 1):
        for n in range(len(log)):
            for side in ((this, other) if r % 2 else (other, this)):
                side.run(n, record=r > 0)
        print(f"round {r}/{args.rounds}", file=sys.stderr, flush=True)
    totals = {}
    for name, side in (("this", this), ("other", other)):
        by_class = {"log": 0.0}
        for q, samples in zip(log, side.samples):
            ms = statistics.median(samples) * 1000
            by_class["log"] += ms
            by_class[q["cls"]] = by_class.get(q["cls"], 0.0) + ms
        totals[name] = by_class
        side.index.close()
    print("| class | this ms | other ms | this ÷ other |\n|---|---|---|---|")
    for cls, ms in totals["this"].items():
        print(f"| {cls} | {ms:.1f} | {totals['other'][cls]:.1f} | {ms / totals['other'][cls]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
