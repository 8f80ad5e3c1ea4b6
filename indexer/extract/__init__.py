"""Text extraction: one module per file type behind a MIME registry, and a worker pool."""
from indexer.extract.registry import SUPPORTED_MIMES, extract, register
from indexer.extract.result import Extraction
from indexer.extract.workers import ExtractionPool

__all__ = ["Extraction", "ExtractionPool", "SUPPORTED_MIMES", "extract", "register"]
