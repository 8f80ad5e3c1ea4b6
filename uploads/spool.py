"""Streaming an upload to a temp file: size cap while streaming, sha256 while writing."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from .errors import Rejected

CHUNK = 1024 * 1024


def spool(stream: BinaryIO, tmp_dir: Path, max_bytes: int) -> tuple[Path, str, int]:
    """Copy `stream` into a new file in tmp_dir; (path, sha256, size).

    Stops reading as soon as the cap is passed, so a huge upload costs at most
    max_bytes + one chunk of disk, and leaves nothing behind when refused.
    """
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="spool-")
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise Rejected("too_large", f"is larger than the limit of {_megabytes(max_bytes)}")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise Rejected("empty", "is empty (0 bytes)")
    return path, digest.hexdigest(), size


def _megabytes(n: int) -> str:
    return f"{n / 2**20:g} MB"
