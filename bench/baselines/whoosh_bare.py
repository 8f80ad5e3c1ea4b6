"""Bare Whoosh: the same fields as Dossier's schema, no Dossier around it, used
as a careful user would: one searcher reused, facets counted with Whoosh's own
``groupedby`` over sortable columns, highlights from a stored text capped like
Dossier's, a spelling correction only when there are few hits."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from whoosh import analysis, fields, highlight, index, qparser, query, sorting
from whoosh.support.charset import accent_map

from ..queries import FACETS, MULTI, BenchQuery, facet_values

STORED_CHARS = 100_000
SINGLE = [f for f in FACETS if f not in MULTI]


def schema() -> fields.Schema:
    ana = (analysis.RegexTokenizer() | analysis.LowercaseFilter() | analysis.CharsetFilter(accent_map)
           | analysis.StopFilter(minsize=1) | analysis.StemFilter())
    facet = {name: fields.ID(sortable=True) for name in SINGLE}
    multi = {name: fields.KEYWORD(commas=True, lowercase=False, sortable=False) for name in MULTI}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True), title=fields.TEXT(analyzer=ana, stored=True),
        text=fields.TEXT(analyzer=ana), body=fields.STORED(), meta=fields.TEXT(analyzer=ana),
        words=fields.TEXT(analyzer=analysis.RegexTokenizer() | analysis.LowercaseFilter(), phrase=False),
        date=fields.DATETIME(), date_num=fields.NUMERIC(sortable=True, bits=32),
        **facet, **multi)


def whoosh_fields(doc) -> dict:
    text = doc.text
    meta = "\n".join(v for v in (doc.office, doc.court, doc.case_number, doc.doc_type,
                                 *doc.topics, *doc.people, *doc.places) if v)
    out = {"id": doc.id, "title": doc.title, "text": text, "body": text[:STORED_CHARS], "meta": meta,
           "words": f"{doc.title}\n{text}", "date_num": int(doc.date.replace("-", "")) if doc.date else 0}
    if doc.date:
        out["date"] = datetime.strptime(doc.date, "%Y-%m-%d")
    for name in FACETS:
        values = facet_values(doc, name)
        if values:
            out[name] = ",".join(v.replace(",", " ") for v in values) if name in MULTI else values[0]
    return out


class Engine:
    name = "whoosh"

    def __init__(self, ix):
        self.ix = ix
        self.searcher = ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "text", "meta"], ix.schema,
                                               fieldboosts={"title": 2.5}, group=qparser.AndGroup)
        self.facets = sorting.Facets()
        for name in SINGLE:
            self.facets.add_field(name, maptype=sorting.Count)
        for name in MULTI:
            self.facets.add_field(name, allow_overlap=True, maptype=sorting.Count)

    def _filter(self, q: BenchQuery):
        clauses = []
        for name, value in q.filters.items():
            clauses.append(query.Term(name, value.replace(",", " ") if name in MULTI else value))
        if q.date_from or q.date_to:
            lo = int(q.date_from.replace("-", "")) if q.date_from else None
            hi = int(q.date_to.replace("-", "")) if q.date_to else None
            clauses.append(query.NumericRange("date_num", lo, hi))
        return query.And(clauses) if clauses else None

    def run(self, q: BenchQuery):
        s = self.searcher
        uq = self.parser.parse(q.text) if q.text else query.Every()
        sortedby = None if (q.text and q.sort == "relevance") else sorting.FieldFacet("date_num", reverse=True)
        results = s.search_page(uq, q.page, pagelen=q.per_page, filter=self._filter(q),
                                sortedby=sortedby, groupedby=self.facets, terms=bool(q.text))
        counts = {name: sorted(results.results.groups(name).items(), key=lambda kv: -kv[1]) for name in FACETS}
        results.results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.results.fragmenter.charlimit = STORED_CHARS
        hits = []
        for hit in results:
            snip = hit.highlights("text", text=hit["body"]) if q.text else hit["body"][:240]
            hits.append((hit["id"], snip))
        total = results.total
        if q.text and total < 3:
            s.correct_query(self.parser.parse(q.text.replace("AND", "")), q.text)
        return total, hits, counts

    def close(self):
        self.searcher.close()


def open_existing(directory: Path) -> Engine:
    return Engine(index.open_dir(str(directory)))


def build(docs, directory: Path, procs: int = 1) -> Engine:
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), schema())
    kwargs = {"procs": procs, "limitmb": 128, "multisegment": True} if procs > 1 else {"limitmb": 128}
    writer = ix.writer(**kwargs)
    for doc in docs:
        writer.add_document(**whoosh_fields(doc))
    writer.commit()
    return Engine(index.open_dir(str(directory)))
