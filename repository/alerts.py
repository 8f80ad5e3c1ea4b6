"""Alerts (saved searches told by email or webhook), webhooks, and the outbox of what to deliver.

The outbox holds one row per (alert, document): the unique pair makes a second enqueue of the same
match a no-op, and a row is marked sent in its own transaction right after the delivery succeeds,
so a crash in between leaves one row to retry, never two. Imports nothing of Dossier's.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Sequence

from .catalog import transaction

# Appended to MIGRATIONS in db.py.
MIGRATION = """
    CREATE TABLE webhooks (
        id          INTEGER PRIMARY KEY,
        url         TEXT NOT NULL,
        secret      TEXT NOT NULL,
        owner       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        failures    INTEGER NOT NULL DEFAULT 0,
        disabled_at TEXT,
        last_error  TEXT
    );
    CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
        email           TEXT,
        webhook_id      INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
        params          TEXT NOT NULL,
        frequency       TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily')),
        confirm_token   TEXT NOT NULL UNIQUE,
        manage_token    TEXT NOT NULL UNIQUE,
        client          TEXT,
        created_at      TEXT NOT NULL,
        confirm_sent_at TEXT,
        confirmed_at    TEXT,
        unsubscribed_at TEXT,
        CHECK ((channel = 'email') = (email IS NOT NULL)),
        CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL))
    );
    CREATE INDEX alerts_live ON alerts (confirmed_at) WHERE unsubscribed_at IS NULL;
    CREATE INDEX alerts_email ON alerts (email);
    CREATE INDEX alerts_client ON alerts (client, created_at);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        document_id     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        sent_at         TEXT,
        last_error      TEXT,
        UNIQUE (alert_id, document_id)
    );
    CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
