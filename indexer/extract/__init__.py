"""Text extraction: one module per file type behind a MIME registry, and a worker pool."""
from dossier.indexer.extract.registry import SUPPORTED_MIMES, extract, register
from dossier.indexer.extract.result import Extraction
from dossier.indexer.extract.workers import ExtractionPool

__all__ = ["Extraction", "ExtractionPool", "SUPPORTED_MIMES", "extract", "register"]
