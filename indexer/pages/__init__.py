"""Page images: PDF pages and photos rendered to WebP at fixed widths, and each PDF page's word
boxes, in the extraction workers' processes (their time and memory limits), cached in the data
folder's ``pages/`` (derived data: rebuilt on demand, never backed up)."""
from .cache import PageImages, Unrenderable
from .render import THUMBNAIL_WIDTH, WIDTHS, Word, renderable

__all__ = ["PageImages", "THUMBNAIL_WIDTH", "Unrenderable", "WIDTHS", "Word", "renderable"]
