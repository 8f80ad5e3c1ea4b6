"""OCR: accuracy against real text layers, throughput against the bare `tesseract`, the corpus scans.

    python -m bench.ocr [--corpus DIR] [--pages N] [--workers W] [--variants] [--accuracy-only]

1. Character error rate: born-digital corpus pages (filings, opinions) rendered at 300 dpi and
   recognised the way Dossier does (indexer/extract/ocr.py), against their own text layers;
   and Spanish press releases of the corpus typed into page images (DejaVu Sans 12 pt).
   CER = Levenshtein distance / reference length, after NFKC and collapsing whitespace; twice:
   against the layer in pypdf's order (order-sensitive), and with both sides in one geometric
   reading order (bench/reading_order.py), with the classes of characters the errors are made
   of. ``--variants``: the same pages under other Tesseract settings (psm, oem, dpi...).
2. Pages per second on the same page images: Dossier's OCR workers (ExtractionPool, one page
   per worker, rendering included; Tesseract through tesserocr) against the bare
   `tesseract IMG - -l eng+spa` (the Debian one) run W at a time.
3. The 11 corpus scans through the real path (add, then `recognise`): which become searchable
   (a phrase of their recognised text finds them on the right page), and the time from upload
   to searchable of a 20-page scan.
Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from dossier.core import Config, Dossier, SearchQuery, Upload
from dossier.indexer.extract import ExtractionPool, extract
from dossier.indexer.extract.ocr import DPI, LANGUAGES, recognise

from .corpus import SHARED
from .reading_order import error_classes, in_reading_order, layer_words, ocr_words

BORN_DIGITAL = ("pdf/filings", "pdf/opinions")
SPANISH = (
    "press-releases/hhs/2018-03-15__visita-del-subsecretario-de-hhs-a-puerto-rico.json",
    "press-releases/hhs/2018-11-01__la-ocr-publica-video-educativo-en-espanol-titulado-estamos-aqu-para-servirle.json",
    "press-releases/congress/2018-07-16__henry_cuellar__washington-la-semana-pasada-el-congresista-henry-cuellar.json",
)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MIN_LAYER_CHARS = 800       # a page with less text says little about accuracy
PHRASE_WORDS = 3
LONG_SCAN_PAGES = 20


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def without_rules(text: str) -> str:
    """Rule lines some layers type as underscores ("_ _ __ _"), which OCR sees as the lines they
    draw (or not at all), left out of both sides of the geometric comparison."""
    return re.sub(r"_[ _]*_", " ", text)


def levenshtein(a: str, b: str) -> int:
    """Edit distance, a row at a time in numpy: within a row, d[j] = min over k <= j of t[k] + (j - k)."""
    if not a or not b:
        return len(a) or len(b)
    bs = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, ch in enumerate(a, start=1):
        cost = (bs != ord(ch)).astype(np.int64)
        t = np.empty_like(row)
        t[0] = i
        t[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(t - steps) + steps
    return int(row[-1])


def missed_words(hypothesis: str, reference: str) -> float:
    """Share of the reference's words (as a multiset) that OCR did not give, in any order: blind to
    reading order (columns, headers, line numbers), which the CER counts as errors."""
    found = collections.Counter(normal(hypothesis).lower().split())
    wanted = collections.Counter(normal(reference).lower().split())
    return sum((wanted - found).values()) / max(sum(wanted.values()), 1)


def cer(hypothesis: str, reference: str) -> float:
    reference, hypothesis = normal(reference), normal(hypothesis)
    return levenshtein(hypothesis, reference) / max(len(reference), 1)


def cer_without_spaces(hypothesis: str, reference: str) -> float:
    reference, hypothesis = normal(reference).replace(" ", ""), normal(hypothesis).replace(" ", "")
    return levenshtein(hypothesis, reference) / max(len(reference), 1)


# ---- page images -------------------------------------------------------------------

def born_digital_pages(corpus: Path, count: int) -> list[tuple[str, int, str]]:
    """(file, page number, text layer) of the first page of each file with enough text, alternating
    filings and opinions."""
    lists = [sorted((corpus / folder).glob("*.pdf")) for folder in BORN_DIGITAL]
    chosen = []
    for pair in zip(*lists):
        for pdf in pair:
            result = extract(pdf, "application/pdf")
            if result.status == "extracted" and result.pages and len(normal(result.pages[0])) >= MIN_LAYER_CHARS:
                chosen.append((str(pdf.relative_to(corpus)), 1, result.pages[0]))
        if len(chosen) >= count:
            break
    return chosen[:count]


def render(pdf: Path, page: int, dpi: int = DPI) -> Image.Image:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[page - 1].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()


def typed_page(text: str) -> tuple[Image.Image, str]:
    """Letter-size page at 300 dpi, the text wrapped at ~80 characters in 12 pt DejaVu Sans."""
    image = Image.new("L", (int(8.5 * DPI), 11 * DPI), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(FONT, DPI * 12 // 72)
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > 80:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    step = DPI * 18 // 72
    lines = lines[:(image.height - 2 * DPI) // step]        # what fits between one-inch margins
    for n, line in enumerate(lines):
        draw.text((DPI, DPI + n * step), line, fill=0, font=font)
    return image, " ".join(lines)


# ---- 1. accuracy ---------------------------------------------------------------------

@dataclass
class Accuracy:
    language: str
    page: str
    cer: float                  # OCR text against the layer as pypdf orders it
    cer_geometric: float        # both sides in one geometric reading order
    cer_no_spaces: float        # the same, spaces left out of both (layers' spaces are guesses too)
    missed: float               # words missed in any order
    confidence: float
    classes: collections.Counter
    swaps: collections.Counter


def measured(language: str, page: str, found, layer: str, geometric_layer: str) -> Accuracy:
    ordered = without_rules(in_reading_order(ocr_words(found.words)))
    geometric_layer = without_rules(geometric_layer)
    classes, swaps = error_classes(normal(ordered), normal(geometric_layer))
    return Accuracy(language, page, cer(found.text, layer), cer(ordered, geometric_layer),
                    cer_without_spaces(ordered, geometric_layer), missed_words(found.text, layer),
                    found.confidence or 0, classes, swaps)


def accuracy(corpus: Path, pages: int, images: Path) -> list[Accuracy]:
    rows = []
    for name, number, layer in born_digital_pages(corpus, pages):
        image = render(corpus / name, number)
        image.save(images / f"en-{len(rows):02d}.png")
        found = recognise(image, LANGUAGES)
        rows.append(measured("English", f"{name} p.{number}", found, layer,
                             in_reading_order(layer_words(corpus / name, number))))
    for name in SPANISH:
        if not (corpus / name).exists():
            continue
        image, text = typed_page(json.loads((corpus / name).read_text(encoding="utf-8"))["body_text"])
        image.save(images / f"es-{len(rows):02d}.png")
        rows.append(measured("Spanish", name, recognise(image, LANGUAGES), text, text))
    return rows


def print_accuracy(rows: list[Accuracy]) -> None:
    print("| language | page | CER, layer's order | CER, geometric order | the same without spaces | "
          "words missed (any order) | mean confidence | where the geometric errors are | most frequent misreadings |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        where = ", ".join(f"{name} {n}" for name, n in r.classes.most_common(4))
        swaps = ", ".join(f"`{pair}` {n}" for pair, n in r.swaps.most_common(3))
        print(f"| {r.language} | `{r.page}` | {r.cer:.2%} | {r.cer_geometric:.2%} | {r.cer_no_spaces:.2%} | "
              f"{r.missed:.2%} | {r.confidence:.0f} | {where} | {swaps} |")
    for language in ("English", "Spanish"):
        mine = [r for r in rows if r.language == language]
        if mine:
            medians = [np.median([getattr(r, field) for r in mine])
                       for field in ("cer", "cer_geometric", "cer_no_spaces", "missed")]
            print(f"| **{language}, {len(mine)} pages** | median | "
                  + " | ".join(f"**{m:.2%}**" for m in medians) + " | | | |")
    totals = sum((r.classes for r in rows if r.language == "English"), collections.Counter())
    print("\nEnglish pages, characters in the geometric differences by class: "
          + ", ".join(f"{name} {n} ({n / max(sum(totals.values()), 1):.0%})" for name, n in totals.most_common()))


# ---- 1b. Tesseract's settings on the same pages -------------------------------------------

VARIANTS = (                    # (name, Tesseract variables, dpi)
    ("as shipped (psm 3)", {}, DPI),
    ("psm 4 (one column)", {"tessedit_pageseg_mode": "4"}, DPI),
    ("psm 6 (one block)", {"tessedit_pageseg_mode": "6"}, DPI),
    ("preserve_interword_spaces=1", {"preserve_interword_spaces": "1"}, DPI),
    ("Sauvola binarisation", {"thresholding_method": "2"}, DPI),
    ("400 dpi", {}, 400),
)


def variants(corpus: Path, rows: list[Accuracy], workers: int) -> list[dict]:
    """Each setting on each English page, the settings interleaved page by page (so the machine's
    other load falls on all alike): medians of the three error rates, seconds per page."""
    pages = [(corpus / r.page.split(" p.")[0], int(r.page.split(" p.")[1])) for r in rows if r.language == "English"]
    layers = {page: extract(page[0], "application/pdf").pages[page[1] - 1] for page in pages}
    geometric = {page: without_rules(in_reading_order(layer_words(*page))) for page in pages}

    def one(job):
        (name, options, dpi), page = job
        start = time.monotonic()
        found = recognise(render(page[0], page[1], dpi), LANGUAGES, options)
        secs = time.monotonic() - start
        ordered = without_rules(in_reading_order(ocr_words(found.words)))
        return name, secs, cer(found.text, layers[page]), cer_without_spaces(ordered, geometric[page]), \
            missed_words(found.text, layers[page])

    jobs = [(variant, page) for page in pages for variant in VARIANTS]
    with ThreadPoolExecutor(workers) as threads:
        done = list(threads.map(one, jobs))
    return [{"name": name,
             "cer": float(np.median([d[2] for d in done if d[0] == name])),
             "geometric": float(np.median([d[3] for d in done if d[0] == name])),
             "worst": max(d[3] for d in done if d[0] == name),
             "missed": float(np.median([d[4] for d in done if d[0] == name])),
             "secs": float(np.mean([d[1] for d in done if d[0] == name])),
             "pages": [d[3] for d in done if d[0] == name]} for name, _, _ in VARIANTS]


def print_variants(results) -> None:
    print("| Tesseract setting | median CER, layer's order | median CER, geometric, without spaces | worst page | "
          "median words missed | seconds per page (rendering included) | "
          "geometric CER of each page, in the order above |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        each = " ".join(f"{e:.1%}" for e in r["pages"])
        print(f"| {r['name']} | {r['cer']:.2%} | {r['geometric']:.2%} | {r['worst']:.2%} | {r['missed']:.2%} | "
              f"{r['secs']:.2f} | {each} |")


# ---- 2. throughput ---------------------------------------------------------------------

def throughput(images: Path, pdf_pages: list[tuple[Path, int]], workers: int) -> dict[str, float]:
    pngs = sorted(images.glob("en-*.png"))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def bare(png: Path) -> None:
        subprocess.run(["tesseract", str(png), "-", "-l", LANGUAGES], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    start = time.monotonic()
    with ThreadPoolExecutor(workers) as threads:
        list(threads.map(bare, pngs))
    bare_rate = len(pngs) / (time.monotonic() - start)

    with ExtractionPool(workers, time_limit=300) as pool:
        pool.warm()
        items = [(i, pdf, "dossier.indexer.extract.ocr:recognise_pdf_page", {"page": page})
                 for i, (pdf, page) in enumerate(pdf_pages)]
        start = time.monotonic()
        done = sum(1 for _ in pool.call_many(items))
        ours = done / (time.monotonic() - start)
    return {"pages": len(pngs), "bare": bare_rate, "dossier": ours}


# ---- 3. the corpus scans -------------------------------------------------------------------

def scans(corpus: Path, data: Path) -> list[dict]:
    rows = []
    with Dossier(Config(data_dir=data)) as app:
        for pdf in sorted((corpus / "pdf" / "scanned").glob("*.pdf")):
            stored, _ = app.add(Upload(pdf, pdf.name, {}))
            doc = stored.document
            start = time.monotonic()
            if doc.text_status == "ocr_pending":
                doc = app.recognise(doc.id)
            secs = time.monotonic() - start
            page, phrase = _phrase(app, doc.id)
            hit = _found(app, doc.id, phrase)
            rows.append({"file": pdf.name, "layer": doc.layer_status, "status": doc.text_status,
                         "confidence": doc.ocr_confidence, "pages": doc.page_count, "secs": secs,
                         "phrase": phrase, "page": page, "found_on": hit})
    return rows


def _phrase(app: Dossier, doc_id: str) -> tuple[int | None, str]:
    """Three words from the middle of the document's longest recognised page."""
    sources = [s for s in app.page_sources(doc_id) if s.engine == "tesseract"]
    if not sources:
        return None, ""
    best = max(sources, key=lambda s: s.chars)
    tokens = app.pages(doc_id)[best.page - 1][0].split()
    plain = [bool(re.fullmatch(r"[A-Za-z]{3,}", t)) for t in tokens]
    starts = [i for i in range(len(tokens) - PHRASE_WORDS + 1) if all(plain[i:i + PHRASE_WORDS])]
    if not starts:
        return best.page, ""
    start = min(starts, key=lambda i: abs(i - len(tokens) // 2))      # nearest the middle of the page
    return best.page, " ".join(tokens[start:start + PHRASE_WORDS])


def _found(app: Dossier, doc_id: str, phrase: str) -> list[int]:
    if not phrase:
        return []
    result = app.search(SearchQuery(text=f'"{phrase}"', per_page=50))
    return next((list(h.pages) for h in result.hits if h.id == doc_id), [])


def long_scan(data: Path, folder: Path) -> tuple[float, float, bool]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.scanmaker import make_scan_pdf

    pages = [f"PAGE {n} OF THE EXHIBIT\nThe witness described the {word} in detail." for n, word in
             enumerate(("river", "canal", "ditch", "pump", "well") * 4, start=1)]
    pdf = make_scan_pdf(folder / "long-scan.pdf", pages)
    with Dossier(Config(data_dir=data)) as app:
        start = time.monotonic()
        stored, _ = app.add(Upload(pdf, pdf.name, {}))
        acknowledged = time.monotonic() - start
        app.recognise(stored.document.id)
        total = time.monotonic() - start
        found = bool(app.search(SearchQuery(text='"described the pump"')).hits)
    return acknowledged, total, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED)
    parser.add_argument("--pages", type=int, default=10, help="born-digital pages for the error rate")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--variants", action="store_true", help="also compare Tesseract's settings on the pages")
    parser.add_argument("--accuracy-only", action="store_true", help="skip throughput and the corpus scans")
    args = parser.parse_args(argv)
    if shutil.which("tesseract") is None:
        print("tesseract is not installed (scripts/setup.sh installs it)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "images").mkdir()
        print("## OCR accuracy (300 dpi)\n")
        rows = accuracy(args.corpus, args.pages, tmp / "images")
        print_accuracy(rows)
        if args.variants:
            print("\n## Tesseract's settings, the same English pages\n")
            print_variants(variants(args.corpus, rows, args.workers))
        pdf_pages = [(args.corpus / r.page.split(" p.")[0], 1) for r in rows if r.language == "English"]
        if args.accuracy_only:
            return 0
        speed = throughput(tmp / "images", pdf_pages, args.workers)
        print(f"\n## Throughput, {speed['pages']} pages, {args.workers} at a time\n")
        print("| bare `tesseract` CLI | Dossier's OCR workers (rendering included) | ratio |\n|---|---|---|")
        print(f"| {speed['bare']:.2f} pages/s | {speed['dossier']:.2f} pages/s | {speed['dossier'] / speed['bare']:.2f}x |")
        print("\n## The corpus scans\n")
        print("| file | pages | text layer | after OCR | confidence | OCR s | phrase | on page | found on |")
        print("|---|---|---|---|---|---|---|---|---|")
        found = 0
        for row in scans(args.corpus, tmp / "data"):
            hit = row["page"] in row["found_on"]
            found += hit
            confidence = "" if row["confidence"] is None else f"{row['confidence']:.0f}"
            print(f"| `{row['file']}` | {row['pages']} | {row['layer']} | {row['status']} | {confidence} | "
                  f"{row['secs']:.1f} | {row['phrase']} | {row['page'] or ''} | {row['found_on'] or ''} |")
        print(f"\n{found} of the scans are found by a phrase of their recognised text on the right page.")
        acknowledged, total, ok = long_scan(tmp / "data20", tmp)
        print(f"\n20-page scan: upload acknowledged in {acknowledged:.1f} s, searchable after {total:.1f} s "
              f"({LONG_SCAN_PAGES / (total - acknowledged):.2f} pages/s){'' if ok else ' -- NOT FOUND'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
