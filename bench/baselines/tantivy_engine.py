"""tantivy (Rust, via tantivy-py; a reference, not a project dependency):
title/text/meta with the en_stem tokenizer, facets as raw fast text fields
counted with a terms aggregation, highlights from SnippetGenerator."""
from __future__ import annotations

from pathlib import Path

from ..queries import FACETS, MULTI, BenchQuery, facet_values

try:
    import tantivy
except ImportError:          # optional: the suite notes it and goes on
    tantivy = None

STORED_CHARS = 100_000


def available() -> bool:
    return tantivy is not None


def version() -> str | None:
    if tantivy is None:
        return None
    from importlib.metadata import version as v
    return v("tantivy")


class Engine:
    name = "tantivy"

    def __init__(self, index):
        self.index = index
        index.reload()
        self.searcher = index.searcher()
        self.schema = index.schema
        self.agg = {n: {"terms": {"field": n, "size": 10_000}} for n in FACETS}

    def _query(self, q: BenchQuery):
        T = tantivy
        clauses = []
        if q.text:
            clauses.append((T.Occur.Must, self.index.parse_query(q.text, ["title", "text", "meta"],
                                                                 field_boosts={"title": 2.5},
                                                                 conjunction_by_default=True)))
        for name, value in q.filters.items():
            clauses.append((T.Occur.Must, T.Query.term_query(self.schema, name, value)))
        if q.date_from or q.date_to:
            lo = int(q.date_from.replace("-", "")) if q.date_from else 1
            hi = int(q.date_to.replace("-", "")) if q.date_to else None
            clauses.append((T.Occur.Must, T.Query.range_query(self.schema, "date_num", T.FieldType.Integer, lo, hi)))
        if not clauses:
            return T.Query.all_query()
        return clauses[0][1] if len(clauses) == 1 else T.Query.boolean_query(clauses)

    def run(self, q: BenchQuery):
        s = self.searcher
        tq = self._query(q)
        offset = (q.page - 1) * q.per_page
        if q.text and q.sort == "relevance":
            res = s.search(tq, q.per_page, count=True, offset=offset)
        else:
            res = s.search(tq, q.per_page, count=True, order_by_field="date_num", offset=offset)
        aggs = s.aggregate(tq, self.agg)
        counts = {n: [(b["key"], b["doc_count"]) for b in aggs[n]["buckets"]] for n in FACETS}
        gen = tantivy.SnippetGenerator.create(s, tq, self.schema, "text") if q.text else None
        if gen is not None:
            gen.set_max_num_chars(240)
        hits = []
        for _, addr in res.hits:
            doc = s.doc(addr)
            snip = gen.snippet_from_doc(doc).to_html() if gen else doc["text"][0][:240]
            hits.append((doc["id"][0], snip))
        return res.count, hits, counts

    def close(self):
        pass


def open_existing(directory: Path) -> Engine:
    return Engine(tantivy.Index.open(str(directory)))


def build(docs, directory: Path) -> Engine:
    T = tantivy
    directory.mkdir(parents=True, exist_ok=True)
    sb = T.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("text", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("meta", tokenizer_name="en_stem")
    sb.add_integer_field("date_num", fast=True, indexed=True)
    for n in FACETS:
        sb.add_text_field(n, fast=True, tokenizer_name="raw")
    schema = sb.build()
    index = T.Index(schema, path=str(directory))
    writer = index.writer(heap_size=256 * 2**20)
    for doc in docs:
        meta = "\n".join(v for v in (doc.office, doc.court, doc.case_number, doc.doc_type,
                                     *doc.topics, *doc.people, *doc.places) if v)
        fields = {"id": doc.id, "title": doc.title, "text": doc.text[:STORED_CHARS], "meta": meta,
                  "date_num": int(doc.date.replace("-", "")) if doc.date else 0}
        for n in FACETS:
            values = facet_values(doc, n)
            if values:
                fields[n] = values
        tdoc = T.Document(**fields)
        if len(doc.text) > STORED_CHARS:        # index it all; store (for snippets) the capped text
            pass
        writer.add_document(tdoc)
    writer.commit()
    writer.wait_merging_threads()
    return Engine(index)
