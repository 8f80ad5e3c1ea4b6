"""MIME type -> extractor function, and the in-process `extract()`.

An extractor is `func(path: Path) -> Extraction`. It is registered either as a
callable or as a "package.module:function" string; the string form (and any
module-level callable) can also be resolved inside a worker process, which is
how `ExtractionPool` runs extractors registered after it started.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from dossier.indexer.extract.result import Extraction, describe, failed, storable

Extractor = Callable[[Path], Extraction]

_BUILTIN: dict[str, str] = {
    "application/pdf": "dossier.indexer.extract.pdf:extract_pdf",
    "text/html": "dossier.indexer.extract.html:extract_html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
        "dossier.indexer.extract.docx:extract_docx",
    "text/plain": "dossier.indexer.extract.text:extract_text",
    **{mime: "dossier.indexer.extract.image:extract_image" for mime in (
        "image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp",
    )},
}
SUPPORTED_MIMES: frozenset[str] = frozenset(_BUILTIN)

_registry: dict[str, Extractor | str] = dict(_BUILTIN)


def register(mime: str, extractor: Extractor | str) -> None:
    """Add or replace the extractor for `mime` (a callable or "module:function")."""
    if isinstance(extractor, str) and ":" not in extractor:
        raise ValueError(f"expected 'module:function', got {extractor!r}")
    _registry[mime] = extractor


def reference(mime: str) -> str | None:
    """The "module:function" name of the extractor for `mime`, for a worker process."""
    entry = _registry.get(mime)
    if entry is None or isinstance(entry, str):
        return entry
    return f"{entry.__module__}:{entry.__qualname__}"


def resolve(ref: str) -> Extractor:
    module_name, _, name = ref.partition(":")
    target = importlib.import_module(module_name)
    for part in name.split("."):
        target = getattr(target, part)
    return target  # type: ignore[return-value]


def extract(path: str | os.PathLike, mime: str) -> Extraction:
    """Extract text in this process, without limits. Never raises for bad input."""
    entry = _registry.get(mime)
    if entry is None:
        return failed(f"no extractor for {mime}")
    return run(entry, Path(path))


def run(extractor: Extractor | str, path: Path, *args, oom_error: str = "out of memory",
        kwargs: dict | None = None) -> Extraction:
    """The extractor's result, an extraction as text that can be stored (see ``repository.text``);
    ``args``, ``kwargs``: further arguments of a function run through ``ExtractionPool.call_many``."""
    func = resolve(extractor) if isinstance(extractor, str) else extractor  # our bug: raise
    try:
        result = func(path, *args, **(kwargs or {}))
        return storable(result) if isinstance(result, Extraction) else result
    except MemoryError:
        return failed(oom_error)
    except Exception as exc:  # an extractor bug or a hostile file must not escape
        return failed(describe(exc))
