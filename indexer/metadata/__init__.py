"""Reading what a document says about itself: pure functions from its text (and an image's EXIF)
to suggested fields. What staff typed is not decided here: the core decides who wins."""
from dossier.indexer.metadata.reader import READER_VERSION, Reading, read_document

__all__ = ["READER_VERSION", "Reading", "read_document"]
