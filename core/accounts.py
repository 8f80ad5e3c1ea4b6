"""Staff accounts, their sessions, API tokens and sign-in attempts: one SQLite file of their own.

The repository knows only documents; who may change them lives here, in
`<data>/accounts.sqlite3`. Tokens and session ids are stored as their sha256,
never in clear.
Attempts are kept here too (not in memory) so that every worker process
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

from dossier.repository.store import private_dir, private_file

from .visibility import ROLES

DB_NAME = "accounts.sqlite3"
TOKEN_PREFIX = "dsr_"
# A new account's role unless one is given: what every account could do before there were roles.
DEFAULT_ROLE = "publisher"
MIN_PASSWORD = 8
MAX_NAME = 64
# A session's last_seen is written at most this often (seconds), not on every
# request: its idle timeout is exact to this much.
TOUCH_INTERVAL = 60

# _MIGRATIONS[i] takes the file from version i to i + 1 (PRAGMA user_version is the
# number of steps done). The first step is the first schema, which never set a
# version: a file made by it has the tables already, a new file gets them, and
# both go on through the same later steps.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS tokens (
            sha256 TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS attempts (
            key TEXT NOT NULL,
            at REAL NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS attempts_key_at ON attempts(key, at)",
    ),
    # A random id per account, which tokens name instead of the user name: an
    # account removed and added again under the same name is a new account, and
    # nothing issued to the old one can pass for it.
    (
        """CREATE TABLE users_v2 (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
        """INSERT INTO users_v2 (id, name, password_hash, created_at)
            SELECT lower(hex(randomblob(16))), name, password_hash, created_at FROM users""",
        """CREATE TABLE tokens_v2 (
            sha256 TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at REAL NOT NULL
        )""",
        """INSERT INTO tokens_v2 (sha256, user_id, created_at)
            SELECT t.sha256, u.id, t.created_at FROM tokens t JOIN users_v2 u ON u.name = t.user_name""",
        "DROP TABLE tokens",
        "DROP TABLE users",
        "ALTER TABLE users_v2 RENAME TO users",
        "ALTER TABLE tokens_v2 RENAME TO tokens",
        "CREATE INDEX tokens_user ON tokens(user_id)",
    ),
    # Server-side sessions: the cookie carries only the id (stored here as its
    # sha256), so signing out, a new password or removal can end a session at once.
    (
        """CREATE TABLE sessions (
            sha256 TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            last_seen REAL NOT NULL,
            expires_at REAL NOT NULL
        )""",
        "CREATE INDEX sessions_user ON sessions(user_id)",
        "CREATE INDEX sessions_expires_at ON sessions(expires_at)",
    ),
    # Roles: editor, publisher or admin (core.visibility.ROLES). Accounts from before roles
    # could publish, so they become publishers.
    (
        "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'publisher'",
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)


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


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}, not {role!r}")


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _user_id(db: sqlite3.Connection, name: str) -> str:
    row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NoSuchUser(f"no such user: {name}")
    return row[0]


class Accounts:
    def __init__(self, data_dir: Path | str):
        self.path = private_file(private_dir(Path(data_dir)) / DB_NAME)
        self._migrate()

    def _migrate(self) -> None:
        """Bring the file up to SCHEMA_VERSION in place, in one transaction.

        BEGIN IMMEDIATE: when several processes open an old file at once, one
        migrates and the others wait for it, then find nothing left to do.
        Foreign keys are off while tables are rebuilt (SQLite's own procedure),
        and checked before the commit.
        """
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as conn:
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA journal_mode=WAL")
            if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise AccountError(f"{self.path} is from a newer Dossier (schema {version})")
                for step in _MIGRATIONS[version:]:
                    for statement in step:
                        conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise AccountError(f"{self.path}: a row refers to an account that does not exist")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: cheap, and safe across threads and forked workers.
        with closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            with conn:
                yield conn

    # -- users -----------------------------------------------------------------
    def add_user(self, name: str, password: str, role: str = DEFAULT_ROLE) -> None:
        name = name.strip()
        if not name or len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
            raise AccountError(f"a user name is 1 to {MAX_NAME} printable characters without spaces")
        _check_role(role)
        _check_new_password(password)
        try:
            with self._db() as db:
                db.execute("INSERT INTO users (id, name, password_hash, created_at, role) VALUES (?, ?, ?, ?, ?)",
                           (secrets.token_hex(16), name, generate_password_hash(password), time.time(), role))
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} already exists") from None

    def set_role(self, name: str, role: str) -> None:
        _check_role(role)
        with self._db() as db:
            if db.execute("UPDATE users SET role = ? WHERE name = ?", (role, name)).rowcount == 0:
                raise NoSuchUser(f"no such user: {name}")

    def role(self, name: str) -> str | None:
        """The account's role, or None when there is no such account."""
        with self._db() as db:
            row = db.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def users_with_roles(self) -> list[tuple[str, str]]:
        with self._db() as db:
            return [(r[0], r[1]) for r in db.execute("SELECT name, role FROM users ORDER BY name")]

    def remove_user(self, name: str) -> None:
        """Remove the account; its sessions and tokens go with it (ON DELETE CASCADE)."""
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

    def set_password(self, name: str, password: str) -> int:
        """A new password for `name`; every session it had ends. Returns how many did."""
        _check_new_password(password)
        with self._db() as db:
            user_id = _user_id(db, name)
            db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (generate_password_hash(password), user_id))
            return db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount

    # -- sessions --------------------------------------------------------------
    def create_session(self, name: str, lifetime: float) -> str:
        """A new session id for `name`, valid for `lifetime` seconds at most."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self._db() as db:
            user_id = _user_id(db, name)
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))  # tidy up while writing anyway
            db.execute("INSERT INTO sessions (sha256, user_id, created_at, last_seen, expires_at) "
                       "VALUES (?, ?, ?, ?, ?)", (hash_token(session_id), user_id, now, now, now + lifetime))
        return session_id

    def session_user(self, session_id: str, idle: float) -> str | None:
        """The user of a live session, else None: unknown or ended, past its expiry,
        unused for `idle` seconds, or its account removed. A dead one is deleted."""
        key, now = hash_token(session_id), time.time()
        with self._db() as db:
            row = db.execute("SELECT u.name, s.last_seen, s.expires_at FROM sessions s "
                             "JOIN users u ON u.id = s.user_id WHERE s.sha256 = ?", (key,)).fetchone()
            if row is None:
                return None
            name, last_seen, expires_at = row
            if now >= expires_at or now - last_seen >= idle:
                db.execute("DELETE FROM sessions WHERE sha256 = ?", (key,))
                return None
            if now - last_seen >= TOUCH_INTERVAL:
                db.execute("UPDATE sessions SET last_seen = ? WHERE sha256 = ?", (now, key))
        return name

    def end_session(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE sha256 = ?", (hash_token(session_id),))

    # -- tokens ----------------------------------------------------------------
    def create_token(self, name: str) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._db() as db:
            user_id = _user_id(db, name)
            db.execute("INSERT INTO tokens (sha256, user_id, created_at) VALUES (?, ?, ?)",
                       (hash_token(token), user_id, time.time()))
        return token

    def revoke_token(self, token: str) -> None:
        with self._db() as db:
            if db.execute("DELETE FROM tokens WHERE sha256 = ?", (hash_token(token.strip()),)).rowcount == 0:
                raise NoSuchUser("no such token")

    def user_for_token(self, token: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT u.name FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.sha256 = ?",
                             (hash_token(token),)).fetchone()
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
