"""Serving originals safely, and a release with its attachments as one streamed ZIP."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePath
from typing import Iterable, Iterator

from flask import Response, request, send_file
from werkzeug.wsgi import wrap_file

from dossier.core import Document, download_name as safe_download_name

from ..security import original_csp

INLINE_TYPES = ("application/pdf", "image/")
CHUNK = 256 * 1024


def send_original(doc: Document, path: Path) -> Response:
    """The bytes as stored, with sniffed type, original name, ETag and range support.

    PDFs and images open in the browser; anything else (HTML included) downloads,
    and none of it may run script as this site.
    """
    if request.if_none_match.contains_weak(doc.sha256) and request.method in ("GET", "HEAD"):
        # If-None-Match is decided before Range (RFC 9110, 13.2.2): the client has these bytes.
        return Response(status=304, headers={"ETag": f'"{doc.sha256}"'})
    if request.range is not None and len(request.range.ranges) > 1:
        request.environ.pop("HTTP_RANGE", None)     # several ranges: the whole file (RFC 9110 allows it)
        request.__dict__.pop("range", None)
    inline = doc.mime.startswith(INLINE_TYPES)
    response = send_file(path, mimetype=doc.mime, as_attachment=not inline, download_name=download_name(doc),
                         conditional=True, etag=doc.sha256, max_age=0)
    if response.status_code == 206 and response.content_range and response.content_range.stop is not None:
        # A range as a file of its own, so the server sends it from its I/O loop
        # like a whole file, rather than a thread copying it out block by block
        # for as long as a slow client takes to read it.
        start, stop = response.content_range.start, response.content_range.stop
        response.response.close()
        response.response = wrap_file(request.environ, FileRange(path, start, stop - start), CHUNK)
    response.headers["Content-Security-Policy"] = original_csp(doc.mime)
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def download_name(doc: Document) -> str:
    return safe_download_name(doc.filename, doc.mime)


class FileRange(io.RawIOBase):
    """``length`` bytes of a file from ``start``, seen as a whole (seekable) file."""

    def __init__(self, path: Path, start: int, length: int):
        self._file = open(path, "rb")
        self._start, self._end = start, start + length
        self._file.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._file.tell() - self._start

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: self._start, io.SEEK_CUR: self._file.tell(), io.SEEK_END: self._end}[whence]
        self._file.seek(min(max(base + offset, self._start), self._end))
        return self.tell()

    def readinto(self, buffer) -> int:
        left = self._end - self._file.tell()
        if left <= 0:
            return 0
        return self._file.readinto(memoryview(buffer)[:left])

    def close(self) -> None:
        self._file.close()
        super().close()


def unique_names(names: Iterable[str]) -> list[str]:
    """report.pdf, report (2).pdf, ...: names as they were uploaded, each once in the ZIP."""
    seen: set[str] = set()
    out = []
    for name in names:
        stem, suffix = PurePath(name).stem, PurePath(name).suffix
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem} ({n}){suffix}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come: ZipFile writes, we yield."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def stream_zip(files: list[tuple[str, Path]]) -> Iterator[bytes]:
    """ZIP bytes for (name, path) pairs, produced while reading: nothing is built in memory or on disk."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, path in files:
            with archive.open(name, "w", force_zip64=True) as entry, open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    entry.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()
