"""The Whoosh accelerator's self-check, once per process, against Whoosh's public API.

When an index opens, the analysis of a text with capitals, accents, stop words and stems. At the
first search, on a tiny in-memory index with the real schema (three segments, one with a
deletion, a PDF, terms over several posting blocks), the matches and scores of a query of every
shape the accelerator takes, parsed as the search box parses them. Any difference, or the
accelerator declining one of them, switches it off.
"""
from __future__ import annotations

import numpy as np
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

from dossier.repository.models import Document

from . import accelerator
from .documents import whoosh_documents
from .query import UserQuery
from .schema import build_schema
from .searching import score_matches

TEXT = "The Court's NÚMERO de caso: the families were separated, of the and; 12(b)(6) U.S.C. e.g. 3.14"
QUERIES = ("court", "Court families", "court OR fraud NOT separated", "court ANDNOT families",
           '"district court" OR title:fraud', "kind:filing")
BATCHES = (
    [("r1", "release", "Court rules on fraud", ["The district court ruled on the fraud.", ""]),
     ("r2", "release", "Families reunited", ["Families were separated at the border; the court heard them."])],
    [("f1", "filing", "Complaint", ["District court complaint.", "The court of appeals.", "Fraud, fraud and court."]),
     ("gone", "release", "Deleted", ["court court district court"])],
    [(f"b{n}", "other", "Note", [" ".join(["court district"] * (n % 3 + 1))]) for n in range(7)],
)
DELETED = "gone"
_BLOCK_LIMIT = 2        # postings per block: several blocks from a few documents


def decide() -> None:
    """Whether the accelerator runs in this process (``Index.open`` calls this; it decides once)."""
    accelerator.start(_analysis_difference, _scoring_difference)


def _analysis_difference() -> str | None:
    analyzer = build_schema()["text"].analyzer
    fused = accelerator.analyse(TEXT, analyzer, list)
    if fused != [(t.text, t.pos, t.startchar) for t in analyzer(TEXT, positions=True, chars=True, mode="index")]:
        return f"its analysis of {TEXT!r} differs from Whoosh's"
    return None


def _scoring_difference() -> str | None:
    schema = build_schema()
    with _tiny_index(schema).searcher() as searcher:
        everything = np.ones(searcher.doc_count_all(), dtype=bool).tobytes()
        for text in QUERIES:
            q = UserQuery(text, schema, searcher.reader()).q
            fast = accelerator.evaluate(q, searcher, {})
            if fast is None:
                return f"it declined the query {text!r}"
            matched, _, scores = score_matches(searcher, q, everything)
            if fast[0].tolist() != matched or not np.allclose(fast[1], scores, rtol=1e-9, atol=0):
                return f"its matches or scores of {text!r} differ from Whoosh's"
    return None


def _tiny_index(schema):
    ix = RamStorage().create_index(schema)
    for n, batch in enumerate(BATCHES):
        writer = ix.writer(codec=W3Codec(blocklimit=_BLOCK_LIMIT))
        for doc_id, kind, title, pages in batch:
            for fields in whoosh_documents(_document(doc_id, kind, title, len(pages)), tuple(pages)):
                writer.add_document(**fields)
        if n == 2:
            writer.delete_by_term("id", DELETED)
        writer.commit(mergetype=writing.NO_MERGE)
    return ix


def _document(doc_id: str, kind: str, title: str, pages: int) -> Document:
    pdf = pages > 1
    return Document(id=doc_id, kind=kind, title=title, date=None, added_at="2024-01-01T00:00:00+00:00",
                    office=None, topics=(), people=(), places=(), court=None, case_number=None,
                    doc_type=None, filename=doc_id, mime="application/pdf" if pdf else "text/plain",
                    size=1, sha256="0" * 64, page_count=pages if pdf else None, text_status="extracted")
