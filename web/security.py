"""The secret key, CSRF tokens, security headers and the sign-in rate limit."""
from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request, session
from flask.json.provider import DefaultJSONProvider

from dossier.core.accounts import Accounts

from .sessions import signed_in_user

SECRET_FILE = "secret_key"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# The embed viewer is the one page any site may frame; everything else refuses frames.
EMBED_CSP = PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
# Originals are other people's bytes: a sandbox with no scripts and no same-origin,
# so even HTML that slipped through would run as an opaque origin, if at all.
ORIGINAL_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# Chromium's PDF viewer refuses to render inside a CSP sandbox; a PDF is never
# parsed as HTML here (its type is sniffed, and nosniff is set), so it gets no sandbox.
PDF_CSP = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"


# -- the secret key ---------------------------------------------------------------
def secret_key(data_dir: Path, environ=os.environ) -> bytes:
    """DOSSIER_SECRET_KEY, else a key generated once into <data>/secret_key (0600).

    Every worker process reads the same file, so a cookie signed by one is
    accepted by the others. Created with O_EXCL: two processes starting at once
    both end up with whichever was written first.
    """
    if environ.get("DOSSIER_SECRET_KEY"):
        return environ["DOSSIER_SECRET_KEY"].encode("utf-8")
    path = Path(data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # fails if another process won the race: use theirs
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip().encode("ascii")


# -- CSRF -------------------------------------------------------------------------
def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


# A form posted by someone not signed in (sign-in itself, say) is small; a bigger
# body from an anonymous client is refused before a byte of it is read, so
# nobody can make the server spool and parse 100 MB without an account.
ANONYMOUS_BODY_LIMIT = 64 * 1024


def refuse_unreadable_forms() -> None:
    """Before anything reads the body: refuse what must not be read, and what cannot be."""

    # The API checks its bearer token before it reads a body, and form_unreadable() after.
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/") or not_routed():
        return
    if request.path.startswith("/alerts/unsubscribe/"):
        return      # RFC 8058 one-click: the mail client posts without a session; the secret is in the URL
    # The confirmed user, not the cookie's say-so: this runs before load_user, and a
    # cookie whose session has ended or whose user is gone is anonymous.
    if signed_in_user() is None:
        length = request.content_length
        if length is None and request.environ.get("wsgi.input_terminated") or (length or 0) > ANONYMOUS_BODY_LIMIT:
            abort(403, description="Please sign in before sending files.")
    if form_unreadable():
        abort(400, description=UNREADABLE_FORM)


def large_body_allowed(app: Flask, environ: dict) -> bool:
    """Whether a body over ANONYMOUS_BODY_LIMIT (or chunked) may be read at all, judged on the
    request's headers alone: for a server that reads whole requests before the app sees them.

    On /api/ it takes a valid API token (a bad one counts against the address, as
    in the API); elsewhere a session that is signed in (confirmed server-side).
    The app's own checks run after."""
    accounts = app.extensions["dossier.accounts"]
    if environ.get("PATH_INFO", "").startswith("/api/"):
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        addr_key = f"token:addr:{environ.get('REMOTE_ADDR')}"
        if scheme.lower() != "bearer" or not token.strip() or limited(accounts, addr_key, TOKEN_PER_ADDRESS):
            return False
        if accounts.user_for_token(token.strip()) is None:
            accounts.record_failure(addr_key)
            return False
        return True
    with app.request_context(environ):
        return signed_in_user() is not None


UNREADABLE_FORM = ("The upload could not be read: its form data is malformed or empty (a file name that is "
                   "not valid UTF-8, for example). Rename the file and try again.")


def form_unreadable() -> bool:
    """Werkzeug drops the whole form when a part's headers are not UTF-8 (a file
    name in Latin-1, say): tell that apart from "no file" or "expired form"."""
    return request.mimetype == "multipart/form-data" and not request.form and not request.files


def not_routed() -> bool:
    """No view will run (no such page, or not for this method): its 404 or 405, with its
    Allow header, answers; the body is never read."""
    return request.routing_exception is not None


def check_csrf() -> None:
    """Refuse a state-changing browser request whose token is not the session's.

    The API is exempt: it takes bearer tokens only, never the session cookie,
    so a forged cross-site request carries no credentials there.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/api/") or not_routed():
        return
    if request.path.startswith("/alerts/unsubscribe/"):
        return      # RFC 8058 one-click: the mail client posts without a session; the secret is in the URL
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = session.get(CSRF_FIELD)
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403, description="This form has expired or did not come from this site. "
                               "Please go back, reload the page and try again.")


# -- headers ----------------------------------------------------------------------
def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    frames = frame_options(response.headers["Content-Security-Policy"])
    if frames:
        response.headers["X-Frame-Options"] = frames
    else:
        response.headers.pop("X-Frame-Options", None)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def frame_options(csp: str) -> str | None:
    """X-Frame-Options saying what the CSP's frame-ancestors says, for browsers that read only it;
    None for the embed (the header cannot say "any site")."""
    if "frame-ancestors 'none'" in csp:
        return "DENY"
    return None if "frame-ancestors *" in csp else "SAMEORIGIN"


def original_csp(mime: str) -> str:
    return PDF_CSP if mime == "application/pdf" else ORIGINAL_CSP


# -- the public address -------------------------------------------------------------
class BaseURL:
    """WSGI middleware: every request is taken to have come to the configured public address,
    so absolute URLs never repeat an attacker's Host header (or scheme)."""

    def __init__(self, app, base_url: str):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"DOSSIER_BASE_URL must look like https://host[/path], not {base_url!r}")
        self.app, self.scheme, self.host, self.prefix = app, parts.scheme, parts.netloc, parts.path.rstrip("/")

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"], _, port = self.host.partition(":")
        environ["SERVER_PORT"] = port or ("443" if self.scheme == "https" else "80")
        if self.prefix:
            # Behind a proxy that passes the prefix on (/records/search), or strips it (/search).
            path = environ.get("PATH_INFO", "")
            if path == self.prefix or path.startswith(self.prefix + "/"):
                environ["PATH_INFO"] = path[len(self.prefix):] or "/"
            environ["SCRIPT_NAME"] = self.prefix
        return self.app(environ, start_response)


