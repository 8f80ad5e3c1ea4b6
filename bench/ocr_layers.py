"""Which corpus PDFs' text layers read like bad OCR (indexer/extract/ocr_noise.py).

    python -m bench.ocr_layers [--corpus DIR] [--top N]

Every PDF under the corpus's pdf/ is extracted as Dossier does (extraction workers); for each
with a text layer, the share of its words carrying a misreading. Prints the N highest as a
Markdown table, which files are judged bad OCR, and the highest share per folder.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.extract.ocr_noise import SAMPLE_CHARS, is_bad_ocr, noise_share

from .corpus import SHARED


def layers(corpus: Path) -> list[tuple[str, tuple[str, ...]]]:
    files = sorted((corpus / "pdf").rglob("*.pdf"))
    with ExtractionPool(time_limit=120) as pool:
        found = [(str(path.relative_to(corpus / "pdf")), result.pages)
                 for path, result in pool.extract_many((f, f, "application/pdf") for f in files)]
    return sorted((name, pages) for name, pages in found if any(p.strip() for p in pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    rows = []
    for name, pages in layers(args.corpus):
        share, words, noisy = noise_share("\n".join(pages)[:SAMPLE_CHARS])
        rows.append((share, name, words, noisy, is_bad_ocr(pages)))
    rows.sort(reverse=True)
    print(f"{len(rows)} PDFs with a text layer.\n")
    print("| file | words | with a misreading | share | bad OCR |\n|---|---|---|---|---|")
    for share, name, words, noisy, bad in rows[:args.top]:
        print(f"| `{name}` | {words} | {noisy} | {share:.2%} | {'yes' if bad else ''} |")
    print("\n| folder | PDFs with a layer | judged bad OCR | highest share |\n|---|---|---|---|")
    for folder in sorted({name.split("/")[0] for _, name, *_ in rows}):
        mine = [r for r in rows if r[1].split("/")[0] == folder]
        print(f"| {folder} | {len(mine)} | {sum(r[4] for r in mine)} | {max(r[0] for r in mine):.2%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
