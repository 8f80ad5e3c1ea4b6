"""The application core: every use case of Dossier, and every rule that spans the layers below
(what is stored together, what the public may see, what must be re-indexed).

The edges import from here only: ``Dossier`` (the use cases), the values they pass and get back,
and the errors to map.
"""
from dossier.indexer.pages import WIDTHS as PAGE_WIDTHS, Unrenderable
from dossier.indexer.schema import FACETS
from dossier.indexer.search import MAX_PER_PAGE, SORTS, Hit, SearchQuery, SearchResult
from dossier.repository import EDITABLE_FIELDS, KINDS, LINK_TYPES, LIST_FIELDS, STATES, TEXT_STATUSES, AuditEntry, \
    Document, Problem
from dossier.uploads.bulk import Report
from dossier.uploads.errors import CODES as REJECTION_CODES
from dossier.uploads.intake import Upload
from dossier.uploads.names import download_name

from .adding import Added, Release, Stored
from .app import Dossier
from .importing import entries_of
from .pages import Match, PageImage, PageView, Preview, has_pages
from .reading import TextPage, TextPages
from .errors import Conflict, CoreError, CorruptOriginal, Forbidden, IndexLocked, Invalid, InvalidLink, \
    InvalidMetadata, NotFound, QueryError, Refused, RepositoryError, Withdrawn
from .settings import SETTINGS, Config, load_config
from .times import local as local_time, parse_time
from .visibility import OPERATOR, PUBLIC, ROLES, Viewer, staff

__all__ = [
    "Added", "AuditEntry", "Conflict", "Forbidden", "OPERATOR", "ROLES", "Release", "STATES", "Withdrawn", "local_time", "parse_time",
    "Config", "CoreError", "CorruptOriginal", "Document", "Dossier", "EDITABLE_FIELDS", "FACETS",
    "Hit", "IndexLocked", "Invalid", "InvalidLink", "InvalidMetadata", "KINDS", "LINK_TYPES", "LIST_FIELDS",
    "MAX_PER_PAGE", "NotFound", "PUBLIC", "Problem", "QueryError", "REJECTION_CODES", "Refused", "Report",
    "RepositoryError", "SETTINGS", "SORTS", "SearchQuery", "SearchResult", "Stored", "TEXT_STATUSES", "Upload", "download_name", "entries_of",
    "Viewer", "load_config", "staff", "PAGE_WIDTHS", "Unrenderable", "Match", "PageImage", "PageView", "Preview", "has_pages",
    "TextPage", "TextPages",
]