# -- rate limits ------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    attempts: int
    window: float  # seconds


SIGNIN_WINDOW = 15 * 60
SIGNIN_PER_ADDRESS_AND_NAME = Limit(5, SIGNIN_WINDOW)
SIGNIN_PER_ADDRESS = Limit(20, SIGNIN_WINDOW)
# Failures at one name from anywhere. Past this the name is under attack, and an
# address that has itself failed lately gets no more tries at it; an address
# with no recent failures always gets its try, so nobody can lock the owner out.
SIGNIN_NAME_UNDER_ATTACK = Limit(10, SIGNIN_WINDOW)
TOKEN_PER_ADDRESS = Limit(20, 15 * 60)


def limited(accounts: Accounts, key: str, limit: Limit) -> bool:
    return accounts.failures(key, limit.window) >= limit.attempts


@dataclass(frozen=True)
class SigninKeys:
    """Where one address's failed sign-ins at one name are counted."""
    pair: str
    address: str
    name: str

    @classmethod
    def of(cls, address: str | None, name: str) -> SigninKeys:
        name = name.lower()
        # A space between the two: neither an address nor a user name can hold one.
        return cls(f"signin:pair:{address} {name}", f"signin:addr:{address}", f"signin:user:{name}")

    def all(self) -> tuple[str, str, str]:
        return self.pair, self.address, self.name


def signin_refused(accounts: Accounts, keys: SigninKeys) -> bool:
    """Whether this address may not try this name now: never when the address has no recent failures."""
    if limited(accounts, keys.pair, SIGNIN_PER_ADDRESS_AND_NAME) or limited(accounts, keys.address, SIGNIN_PER_ADDRESS):
        return True
    return limited(accounts, keys.name, SIGNIN_NAME_UNDER_ATTACK) and \
        accounts.failures(keys.address, SIGNIN_WINDOW) > 0


class HtmlSafeJSON(DefaultJSONProvider):
    """JSON whose strings never contain a raw <, > or &: harmless even if a browser mis-sniffed it."""

    def dumps(self, obj, **kwargs) -> str:
        text = super().dumps(obj, **kwargs)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def install(app: Flask) -> None:
    app.json = HtmlSafeJSON(app)
    app.json.sort_keys = False
    app.before_request(refuse_unreadable_forms)
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = CSRF_FIELD
