"""Sessions live server-side: a cookie is only a session id, and ending the session ends the cookie.

A copied cookie, a cookie from before the user was removed (and added again), a cookie
from before a password change: none of them signs anyone in. See test_auth.py for the rest.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing

from dossier.web import auth
from dossier.web.sessions import SESSION_MAX_HOURS

from tests.web.conftest import PASSWORD, csrf, sign_in

from .test_abuse_uploads import Endless, file_part, raw_post

COOKIE = "dossier_session"


def session_rows(accounts) -> list[dict]:
    with closing(sqlite3.connect(accounts.path)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM sessions ORDER BY created_at")]


def age_sessions(accounts, **seconds: float) -> None:
    """Move the sessions' clocks back: last_seen=..., expires_at=... seconds earlier."""
    with closing(sqlite3.connect(accounts.path)) as db, db:
        for column, delta in seconds.items():
            db.execute(f"UPDATE sessions SET {column} = {column} - ?", (delta,))


def copy_of(client):
    """Another browser holding the same cookie, as a stolen or copied cookie would be."""
    other = client.application.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def signed_in_as(client) -> bool:
    return client.get("/upload").status_code == 200


# -- what the cookie holds ------------------------------------------------------------------
def test_the_cookie_holds_a_session_id_not_a_user(app, signed_in, accounts):
    signed_in.get("/")  # shows the "Signed in as" message, which the cookie held until then
    payload = app.session_interface.get_signing_serializer(app).loads(signed_in.get_cookie(COOKIE).value)
    assert set(payload) == {"_permanent", auth.SESSION_KEY, "csrf_token"}
    assert "press" not in repr(payload)
    (row,) = session_rows(accounts)
    assert payload[auth.SESSION_KEY] not in repr(row)  # only its hash is stored
    assert row["expires_at"] - row["created_at"] == SESSION_MAX_HOURS * 3600


def test_a_cookie_naming_a_user_is_not_a_session(client, staff):
    # The shape the cookie had before sessions were kept server-side.
    with client.session_transaction() as session:
        session.update(user="press", since=time.time())
    assert not signed_in_as(client)
    with client.session_transaction() as session:
        session[auth.SESSION_KEY] = "made-up"
    assert not signed_in_as(client)
    with client.session_transaction() as session:
        assert auth.SESSION_KEY not in session  # dropped, not merely refused once


# -- ending a session ends every copy of its cookie -------------------------------------------
def test_a_copied_cookie_stops_working_at_sign_out(signed_in, accounts):
    copy = copy_of(signed_in)
    assert signed_in_as(copy)
    assert signed_in.post("/signout", data={"csrf_token": csrf(signed_in, "/")}).status_code == 303
    assert not signed_in_as(copy) and session_rows(accounts) == []


def test_an_old_cookie_does_not_sign_in_a_user_added_again(signed_in, accounts, dossier):
    copy = copy_of(signed_in)
    assert dossier("user", "remove", "press").exit_code == 0
    assert dossier("user", "add", "press", "--password-stdin", input="a new password\n").exit_code == 0
    assert not signed_in_as(copy) and not signed_in_as(signed_in)
    assert session_rows(accounts) == []



def test_a_new_password_ends_the_sessions_from_before(client, signed_in, accounts, dossier):
    copy = copy_of(signed_in)
    result = dossier("user", "password", "press", "--password-stdin", input="a new password\n")
    assert result.exit_code == 0 and "signed out 1 session" in result.stderr
    assert not signed_in_as(copy) and not signed_in_as(signed_in)
    fresh = client.application.test_client()
    assert sign_in(fresh, "press", PASSWORD).status_code == 401
    assert sign_in(fresh, "press", "a new password").status_code == 303 and signed_in_as(fresh)

def test_signing_in_again_ends_the_session_it_replaces(signed_in, accounts):
    copy = copy_of(signed_in)
    assert sign_in(signed_in, "press", PASSWORD).status_code == 303
    assert signed_in_as(signed_in) and not signed_in_as(copy)
    assert len(session_rows(accounts)) == 1


# -- how long a session lasts -----------------------------------------------------------------
def test_a_session_in_constant_use_still_ends(signed_in, accounts):
    assert signed_in_as(signed_in)
    age_sessions(accounts, created_at=SESSION_MAX_HOURS * 3600, expires_at=SESSION_MAX_HOURS * 3600)
    assert not signed_in_as(signed_in)
    assert session_rows(accounts) == []
    with signed_in.session_transaction() as session:
        assert auth.SESSION_KEY not in session


def test_an_idle_session_ends(app, signed_in, accounts):
    idle = app.permanent_session_lifetime.total_seconds()
    age_sessions(accounts, last_seen=idle - 5)
    assert signed_in_as(signed_in)  # a request just inside the idle time keeps it alive...
    age_sessions(accounts, last_seen=idle - 1)
    assert signed_in_as(signed_in)  # ...and moves last_seen on,
    age_sessions(accounts, last_seen=idle)
    assert not signed_in_as(signed_in)  # so only a gap of the whole idle time ends it


def test_last_seen_is_written_at_most_once_a_minute(signed_in, accounts):
    (before,) = session_rows(accounts)
    for _ in range(3):
        assert signed_in_as(signed_in)
    assert session_rows(accounts) == [before]
    age_sessions(accounts, last_seen=61)
    assert signed_in_as(signed_in)
    assert session_rows(accounts)[0]["last_seen"] > before["last_seen"]


def test_expired_sessions_are_swept_at_the_next_sign_in(client, signed_in, accounts):
    age_sessions(accounts, expires_at=SESSION_MAX_HOURS * 3600)
    other = client.application.test_client()
    assert sign_in(other, "press", PASSWORD).status_code == 303
    assert len(session_rows(accounts)) == 1


# -- a dead session is anonymous before the body is read ------------------------------------
def big_upload(client, csrf_token: str):
    """POST /upload with a 1 MB body (over the anonymous 64 KB, under the signed-in limit).

    The CSRF token is taken beforehand, so that no request refreshes the cookie
    in between, and so that a 403 is not the CSRF check's."""
    body = Endless(file_part(), 2**20, b"\r\n--B--\r\n")
    response = raw_post(client, "/upload", body, length=2**20 + 200, headers={"X-CSRF-Token": csrf_token})
    return response, body


def test_a_removed_users_cookie_cannot_send_a_large_body(signed_in, dossier):
    token = csrf(signed_in, "/")
    assert dossier("user", "remove", "press").exit_code == 0
    response, body = big_upload(signed_in, token)
    assert response.status_code == 403 and "sign in" in response.get_data(as_text=True)
    assert body.consumed == 0


def test_an_ended_sessions_cookie_cannot_send_a_large_body(signed_in):
    copy, token = copy_of(signed_in), csrf(signed_in, "/")
    signed_in.post("/signout", data={"csrf_token": token})
    response, body = big_upload(copy, token)
    assert response.status_code == 403 and "sign in" in response.get_data(as_text=True)
    assert body.consumed == 0


def test_a_live_session_can(signed_in):
    response, body = big_upload(signed_in, csrf(signed_in, "/"))
    assert response.status_code != 403 and body.consumed > 64 * 1024
