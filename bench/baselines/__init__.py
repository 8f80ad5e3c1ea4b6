"""Reference engines over the same documents and query log.

Each engine module offers ``build(docs, dir) -> Engine`` where Engine has
``run(BenchQuery) -> (total, hits)`` (hits: top-page (id, snippet) pairs; facet
counts computed every time) and ``close()``. ``extraction`` measures PDF text
extractors instead.
"""
