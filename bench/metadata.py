"""How well the metadata reader reads the corpus: precision and recall per field.

    python -m bench.metadata [--corpus DIR] [--demo] [--rows]

Filings and opinions against the hand-built truth table (bench/metadata_truth.tsv); releases'
dateline dates against the dates their JSON gives; with --demo, the demo data loaded into a
fresh data folder: filings dated and titles changed, before (what was typed) and after.
Prints Markdown. Exits 1 when a field's precision is under the goal (95%).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

from dossier.indexer.extract.pdf import extract_pdf
from dossier.indexer.metadata import read_document
from dossier.indexer.metadata.photo import read_photo
from dossier.indexer.metadata.release import MAX_HEADLINE, dateline, headline

from .corpus import SHARED
from .report import table

TRUTH = Path(__file__).with_name("metadata_truth.tsv")
FIELDS = {"court": "court", "case_number": "case_number", "filed": "date", "doc_type": "doc_type",
          "parties": "parties"}     # truth column -> the field the reader fills
GOAL = 0.95
READ_PAGES = 2


def truth_rows() -> list[dict]:
    lines = [ln for ln in TRUTH.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def agrees(column: str, truth: str, read) -> bool:
    if column != "parties":
        return str(read) == truth
    # Short keys: each side of the truth inside the same side of what was read.
    truth_sides, read_sides = truth.lower().split(" v. "), str(read).lower().split(" v. ")
    return len(truth_sides) == len(read_sides) and all(t in r for t, r in zip(truth_sides, read_sides))


def score_filings(corpus: Path) -> tuple[dict, list[list]]:
    counts = {c: {"truth": 0, "read": 0, "right": 0} for c in FIELDS}
    rows = []
    reading_seconds = 0.0
    for row in truth_rows():
        pages = list(extract_pdf(corpus / row["file"]).pages[:READ_PAGES])
        started = time.perf_counter()
        values = read_document("filing", "application/pdf", pages).values
        reading_seconds += time.perf_counter() - started
        marks = []
        for column, name in FIELDS.items():
            truth, read = row[column], values.get(name)
            c = counts[column]
            c["truth"] += bool(truth)
            c["read"] += read is not None
            right = read is not None and bool(truth) and agrees(column, truth, read)
            c["right"] += right
            marks.append("" if read is None else ("ok" if right else f"WRONG: {read}"))
        rows.append([Path(row["file"]).name[:48], *marks])
    counts["_seconds"] = reading_seconds
    return counts, rows


def score_releases(corpus: Path) -> dict:
    out = {"releases": 0, "dated": 0, "agree": 0, "placed": 0, "untitled": 0, "headlines": 0, "too_long": 0,
           "cut_mid_word": 0, "mismatches": []}
    for path in sorted((corpus / "press-releases").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        body = record.get("body_text") or ""
        if not body.strip():
            continue
        title = record.get("title") if record.get("title") not in (None, "None") else None
        text = f"{title}\n\n{body}" if title else body
        out["releases"] += 1
        date, place = dateline(text)
        out["dated"] += date is not None
        out["placed"] += place is not None
        if date:
            if date == record.get("date"):
                out["agree"] += 1
            else:
                out["mismatches"].append((path.name, date, record.get("date")))
        if not title:
            out["untitled"] += 1
            read = headline(text)
            out["headlines"] += bool(read)
            out["too_long"] += bool(read) and len(read) > MAX_HEADLINE
            out["cut_mid_word"] += bool(read) and _cut_mid_word(read, body)
    return out


def _cut_mid_word(title: str, body: str) -> bool:
    """A headline ending in the middle of one of the body's words."""
    stem = title.removesuffix("…")
    at = " ".join(body.split()).find(stem)
    if at < 0:
        return False
    after = " ".join(body.split())[at + len(stem):at + len(stem) + 1]
    return after.isalnum() and stem[-1:].isalnum()


def score_photos(corpus: Path) -> list[list]:
    rows = []
    for path in sorted((corpus / "photos").glob("*.jpg")):
        facts = read_photo(path)
        rows.append([path.name, facts.taken if facts else None, bool(facts and facts.caption),
                     facts.orientation if facts else None])
    return rows


def score_others(corpus: Path) -> list[list]:
    """Government reports and scans that are no filings: what the reader suggests for them."""
    rows = []
    for path in sorted((corpus / "pdf" / "gov-reports").glob("*.pdf")) + sorted((corpus / "pdf" / "scanned").glob("*.pdf")):
        values = read_document("filing", "application/pdf", list(extract_pdf(path).pages[:READ_PAGES])).values
        rows.append([path.name[:48], ", ".join(f"{k}={v}" for k, v in values.items()) or "nothing"])
    return rows


