"""Index lifecycle: add/replace/delete, schema version, atomic batches, writer lock."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from dossier.indexer.errors import IndexLocked
from dossier.indexer.index import VERSION_FILE, Index
from dossier.indexer.schema import SCHEMA_VERSION
from dossier.indexer.search import SearchQuery
from dossier.repository.models import Document


def make_doc(doc_id: str, **changes) -> Document:
    values = dict(
        id=doc_id, kind="release", title=f"Title of {doc_id}", date="2018-06-18",
        added_at="2024-01-01T00:00:00+00:00", office="U.S. Attorney's Office", topics=(), people=(),
        places=(), court=None, case_number=None, doc_type=None, filename=f"{doc_id}.txt",
        mime="text/plain", size=1, sha256="0" * 64, page_count=None, text_status="extracted",
    )
    values.update(changes)
    return Document(**values)


@pytest.fixture
def index(tmp_path):
    ix = Index.open(tmp_path / "index", writer_timeout=5)
    yield ix
    ix.close()


def total(ix: Index, text: str = "") -> int:
    return ix.search(SearchQuery(text=text)).total


def test_open_creates_missing_index_and_records_version(tmp_path):
    ix = Index.open(tmp_path / "new")
    try:
        assert ix.doc_ids() == set()
        assert (tmp_path / "new" / VERSION_FILE).read_text().strip() == str(SCHEMA_VERSION)
    finally:
        ix.close()
    again = Index.open(tmp_path / "new")
    try:
        assert again.needs_rebuild is False
    finally:
        again.close()


def test_add_then_doc_ids_and_search(index):
    index.add([(make_doc("a"), ["alpha text"]), (make_doc("b"), ["beta text"])])
    assert index.doc_ids() == {"a", "b"}
    assert total(index, "alpha") == 1
    assert total(index, "text") == 2


def test_add_replaces_existing_document(index):
    pdf = make_doc("a", page_count=2, mime="application/pdf")
    index.add([(pdf, ["old words page one", "old words page two"])])
    index.add([(pdf.with_changes(title="New title", page_count=1), ["fresh words"])])
    assert index.doc_ids() == {"a"}
    assert total(index) == 1
    assert total(index, "old") == 0
    result = index.search(SearchQuery(text="fresh"))
    assert [(h.id, h.title, h.pages) for h in result.hits] == [("a", "New title", (1,))]


def test_same_id_twice_in_one_batch_keeps_the_last(index):
    index.add([(make_doc("a"), ["first"]), (make_doc("a"), ["second"])])
    assert total(index) == 1
    assert total(index, "first") == 0 and total(index, "second") == 1


def test_delete_removes_document_and_its_pages(index):
    index.add([(make_doc("a", page_count=2), ["apple one", "apple two"]), (make_doc("b"), ["apple"])])
    index.delete(["a", "missing"])
    assert index.doc_ids() == {"b"}
    result = index.search(SearchQuery(text="apple"))
    assert [h.id for h in result.hits] == ["b"]


def test_deleted_document_in_add_is_removed(index):
    index.add([(make_doc("a"), ["text"])])
    index.add([(make_doc("a", deleted=True), ["text"])])
    assert index.doc_ids() == set()


def test_clear_empties_the_index(index):
    index.add([(make_doc("a"), ["text"]), (make_doc("b"), ["text"])])
    index.clear()
    assert index.doc_ids() == set()
    assert total(index) == 0
    index.add([(make_doc("c"), ["text"])])
    assert index.doc_ids() == {"c"}


def test_images_without_text_are_indexed_by_metadata(index):
    photo = make_doc("p", kind="photo", title="Border crossing at dawn", mime="image/jpeg",
                     people=("Jane Roe",), text_status="not_applicable")
    index.add([(photo, ())])
    assert [h.id for h in index.search(SearchQuery(text="crossing")).hits] == ["p"]
    assert [h.id for h in index.search(SearchQuery(text='"Jane Roe"')).hits] == ["p"]


def test_version_mismatch_recreates_empty_and_flags_rebuild(tmp_path):
    path = tmp_path / "index"
    ix = Index.open(path)
    ix.add([(make_doc("a"), ["text"])])
    ix.close()
    (path / VERSION_FILE).write_text("0\n")
    ix = Index.open(path)
    try:
        assert ix.needs_rebuild is True
        assert ix.doc_ids() == set()
        assert (path / VERSION_FILE).read_text().strip() == str(SCHEMA_VERSION)
    finally:
        ix.close()


@pytest.mark.parametrize("bad_pages", ["a plain string", [b"bytes"], ["ok", 3], None])
def test_failed_batch_leaves_index_unchanged(index, bad_pages):
    index.add([(make_doc("keep"), ["kept text"])])
    with pytest.raises(TypeError):
        index.add([(make_doc("new1"), ["new text"]), (make_doc("keep"), ["replaced"]),
                   (make_doc("bad"), bad_pages)])
    assert index.doc_ids() == {"keep"}
    assert total(index, "kept") == 1 and total(index, "new") == 0
    index.add([(make_doc("after"), ["later"])])          # the writer was released
    assert index.doc_ids() == {"keep", "after"}


def test_invalid_date_fails_the_whole_batch(index):
    from dossier.indexer.errors import Unindexable

    with pytest.raises(Unindexable, match="b: .*YYYY-MM-DD"):
        index.add([(make_doc("a"), ["text"]), (make_doc("b", date="18/06/2018"), ["text"])])
    assert index.doc_ids() == set()


HOLD_WRITER = textwrap.dedent("""
    import sys, time
    from whoosh import index
    ix = index.open_dir(sys.argv[1], indexname="MAIN")
    w = ix.writer()
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    w.cancel()
""")


def _hold_writer(path: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_writer_held_by_another_process_times_out(tmp_path):
    path = tmp_path / "index"
    ix = Index.open(path, writer_timeout=0.3)
    proc = _hold_writer(path, 5)
    try:
        started = time.monotonic()
        with pytest.raises(IndexLocked):
            ix.add([(make_doc("a"), ["text"])])
        assert 0.25 <= time.monotonic() - started < 3
        assert ix.doc_ids() == set()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        ix.close()


def test_writer_waits_for_another_process_then_succeeds(tmp_path):
    path = tmp_path / "index"
    ix = Index.open(path, writer_timeout=20)
    proc = _hold_writer(path, 0.7)
    try:
        started = time.monotonic()
        ix.add([(make_doc("a"), ["text"])])
        assert time.monotonic() - started >= 0.3
        assert ix.doc_ids() == {"a"}
    finally:
        proc.wait()
        proc.stdout.close()
        ix.close()


def test_two_indexes_in_one_process_take_turns(tmp_path):
    path = tmp_path / "index"
    first, second = Index.open(path, writer_timeout=20), Index.open(path, writer_timeout=20)
    try:
        errors = []

        def write(ix, prefix):
            try:
                for n in range(5):
                    ix.add([(make_doc(f"{prefix}{n}"), [f"text {prefix}"])])
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=write, args=(ix, p)) for ix, p in ((first, "x"), (second, "y"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert first.doc_ids() == {f"{p}{n}" for p in "xy" for n in range(5)}
    finally:
        first.close()
        second.close()


def test_searches_from_threads_while_writing(index):
    index.add([(make_doc(f"d{n}"), [f"common words {n}"]) for n in range(20)])
    errors = []
    stop = threading.Event()

    def read():
        try:
            while not stop.is_set():
                result = index.search(SearchQuery(text="common"))
                assert result.total >= 20
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for n in range(5):
        index.add([(make_doc(f"e{n}"), ["common more"])])
    stop.set()
    for t in readers:
        t.join()
    assert errors == []
    assert total(index, "common") == 25
