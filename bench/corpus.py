"""A deterministic (seeded) corpus of press releases and court filings, recombined
from the real texts in the shared corpus (../shared/corpus).

    docs = list(generate(Sources.load(cache_dir), n=10_000, seed=1))
    write_manifest(docs, out_dir)          # manifest.jsonl + docs/*.txt for `dossier import`

Each GenDoc carries the contract's metadata and its text as a list of pages
(releases: one page; filings: 1-6 pages, a few long ones of 50-400 pages).
"""
from __future__ import annotations

import glob
import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PDF_TEXT_DIRS = ("pdf/filings", "pdf/opinions")

KINDS = (("release", 45), ("filing", 45), ("photo", 7), ("other", 3))
DOC_TYPES = (("complaint", 20), ("motion", 25), ("brief", 15), ("order", 20), ("letter", 8),
             ("opinion", 7), ("notice", 5))
COURTS = ("U.S. District Court for the District of New Mexico", "U.S. District Court for the Central District of California",
          "U.S. District Court for the Northern District of California", "U.S. District Court for the Southern District of New York",
          "U.S. District Court for the District of New Jersey", "U.S. District Court for the District of Arizona",
          "U.S. Court of Appeals for the Ninth Circuit", "U.S. Court of Appeals for the Eighth Circuit",
          "U.S. Court of Appeals for the Tenth Circuit", "U.S. Court of Appeals for the D.C. Circuit",
          "Supreme Court of New Mexico", "U.S. Court of Federal Claims")
TOPICS = ("immigration", "health care", "medicare", "medicaid", "opioids", "consumer protection", "environment",
          "water rights", "civil rights", "education", "veterans", "tax", "energy", "public safety", "elder abuse",
          "human trafficking", "privacy", "antitrust", "housing", "agriculture", "tribal affairs", "elections",
          "labor", "transportation", "budget", "drug pricing", "cybersecurity", "disaster relief", "firearms",
          "child welfare", "public health", "fraud", "prescription drugs", "broadband", "small business")
PLACES = ("Albuquerque, NM", "Santa Fe, NM", "Las Cruces, NM", "Sunland Park, NM", "Washington, D.C.", "Los Angeles, CA",
          "San Francisco, CA", "Phoenix, AZ", "Tucson, AZ", "El Paso, TX", "Denver, CO", "Baltimore, MD", "New York, NY",
          "Newark, NJ", "Columbia, SC", "Raleigh, NC", "Atlanta, GA", "Chicago, IL", "St. Louis, MO", "Seattle, WA",
          "Portland, OR", "Boston, MA", "Miami, FL", "Gallup, NM", "Farmington, NM", "Roswell, NM")
FIRST = ("Hector", "Maria", "John", "Linda", "Robert", "Patricia", "James", "Jennifer", "Michael", "Elizabeth",
         "David", "Susan", "Carlos", "Angela", "Thomas", "Karen", "Daniel", "Nancy", "Joseph", "Lisa", "Raul", "Deb")
LAST = ("Balderas", "Garcia", "Smith", "Johnson", "Martinez", "Brown", "Lujan", "Davis", "Lopez", "Wilson",
        "Anderson", "Thomas", "Chavez", "Moore", "Jackson", "Haaland", "Lee", "Harris", "Clark", "Torres", "Heinrich")
AG_OFFICES = ("New Mexico Office of the Attorney General", "California Department of Justice",
              "U.S. Attorney's Office for the District of New Mexico", "Arizona Attorney General",
              "U.S. Department of Justice", "Office of the Governor of New Mexico")
CASE_TYPES = (("cv", 70), ("cr", 20), ("mc", 5), ("ap", 5))

START, DAYS = date(2010, 1, 1), 15 * 365
UNDATED = 0.05
LONG_FILING_SHARE = 0.0025
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_WS_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")   # PDF debris libmagic calls binary


