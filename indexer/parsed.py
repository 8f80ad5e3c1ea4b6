"""Saved searches' query texts, read and compiled once, kept between publications and processes.

Reading a text (Whoosh's parser) is most of what matching a publication against many alerts
costs (~0.7 ms a text), while what it gives depends only on the text, the schema and the code
that reads it, never on the index's documents: so it is kept in the index folder, under a
fingerprint of that code and schema, and a process that just started (a ``dossier`` command, the
server after a restart) does not read every alert again. A text whose reading depends on the
index (a wildcard or fuzzy term, expanded against its words) is kept unexpanded: the caller
parses it again when it may match. A file that cannot be read, or was written under another
fingerprint, is ignored and replaced.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

import whoosh
from whoosh import query

from . import few_documents, negation, paged, repair as repair_module, schema as schema_module
from . import query as query_module
from .errors import QueryError
from .few_documents import EVERYTHING, NOTHING, compiled
from .query import DEFAULT_FIELDS, UserQuery, walk
from .repair import repair

FILE = "saved-searches.pickle"
MAX_TEXTS = 500_000           # texts kept: past it the cache starts over
_READERS = (query_module, repair_module, negation, few_documents, paged, schema_module)
log = logging.getLogger("dossier.indexer")


@functools.cache
def fingerprint() -> str:
    """What a compiled text depends on: the code reading and compiling it, the schema, Whoosh."""
    digest = hashlib.sha256(f"{schema_module.SCHEMA_VERSION} {whoosh.versionstring()}".encode())
    for module in (*_READERS, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class Parsed:
    """text -> (compiled tree, whether it is exact, and when it is not the Whoosh tree as read
    with the text it was read from) (EVERYTHING for an empty query), and one object per distinct
    node (``few_documents.compiled`` shares them)."""

    def __init__(self, folder: Path | None = None):
        self.path = None if folder is None else Path(folder) / FILE
        self.texts: dict[str, tuple] = {}
        self.nodes: dict[tuple, tuple] = {}
        self._loaded = self.path is None
        self._added = 0

    def of(self, text: str, schema, reader) -> tuple:
        found = self.texts.get(text)
        if found is None:
            found = self.texts[text] = self._read(text, schema, reader)
            self._added += 1
        return found

    def _read(self, text: str, schema, reader) -> tuple:
        text, _ = repair(text, schema.names())
        if not text or text == "*":
            return EVERYTHING, True, None
        try:
            q = UserQuery.read(text, DEFAULT_FIELDS, schema)
            if not any(isinstance(n, query.MultiTerm) for n in walk(q)):
                # Nothing left to look up in the index: its checks need only the schema.
                q = UserQuery.checked(q, text, schema, reader)
        except QueryError:
            return NOTHING, True, None
        node, exact = compiled(q, schema, self.nodes)
        # Not exact: the tree, for ``UserQuery.checked`` when the query may match (checking it
        # again changes nothing: it only folds the patterns' letters).
        return node, exact, None if exact else (q, text)

    # ---- kept in the index folder ----------------------------------------------------

    def begin(self) -> None:
        """Before a percolation: what an earlier process kept, the first time; room made."""
        if not self._loaded:
            self._loaded = True
            self._load()
        if len(self.texts) > MAX_TEXTS or len(self.nodes) > 4 * MAX_TEXTS:
            self.texts, self.nodes = {}, {}

    def end(self) -> None:
        """After it: what was read kept, when anything was."""
        if self._added and self.path is not None:
            self._added = 0
            self._save()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as f:
                kept = pickle.load(f)
            if kept["fingerprint"] == fingerprint():
                self.texts, self.nodes = kept["texts"], kept["nodes"]
        except FileNotFoundError:
            pass
        except Exception as e:      # damaged, or of another version: read again
            log.info("saved searches kept in %s not used: %s: %s", self.path, type(e).__name__, e)

    def _save(self) -> None:
        kept = {"fingerprint": fingerprint(), "texts": self.texts, "nodes": self.nodes}
        try:
            fd, tmp = tempfile.mkstemp(dir=str(self.path.parent), prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:        # a full disk costs the next process the reading, nothing else
            log.warning("could not keep the saved searches in %s: %s", self.path, e)
