"""SQLite FTS5 (stdlib sqlite3): one FTS5 table over title/text/meta (porter,
diacritics folded), a documents table for single-valued facets and a values
table for multi-valued ones. Facet counts are GROUP BYs over the matching rowids
(kept in a temp table per query); highlights from snippet()."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..queries import FACETS, MULTI, BenchQuery, facet_values

SINGLE = [f for f in FACETS if f not in MULTI]


def available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        return True
    except sqlite3.OperationalError:
        return False


class Engine:
    name = "fts5"

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        db.execute("CREATE TEMP TABLE m(rowid INTEGER PRIMARY KEY, rank REAL, date_num INTEGER)")

    def _where(self, q: BenchQuery):
        sql, args = [], []
        for name, value in q.filters.items():
            if name in MULTI:
                sql.append("d.rowid IN (SELECT rowid FROM doc_values WHERE facet = ? AND value = ?)")
                args += [name, value]
            else:
                sql.append(f"d.{name} = ?")
                args.append(value)
        if q.date_from:
            sql.append("d.date_num >= ?")
            args.append(int(q.date_from.replace("-", "")))
        if q.date_to:
            sql.append("d.date_num BETWEEN 1 AND ?")
            args.append(int(q.date_to.replace("-", "")))
        return sql, args

    def run(self, q: BenchQuery):
        db = self.db
        db.execute("DELETE FROM m")
        where, args = self._where(q)
        if q.text:
            sql = ("INSERT INTO m SELECT f.rowid, f.rank, d.date_num FROM fts f JOIN docs d ON d.rowid = f.rowid "
                   "WHERE fts MATCH ?")
            args = [q.text] + args
        else:
            sql = "INSERT INTO m SELECT d.rowid, 0, d.date_num FROM docs d WHERE 1"
        db.execute(sql + "".join(f" AND {w}" for w in where), args)
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        counts = {}
        for name in SINGLE:
            counts[name] = db.execute(f"SELECT d.{name}, count(*) FROM m JOIN docs d ON d.rowid = m.rowid "
                                      f"WHERE d.{name} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC").fetchall()
        for name in MULTI:
            counts[name] = db.execute("SELECT v.value, count(*) FROM m JOIN doc_values v ON v.rowid = m.rowid "
                                      "WHERE v.facet = ? GROUP BY 1 ORDER BY 2 DESC", (name,)).fetchall()
        order = "rank" if (q.text and q.sort == "relevance") else "date_num DESC"
        top = [r for (r,) in db.execute(f"SELECT rowid FROM m ORDER BY {order} LIMIT ? OFFSET ?",
                                        (q.per_page, (q.page - 1) * q.per_page))]
        hits = []
        if top:
            marks = ",".join("?" * len(top))
            if q.text:
                rows = dict(db.execute(
                    f"SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 40) FROM fts "
                    f"WHERE fts MATCH ? AND rowid IN ({marks})", [q.text, *top]))
            else:
                rows = dict(db.execute(f"SELECT rowid, substr(text, 1, 240) FROM fts WHERE rowid IN ({marks})", top))
            ids = dict(db.execute(f"SELECT rowid, id FROM docs WHERE rowid IN ({marks})", top))
            hits = [(ids[r], rows.get(r, "")) for r in top]
        return total, hits, counts

    def close(self):
        self.db.close()


def open_existing(directory: Path) -> Engine:
    return Engine(sqlite3.connect(str(directory / "fts.db"), isolation_level=None))


def build(docs, directory: Path) -> Engine:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "fts.db"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, date_num INTEGER, "
               + ", ".join(f"{n} TEXT" for n in SINGLE) + ")")
    db.execute("CREATE TABLE doc_values(rowid INTEGER, facet TEXT, value TEXT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, text, meta, "
               "tokenize = 'porter unicode61 remove_diacritics 2')")
    db.execute("BEGIN")
    for rowid, doc in enumerate(docs, start=1):
        single = [(facet_values(doc, n) or [None])[0] for n in SINGLE]
        db.execute(f"INSERT INTO docs VALUES (?, ?, ?, {', '.join('?' * len(SINGLE))})",
                   [rowid, doc.id, int(doc.date.replace("-", "")) if doc.date else 0, *single])
        db.executemany("INSERT INTO doc_values VALUES (?, ?, ?)",
                       [(rowid, n, v) for n in MULTI for v in facet_values(doc, n)])
        meta = "\n".join(v for v in (doc.office, doc.court, doc.case_number, doc.doc_type,
                                     *doc.topics, *doc.people, *doc.places) if v)
        db.execute("INSERT INTO fts(rowid, title, text, meta) VALUES (?, ?, ?, ?)", (rowid, doc.title, doc.text, meta))
    db.execute("CREATE INDEX values_rowid ON doc_values(rowid, facet)")
    db.execute("CREATE INDEX values_facet ON doc_values(facet, value)")
    for n in SINGLE:
        db.execute(f"CREATE INDEX docs_{n} ON docs({n})")
    db.execute("COMMIT")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    return Engine(db)
