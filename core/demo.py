"""Demo data: the seed release, and the real documents of ../shared/corpus where it exists."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterator

from typing import TYPE_CHECKING

from dossier.uploads.bulk import Entry, Report
from dossier.uploads.intake import Upload

from .corpus import corpus_dir

if TYPE_CHECKING:
    from .app import Dossier

DEMO_DATA = Path(__file__).parent / "demo_data"
# Text under black boxes that can still be extracted: test fixtures, never demo data.
NOT_FOR_DEMO = {"xray__rectangles_yes.pdf", "xray__bad_cross_hatched_redactions.pdf"}
CASE_NUMBER = re.compile(r"\b(\d:\d{2}-[a-z]{2,4}-\d{3,6}(?:-[A-Z]{2,4})*)")
# The court, where the corpus note names it at its start ("9th Cir. No. 20-16276 motion to stay").
COURT = re.compile(r"^(U\.S\. Supreme Court|U\.S\. Tax Court|\d+(?:st|nd|rd|th|d) Cir\.|D\.C\. Cir\.|Fed\. Cir\."
                   r"|[CNSEW]\.D\. [A-Z][a-z]+\.|S\.D\.N\.Y\.|SDNY|D\. [A-Z][a-z]+\.|D\.N\.J\.|N\.C\. Supreme Court"
                   r"|Mo\. Ct\. App\.)")


def load(app: "Dossier", progress=None) -> Report:
    entries = list(seed_entries())
    corpus = corpus_dir()
    if corpus:
        entries += list(release_entries(corpus)) + list(filing_entries(corpus))
    entries = [Entry(number, entry.upload, entry.attachments) for number, entry in enumerate(entries, start=1)]
    # What each filing says of itself (its stamp's case number and date, its caption's court...)
    # is read as it is imported: see core/provenance.py.
    return app.import_entries(entries, progress)


def count(corpus: Path | None = None) -> int:
    """How many entries the demo holds (for a progress bar)."""
    corpus = corpus or corpus_dir()
    extra = len(list(release_entries(corpus))) + len(list(filing_entries(corpus))) if corpus else 0
    return 1 + extra


def seed_entries() -> Iterator[Entry]:
    meta = json.loads((DEMO_DATA / "seed-release.json").read_text(encoding="utf-8"))
    meta["places"] = [meta.pop("place")] if meta.get("place") else []
    meta.pop("note", None)
    yield Entry(0, Upload(DEMO_DATA / "seed-release.txt", "release.txt", meta))


def release_entries(corpus: Path) -> Iterator[Entry]:
    for path in sorted((corpus / "press-releases").glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        text = record.get("body_text") or ""
        if not text.strip():
            continue
        title = record.get("title") if record.get("title") not in (None, "None") else None
        meta = {"kind": "release", "title": title, "date": record.get("date"),
                "office": record.get("office") or record.get("agency")}
        body = f"{title}\n\n{text}" if title else text
        yield Entry(0, Upload(io.BytesIO(body.encode("utf-8")), path.stem + ".txt", meta))


def filing_entries(corpus: Path) -> Iterator[Entry]:
    with open(corpus / "manifest.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        folder, name = row["file"].rsplit("/", 1)
        if folder not in ("pdf/filings", "pdf/opinions") or name in NOT_FOR_DEMO:
            continue
        note = re.sub(r"^[A-Z-]+: ", "", row["note"].split(" | ")[0]).strip()  # drop "GARBLED-TEXT: " etc.
        meta = {"kind": "filing", "title": note or name, "doc_type": row["subtype"] or None}
        if match := CASE_NUMBER.search(note):
            meta["case_number"] = match.group(1)
        if match := COURT.match(note):
            meta["court"] = "S.D.N.Y." if match.group(1) == "SDNY" else match.group(1)
        yield Entry(0, Upload(corpus / row["file"], name, meta))
