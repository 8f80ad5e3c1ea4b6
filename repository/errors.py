"""What can go wrong in the repository. The edges (CLI, HTTP) turn these into exit codes and statuses."""


class RepositoryError(Exception):
    """Base class for every repository error."""


class NotFound(RepositoryError):
    def __init__(self, doc_id: str):
        super().__init__(f"no such document: {doc_id}")
        self.doc_id = doc_id


class InvalidMetadata(RepositoryError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidLink(RepositoryError):
    """A link to itself, or of an unknown type."""


class CorruptOriginal(RepositoryError):
    """An original's bytes no longer match its sha256."""