"""


@dataclass(frozen=True)
class Alert:
    id: int
    channel: str                 # email | webhook
    email: str | None
    webhook_id: int | None
    params: dict                 # q, filters {facet: [values]}, from, to
    frequency: str               # immediate | daily
    confirm_token: str
    manage_token: str
    created_at: str
    confirmed_at: str | None
    unsubscribed_at: str | None

    @property
    def live(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    secret: str
    owner: str
    created_at: str
    failures: int
    disabled_at: str | None
    last_error: str | None


@dataclass(frozen=True)
class Pending:
    """One outbox row to deliver."""
    id: int
    alert_id: int
    document_id: str
    attempts: int
    created_at: str


def _alert(row) -> Alert:
    return Alert(row["id"], row["channel"], row["email"], row["webhook_id"], json.loads(row["params"]),
                 row["frequency"], row["confirm_token"], row["manage_token"], row["created_at"],
                 row["confirmed_at"], row["unsubscribed_at"])


def _webhook(row) -> Webhook:
    return Webhook(row["id"], row["url"], row["secret"], row["owner"], row["created_at"], row["failures"],
                   row["disabled_at"], row["last_error"])


# Confirmed alerts not unsubscribed, and not on a disabled webhook.
_LIVE = ("SELECT {columns} FROM alerts a LEFT JOIN webhooks w ON w.id = a.webhook_id"
         " WHERE a.confirmed_at IS NOT NULL AND a.unsubscribed_at IS NULL AND w.disabled_at IS NULL ORDER BY a.id")


class Alerts:
    """The alert tables over one connection (autocommit; writes in their own transactions)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    # -- alerts ------------------------------------------------------------------
    def add(self, *, channel: str, params: dict, frequency: str, confirm_token: str, manage_token: str,
            created_at: str, email: str | None = None, webhook_id: int | None = None, client: str | None = None,
            confirmed_at: str | None = None) -> Alert:
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO alerts (channel, email, webhook_id, params, frequency, confirm_token, manage_token,"
                " client, created_at, confirmed_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (channel, email, webhook_id, json.dumps(params, sort_keys=True), frequency, confirm_token,
                 manage_token, client, created_at, confirmed_at))
        return self.get(cur.lastrowid)

    def get(self, alert_id: int) -> Alert | None:
        row = self.conn.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return _alert(row) if row else None

    def by_token(self, column: str, token: str) -> Alert | None:
        assert column in ("confirm_token", "manage_token")
        row = self.conn.execute(f"SELECT * FROM alerts WHERE {column} = ?", (token,)).fetchone()
        return _alert(row) if row else None

    def of_email(self, email: str) -> list[Alert]:
        rows = self.conn.execute("SELECT * FROM alerts WHERE email = ? AND unsubscribed_at IS NULL ORDER BY id",
                                 (email,)).fetchall()
        return [_alert(r) for r in rows]

    def of_webhook(self, webhook_id: int) -> list[Alert]:
        rows = self.conn.execute("SELECT * FROM alerts WHERE webhook_id = ? AND unsubscribed_at IS NULL ORDER BY id",
                                 (webhook_id,)).fetchall()
        return [_alert(r) for r in rows]

    def live(self) -> list[Alert]:
        """Every confirmed alert not unsubscribed (and not on a disabled webhook)."""
        return [_alert(r) for r in self.conn.execute(_LIVE.format(columns="a.*")).fetchall()]

    def live_searches(self) -> list[tuple[int, str, dict]]:
        """(id, frequency, params) of every live alert (``live``'s alerts), for matching: only what
        it needs, each distinct search decoded once (alerts following the same search share one
        params dict: treat it as read-only)."""
        rows = self.conn.execute(_LIVE.format(columns="a.id, a.frequency, a.params")).fetchall()
        decoded: dict[str, dict] = {}
        out = []
        for alert_id, frequency, params in rows:
            found = decoded.get(params)
            if found is None:
                found = decoded[params] = json.loads(params)
            out.append((alert_id, frequency, found))
        return out

    def count_recent(self, *, email: str | None = None, client: str | None = None, since: str) -> int:
        column, value = ("email", email) if email is not None else ("client", client)
        return self.conn.execute(f"SELECT count(*) FROM alerts WHERE {column} = ? AND created_at >= ?"
                                 " AND unsubscribed_at IS NULL", (value, since)).fetchone()[0]

    def unconfirmed_unsent(self) -> list[Alert]:
        """Email alerts whose confirmation message is still to be sent."""
        rows = self.conn.execute("SELECT * FROM alerts WHERE channel = 'email' AND confirmed_at IS NULL"
                                 " AND confirm_sent_at IS NULL AND unsubscribed_at IS NULL ORDER BY id").fetchall()
        return [_alert(r) for r in rows]

    def confirmation_sent(self, alert_id: int, at: str) -> None:
        self.conn.execute("UPDATE alerts SET confirm_sent_at = ? WHERE id = ?", (at, alert_id))

    def due_now(self, alert_ids: Sequence[int], now: str) -> None:
        """Pending rows of these alerts due at once (a digest sent by hand)."""
        with transaction(self.conn):
            self.conn.executemany("UPDATE outbox SET next_attempt_at = ? WHERE alert_id = ? AND sent_at IS NULL",
                                  [(now, a) for a in alert_ids])

    def confirm(self, alert_id: int, at: str) -> None:
        self.conn.execute("UPDATE alerts SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?", (at, alert_id))

    def unsubscribe(self, alert_id: int, at: str) -> None:
        """Ends the alert; what it had not yet been sent is dropped."""
        with transaction(self.conn):
            self.conn.execute("UPDATE alerts SET unsubscribed_at = coalesce(unsubscribed_at, ?) WHERE id = ?",
                              (at, alert_id))
            self.conn.execute("DELETE FROM outbox WHERE alert_id = ? AND sent_at IS NULL", (alert_id,))

    def counts(self) -> dict[str, int]:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "email_confirmed": q("SELECT count(*) FROM alerts WHERE channel = 'email' AND confirmed_at IS NOT NULL"
                                 " AND unsubscribed_at IS NULL"),
            "email_unconfirmed": q("SELECT count(*) FROM alerts WHERE channel = 'email' AND confirmed_at IS NULL"
                                   " AND unsubscribed_at IS NULL"),
            "webhook": q("SELECT count(*) FROM alerts WHERE channel = 'webhook' AND unsubscribed_at IS NULL"),
            "unsubscribed": q("SELECT count(*) FROM alerts WHERE unsubscribed_at IS NOT NULL"),
            "webhooks": q("SELECT count(*) FROM webhooks WHERE disabled_at IS NULL"),
            "webhooks_disabled": q("SELECT count(*) FROM webhooks WHERE disabled_at IS NOT NULL"),
            "outbox_pending": q("SELECT count(*) FROM outbox WHERE sent_at IS NULL"),
            "outbox_failing": q("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts > 0"),
            "outbox_sent": q("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"),
        }

    # -- webhooks ----------------------------------------------------------------
    def add_webhook(self, url: str, secret: str, owner: str, created_at: str) -> Webhook:
        with transaction(self.conn):
            cur = self.conn.execute("INSERT INTO webhooks (url, secret, owner, created_at) VALUES (?,?,?,?)",
                                    (url, secret, owner, created_at))
        return self.webhook(cur.lastrowid)

    def webhook(self, webhook_id: int) -> Webhook | None:
        row = self.conn.execute("SELECT * FROM webhooks WHERE id = ?", (webhook_id,)).fetchone()
        return _webhook(row) if row else None

    def webhooks(self, owner: str | None = None) -> list[Webhook]:
        rows = (self.conn.execute("SELECT * FROM webhooks ORDER BY id") if owner is None else
                self.conn.execute("SELECT * FROM webhooks WHERE owner = ? ORDER BY id", (owner,))).fetchall()
        return [_webhook(r) for r in rows]

    def delete_webhook(self, webhook_id: int) -> bool:
        with transaction(self.conn):
            return self.conn.execute("DELETE FROM webhooks WHERE id = ?", (webhook_id,)).rowcount > 0

    def webhook_result(self, webhook_id: int, error: str | None, *, disable_after: int, at: str) -> Webhook:
        """Records one delivery: success resets the failures; the ``disable_after``-th failure in a row disables it."""
        with transaction(self.conn):
            if error is None:
                self.conn.execute("UPDATE webhooks SET failures = 0, last_error = NULL WHERE id = ?", (webhook_id,))
            else:
                self.conn.execute(
                    "UPDATE webhooks SET failures = failures + 1, last_error = ?,"
                    " disabled_at = CASE WHEN failures + 1 >= ? THEN coalesce(disabled_at, ?) ELSE disabled_at END"
                    " WHERE id = ?", (error[:1000], disable_after, at, webhook_id))
        return self.webhook(webhook_id)

    # -- outbox ------------------------------------------------------------------
    def enqueue(self, pairs: Iterable[tuple[int, str]], at: str, next_attempt_at: Sequence[str] | None = None) -> int:
        """(alert, document) pairs to deliver; a pair already there (sent or not) is left alone. The number added."""
        pairs = list(pairs)
        if not pairs:
            return 0
        with transaction(self.conn):
            before = self.conn.total_changes
            self.conn.executemany(
                "INSERT OR IGNORE INTO outbox (alert_id, document_id, created_at, next_attempt_at) VALUES (?,?,?,?)",
                [(a, d, at, (next_attempt_at[i] if next_attempt_at else at)) for i, (a, d) in enumerate(pairs)])
            return self.conn.total_changes - before

    def due(self, now: str, limit: int = 500) -> list[Pending]:
        rows = self.conn.execute(
            "SELECT id, alert_id, document_id, attempts, created_at FROM outbox"
            " WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (now, limit)).fetchall()
        return [Pending(r["id"], r["alert_id"], r["document_id"], r["attempts"], r["created_at"]) for r in rows]

    def next_due(self) -> str | None:
        return self.conn.execute("SELECT min(next_attempt_at) FROM outbox WHERE sent_at IS NULL").fetchone()[0]

    def mark_sent(self, ids: Sequence[int], at: str) -> None:
        with transaction(self.conn):
            self.conn.executemany("UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ? AND sent_at IS NULL",
                                  [(at, i) for i in ids])

    def mark_failed(self, ids: Sequence[int], error: str, next_attempt_at: str) -> None:
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
                " WHERE id = ? AND sent_at IS NULL", [(error[:1000], next_attempt_at, i) for i in ids])

    def drop(self, ids: Sequence[int]) -> None:
        """Rows that will never be delivered (their document is no longer public, their alert gone)."""
        with transaction(self.conn):
            self.conn.executemany("DELETE FROM outbox WHERE id = ? AND sent_at IS NULL", [(i,) for i in ids])

    def sent(self, alert_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT document_id FROM outbox WHERE alert_id = ? AND sent_at IS NOT NULL ORDER BY id", (alert_id,))]
