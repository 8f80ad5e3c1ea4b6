"""Page render speed: PDFium + WebP at 800 px (indexer/pages/render.py, in this process) against
poppler's `pdftoppm -r 96 -png` on the same pages of the corpus filings.

    .venv/bin/python bench/render.py [--pages N]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from dossier.indexer.pages.render import render_pdf_page

FILINGS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf" / "filings"


def pages_of(limit: int) -> list[tuple[Path, int]]:
    out = []
    for path in sorted(FILINGS.glob("*.pdf")):
        count = len(pdfium.PdfDocument(str(path)))
        out += [(path, n) for n in range(1, count + 1)]
    return out[:limit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=60)
    pages = pages_of(parser.parse_args().pages)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        for i, (path, n) in enumerate(pages):
            assert render_pdf_page(path, n, 800, f"{folder}/{i}.webp").ok
        ours = time.perf_counter() - started
        print(f"pdfium+webp 800px: {len(pages)} pages in {ours:.2f} s, {len(pages) / ours:.1f} pages/s")
        if shutil.which("pdftoppm") is None:
            print("pdftoppm not installed (apt-get install poppler-utils)")
            return
        started = time.perf_counter()
        for i, (path, n) in enumerate(pages):
            subprocess.run(["pdftoppm", "-r", "96", "-png", "-f", str(n), "-l", str(n), str(path), f"{folder}/p{i}"],
                           check=True, capture_output=True)
        theirs = time.perf_counter() - started
        print(f"pdftoppm -r 96 -png: {len(pages)} pages in {theirs:.2f} s, {len(pages) / theirs:.1f} pages/s")
        print(f"ratio: {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
