"""The fixed query log every engine runs (Dossier, bare Whoosh, FTS5, tantivy).

Query text uses syntax the three engines read alike: single words, `a AND b`,
"quoted phrases". Every query asks for what a Dossier search returns: the total,
a top-10 page (highlighted), and counts for every facet; filters are exact facet
values (one value each) and an optional inclusive date range.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

FACETS = ("kind", "year", "office", "topic", "court", "case_number", "doc_type", "person", "place")
MULTI = {"topic": "topics", "person": "people", "place": "places"}


@dataclass(frozen=True)
class BenchQuery:
    cls: str                      # query class, the unit of the tables
    text: str                     # "" lists everything
    filters: dict = field(default_factory=dict)     # facet -> one value
    sort: str = "relevance"       # relevance | newest
    page: int = 1
    per_page: int = 10
    date_from: str | None = None
    date_to: str | None = None

    @property
    def label(self) -> str:
        parts = [self.text or "*"] + [f"{k}={v}" for k, v in self.filters.items()]
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from}..{self.date_to}")
        if self.page > 1:
            parts.append(f"page {self.page}")
        return " ".join(parts)


CLASSES = ("single", "and", "phrase", "filter", "faceted", "highlight", "deep", "date_range", "misspelling")


def facet_values(doc, name: str) -> list[str]:
    """A generated document's values of one facet (year: YYYY or 'unknown')."""
    if name == "year":
        return [doc.date[:4] if doc.date else "unknown"]
    if name in MULTI:
        return list(getattr(doc, MULTI[name]))
    value = getattr(doc, name)
    return [value] if value else []


def build(docs) -> list[BenchQuery]:
    """The log, with filter values taken from the corpus (the same for a given seed)."""
    offices = Counter(d.office for d in docs if d.kind == "release" and d.office)
    cases = Counter(d.case_number for d in docs if d.case_number)
    office = offices.most_common(1)[0][0]
    case = cases.most_common(1)[0][0]
    Q = BenchQuery
    return [
        Q("single", "health"), Q("single", "court"), Q("single", "immigration"), Q("single", "medicare"),
        Q("single", "defendant"), Q("single", "vaccine"),
        Q("and", "health AND insurance"), Q("and", "court AND immigration"), Q("and", "motion AND dismiss"),
        Q("and", "drug AND prices AND medicare"),
        Q("phrase", '"district court"'), Q("phrase", '"health care"'), Q("phrase", '"motion to dismiss"'),
        Q("phrase", '"united states"'), Q("phrase", '"public health emergency"'),
        Q("filter", "court", {"kind": "filing"}), Q("filter", "health", {"office": office}),
        Q("filter", "", {"case_number": case}), Q("filter", "plaintiff", {"doc_type": "order"}),
        Q("faceted", "", sort="newest"), Q("faceted", "health", {"kind": "release", "year": "2018"}),
        Q("faceted", "", {"topic": "immigration", "place": "Albuquerque, NM"}, sort="newest"),
        Q("highlight", "department"), Q("highlight", "state"), Q("highlight", "said"),
        Q("deep", "court", page=50), Q("deep", "", sort="newest", page=50),
        Q("date_range", "health", date_from="2015-01-01", date_to="2016-12-31"),
        Q("date_range", "", sort="newest", date_from="2020-01-01", date_to="2020-06-30"),
        Q("misspelling", "helth"), Q("misspelling", "imigration"), Q("misspelling", "medicaire"),
    ]
