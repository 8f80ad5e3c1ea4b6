"""accounts.sqlite3 upgrades in place: a file made before schema versions keeps its users and tokens."""
from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

from werkzeug.security import generate_password_hash

from dossier.core.accounts import DB_NAME, SCHEMA_VERSION, Accounts

# The schema as it was before accounts.sqlite3 had a version (user_version 0).
FIRST_SCHEMA = """
CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE tokens (sha256 TEXT PRIMARY KEY,
                     user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                     created_at REAL NOT NULL);
CREATE TABLE attempts (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX attempts_key_at ON attempts(key, at);
"""
TOKEN = "dsr_made-before-the-upgrade"


def first_schema_file(data_dir) -> None:
    from dossier.core.accounts import hash_token

    data_dir.mkdir(parents=True)
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db, db:
        db.executescript(FIRST_SCHEMA)
        db.execute("INSERT INTO users VALUES ('press', ?, 1.0)", (generate_password_hash("old password"),))
        db.execute("INSERT INTO tokens VALUES (?, 'press', 2.0)", (hash_token(TOKEN),))
        db.execute("INSERT INTO attempts VALUES ('signin:addr:10.0.0.1', 3.0)")


def user_version(data_dir) -> int:
    with closing(sqlite3.connect(data_dir / DB_NAME)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_a_file_from_the_first_schema_is_upgraded_in_place(tmp_path):
    data = tmp_path / "data"
    first_schema_file(data)
    accounts = Accounts(data)
    assert user_version(data) == SCHEMA_VERSION
    assert accounts.users() == ["press"] and accounts.check_password("press", "old password")
    assert accounts.user_for_token(TOKEN) == "press"
    accounts.remove_user("press")
    assert accounts.user_for_token(TOKEN) is None  # tokens still go with their user
    assert Accounts(data).users() == []  # opening an upgraded file again changes nothing


def test_connections_opening_an_old_file_at_once_migrate_it_once(tmp_path):
    data = tmp_path / "data"
    first_schema_file(data)
    errors: list[BaseException] = []

    def open_it():
        try:
            Accounts(data)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and Accounts(data).user_for_token(TOKEN) == "press"


def test_a_name_added_again_is_a_new_account(tmp_path):
    accounts = Accounts(tmp_path / "data")
    accounts.add_user("press", "first password")
    token = accounts.create_token("press")
    accounts.remove_user("press")
    accounts.add_user("press", "second password")
    assert accounts.user_for_token(token) is None
