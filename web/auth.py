"""Staff sign-in and sign-out: a signed, expiring session cookie naming the user."""
from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from . import security
from .accounts import Accounts

bp = Blueprint("auth", __name__)

# The cookie lapses after PERMANENT_SESSION_LIFETIME (8 h) without a request; Flask
# re-issues it on every request, so a session in use would live for ever without
# this cap on its whole length, counted from sign-in.
SESSION_MAX_HOURS = 24


def accounts() -> Accounts:
    return current_app.extensions["dossier.accounts"]


def load_user() -> None:
    """g.user: the signed-in staff member, if the account still exists (removed users are signed out)."""
    name = session.get("user")
    since = session.get("since")
    if name and not (isinstance(since, (int, float)) and time.time() - since < SESSION_MAX_HOURS * 3600):
        session.clear()
        name = None
    g.user = name if name and accounts().user_exists(name) else None
    if name and g.user is None:
        session.pop("user", None)


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            flash("Please sign in to continue.", "info")
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def _safe_next(target: str | None) -> str:
    """Only paths on this site: never an open redirect to another host."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("search.search")
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if request.method == "GET":
        return render_template("signin.html", next=request.args.get("next", ""))
    name, password = request.form.get("username", "").strip(), request.form.get("password", "")
    name_key, addr_key = f"signin:user:{name.lower()}", f"signin:addr:{request.remote_addr}"
    if security.limited(accounts(), name_key, security.SIGNIN_PER_NAME) or \
            security.limited(accounts(), addr_key, security.SIGNIN_PER_ADDRESS):
        abort(429, description="Too many failed sign-in attempts. Please wait 15 minutes and try again.")
    if not accounts().check_password(name, password):
        accounts().record_failure(name_key, addr_key)
        return render_template("signin.html", next=request.form.get("next", ""), username=name,
                               error="The user name or password is not right."), 401
    accounts().clear_failures(name_key)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    session.permanent = True
    session["user"] = name
    session["since"] = time.time()
    flash(f"Signed in as {name}.", "success")
    return redirect(_safe_next(request.form.get("next")), 303)


@bp.route("/signout", methods=["POST"])
def signout():
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("search.search"), 303)