@dataclass
class GenDoc:
    id: str
    kind: str
    title: str
    date: str | None
    office: str | None
    topics: list[str]
    people: list[str]
    places: list[str]
    court: str | None
    case_number: str | None
    doc_type: str | None
    pages: list[str]
    paged: bool = False          # a PDF-like filing: indexed page by page

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)

    def meta(self) -> dict:
        """The manifest's document fields (empty ones left out)."""
        out = {"kind": self.kind, "title": self.title, "date": self.date, "office": self.office,
               "topics": self.topics, "people": self.people, "places": self.places, "court": self.court,
               "case_number": self.case_number, "doc_type": self.doc_type}
        return {k: v for k, v in out.items() if v not in (None, [], "")}


@dataclass
class Sources:
    release_sentences: list[str]
    filing_sentences: list[str]
    titles: list[str]
    offices: list[str]
    people: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, cache_dir: Path, shared: Path = SHARED) -> "Sources":
        release_sents, titles, offices = [], [], set(AG_OFFICES)
        for path in sorted(glob.glob(str(shared / "press-releases" / "*" / "*.json"))):
            rec = json.loads(Path(path).read_text(encoding="utf-8"))
            body = rec.get("body_text") or ""
            release_sents.extend(_sentences(body))
            if rec.get("title"):
                titles.append(_clean(rec["title"]))
            office = rec.get("office") or rec.get("agency")
            if office:
                offices.add(office)
        filing_sents = []
        for text in pdf_texts(cache_dir, shared).values():
            filing_sents.extend(_sentences(text))
        if not release_sents or not filing_sents:
            raise SystemExit(f"no source texts found under {shared}")
        people = sorted({f"{f} {l}" for f in FIRST for l in LAST})
        return cls(release_sents, filing_sents, titles, sorted(offices), people)


def pdf_texts(cache_dir: Path, shared: Path = SHARED) -> dict[str, str]:
    """Text of the real filings and opinions, extracted once with pypdf and cached."""
    cache = Path(cache_dir) / "pdf_text.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    import logging
    from pypdf import PdfReader
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    out = {}
    for sub in PDF_TEXT_DIRS:
        for path in sorted((shared / sub).glob("*.pdf")):
            try:
                text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
            except Exception:
                continue
            if len(text.split()) > 50:
                out[f"{sub}/{path.name}"] = text
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def _clean(text: str) -> str:
    return _WS_RE.sub(" ", _CONTROL_RE.sub("", text)).strip()


def _sentences(text: str) -> list[str]:
    out = []
    for s in _SENT_RE.split(_clean(text)):
        n = s.count(" ") + 1
        if 4 <= n <= 80 and sum(c.isalpha() for c in s) > len(s) * 0.6:
            out.append(s)
    return out


def _weighted(rng: random.Random, table) -> str:
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


