"""Error pages in the base layout, JSON errors under /api."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import Forbidden as FORBIDDEN
from werkzeug.exceptions import HTTPException, InternalServerError

from dossier.core import Forbidden, Withdrawn

TITLES = {
    400: "This request could not be understood", 401: "Please sign in", 403: "Not allowed",
    404: "Page not found", 405: "Not allowed here", 413: "The upload is too large", 416: "No such part of this file",
    415: "This type of file is not accepted", 410: "No longer here", 429: "Too many attempts", 500: "Something went wrong",
    501: "Not offered",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 410: "gone", 413: "too_large", 415: "unsupported_type", 416: "range_not_satisfiable",
         429: "rate_limited",
         500: "internal_error", 501: "not_implemented"}
# Where errors are JSON: the API, and oEmbed (whose callers are programs).
JSON_ERROR_PATHS = ("/api/", "/oembed")


# A refused upload's status by its code: too large 413, a type we do not take (or that lies) 415.
REFUSED_STATUS = {"too_large": 413, "unsupported_type": 415, "type_mismatch": 415}


def json_error(status: int, code: str, message: str, **extra):
    return {"error": {"code": code, "message": message, **extra}}, status


def handle(exc: HTTPException):
    status = exc.code or 500
    # A 500 says what went wrong only when the code raised it on purpose, with words for it.
    unexpected = status == 500 and exc.description == InternalServerError.description
    message = "An unexpected error happened. Please try again later." if unexpected else exc.description
    if status == 413:
        message = "The upload is larger than this site accepts."
    # Allow (405), Retry-After (429, 503), Content-Range (416), WWW-Authenticate (401): kept on every page.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if request.path.startswith(JSON_ERROR_PATHS):
        body, status = json_error(status, CODES.get(status, "error"), message)
        return body, status, headers
    page = render_template("error.html", status=status, title=TITLES.get(status, "Error"), message=message)
    return page, status, headers


def handle_unexpected(exc: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return handle(InternalServerError(original_exception=exc))


def withdrawn(exc: Withdrawn):
    """A withdrawn document's address keeps working: a notice of what it was, when and why."""
    return render_template("withdrawn.html", doc=exc.document), 410


def forbidden(exc: Forbidden):
    return handle(FORBIDDEN(description=exc.message))


def install(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle)
    app.register_error_handler(Withdrawn, withdrawn)
    app.register_error_handler(Forbidden, forbidden)
    app.register_error_handler(Exception, handle_unexpected)
