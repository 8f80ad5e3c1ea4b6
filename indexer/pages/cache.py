"""The page images and word boxes of each original, in ``<data>/pages/<sha[:2]>/<sha>/``.

Named by the original's SHA-256 (an original never changes, so neither do its images): a file
there is whole (written by the workers under a temp name, then renamed), and an ETag is its
name. A render that failed leaves a ``.failed`` note with the reason, so a hostile PDF costs
one worker's time limit, not one per request; the note is retried after ``RETRY_SECONDS``
(the failure may have been the machine's load). Everything here can be deleted at any time.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.extract.result import Extraction

from .render import PDF, Rendered, Word, renderable

RENDER_PDF = "dossier.indexer.pages.render:render_pdf_page"
RENDER_PHOTO = "dossier.indexer.pages.render:render_photo"
WORDS = "dossier.indexer.pages.render:page_words"
RETRY_SECONDS = 3600.0
VERSION = "1"            # part of every name: a change to how pages are drawn renders them anew


class Unrenderable(Exception):
    """This page has no image (its render failed or timed out): the reason."""


@dataclass(frozen=True)
class Original:
    """What rendering needs of a document: its bytes' path, hash and type."""
    path: Path
    sha256: str
    mime: str


class PageImages:
    def __init__(self, root: Path, pool_factory: Callable[[], ExtractionPool]) -> None:
        self.root = root
        self._pool_factory = pool_factory
        self._pool: ExtractionPool | None = None

    @property
    def pool(self) -> ExtractionPool:
        if self._pool is None:
            self._pool = self._pool_factory()
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def folder(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def name(self, page: int, width: int) -> str:
        return f"{page}-{width}-v{VERSION}.webp"

    def cached(self, sha256: str, page: int, width: int) -> Path | None:
        path = self.folder(sha256) / self.name(page, width)
        return path if path.exists() else None

    def failed(self, sha256: str, page: int, width: int) -> bool:
        """Whether this image's last render failed lately (it is not tried again before RETRY_SECONDS)."""
        target = self.folder(sha256) / self.name(page, width)
        return not target.exists() and _failure(target) is not None

    def size(self, sha256: str, page: int, width: int) -> tuple[int, int] | None:
        """The drawn image's (width, height) in pixels, read from its header; None when not drawn."""
        from PIL import Image

        path = self.cached(sha256, page, width)
        if path is None:
            return None
        try:
            with Image.open(path) as image:
                return image.size
        except (OSError, ValueError):     # removed or replaced meanwhile
            return None

    def image(self, original: Original, page: int, width: int) -> Path:
        """The page's image at ``width``, rendered now if it is not cached; Unrenderable if it cannot be."""
        [(_, outcome)] = self.images(original, [(page, width)])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def images(self, original: Original, wanted: Iterable[tuple[int, int]]) -> list[tuple[tuple[int, int], object]]:
        """Each (page, width) wanted with its image's path, or the Unrenderable saying why not."""
        if not renderable(original.mime):
            raise ValueError(f"{original.mime} has no pages to render")
        folder = self.folder(original.sha256)
        done, todo = [], []
        for page, width in wanted:
            target = folder / self.name(page, width)
            failure = _failure(target)
            if target.exists():
                done.append(((page, width), target))
            elif failure:
                done.append(((page, width), Unrenderable(failure)))
            else:
                todo.append((page, width))
        if todo:
            folder.mkdir(parents=True, exist_ok=True)
            done += self._render(original, folder, todo)
        return done

    def _render(self, original: Original, folder: Path, todo: list[tuple[int, int]]) -> Iterator:
        tasks = []
        for page, width in todo:
            target = str(folder / self.name(page, width))
            args = (page, width, target) if original.mime == PDF else (width, target)
            tasks.append(((page, width), original.path, RENDER_PDF if original.mime == PDF else RENDER_PHOTO, args))
        out = []
        for key, result in self.pool.call_many(tasks):
            target = folder / self.name(*key)
            if isinstance(result, Rendered) and result.ok and target.exists():
                out.append((key, target))
            else:
                reason = _reason(result)
                _note_failure(target, reason)
                out.append((key, Unrenderable(reason)))
        return out

    def words(self, original: Original, page: int) -> tuple[Word, ...]:
        """The page's words with their boxes (PDFs' text layer); () when there are none or they
        cannot be read."""
        if original.mime != PDF:
            return ()
        path = self.folder(original.sha256) / f"{page}-words-v{VERSION}.json"
        try:
            return tuple(Word(text, tuple(box)) for text, box in json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            pass
        [(_, result)] = self.pool.call_many([(None, original.path, WORDS, (page,))])
        words = result if isinstance(result, tuple) else ()
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps([[w.text, w.box] for w in words]), "utf-8")
        os.replace(temp, path)
        return words

    def hashes(self) -> set[str]:
        """The originals that have a folder here."""
        if not self.root.is_dir():
            return set()
        return {sub.name for top in self.root.iterdir() if top.is_dir() for sub in top.iterdir() if sub.is_dir()}

    def remove(self, sha256: str) -> None:
        shutil.rmtree(self.folder(sha256), ignore_errors=True)


def _reason(result: object) -> str:
    if isinstance(result, Rendered):
        return result.error or "no image was written"
    if isinstance(result, Extraction):       # the pool's own failure: timed out, crashed, out of memory
        return result.error or "the renderer failed"
    return "the renderer failed"


def _failure_path(target: Path) -> Path:
    return target.with_suffix(".failed")


def _failure(target: Path) -> str | None:
    note = _failure_path(target)
    try:
        if time.time() - note.stat().st_mtime < RETRY_SECONDS:
            return note.read_text("utf-8") or "the renderer failed"
    except OSError:
        pass
    return None


def _note_failure(target: Path, reason: str) -> None:
    try:
        _failure_path(target).write_text(reason, "utf-8")
    except OSError:
        pass
