"""An access log line per request on stderr, in the common "combined" format.

Written when the application has answered (status and headers known), so a
file response is handed to the server untouched and still sent by its I/O
loop; the size is the Content-Length, or "-" for a streamed body.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Callable, Iterable, TextIO

_lock = threading.Lock()


def with_access_log(app: Callable, stream: TextIO | None = None) -> Callable:
    def logged(environ: dict, start_response: Callable) -> Iterable[bytes]:
        seen: dict = {}

        def start(status: str, headers: list, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = app(environ, start)
        _write(stream or sys.stderr, environ, seen)
        return body

    return logged


def _write(stream: TextIO, environ: dict, seen: dict) -> None:
    status = seen.get("status", "-").split(" ", 1)[0]
    size = next((v for k, v in seen.get("headers", ()) if k.lower() == "content-length"), "-")
    target = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        target += "?" + environ["QUERY_STRING"]
    line = '%s - - [%s] "%s %s %s" %s %s "%s" "%s"\n' % (
        environ.get("REMOTE_ADDR", "-"), time.strftime("%d/%b/%Y:%H:%M:%S %z"),
        environ.get("REQUEST_METHOD", "-"), _printable(target), environ.get("SERVER_PROTOCOL", "-"),
        status, size, _printable(environ.get("HTTP_REFERER", "-")), _printable(environ.get("HTTP_USER_AGENT", "-")))
    with _lock:
        stream.write(line)
        stream.flush()


def _printable(text: str) -> str:
    """What the client sent, without line breaks, control characters or bare quotes."""
    if not text:
        return "-"
    return "".join(ch if " " <= ch < "\x7f" and ch not in '"\\' else "\\" + ch if ch == '"'
                   else ascii(ch)[1:-1] for ch in text)
