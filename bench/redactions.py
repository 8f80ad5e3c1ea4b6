"""The bad-redaction check over every PDF of the shared corpus: what it finds, and how fast.

    python -m bench.redactions [--corpus DIR] [--all]

Prints Markdown: the totals, one row per file with a finding or not fully checked
(`--all`: every file), why files could not be checked, and the slowest files. Exits 1
when a filing known to have text under its boxes is not found on its pages.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

from dossier.indexer.redaction import RedactionCheck, check_redactions

from .corpus import SHARED

KNOWN = {  # corpus file -> the pages whose boxes hide text that can be copied out
    "pdf/filings/xray__rectangles_yes.pdf": {1},
    "pdf/filings/xray__bad_cross_hatched_redactions.pdf": {1},
}
SLOWEST = 5
SHOWN_TEXT = 60      # characters of the first finding's text in its row


def measure(pdfs: list[Path]) -> list[tuple[Path, RedactionCheck, float]]:
    """(file, result, CPU seconds): CPU time, because wall time moves with the machine's other work."""
    rows = []
    for pdf in pdfs:
        start = time.process_time()
        check = check_redactions(pdf)
        rows.append((pdf, check, time.process_time() - start))
    return rows


def pages_found(check: RedactionCheck) -> str:
    return ", ".join(map(str, sorted({f.page for f in check.findings})))


def first_text(check: RedactionCheck) -> str:
    if not check.findings:
        return ""
    text = check.findings[0].text.replace("|", "\\|")
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def print_totals(rows, wall: float) -> None:
    opened = [check for _, check, _ in rows if check.pages]
    print("| PDFs | opened | pages | pages checked | files with findings | findings | CPU s | wall s |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(rows)} | {len(opened)} | {sum(c.pages for c in opened):,} | "
          f"{sum(c.pages_checked for c in opened):,} | {sum(bool(c.findings) for c in opened)} | "
          f"{sum(len(c.findings) for c in opened)} | {sum(row[2] for row in rows):.2f} | {wall:.2f} |")


def print_files(rows, corpus: Path, every: bool) -> None:
    print("\n| file | pages | checked | CPU s | findings | on pages | first text that can be copied out |")
    print("|---|---|---|---|---|---|---|")
    for pdf, check, seconds in rows:
        if every or check.findings or (check.pages and not check.complete):
            print(f"| `{pdf.relative_to(corpus)}` | {check.pages} | {check.pages_checked} | {seconds:.2f} | "
                  f"{len(check.findings)} | {pages_found(check)} | {first_text(check)} |")


def print_unchecked(rows) -> None:
    reasons = collections.Counter(check.error for _, check, _ in rows if not check.pages)
    if reasons:
        print("\n| files not opened | why |")
        print("|---|---|")
        for reason, count in reasons.most_common():
            print(f"| {count} | {reason} |")
    partial = [(pdf.name, check.error) for pdf, check, _ in rows if check.pages and not check.complete]
    for name, error in partial:
        print(f"\n`{name}`: {error}")


def print_slowest(rows) -> None:
    print("\n| slowest (CPU) | pages | CPU s | ms per page |")
    print("|---|---|---|---|")
    for pdf, check, seconds in sorted(rows, key=lambda row: -row[2])[:SLOWEST]:
        per_page = 1000 * seconds / max(check.pages_checked, 1)
        print(f"| `{pdf.name}` | {check.pages} | {seconds:.2f} | {per_page:.1f} |")


def missed_known(rows, corpus: Path) -> list[str]:
    found = {str(pdf.relative_to(corpus)): {f.page for f in check.findings} for pdf, check, _ in rows}
    return [name for name, pages in KNOWN.items() if not pages <= found.get(name, set())]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.redactions", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=Path(os.environ.get("DOSSIER_CORPUS") or SHARED))
    p.add_argument("--all", action="store_true", help="a row for every file, not only those with findings")
    args = p.parse_args(argv)
    corpus = args.corpus.resolve()
    pdfs = sorted(path for path in corpus.rglob("*") if path.suffix.lower() == ".pdf" and path.is_file())
    if not pdfs:
        print(f"no PDFs under {corpus}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    rows = measure(pdfs)
    print_totals(rows, time.perf_counter() - start)
    print_files(rows, corpus, args.all)
    print_unchecked(rows)
    print_slowest(rows)
    missed = missed_known(rows, corpus)
    for name in missed:
        print(f"\nMISSED: `{name}` is not found on pages {sorted(KNOWN[name])}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