class _Gen:
    def __init__(self, src: Sources, n: int, seed: int):
        self.src, self.n = src, n
        self.rng = random.Random(seed)
        rng = self.rng
        # Case numbers: about one for every 6 filings, so several documents share a case.
        self.cases = []
        for _ in range(max(4, n // 12)):
            div, yy = rng.randint(1, 3), rng.randint(10, 24)
            judge = "".join(rng.choices("ABCDEGHJKLMPRSTW", k=rng.choice((2, 3))))
            self.cases.append(f"{div}:{yy}-{_weighted(rng, CASE_TYPES)}-{rng.randint(1, 3000):05d}-{judge}")
        self.case_court = {c: rng.choice(COURTS) for c in self.cases}

    def words(self, sentences: list[str], target: int) -> str:
        rng, out, count = self.rng, [], 0
        while count < target:
            s = sentences[rng.randrange(len(sentences))]
            out.append(s)
            count += s.count(" ") + 1
        return " ".join(out)

    def paragraphs(self, sentences: list[str], target: int) -> str:
        text = self.words(sentences, target)
        parts = _SENT_RE.split(text)
        step = 4
        return "\n\n".join(" ".join(parts[i:i + step]) for i in range(0, len(parts), step))

    def doc(self, i: int) -> GenDoc:
        rng, src = self.rng, self.src
        kind = _weighted(rng, KINDS)
        d = None if rng.random() < UNDATED else (START + timedelta(days=rng.randrange(DAYS))).isoformat()
        topics = rng.sample(TOPICS, rng.choice((0, 1, 1, 2, 2, 3)))
        people = rng.sample(src.people, rng.choice((0, 1, 1, 2, 3)))
        places = rng.sample(PLACES, rng.choice((0, 1, 1, 2)))
        court = case = doc_type = None
        paged = False
        if kind == "filing":
            case = rng.choice(self.cases)
            court = self.case_court[case]
            doc_type = _weighted(rng, DOC_TYPES)
            office = rng.choice(AG_OFFICES)
            paged = True
            if rng.random() < LONG_FILING_SHARE * 100 / 45:
                pages = [self.words(src.filing_sentences, int(rng.gauss(200, 40))) for _ in range(rng.randint(50, 400))]
            else:
                pages = [self.paragraphs(src.filing_sentences, max(80, int(rng.gauss(150, 50))))
                         for _ in range(rng.randint(1, 5))]
            a, b = rng.choice(LAST), rng.choice(LAST)
            stem = rng.choice(("State of New Mexico", "United States", f"{rng.choice(FIRST)} {a}", f"{a} et al."))
            title = f"{doc_type.capitalize()} in {stem} v. {b} Holdings, No. {case.split(':')[1]}"
            if case and rng.random() < 0.5:
                stamp = f"Case {case} Document {rng.randint(1, 300)} Filed {rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{case[2:4]}"
                pages = [f"{stamp} Page {k + 1} of {len(pages)}\n{p}" for k, p in enumerate(pages)]
        else:
            office = rng.choice(src.offices)
            if kind == "release":
                title = rng.choice(src.titles) if src.titles and rng.random() < 0.7 else \
                    self.words(src.release_sentences, 8)[:110].rsplit(" ", 1)[0]
                pages = [self.paragraphs(src.release_sentences, max(120, int(rng.gauss(470, 150))))]
            elif kind == "photo":
                title = f"Photo: {rng.choice(src.people)} in {rng.choice(PLACES)}"
                pages = [self.words(src.release_sentences, rng.randint(15, 40))]
            else:
                title = f"Fact sheet: {rng.choice(TOPICS)} ({rng.choice(PLACES)})"
                pages = [self.paragraphs(src.release_sentences, max(150, int(rng.gauss(700, 200))))]
        return GenDoc(f"b{i:06d}", kind, title, d, office, topics, people, places, court, case, doc_type, pages, paged)


def generate(src: Sources, n: int, seed: int = 1):
    """Yield n GenDocs, always the same ones for the same (sources, n, seed)."""
    gen = _Gen(src, n, seed)
    for i in range(n):
        yield gen.doc(i)


def write_manifest(docs, out_dir: Path) -> Path:
    """manifest.jsonl + docs/<id>.txt (pages separated by blank lines) for `dossier import`."""
    out_dir = Path(out_dir)
    files = out_dir / "docs"
    files.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.jsonl"
    with open(manifest, "w", encoding="utf-8") as fh:
        for doc in docs:
            (files / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
            fh.write(json.dumps({"file": f"docs/{doc.id}.txt", **doc.meta()}) + "\n")
    return manifest


def stats(docs) -> dict:
    words = [sum(p.count(" ") + 1 for p in d.pages) for d in docs]
    kinds: dict[str, int] = {}
    for d in docs:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    return {"docs": len(docs), "words_total": sum(words), "words_mean": sum(words) / max(1, len(words)),
            "text_mb": sum(len(d.text.encode()) for d in docs) / 2**20, "kinds": kinds,
            "long_filings": sum(1 for d in docs if len(d.pages) >= 50),
            "pages_total": sum(len(d.pages) for d in docs if d.paged)}
