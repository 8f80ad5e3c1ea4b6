"""Documents, links, originals and metadata: SQLite plus content-addressed files.

Imports nothing else of Dossier's.
"""
from .errors import CorruptOriginal, InvalidLink, InvalidMetadata, NotFound, RepositoryError
from .models import EDITABLE_FIELDS, KINDS, LINK_TYPES, LIST_FIELDS, STATES, TEXT_STATUSES, Document, LinkedDocument, Links, PageSource
from .repo import Problem, Repository, SpooledFile
from .alerts import Alert, Alerts, Pending, Webhook
from .audit import Audit, AuditEntry
from .publication import Publication
from .units import Link, NewDocument, process_alive

__all__ = [
    "Alert", "Alerts", "Pending", "Webhook", "Audit", "AuditEntry", "CorruptOriginal", "Document", "EDITABLE_FIELDS", "InvalidLink", "InvalidMetadata", "KINDS", "LINK_TYPES",
    "LIST_FIELDS", "Link", "LinkedDocument", "Links", "NewDocument", "NotFound", "PageSource", "Problem", "Publication", "Repository",
    "RepositoryError", "STATES", "process_alive", "SpooledFile", "TEXT_STATUSES",
]
