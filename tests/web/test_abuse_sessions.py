"""Sessions have a cap on their whole length, not only an idle timeout (see test_auth.py for the rest)."""
from __future__ import annotations

import time

from web.auth import SESSION_MAX_HOURS


def test_a_session_in_constant_use_still_ends(signed_in):
    assert signed_in.get("/upload").status_code == 200
    with signed_in.session_transaction() as session:
        session["since"] = time.time() - SESSION_MAX_HOURS * 3600 - 1
    assert signed_in.get("/upload").status_code == 302
    # The forged-looking session is dropped, not merely refused once.
    with signed_in.session_transaction() as session:
        assert "user" not in session


def test_a_session_without_a_sign_in_time_is_not_trusted(signed_in):
    with signed_in.session_transaction() as session:
        del session["since"]
    assert signed_in.get("/upload").status_code == 302
