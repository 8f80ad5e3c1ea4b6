"""Sign-in, sessions, CSRF, the rate limit and the secret key."""
from __future__ import annotations

import os
import stat

from tests.web.conftest import csrf, sign_in


def test_signin_page_and_success(client, staff):
    assert client.get("/signin").status_code == 200
    response = sign_in(client, *staff)
    assert response.status_code == 303 and response.headers["Location"] == "/search"
    page = client.get("/").get_data(as_text=True)
    assert "Sign out" in page and "Upload" in page
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_wrong_password_is_refused(client, staff):
    response = client.post("/signin", data={"username": staff[0], "password": "nope-nope",
                                            "csrf_token": csrf(client)})
    assert response.status_code == 401 and "not right" in response.get_data(as_text=True)
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_signin_is_rate_limited_across_workers(client, staff, accounts):
    token = csrf(client)
    for _ in range(5):
        client.post("/signin", data={"username": staff[0], "password": "wrong-wrong", "csrf_token": token})
    response = client.post("/signin", data={"username": staff[0], "password": staff[1], "csrf_token": token})
    assert response.status_code == 429 and "Too many" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "900"
    assert accounts.failures(f"signin:user:{staff[0]}", 900) == 5  # kept in SQLite, shared by workers


def attempt(client, address: str, password: str, name: str = "press"):
    return client.post("/signin", data={"username": name, "password": password, "csrf_token": csrf(client)},
                       environ_base={"REMOTE_ADDR": address})


def test_failures_from_other_addresses_never_lock_out_the_right_password(client, staff):
    attackers = [f"203.0.113.{i}" for i in range(1, 51)]
    assert [attempt(client, address, "guess-guess").status_code for address in attackers] == [401] * 50
    again = attempt(client, attackers[0], "guess-guess")
    assert again.status_code == 429 and again.headers["Retry-After"] == "900"
    assert attempt(client, "198.51.100.7", staff[1]).status_code == 303


def test_one_address_is_stopped_at_one_name_and_at_many(client, staff):
    for _ in range(5):
        assert attempt(client, "203.0.113.1", "guess-guess").status_code == 401
    assert attempt(client, "203.0.113.1", staff[1]).status_code == 429
    for i in range(20):
        assert attempt(client, "203.0.113.2", "guess-guess", name=f"user{i % 4}").status_code == 401
    assert attempt(client, "203.0.113.2", staff[1]).status_code == 429  # 20 failures, none at "press"
    assert attempt(client, "198.51.100.7", staff[1]).status_code == 303


def test_a_name_under_attack_gives_failing_addresses_no_more_tries(client, staff):
    for i in range(10):
        assert attempt(client, f"203.0.113.{i}", "guess-guess").status_code == 401
    assert attempt(client, "203.0.113.0", "guess-guess").status_code == 429  # one failure, not five: slowed
    assert attempt(client, "203.0.113.0", "guess-guess", name="someone-else").status_code == 401
    assert attempt(client, "198.51.100.7", staff[1]).status_code == 303  # a fresh address is never refused


def test_signing_in_clears_that_addresss_failures_for_the_name(client, staff, accounts):
    for _ in range(4):
        attempt(client, "203.0.113.1", "guess-guess")
    assert attempt(client, "203.0.113.1", staff[1]).status_code == 303
    for _ in range(4):
        assert attempt(client, "203.0.113.1", "guess-guess").status_code == 401
    assert attempt(client, "203.0.113.1", staff[1]).status_code == 303


def test_next_only_redirects_on_this_site(client, staff):
    token = csrf(client)
    form = {"username": staff[0], "password": staff[1], "csrf_token": token}
    assert client.post("/signin", data=dict(form, next="https://evil.example/")).headers["Location"] == "/search"
    token = csrf(client)
    form["csrf_token"] = token
    assert client.post("/signin", data=dict(form, next="/upload")).headers["Location"] == "/upload"


def test_post_without_csrf_token_is_refused(client, staff):
    response = client.post("/signin", data={"username": staff[0], "password": staff[1]})
    assert response.status_code == 403 and "expired" in response.get_data(as_text=True)
    response = client.post("/signin", data={"username": staff[0], "password": staff[1], "csrf_token": "forged"})
    assert response.status_code == 403


def test_signout_needs_csrf_and_ends_the_session(signed_in):
    assert signed_in.post("/signout").status_code == 403
    response = signed_in.post("/signout", data={"csrf_token": csrf(signed_in, "/")})
    assert response.status_code == 303
    assert signed_in.get("/upload").status_code == 302


def test_upload_needs_sign_in(client):
    response = client.get("/upload")
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin?next=/upload")
    assert client.post("/upload", data={"csrf_token": csrf(client)}).status_code == 302


def test_removed_user_is_signed_out(signed_in, accounts):
    accounts.remove_user("press")
    assert signed_in.get("/upload").status_code == 302


def test_session_cookie_expires(app, signed_in):
    from itsdangerous import URLSafeTimedSerializer  # noqa: F401  (Flask's signer checks max_age)
    import time

    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600
    cookie = signed_in.get_cookie("dossier_session")
    app.permanent_session_lifetime = __import__("datetime").timedelta(seconds=1)
    time.sleep(2.1)
    assert cookie is not None and signed_in.get("/upload").status_code == 302


def test_secret_key_is_generated_once_and_private(config, app):
    from dossier.web.security import secret_key

    path = config.data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(config.data_dir) == app.secret_key == secret_key(config.data_dir)
    assert secret_key(config.data_dir, {"DOSSIER_SECRET_KEY": "from-env"}) == b"from-env"


def test_passwords_and_tokens_are_not_stored_in_clear(accounts, staff, token):
    raw = accounts.path.read_bytes() + (accounts.path.parent / "accounts.sqlite3-wal").read_bytes() \
        if os.path.exists(accounts.path.parent / "accounts.sqlite3-wal") else accounts.path.read_bytes()
    assert staff[1].encode() not in raw and token.encode() not in raw
    assert accounts.user_for_token(token) == "press"
