"""What a use case can refuse, in words for the person who asked. The edges (HTTP, the command
line) map these classes to statuses and exit codes; nothing else of the layers below leaks out."""
from __future__ import annotations

from dossier.indexer.errors import IndexLocked, QueryError
from dossier.repository import CorruptOriginal, InvalidLink, InvalidMetadata, NotFound, RepositoryError

__all__ = ["CoreError", "CorruptOriginal", "IndexLocked", "Invalid", "InvalidLink", "InvalidMetadata", "NotFound",
           "QueryError", "Refused", "RepositoryError"]


class CoreError(Exception):
    """Base class of the errors raised by the core itself."""


class Refused(CoreError):
    """A submission refused: NOTHING of it was stored. ``code`` is one of the stable rejection codes
    (uploads.errors.CODES); ``part`` the position of the part that was refused (0: the release or the
    single document, 1..: its attachments), ``filename`` its name, ``field`` the detail at fault."""

    def __init__(self, code: str, message: str, *, part: int | None = None, filename: str | None = None,
                 field: str | None = None, reason: str | None = None, detail: str | None = None):
        super().__init__(message)
        self.code, self.message, self.part, self.filename, self.field = code, message, part, filename, field
        self.reason = reason or message         # what is wrong, in words that follow the file's name
        self.detail = detail or self.reason     # for a field at fault: what is wrong with it


class Invalid(CoreError):
    """A request the core cannot act on as asked (not about a file): unknown field, bad value."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
