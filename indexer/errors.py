"""Errors raised by the index and search layer."""
from __future__ import annotations


class IndexerError(Exception):
    """Base class for every error the indexer raises on purpose."""


class QueryError(IndexerError):
    """A search request the index cannot run: unreadable query syntax, an
    unknown facet or sort, a bad page number, a wildcard that matches too much.

    ``str(e)`` is a message meant for the person who typed the query.
    """


class IndexLocked(IndexerError):
    """The index writer could not be obtained within the timeout (another
    process or thread is writing)."""


class Unindexable(IndexerError):
    """One document whose row the index cannot take (a date that is not a date, say):
    it is skipped with this reason, and the rest of its batch is indexed."""

    def __init__(self, doc_id: str, reason: str):
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason
