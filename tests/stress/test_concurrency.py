"""Several writers at once: `dossier serve` workers taking uploads while `dossier import` runs.

Every document must end up stored and searchable exactly once, none may be
lost to the index's writer lock, and readers must never see an error.
"""
from __future__ import annotations

import threading
import time
from collections import Counter

from .conftest import Server, assert_nothing_half_written, dossier, make_token, pdf_doc, rows, spawn_dossier, \
    text_doc, write_manifest

UPLOADERS = 3
PER_UPLOADER = 8
IMPORTED = 30


def test_uploads_on_several_workers_and_an_import_at_once(tmp_path):
    data = tmp_path / "data"
    token = make_token(data)
    uploads = [[text_doc(f"u{n}") if i % 4 else pdf_doc(tmp_path, f"u{n}-{i}") for i in range(PER_UPLOADER)]
               for n in range(UPLOADERS)]
    imported = [text_doc("imp") if i % 5 else pdf_doc(tmp_path, f"imp{i}") for i in range(IMPORTED)]
    manifest = write_manifest(tmp_path / "import", imported)
    shared = text_doc("both")   # uploaded by every uploader and also in a second manifest line

    server = Server(data, workers=3).start()
    try:
        statuses: list[tuple[str, int, dict]] = []
        reads: Counter = Counter()
        errors: list[str] = []
        stop = threading.Event()
        start = threading.Barrier(UPLOADERS + 1)

        def upload(docs):
            start.wait()
            for doc in [shared, *docs]:
                status, body = server.upload(token, doc, title=f"Uploaded {doc.word}")
                statuses.append((doc.word, status, body))

        def read():
            queries = ["/api/search?q=office", "/api/search?q=court&kind=filing", "/search?q=release",
                       "/api/search?sort=newest", "/feeds/releases.atom"]
            while not stop.is_set():
                for path in queries:
                    status, body = server.request("GET", path)
                    reads[status] += 1
                    if status != 200:
                        errors.append(f"{path}: {status} {body[:200]!r}")

        readers = [threading.Thread(target=read) for _ in range(2)]
        writers = [threading.Thread(target=upload, args=(docs,)) for docs in uploads]
        for thread in readers + writers:
            thread.start()
        importer = spawn_dossier(data, "import", str(manifest), stdout=__import__("subprocess").PIPE,
                                 stderr=__import__("subprocess").PIPE, text=True)
        start.wait()
        out, err = importer.communicate(timeout=240)
        for thread in writers:
            thread.join(timeout=240)
        stop.set()
        for thread in readers:
            thread.join(timeout=60)

        assert importer.returncode == 0, err
        assert "30 added" in err or "already stored" in err, err
        read_errors = list(errors)
        assert reads[200] > 10, reads
        bad = [(w, s, b) for w, s, b in statuses if s not in (200, 201)]
        assert not bad, bad[:3]
        assert len(statuses) == UPLOADERS * (PER_UPLOADER + 1)

        # The same bytes from several clients at once: one document, created exactly once.
        shared_answers = [(s, b) for w, s, b in statuses if w == shared.word]
        assert sorted(s for s, _ in shared_answers) == [200] * (UPLOADERS - 1) + [201]
        assert len({b["id"] for _, b in shared_answers}) == 1

        # Searchable exactly once, through the running server (no catch-up has run since).
        everything = [doc for docs in uploads for doc in docs] + imported + [shared]
        for doc in everything:
            assert len(server.hits(doc.word)) == 1, doc.name
        table = rows(data)
        assert len(table) == len(everything) and all(row["indexed"] for row in table)
        assert {row["sha256"] for row in table} == {doc.sha256 for doc in everything}
    finally:
        server.stop()
    assert_nothing_half_written(data)
    checked = dossier(data, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not read_errors, (read_errors[:5], server.errors()[-3000:])


def test_same_file_uploaded_by_two_clients_at_once_is_one_document(tmp_path):
    data = tmp_path / "data"
    token = make_token(data)
    server = Server(data, workers=2).start()
    try:
        for _ in range(3):
            doc = pdf_doc(tmp_path, "twice")
            answers = []
            barrier = threading.Barrier(2)

            def send():
                barrier.wait()
                answers.append(server.upload(token, doc, title="Twice"))

            threads = [threading.Thread(target=send) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert sorted(status for status, _ in answers) == [200, 201], answers
            assert answers[0][1]["id"] == answers[1][1]["id"]
            assert [a[1]["duplicate"] for a in sorted(answers, key=lambda a: a[0])] == [True, False]
            assert server.hits(doc.word) == [answers[0][1]["id"]]
        assert len(rows(data)) == 3
    finally:
        server.stop()
