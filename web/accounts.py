"""Staff accounts, API tokens and sign-in attempts: one SQLite file of their own.

The repository knows only documents; who may change them lives here, in
`<data>/accounts.sqlite3`. Tokens are stored as their sha256, never in clear.
Attempts are kept here too (not in memory) so that every gunicorn worker
counts the same failures.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
import sqlite3
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

from werkzeug.security import check_password_hash, generate_password_hash

from repository.store import private_dir, private_file

DB_NAME = "accounts.sqlite3"
TOKEN_PREFIX = "dsr_"
MIN_PASSWORD = 8
MAX_NAME = 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    sha256 TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_key_at ON attempts(key, at);
"""

@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a miss costs as long as a hit.
    Made on first use, not at import: scrypt costs ~0.13 s of CPU, paid by every
    command and every spawned process that imports the CLI."""
    return generate_password_hash("not a password")


class AccountError(Exception):
    """A name or password that cannot be used; str() says why."""


class NoSuchUser(AccountError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    def __init__(self, data_dir: Path | str):
        self.path = private_file(private_dir(Path(data_dir)) / DB_NAME)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: cheap, and safe across threads and forked workers.
        with closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            with conn:
                yield conn

    # -- users -----------------------------------------------------------------
    def add_user(self, name: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
            raise AccountError(f"a user name is 1 to {MAX_NAME} printable characters without spaces")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        try:
            with self._db() as db:
                db.execute("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)",
                           (name, generate_password_hash(password), time.time()))
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} already exists") from None

    def remove_user(self, name: str) -> None:
        with self._db() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise NoSuchUser(f"no such user: {name}")

    def user_exists(self, name: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None

    def users(self) -> list[str]:
        with self._db() as db:
            return [row[0] for row in db.execute("SELECT name FROM users ORDER BY name")]

    def check_password(self, name: str, password: str) -> bool:
        with self._db() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        ok = check_password_hash(row[0] if row else _dummy_hash(), password)
        return ok and row is not None

    # -- tokens ----------------------------------------------------------------
    def create_token(self, name: str) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self._db() as db:
                db.execute("INSERT INTO tokens (sha256, user_name, created_at) VALUES (?, ?, ?)",
                           (hash_token(token), name, time.time()))
        except sqlite3.IntegrityError:
            raise NoSuchUser(f"no such user: {name}") from None
        return token

    def revoke_token(self, token: str) -> None:
        with self._db() as db:
            if db.execute("DELETE FROM tokens WHERE sha256 = ?", (hash_token(token.strip()),)).rowcount == 0:
                raise NoSuchUser("no such token")

    def user_for_token(self, token: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT user_name FROM tokens WHERE sha256 = ?", (hash_token(token),)).fetchone()
        return row[0] if row else None

    # -- attempts (rate limiting) ----------------------------------------------
    def record_failure(self, *keys: str) -> None:
        now = time.time()
        with self._db() as db:
            db.executemany("INSERT INTO attempts (key, at) VALUES (?, ?)", [(k, now) for k in keys])
            db.execute("DELETE FROM attempts WHERE at < ?", (now - 86400,))

    def failures(self, key: str, window: float) -> int:
        with self._db() as db:
            return db.execute("SELECT count(*) FROM attempts WHERE key = ? AND at > ?",
                              (key, time.time() - window)).fetchone()[0]

    def clear_failures(self, key: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM attempts WHERE key = ?", (key,))