def demo(corpus: Path) -> dict:
    """The demo loaded into a fresh folder; 'before' is what the demo's own details said."""
    import os

    from dossier.core import Config, Dossier, demo as demo_data

    with tempfile.TemporaryDirectory() as folder:
        os.environ["DOSSIER_CORPUS"] = str(corpus)
        started = time.monotonic()
        with Dossier(Config(data_dir=Path(folder))) as app:
            demo_data.load(app)
            docs = list(app.repo.iter_documents())
        seconds = time.monotonic() - started
    filings = [d for d in docs if d.kind == "filing"]
    return {
        "documents": len(docs), "filings": len(filings), "seconds": seconds,
        "filings_dated_before": sum(1 for d in filings if d.date and d.typed("date")),
        "filings_dated_after": sum(1 for d in filings if d.date),
        "courts_before": sum(1 for d in filings if d.court and d.typed("court")),
        "courts_after": sum(1 for d in filings if d.court),
        "case_numbers_before": sum(1 for d in filings if d.case_number and d.typed("case_number")),
        "case_numbers_after": sum(1 for d in filings if d.case_number),
        "releases_dated_before": sum(1 for d in docs if d.kind == "release" and d.date and d.typed("date")),
        "releases_dated_after": sum(1 for d in docs if d.kind == "release" and d.date),
        "titles_changed": sum(1 for d in docs if (d.sources or {}).get("title") == "document"),
        "release_titles_changed": sum(1 for d in docs if d.kind == "release"
                                      and (d.sources or {}).get("title") == "document"),
        "parties_read": sum(1 for d in filings if d.parties),
    }


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--demo", action="store_true", help="also load the demo and count before/after (minutes)")
    parser.add_argument("--rows", action="store_true", help="one row per file")
    args = parser.parse_args(argv)
    counts, rows = score_filings(args.corpus)
    seconds = counts.pop("_seconds")
    print(f"reading (text already extracted): {1000 * seconds / len(rows):.1f} ms a filing on average")
    print(table(f"Filings and opinions ({len(rows)} files, truth table bench/metadata_truth.tsv)",
                ["field", "precision (right / read)", "recall (right / in truth)"],
                [[c, pct(v["right"], v["read"]), pct(v["right"], v["truth"])] for c, v in counts.items()]))
    if args.rows:
        print(table("Per file (empty: nothing read)", ["file", *FIELDS], rows))
    releases = score_releases(args.corpus)
    print(table(f"Releases ({releases['releases']} with a body)", ["measure", "value"], [
        ["dateline date read", pct(releases["dated"], releases["releases"])],
        ["dateline date = the JSON's date (precision)", pct(releases["agree"], releases["dated"])],
        ["dateline place read", pct(releases["placed"], releases["releases"])],
        ["untitled releases given a headline", pct(releases["headlines"], releases["untitled"])],
        [f"headlines over {MAX_HEADLINE} characters", releases["too_long"]],
        ["headlines cut mid-word", releases["cut_mid_word"]],
    ]))
    print(table("Photos (EXIF; GPS is never read)", ["file", "date taken", "caption", "orientation"],
                score_photos(args.corpus)))
    if args.rows:
        print(table("Reports and scans that are no filings: what is suggested", ["file", "read"],
                    score_others(args.corpus)))
    for name, read, expected in releases["mismatches"]:
        print(f"- dateline mismatch: {name}: read {read}, JSON {expected}")
    if args.demo:
        d = demo(args.corpus)
        print(table(f"Demo ({d['documents']} documents, {d['filings']} filings, loaded in {d['seconds']:.0f} s)",
                    ["measure", "before (typed)", "after (typed + read)"], [
                        ["filings dated", d["filings_dated_before"], d["filings_dated_after"]],
                        ["filings with a court", d["courts_before"], d["courts_after"]],
                        ["filings with a case number", d["case_numbers_before"], d["case_numbers_after"]],
                        ["releases dated", d["releases_dated_before"], d["releases_dated_after"]],
                        ["titles changed (all / releases)", "-",
                         f"{d['titles_changed']} / {d['release_titles_changed']}"],
                        ["filings with parties", 0, d["parties_read"]],
                    ]))
    low = [c for c, v in counts.items() if v["read"] and v["right"] / v["read"] < GOAL]
    if releases["dated"] and releases["agree"] / releases["dated"] < GOAL:
        low.append("dateline date")
    if low:
        print(f"\nunder {GOAL:.0%} precision: {', '.join(low)}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
