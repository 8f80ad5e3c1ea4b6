"""Who a request is signed in as: a server-side session whose id travels in Flask's signed cookie."""
from __future__ import annotations

from flask import current_app, g, request, session

from dossier.core.accounts import Accounts

# A session ends after PERMANENT_SESSION_LIFETIME (8 h, SESSION_HOURS) without a
# request, and in any case this long after sign-in: the cookie is re-issued on
# every request, so a session in use would otherwise live for ever.
SESSION_MAX_HOURS = 24
# The cookie's key for the session id (the CSRF token sits beside it).
SESSION_KEY = "sid"
# Where a request keeps who it is signed in as, once confirmed: in its WSGI
# environ, which no other request shares (g can be, under one app context).
_CONFIRMED = "dossier.signed_in_user"


def accounts() -> Accounts:
    return current_app.extensions["dossier.accounts"]


def signed_in_user() -> str | None:
    """The name this request is signed in as, or None. Only a session that exists
    server-side, has not expired and whose account still exists counts; looked
    up once a request, whichever hook asks first."""
    if _CONFIRMED not in request.environ:
        request.environ[_CONFIRMED] = _confirm_session()
    return request.environ[_CONFIRMED]


def _confirm_session() -> str | None:
    session_id = session.get(SESSION_KEY)
    if not isinstance(session_id, str):
        return None
    idle = current_app.permanent_session_lifetime.total_seconds()
    name = accounts().session_user(session_id, idle)
    if name is None:
        session.pop(SESSION_KEY, None)  # ended, expired or its user removed: an anonymous cookie from now on
    return name


def load_user() -> None:
    """g.user, g.role: the signed-in staff member (see signed_in_user) and their role."""
    g.user = signed_in_user()
    g.role = accounts().role(g.user) if g.user else None
