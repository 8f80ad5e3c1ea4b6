"""python -m bench run [--docs N] [--seed S] [--out DIR] ...  (see bench/README.md)
python -m bench profile --data DIR [--docs N]: pyinstrument over Index.search."""
from __future__ import annotations

import argparse
import gc
import shutil
import sys
import time
from pathlib import Path

from . import corpus, queries, report
from .baselines import extraction, fts5, tantivy_engine, whoosh_bare
from .timing import dir_size_mb

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("baselines", "import", "search", "http", "upload", "reindex", "extraction")


def _checkpoint(res: dict, work: Path) -> None:
    """What has finished so far, in ``<work>/partial.json``: a long (100k) run
    that is stopped early still leaves its finished sections behind."""
    import json
    (work / "partial.json").write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")


def _summaries(lat: dict) -> dict:
    return {k: (v.summary() if hasattr(v, "summary") else v) for k, v in lat.items()}


def _build_baselines(args, docs, work, res):
    from .dossier_paths import time_engine
    text_mb = res["corpus"]["text_mb"]
    builders = [("whoosh", lambda d, p: whoosh_bare.build(d, p, procs=args.whoosh_procs), whoosh_bare)]
    if fts5.available():
        builders.append(("fts5", fts5.build, fts5))
    else:
        res["notes"].append("SQLite here has no FTS5: that baseline is skipped")
    if tantivy_engine.available():
        builders.append(("tantivy", tantivy_engine.build, tantivy_engine))
    else:
        res["notes"].append("tantivy is not installed (pip install tantivy): that baseline is skipped")
    log = queries.build(docs)
    for name, build, module in builders:
        folder = work / f"baseline-{name}"
        if args.reuse and folder.exists():
            print(f"  opening the kept {name} index ...", file=sys.stderr, flush=True)
            engine = module.open_existing(folder)
            res["build"][name] = {"reused": str(folder), "index_mb": dir_size_mb(folder)}
        else:
            print(f"  building {name} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            engine = build(docs, folder)
            secs = time.perf_counter() - t0
            res["build"][name] = {"seconds": secs, "docs_per_s": len(docs) / secs, "text_mb_per_s": text_mb / secs,
                                  "index_mb": dir_size_mb(folder)}
        print(f"  searching {name} ...", file=sys.stderr, flush=True)
        res["search"][name] = _summaries(time_engine(engine, log, args.rounds))
        _checkpoint(res, work)
        engine.close()
        del engine
        gc.collect()


def run(args) -> int:
    from . import dossier_paths, http_load
    sections = set(args.sections.split(",")) if args.sections else set(SECTIONS)
    out = Path(args.out)
    work = out / f"run-{args.docs}-s{args.seed}"
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    res = {"date": report.now(), "machine": report.machine(), "versions": report.versions(),
           "command": "python -m bench " + " ".join(sys.argv[1:]), "args": vars(args), "notes": [],
           "build": {}, "search": {}}
    print(f"# bench: {args.docs} docs, seed {args.seed}, work dir {work}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    src = corpus.Sources.load(out / "cache")
    docs = list(corpus.generate(src, args.docs, args.seed))
    res["corpus"] = {**corpus.stats(docs), "seconds": time.perf_counter() - t0}
    manifest = corpus.write_manifest(docs, work / "corpus")
    log = queries.build(docs)
    res["queries"] = [{"cls": q.cls, "label": q.label} for q in log]

    if "baselines" in sections:
        _build_baselines(args, docs, work, res)

    data = work / "data"
    text_mb = res["corpus"]["text_mb"]
    n = len(docs)
    del docs
    gc.collect()
    if args.reuse and (data / "dossier.sqlite3").exists():
        res["notes"].append(f"--reuse: searched the kept data folder {data}; nothing imported")
    elif sections & {"import", "search", "http", "upload", "reindex"}:
        print("  dossier import ...", file=sys.stderr, flush=True)
        res["dossier_import"] = dossier_paths.import_manifest(manifest, data, text_mb, n, work / "import.log")
        _checkpoint(res, work)
    if "search" in sections:
        print("  dossier Index.search ...", file=sys.stderr, flush=True)
        s = dossier_paths.Searcher(data)
        res["search"]["dossier"] = _summaries(dossier_paths.time_engine(s, log, args.rounds))
        _checkpoint(res, work)
        s.close()
    if "http" in sections:
        print("  dossier serve ...", file=sys.stderr, flush=True)
        server = http_load.Server(data, args.workers, work / "serve.log")
        try:
            res["http"] = {"latency": _summaries(http_load.latency_log(server.port, log, args.rounds))}
            res["http"]["sustained"] = http_load.sustained(server.port, log, args.clients, args.http_requests)
            res["http"]["sweep"] = http_load.sweep(server.port, log, per_level=max(40, args.http_requests // 4))
            res["http"]["server_rss_mb"] = server.peak_rss_mb()
            _checkpoint(res, work)
        finally:
            server.stop()
    if "upload" in sections:
        print("  upload to searchable ...", file=sys.stderr, flush=True)
        res["upload"] = dossier_paths.upload_to_searchable(data, work)
        _checkpoint(res, work)
    if "reindex" in sections:
        print("  dossier reindex ...", file=sys.stderr, flush=True)
        res["dossier_reindex"] = dossier_paths.reindex(data, n, work / "reindex.log")
        _checkpoint(res, work)
    if "extraction" in sections:
        print("  extraction references ...", file=sys.stderr, flush=True)
        pdfs = extraction.files()
        res["extraction"] = extraction.run(pdfs)
        pages = res["extraction"]["pypdf"]["pages"]
        res["dossier_import_pdfs"] = dossier_paths.import_real_pdfs(pdfs, work, pages, work / "import-pdfs.log")

    text = report.render(res)
    print(text)
    path = report.write_json(res, out)
    (out / "latest.md").write_text(text, encoding="utf-8")
    print(f"JSON: {path}", file=sys.stderr)
    if not (args.keep or args.reuse):
        shutil.rmtree(work, ignore_errors=True)
    return 0


def profile(args) -> int:
    """pyinstrument over the query log through Index.search on an existing data folder."""
    from pyinstrument import Profiler
    from .dossier_paths import Searcher
    src = corpus.Sources.load(Path(args.out) / "cache")
    log = queries.build(list(corpus.generate(src, args.docs, args.seed)))
    if args.cls:
        log = [q for q in log if q.cls in args.cls.split(",")]
    s = Searcher(Path(args.data))
    for q in log:
        s.run(q)
    prof = Profiler(interval=0.0005)
    prof.start()
    for _ in range(args.rounds):
        for q in log:
            s.run(q)
    prof.stop()
    s.close()
    print(prof.output_text(unicode=True, color=False, show_all=False))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="the whole suite")
    r.add_argument("--docs", type=int, default=10_000, help="generated documents (1000, 10000, 100000)")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--out", default=str(ROOT / "bench" / "out"), help="results, cache and work folder")
    r.add_argument("--rounds", type=int, default=3, help="timed passes over the query log (after one warm-up)")
    r.add_argument("--sections", default="", help=f"comma list of {','.join(SECTIONS)} (default: all)")
    r.add_argument("--workers", type=int, default=2, help="`dossier serve` workers")
    r.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients for the sustained run")
    r.add_argument("--http-requests", type=int, default=400, help="requests in the sustained run")
    r.add_argument("--whoosh-procs", type=int, default=1, help="bare Whoosh writer processes (procs=)")
    r.add_argument("--keep", action="store_true", help="keep the work folder (corpus, data, indexes)")
    r.add_argument("--reuse", action="store_true",
                   help="search the indexes and data folder a --keep run left instead of building them again")
    pr = sub.add_parser("profile", help="pyinstrument over Index.search on a kept data folder")
    pr.add_argument("--data", required=True, help="e.g. bench/out/run-10000-s1/data (from run --keep)")
    pr.add_argument("--docs", type=int, default=10_000)
    pr.add_argument("--seed", type=int, default=1)
    pr.add_argument("--out", default=str(ROOT / "bench" / "out"))
    pr.add_argument("--rounds", type=int, default=1)
    pr.add_argument("--cls", default="", help="only these query classes (comma list)")
    args = p.parse_args(argv)
    return run(args) if args.command == "run" else profile(args)


if __name__ == "__main__":
    sys.exit(main())
