"""Two changes to waitress for `dossier serve`.

- A look at each request's headers before its body is read: a large body the
  site would refuse (`Site.large_body_allowed`) is answered 403 as soon as the
  headers are in, and never buffered.
- A connection whose client is still reading what the kernel holds for it is
  not idle. Waitress counts a connection idle from its last send; with a slow
  reader the kernel's send buffer (megabytes on a fast link) may take minutes
  to drain before the socket is writable again, and the download would be cut.
"""
from __future__ import annotations

import fcntl
import io
import struct
import termios
from typing import Callable

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import Error


class Refused(Error):
    code = 403
    reason = "Forbidden"


REFUSAL = "Sign in (or send an API token) before sending a body this large."


def gated_channel(allowed: Callable[[dict], bool], small_body: int) -> type[HTTPChannel]:
    class Parser(HTTPRequestParser):
        peer = None

        def parse_header(self, header_plus):
            super().parse_header(header_plus)
            large = self.chunked or self.content_length > small_body
            if self.body_rcv is not None and large and not _allowed(allowed, self._environ()):
                self.error = Refused(REFUSAL)
                self.completed = True

        def _environ(self) -> dict:
            environ = {"HTTP_" + name: value for name, value in self.headers.items()
                       if name not in ("CONTENT_LENGTH", "CONTENT_TYPE")}
            environ.update({
                "REQUEST_METHOD": self.command, "PATH_INFO": self.path, "QUERY_STRING": self.query,
                "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": f"HTTP/{self.version}",
                "REMOTE_ADDR": self.peer or "", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
                "CONTENT_LENGTH": str(self.content_length), "CONTENT_TYPE": self.headers.get("CONTENT_TYPE", "")})
            return environ

    class Channel(HTTPChannel):
        def parser_class(self, adj):
            parser = Parser(adj)
            parser.peer = self.addr[0] if isinstance(self.addr, tuple) else None
            return parser

    return Channel


def _allowed(allowed: Callable[[dict], bool], environ: dict) -> bool:
    try:
        return allowed(environ)
    except Exception:   # headers the app cannot even read: it would refuse the body too
        return False


def count_draining_as_active(server) -> None:
    """Before each idle sweep, a connection whose kernel send queue shrank since the last sweep is active."""
    sweep = server.maintenance

    def maintenance(now):
        for channel in list(server.active_channels.values()):
            queued = _unsent(channel)
            before = getattr(channel, "dossier_unsent", None)
            channel.dossier_unsent = queued
            if before is not None and queued is not None and queued < before:
                channel.last_activity = now
        sweep(now)

    server.maintenance = maintenance


def _unsent(channel) -> int | None:
    """Bytes written to the socket that the client has not yet acknowledged (Linux's SIOCOUTQ)."""
    try:
        return struct.unpack("i", fcntl.ioctl(channel.socket.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]
    except (OSError, AttributeError, ValueError):
        return None
