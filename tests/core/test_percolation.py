"""Alerts match a publication exactly as the public search finds it: for saved searches of every
shape (words, phrases, OR, NOT, fields, wildcards, fuzzy terms, related:, filters, dates), the
pairs put in the outbox are those the search finds among the new documents, over two
publications (the second in a process started afresh, from the searches the first kept, or with
that file damaged), and a draft never matches."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from dossier.core import Config, Dossier, Release, Upload
from dossier.indexer.search import SearchQuery

LATER = "9999-01-01T00:00:00+00:00"
AG, CPD = "Office of the Attorney General", "Consumer Protection Division"

STORED = [
    ("Aquifer pipeline ruling", "The court ruled the pipeline may not cross the aquifer. Water rights of the "
     "tribal nation were upheld.", AG, "2019-03-04"),
    ("Price gouging settlement", "A settlement with three pharmacies over price gouging during the storm.", CPD,
     "2021-07-01"),
    ("Elder abuse charges", "Charges were filed in an elder abuse scheme that targeted tenants.", AG, "2022-01-10"),
    ("Demanda por fraude", "La fiscalía presentó una demanda por fraude contra la empresa de inmigración.", AG,
     "2023-05-05"),
]
# Published in two rounds after the alerts exist: (title, text, office, date), and one draft.
FIRST = [
    ("Water rights decision", "The court held that the water rights of the county come before the "
     "pipeline. Rights water, in that order, is not the phrase.", AG, "2026-11-30"),
    ("Consumer fraud lawsuit", "A lawsuit against a charity scam that took money from elders; no settlement.",
     CPD, "2026-12-01"),
]
SECOND = [
    ("Aquifers and pipelines", "Separated families near the aquifers sued the pipeline company. Inmigración y "
     "fraude.", AG, "2026-12-01"),
    ("Sentencing in wage theft case", "The defendant was sentenced for wage theft from tenants.", CPD,
     "2018-02-02"),
]
DRAFT = ("Aquifer draft", "The aquifer pipeline water rights fraud draft, never public.", AG, "2026-12-01")

SEARCHES = [
    {"q": "aquifer"},
    {"q": "water rights"},
    {"q": "\"water rights\""},
    {"q": "\"rights county\""},                     # stop words between: still next to each other
    {"q": "\"rights water\""},
    {"q": "\"pipeline court\""},                    # both words, never side by side
    {"q": "pipeline OR settlement"},
    {"q": "pipeline NOT aquifer"},
    {"q": "court ANDNOT county"},
    {"q": "NOT pipeline"},
    {"q": "title:aquifer"},
    {"q": "title:fraud"},
    {"q": "office:\"consumer protection division\""},
    {"q": "pipel*"},
    {"q": "aquif* NOT court"},
    {"q": "sep*ted"},
    {"q": "aquifr~"},
    {"q": "lawsiut~ OR aquifer"},
    {"q": "inmigracion"},
    {"q": "fraude"},
    {"q": "the"},
    {"q": "(water OR wage) AND (county OR tenants)"},
    {"q": "\"water rights"},                        # mended: the quote closed
    {"q": "title:"},                                # mended: nothing left, every document
    {"q": ""},
    {"q": "*"},
    {"q": "date:[2026-01-01 TO 2026-12-31]"},
    {"q": "\"water court\"~5"},
    {"q": "words:\"water rights\""},                # the search fails: no positions there
    {"q": "related:{aquifer}"},
    {"q": "related:{gouging}"},
    {"q": "related:nosuchdoc"},
    {"q": "court", "filters": {"office": [AG]}},
    {"q": "court", "filters": {"office": ["consumer protection division"]}},
    {"q": "tenants", "filters": {"kind": ["release"]}},
    {"q": "pipeline", "from": "2026-12-01"},
    {"q": "", "to": "2020-01-01"},
    {"q": "wage", "from": "2018-01-01", "to": "2018-12-31"},
    {"q": "water", "filters": {"office": [CPD]}, "from": "2026-01-01"},
]


KEPT = "saved-searches.pickle"


def opened(tmp_path) -> Dossier:
    clock = lambda: dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.timezone.utc)   # noqa: E731
    return Dossier(Config(data_dir=tmp_path / "data", extract_workers=1, smtp_host="127.0.0.1"), clock=clock)


def add(app, title, text, office, date, release=None):
    added = app.add_text(text, {"title": title, "date": date, "office": office},
                         [Upload(io.BytesIO(f"Exhibit to {title}: {text}".encode()), "exhibit.txt", {"kind": "filing"})],
                         release=release)
    return [added.main.document.id, added.attachments[0].document.id]


def found_by_search(app, search: dict, ids: list[str]) -> set[str]:
    q = SearchQuery(text=search.get("q") or "", filters=search.get("filters") or {}, date_from=search.get("from"),
                    date_to=search.get("to"), per_page=100, as_typed=True)
    try:
        hits = app.search(q).hits
    except Exception:
        return set()        # what the search refuses finds nothing
    return {h.id for h in hits} & set(ids)


def outbox(app) -> set[tuple[int, str]]:
    return {(p.alert_id, p.document_id) for p in app.repo.alerts.due(LATER, limit=10_000)}


def follow(app, stored: dict[str, str]) -> dict[int, dict]:
    alerts = {}
    for n, search in enumerate(SEARCHES):
        search = dict(search, q=search["q"].format(**stored))
        alert = app.subscribe(f"reporter{n}@paper.example", search)
        alerts[app.confirm_alert(alert.confirm_token).id] = search
    return alerts


@pytest.mark.parametrize("kept", ["as written", "damaged"])
def test_alerts_match_exactly_what_the_search_finds(tmp_path, kept):
    app = opened(tmp_path)
    try:
        stored = {}
        for title, text, office, date in STORED:
            ids = add(app, title, text, office, date)
            stored[title.split()[0].lower()] = ids[0]
            stored[title.split()[1].lower()] = ids[0]
        alerts = follow(app, stored)
        expected: set[tuple[int, str]] = set()
        draft = add(app, *DRAFT, release=Release("draft"))
        for round_ in (FIRST, SECOND):
            new = [i for doc in round_ for i in add(app, *doc)]
            for alert_id, search in alerts.items():
                expected |= {(alert_id, doc_id) for doc_id in found_by_search(app, search, new)}
            assert outbox(app) == expected
            app.close()
            files = list(tmp_path.rglob(KEPT))
            assert len(files) == 1
            if kept == "damaged":
                files[0].write_bytes(b"not what was kept")
            app = opened(tmp_path)
        assert not {doc_id for _, doc_id in outbox(app)} & set(draft)
    finally:
        app.close()
    # The searches tell documents apart: many pairs, but far from every one, and many searches
    # match while some never do.
    matched = {alert_id for alert_id, _ in expected}
    assert 40 < len(expected) < len(alerts) * 8 / 2
    assert len(alerts) / 2 < len(matched) < len(alerts)


def test_a_saved_search_that_can_no_longer_run_does_not_stop_the_others(tmp_path):
    app = opened(tmp_path)
    try:
        ids = add(app, *FIRST[0])
        stale = SearchQuery(text="water", filters={"renamed_facet": ("x",)})     # a facet since renamed
        found = app.index.percolate([stale, SearchQuery(text="water"), stale], ids)
        assert [sorted(f) for f in found] == [[], sorted(ids), []]
    finally:
        app.close()
