"""Machine and version facts, the printed tables (Dossier also as ratios to the
baselines) and the JSON file."""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ENGINES = ("whoosh", "fts5", "tantivy")
from .queries import CLASSES  # noqa: E402


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = 0
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gb": round(mem / 2**20, 1), "platform": platform.platform(),
            "loadavg_at_start": os.getloadavg()}


def versions() -> dict:
    import sqlite3
    from importlib.metadata import PackageNotFoundError, version
    out = {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}
    for dist, key in (("Whoosh-Reloaded", "whoosh"), ("pypdf", "pypdf"), ("tantivy", "tantivy"),
                      ("pypdfium2", "pypdfium2"), ("fpdf2", "fpdf2"), ("waitress", "waitress")):
        try:
            out[key] = version(dist)
        except PackageNotFoundError:
            out[key] = None
    if shutil.which("pdftotext"):
        err = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr
        out["pdftotext"] = err.splitlines()[0] if err else "?"
    return out


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def table(title: str, header: list[str], rows: list[list]) -> str:
    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
        return str(v)
    cells = [[fmt(v) for v in r] for r in rows]
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines)


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def render(res: dict) -> str:
    out = [f"# Dossier benchmark — {res['date']}",
           f"machine: {res['machine']['nproc']} cores, {res['machine']['cpu']}, {res['machine']['mem_gb']} GB; "
           f"load at start {', '.join(f'{x:.2f}' for x in res['machine']['loadavg_at_start'])}",
           "versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items() if v),
           f"command: {res['command']}"]
    c = res["corpus"]
    out.append(table("Corpus", ["docs", "words (mean)", "text MB", "kinds", "long filings (≥50 p.)", "filing pages",
                                "generated in s"],
                     [[c["docs"], c["words_mean"], c["text_mb"], " ".join(f"{k} {v}" for k, v in c["kinds"].items()),
                       c["long_filings"], c["pages_total"], c["seconds"]]]))
    b = res.get("build", {})
    rows = []
    for name in ENGINES:
        if name in b:
            r = b[name]
            rows.append([name + (" (kept index, not rebuilt)" if "reused" in r else ""), r.get("seconds"),
                         r.get("docs_per_s"), r.get("text_mb_per_s"), r["index_mb"], None, None, None, None])
    for key, label in (("dossier_import", "dossier import (full intake)"), ("dossier_reindex", "dossier reindex")):
        r = res.get(key)
        if r:
            rows.append([label, r["seconds"], r["docs_per_s"], r.get("text_mb_per_s"), r["index_mb"], r["peak_rss_mb"],
                         *[ratio(r["docs_per_s"], b.get(e, {}).get("docs_per_s")) for e in ENGINES]])
    out.append(table("Ingest / index build (Dossier docs/s as a ratio of each baseline's)",
                     ["path", "s", "docs/s", "text MB/s", "index MB", "peak RSS MB", "× whoosh", "× fts5", "× tantivy"],
                     rows))
    u = res.get("upload")
    if u:
        out.append(table("Upload to searchable (Intake.add of a generated PDF, then Index.search finds it)",
                         ["pages", "acknowledged s", "searchable s", "text_status"],
                         [[u["pages"], u["ack_s"], u["searchable_s"], u["text_status"]]]))
    x = res.get("extraction")
    if x:
        rows = [[k, v["files"], v["pages"], v["seconds"], v["pages_per_s"], v["failed"]]
                for k, v in x.items() if not k.startswith("_")]
        imp = res.get("dossier_import_pdfs")
        if imp:
            rows.append(["dossier import (all cores)", imp["files"], imp["pages"], imp["seconds"], imp["pages_per_s"],
                         f"rc {imp['rc']}"])
        t = table("PDF extraction on the real filings/opinions/gov-reports (pages/s)",
                  ["extractor", "files", "pages", "s", "pages/s", "failed"], rows)
        if imp and "pypdf" in x:
            t += f"\n\ndossier import pages/s ÷ single-process pypdf: {ratio(imp['pages_per_s'], x['pypdf']['pages_per_s']):.2f}x"
        if "_note" in x:
            t += f"\n\n{x['_note']}"
        out.append(t)
    s = res.get("search", {})
    if "dossier" in s:
        classes = [c for c in (*CLASSES, "all") if c in s["dossier"]]
        rows = []
        for cls in classes:
            d = s["dossier"][cls]
            row = [cls, d["p50"], d["p95"], d["p99"]]
            for e in ENGINES:
                bl = s.get(e, {}).get(cls)
                row.append(f"{bl['p50']:.1f} / {bl['p95']:.1f}" if bl else None)
            for e in ENGINES:
                bl = s.get(e, {}).get(cls)
                row.append(ratio(d["p95"], bl["p95"]) if bl else None)
            rows.append(row)
        out.append(table("Search through Index.search, ms (baselines p50 / p95; ratio = Dossier p95 ÷ baseline p95)",
                         ["class", "p50", "p95", "p99", "whoosh", "fts5", "tantivy", "× whoosh", "× fts5", "× tantivy"],
                         rows))
    h = res.get("http")
    if h and "latency" in h:
        rows = []
        for cls in [c for c in (*CLASSES, "all") if c in h["latency"]]:
            d = h["latency"][cls]
            fn = s.get("dossier", {}).get(cls)
            row = [cls, d["p50"], d["p95"], d["p99"], ratio(d["p95"], fn["p95"]) if fn else None]
            row += [ratio(d["p95"], s.get(e, {}).get(cls, {}).get("p95")) for e in ENGINES]
            rows.append(row)
        out.append(table("Search through HTTP (`dossier serve`, 2 workers), ms; ratios of p95",
                         ["class", "p50", "p95", "p99", "× Index.search", "× whoosh", "× fts5", "× tantivy"], rows))
        sus = h.get("sustained")
        if sus:
            out.append(table(f"Sustained load ({sus['clients']} concurrent clients, {sus['requests']} requests)",
                             ["req/s", "p50", "p95", "p99", "errors"],
                             [[sus["rps"], sus["p50"], sus["p95"], sus["p99"], sus["errors"]]]))
        sw = h.get("sweep")
        if sw:
            rows = [[r["clients"], r["requests"], r["rps"], r["p50"], r["p95"], r["p99"]] for r in sw["runs"]]
            t = table("Concurrency sweep", ["clients", "requests", "req/s", "p50", "p95", "p99"], rows)
            t += (f"\n\nfirst level with p95 > {sw['p95_limit_ms']:.0f} ms: "
                  f"{sw['first_level_over'] or 'none up to ' + str(sw['runs'][-1]['clients'])}")
            out.append(t)
        if h.get("server_rss_mb"):
            r = h["server_rss_mb"]
            out.append(f"\nserver peak RSS: master {r['master']:.0f} MB, workers "
                       f"{', '.join(f'{w:.0f}' for w in r['workers'])} MB, total {r['total']:.0f} MB")
    for note in res.get("notes", []):
        out.append(f"\nnote: {note}")
    return "\n".join(out) + "\n"


def write_json(res: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"results-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    return path
