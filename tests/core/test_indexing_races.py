"""Two processes on one data folder indexing the same row: the index ends with the row as it is,
whatever order their steps came in. Each side is a Dossier of its own (its own SQLite connection,
Whoosh index and extraction workers); the steps are interleaved by hand, in the order a race
can give them."""
from __future__ import annotations

import io

from dossier.core import Config, Dossier, SearchQuery, Upload, provenance
from dossier.core.adding import store_unit

FILING = (b"UNITED STATES DISTRICT COURT\nSOUTHERN DISTRICT OF NEW YORK\n\nComplaint\n\n"
          b"The plaintiff says the defendant never paid for zqrowversion.\n")
COURT = "S.D.N.Y."                     # what the metadata reader finds in it


def test_a_start_catching_up_an_upload_in_flight_leaves_what_the_upload_read_indexed(tmp_path):
    config = Config(data_dir=tmp_path / "data", extract_workers=1)
    with Dossier(config) as uploading, Dossier(config, catch_up=False) as starting:
        [stored] = store_unit(uploading.repo, uploading.intake,
                              Upload(io.BytesIO(FILING), "complaint.txt", {"kind": "filing", "title": "Complaint"}))
        doc_id = stored.document.id

        def rows_to_catch_up():
            yield from starting.repo.unindexed_ids()     # the start takes the row: no text, no court yet
            # ...and extracts it while the upload goes on: indexed, read (the court filled), indexed again
            uploading.indexer.index_ids([doc_id])
            uploading.indexer.index_ids(provenance.read_new(uploading, [doc_id]))

        starting.indexer.index_ids(rows_to_catch_up())

        row = uploading.repo.get(doc_id)
        assert row.court == COURT and row.indexed
        by_court = SearchQuery(text="zqrowversion", filters={"court": [COURT]})
        assert [hit.id for hit in uploading.search(by_court).hits] == [doc_id]
