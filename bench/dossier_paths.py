"""Dossier's real paths: `dossier import` of the generated manifest, search
through `Index.search`, upload-to-searchable through `Intake.add`, `dossier
reindex`, and `dossier import` of the real PDFs (extraction on every core)."""
from __future__ import annotations

import os
import random
import string
import time
from pathlib import Path

from .procs import dossier_cmd, run_measured
from .queries import BenchQuery
from .timing import Latencies, dir_size_mb


def search_query(q: BenchQuery):
    from dossier.indexer.search import SearchQuery
    return SearchQuery(text=q.text, filters={k: [v] for k, v in q.filters.items()}, sort=q.sort,
                       page=q.page, per_page=q.per_page, date_from=q.date_from, date_to=q.date_to)


def import_manifest(manifest: Path, data_dir: Path, text_mb: float, n_docs: int, log: Path) -> dict:
    res = run_measured(dossier_cmd(data_dir, "import", str(manifest)), log)
    res.update(docs=n_docs, docs_per_s=n_docs / res["seconds"], text_mb_per_s=text_mb / res["seconds"],
               index_mb=dir_size_mb(data_dir / "index"), data_mb=dir_size_mb(data_dir))
    return res


def reindex(data_dir: Path, n_docs: int, log: Path) -> dict:
    res = run_measured(dossier_cmd(data_dir, "reindex"), log)
    res.update(docs_per_s=n_docs / res["seconds"], index_mb=dir_size_mb(data_dir / "index"))
    return res


def import_real_pdfs(pdfs: list[Path], work: Path, pages: int, log: Path) -> dict:
    """`dossier import FOLDER` over the real PDFs (symlinked), pages/s of the whole import."""
    folder = work / "real-pdfs"
    folder.mkdir(parents=True, exist_ok=True)
    for p in pdfs:
        link = folder / p.name
        if not link.exists():
            link.symlink_to(p)
    res = run_measured(dossier_cmd(work / "data-pdfs", "import", str(folder)), log)
    res.update(files=len(pdfs), pages=pages, pages_per_s=pages / res["seconds"])
    return res


class Searcher:
    """Index.search on the imported data folder (one Index, reused, as the server does)."""

    def __init__(self, data_dir: Path):
        from dossier.core.settings import load_config
        from dossier.indexer.index import Index
        # The server's own cache setting (DOSSIER_POSTINGS_CACHE_MB=0 measures searches from disk)
        self.index = Index.open(data_dir / "index", postings_cache_mb=load_config().postings_cache_mb)
        if self.index.needs_rebuild:      # written by another schema version: it opened empty
            self.index.close()
            raise SystemExit(f"the index in {data_dir} needs a rebuild: dossier --data {data_dir} reindex")

    def run(self, q: BenchQuery):
        res = self.index.search(search_query(q))
        return res.total, [(h.id, h.snippet) for h in res.hits], res.facets

    def close(self):
        self.index.close()


def make_pdf(path: Path, pages: int, token: str, seed: int = 1) -> None:
    from fpdf import FPDF
    rng = random.Random(seed)
    words = ("court", "motion", "plaintiff", "defendant", "order", "health", "release", "district", "state",
             "counsel", "evidence", "record", "judgment", "appeal", "claim", "section", "federal", "agency")
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for n in range(pages):
        pdf.add_page()
        body = " ".join(rng.choice(words) for _ in range(350))
        if n == pages // 2:
            body += f" {token}"
        pdf.multi_cell(0, 5, body)
    pdf.output(str(path))


def upload_to_searchable(data_dir: Path, work: Path, pages: int = 50) -> dict:
    """One Dossier.add of a generated PDF, until Index.search finds its unique word."""
    from dossier.core import Dossier, SearchQuery, Upload, load_config

    token = "zq" + "".join(random.Random(time.time_ns()).choices(string.ascii_lowercase, k=10))
    pdf = work / f"upload-{pages}p.pdf"
    make_pdf(pdf, pages, token)
    services = Dossier(load_config({"data_dir": data_dir}))
    try:
        t0 = time.perf_counter()
        main, _ = services.add(Upload(pdf, pdf.name, {"kind": "filing", "title": f"Bench upload {token}"}))
        ack = time.perf_counter() - t0
        while services.index.search(SearchQuery(text=token)).total < 1:
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("upload never became searchable")
            time.sleep(0.01)
        found = time.perf_counter() - t0
        return {"pages": pages, "bytes": os.path.getsize(pdf), "ack_s": ack, "searchable_s": found,
                "doc_id": main.document.id, "text_status": main.document.text_status}
    finally:
        services.close()


def time_engine(engine, log: list[BenchQuery], rounds: int) -> dict[str, Latencies]:
    """Latencies per query class; one warm-up pass first (not counted)."""
    for q in log:
        engine.run(q)
    out: dict[str, Latencies] = {}
    for _ in range(rounds):
        for q in log:
            t0 = time.perf_counter()
            engine.run(q)
            out.setdefault(q.cls, Latencies()).add(time.perf_counter() - t0)
            out.setdefault("all", Latencies()).add(time.perf_counter() - t0)
    return out
