"""Staff sign-in and sign-out: a server-side session whose id travels in Flask's signed cookie."""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from dossier.core.accounts import NoSuchUser

from . import security
from .sessions import SESSION_KEY, SESSION_MAX_HOURS, accounts

bp = Blueprint("auth", __name__)

TOO_MANY = (f"Too many failed sign-in attempts from your address. Please wait {security.SIGNIN_WINDOW // 60} "
            "minutes and try again.")


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            flash("Please sign in to continue.", "info")
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    wrapped.staff_only = True          # the public-routes test walks every route but these
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
    keys = security.SigninKeys.of(request.remote_addr, name)
    if security.signin_refused(accounts(), keys):
        return _signin_form(name, TOO_MANY, 429, {"Retry-After": str(security.SIGNIN_WINDOW)})
    if not accounts().check_password(name, password) or not _start_session(name):
        accounts().record_failure(*keys.all())
        return _signin_form(name, "The user name or password is not right.", 401)
    accounts().clear_failures(keys.pair)
    flash(f"Signed in as {name}.", "success")
    return redirect(_safe_next(request.form.get("next")), 303)


def _signin_form(name: str, error: str, status: int, headers: dict | None = None):
    page = render_template("signin.html", next=request.form.get("next", ""), username=name, error=error)
    return page, status, headers or {}


def _start_session(name: str) -> bool:
    """Replace this browser's session (and CSRF token) with a new one for `name`."""
    try:
        session_id = accounts().create_session(name, SESSION_MAX_HOURS * 3600)
    except NoSuchUser:  # removed since its password was checked
        return False
    _end_this_session()
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = session_id
    return True


def _end_this_session() -> None:
    session_id = session.get(SESSION_KEY)
    if isinstance(session_id, str):
        accounts().end_session(session_id)


@bp.route("/signout", methods=["POST"])
def signout():
    _end_this_session()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("search.search"), 303)
