"""PDF text extraction references on the real PDFs of the shared corpus:
pypdf (what Dossier uses) vs poppler's `pdftotext` vs pypdfium2, pages/s,
each in one process on the same files."""
from __future__ import annotations

import logging
import shutil
import subprocess
import time
from pathlib import Path

from ..corpus import SHARED

DIRS = ("pdf/filings", "pdf/opinions", "pdf/gov-reports")


def files(shared: Path = SHARED) -> list[Path]:
    return [p for d in DIRS for p in sorted((shared / d).glob("*.pdf"))]


def _pypdf(path: Path) -> int:
    from pypdf import PdfReader
    pages = PdfReader(str(path)).pages
    for p in pages:
        p.extract_text()
    return len(pages)


def _pdfium(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            page.get_textpage().get_text_range()
        return len(pdf)
    finally:
        pdf.close()


def _pdftotext(path: Path) -> int:
    out = subprocess.run(["pdftotext", "-layout", "-q", str(path), "-"], capture_output=True, timeout=120)
    return out.stdout.count(b"\f")


def extractors() -> dict:
    out = {"pypdf": _pypdf}
    if shutil.which("pdftotext"):
        out["pdftotext"] = _pdftotext
    try:
        import pypdfium2  # noqa: F401
        out["pypdfium2"] = _pdfium
    except ImportError:
        pass
    return out


def run(paths: list[Path]) -> dict:
    """{extractor: {pages, seconds, pages_per_s, failed}} over the same files;
    page counts taken from each tool (files one tool fails on count for none)."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    results = {}
    for name, fn in extractors().items():
        pages = failed = 0
        t0 = time.perf_counter()
        for path in paths:
            try:
                pages += fn(path)
            except Exception:
                failed += 1
        secs = time.perf_counter() - t0
        results[name] = {"files": len(paths), "pages": pages, "seconds": secs,
                         "pages_per_s": pages / secs if secs else 0.0, "failed": failed}
    missing = [n for n in ("pdftotext", "pypdfium2") if n not in results]
    if missing:
        results["_note"] = f"not installed, skipped: {', '.join(missing)}"
    return results
