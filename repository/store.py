"""Content-addressed storage of originals: originals/ab/cd/<sha256>.

A file is written once, under the hash of its bytes, and never changed. It
arrives as a finished temp file in the same filesystem; putting it in place is
fsync + rename + fsync of the folder, so a crash leaves the old state or the
new one, never a partial original under a real name.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import BinaryIO

from .errors import CorruptOriginal, RepositoryError

SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def private_dir(path: Path) -> Path:
    """A folder only its owner may enter, whatever the umask (and whatever an older version made)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty, readable and writable by its owner only, unless it exists;
    tighten it if it does (SQLite gives its -wal and -shm files the same mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    return path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Originals this process hashed and found whole, by what their files' stat said then.
VERIFIED_CACHE = 10_000


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class OriginalStore:
    def __init__(self, root: Path):
        self.root = private_dir(Path(root))
        self._verified: dict[str, tuple] = {}

    def path(self, sha256: str) -> Path:
        if not SHA256.fullmatch(sha256):
            raise RepositoryError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, tmp_path: Path, sha256: str) -> Path:
        """Move a finished temp file into place under its hash.

        The caller computed `sha256` while writing it. If the original is
        already stored (and intact), the temp file is dropped instead.
        """
        target = self.path(sha256)
        if self._whole(sha256):
            Path(tmp_path).unlink(missing_ok=True)
            return target
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o400)
        os.replace(tmp_path, target)
        fsync_dir(target.parent)
        return target

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise CorruptOriginal(f"original {sha256} is missing") from None

    def verify(self, sha256: str) -> bool:
        """True when the stored bytes still hash to their name."""
        try:
            return sha256_of(self.path(sha256)) == sha256
        except FileNotFoundError:
            return False

    def _whole(self, sha256: str) -> bool:
        try:
            self.verified(sha256)
        except CorruptOriginal:
            return False
        return True

    def verified(self, sha256: str) -> Path:
        """The original's path once its bytes are known to hash to their name; else CorruptOriginal.

        Hashed once per process for as long as the file's stat is unchanged, so
        a damaged or missing original is never served as if it were whole, and
        serving it again costs a stat."""
        path = self.path(sha256)
        try:
            stamp = _stamp(path)
        except FileNotFoundError:
            raise CorruptOriginal(f"the original {sha256} is missing from the store") from None
        if self._verified.get(sha256) != stamp:
            if sha256_of(path) != sha256:
                self._verified.pop(sha256, None)
                raise CorruptOriginal(f"the original {sha256} is damaged: its bytes no longer match their sha256")
            if len(self._verified) >= VERIFIED_CACHE:
                self._verified.clear()
            self._verified[sha256] = stamp
        return path

    def remove(self, sha256: str) -> None:
        path = self.path(sha256)
        if path.parent.is_dir():
            path.unlink(missing_ok=True)
            fsync_dir(path.parent)

    def hashes(self):
        """The sha256 of every original in the store."""
        for path in self.root.glob("??/??/*"):
            if SHA256.fullmatch(path.name):
                yield path.name

