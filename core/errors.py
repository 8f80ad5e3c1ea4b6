"""What a use case can refuse, in words for the person who asked. The edges (HTTP, the command
line) map these classes to statuses and exit codes; nothing else of the layers below leaks out."""
from __future__ import annotations

from dossier.indexer.errors import IndexLocked, QueryError
from dossier.repository import CorruptOriginal, InvalidLink, InvalidMetadata, NotFound, RepositoryError

__all__ = ["Conflict", "CoreError", "CorruptOriginal", "Forbidden", "IndexLocked", "Invalid", "InvalidLink",
           "InvalidMetadata", "NotFound", "QueryError", "Refused", "RepositoryError", "Withdrawn"]


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


class Forbidden(CoreError):
    """The viewer's role does not allow this change (an editor publishing, say)."""

    def __init__(self, message: str, *, action: str):
        super().__init__(message)
        self.message, self.action = message, action


class Conflict(CoreError):
    """The change cannot be made in the document's present state: ``code`` says why
    (``redaction_findings``: text can be copied out from under black boxes)."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


class Withdrawn(CoreError):
    """The document was withdrawn: the public sees only this notice of it."""

    def __init__(self, doc):
        super().__init__(f"{doc.id} was withdrawn on {doc.withdrawn_at}: {doc.withdrawn_reason}")
        self.document = doc


class Invalid(CoreError):
    """A request the core cannot act on as asked (not about a file): unknown field, bad value."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
