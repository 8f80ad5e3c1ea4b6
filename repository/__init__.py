"""Documents, links, originals and metadata: SQLite plus content-addressed files.

Imports nothing else of Dossier's.
"""
from .errors import CorruptOriginal, InvalidLink, InvalidMetadata, NotFound, RepositoryError
from .models import EDITABLE_FIELDS, KINDS, LINK_TYPES, LIST_FIELDS, TEXT_STATUSES, Document, LinkedDocument, Links
from .repo import Problem, Repository, SpooledFile
from .units import Link, NewDocument

__all__ = [
    "CorruptOriginal", "Document", "EDITABLE_FIELDS", "InvalidLink", "InvalidMetadata", "KINDS", "LINK_TYPES",
    "LIST_FIELDS", "Link", "LinkedDocument", "Links", "NewDocument", "NotFound", "Problem", "Repository",
    "RepositoryError", "SpooledFile", "TEXT_STATUSES",
]
