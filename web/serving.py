"""`dossier serve`: waitress in N forked processes over one listening socket.

Waitress reads a whole request (spooling a large body to a temporary file)
before a thread sees it, and sends responses from its I/O loop: a slow client
costs a socket and a buffer, not a thread. Files served through
`wsgi.file_wrapper` (originals) are sent by the loop too, with no time limit
while the client keeps reading. Processes, not threads, give the CPU-bound
searches both cores; the parent only binds, forks, restarts a worker that
died and stops them all on SIGINT/SIGTERM.
"""
from __future__ import annotations

import errno
import os
import select
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

# A worker that dies this soon after starting, this many times in a row, is
# failing to start: the server stops instead of forking it forever.
FAST_EXIT_SECONDS = 5.0
FAST_EXITS = 5
# How long stopping workers get to finish the requests they are running.
STOP_GRACE = 10.0


class ServeError(Exception):
    """Serving cannot start (the message says why)."""


class PortInUse(ServeError):
    def __init__(self, port: int, free: int | None):
        hint = f"; try --port {free}" if free else ""
        super().__init__(f"port {port} is in use{hint}")


@dataclass(frozen=True)
class Options:
    threads: int = 8
    idle_timeout: int = 60            # seconds with nothing received and nothing sent read, no request running
    connection_limit: int = 1000      # per worker process
    max_body: int = 2**30
    max_header: int = 64 * 1024
    trusted_proxy: str | None = None  # address whose X-Forwarded-* headers count; None: nobody's


def listen(host: str, port: int) -> socket.socket:
    """The bound, listening socket; PortInUse (naming a free port) if taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(port, _free_port(family, address)) from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def _free_port(family: int, address: tuple) -> int | None:
    """The first free port above the taken one (one of the next 100)."""
    for candidate in range(address[1] + 1, min(address[1] + 101, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((address[0], candidate, *address[2:]))
            except OSError:
                continue
            return candidate
    return None


@dataclass(frozen=True)
class Site:
    """What a worker serves: made in the worker, after the fork."""
    app: Callable                                   # WSGI
    close: Callable[[], None]
    # Whether a body over `small_body` bytes (or chunked) may be read, from the
    # request's headers alone (a WSGI environ without a body). Waitress reads
    # whole bodies before the app sees them; this keeps the app's promise that
    # an anonymous client cannot make the server spool a large one.
    large_body_allowed: Callable[[dict], bool] | None = None
    small_body: int = 64 * 1024


App = Callable[[], Site]


def serve(sock: socket.socket, make_app: App, workers: int, options: Options) -> int:
    """Fork the workers and supervise them until SIGINT or SIGTERM; the exit code."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    lifeline_r, lifeline_w = os.pipe()    # EOF in a worker: the parent is gone
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    old_wakeup = signal.set_wakeup_fd(wake_w)

    def start() -> int:
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            for fd in (wake_r, wake_w, lifeline_w):
                os.close(fd)
            _worker(sock, make_app, options, lifeline_r)   # never returns
        return pid

    children = {start(): time.monotonic() for _ in range(workers)}
    fast_exits, code = 0, 0
    try:
        while True:
            if _stop_requested(wake_r):
                break
            while children:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if not pid:
                    break
                started = children.pop(pid, None)
                if started is None:
                    continue
                lived = time.monotonic() - started
                fast_exits = fast_exits + 1 if lived < FAST_EXIT_SECONDS else 0
                print(f"dossier: worker {pid} {_how(status)} after {lived:.0f} s", file=sys.stderr, flush=True)
                if fast_exits >= FAST_EXITS:
                    print("dossier: workers keep failing to start; stopping", file=sys.stderr, flush=True)
                    code = 1
                    return code
                if fast_exits:
                    time.sleep(1)
                children[start()] = time.monotonic()
    finally:
        _stop(children)
        signal.set_wakeup_fd(old_wakeup)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for fd in (wake_r, wake_w, lifeline_r, lifeline_w):
            os.close(fd)
    return code


def _stop_requested(wake_r: int) -> bool:
    """Wait up to a second for a signal; whether it asks to stop."""
    ready, _, _ = select.select([wake_r], [], [], 1.0)
    if not ready:
        return False
    try:
        received = os.read(wake_r, 64)
    except BlockingIOError:
        return False
    return any(sig in (signal.SIGINT, signal.SIGTERM) for sig in received)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


def _stop(children: dict[int, float]) -> None:
    """SIGTERM every worker, SIGKILL those still running after the grace period; reap all."""
    for pid in children:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    while children and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            children.pop(pid, None)
        else:
            time.sleep(0.05)
    for pid in children:
        _signal(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    children.clear()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


# -- in a worker process --------------------------------------------------------
def _worker(sock: socket.socket, make_app: App, options: Options, lifeline: int) -> None:
    code = 0
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _exit_quietly)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
        site = make_app()
        try:
            _run_waitress(site, sock, options)
        finally:
            site.close()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def _exit_quietly(signum, frame):
    raise SystemExit(0)


def _exit_with_parent(lifeline: int) -> None:
    while os.read(lifeline, 1):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def _run_waitress(site: Site, sock: socket.socket, options: Options) -> None:
    from waitress.server import create_server

    from .waitress_hooks import count_draining_as_active, gated_channel

    proxy = {}
    if options.trusted_proxy:
        proxy = {"trusted_proxy": options.trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
                                           "x-forwarded-port"}}
    server = create_server(
        site.app, sockets=[sock], threads=options.threads, connection_limit=options.connection_limit,
        channel_timeout=options.idle_timeout, cleanup_interval=max(1, min(30, options.idle_timeout // 2)),
        max_request_body_size=options.max_body, max_request_header_size=options.max_header,
        ident="Dossier", clear_untrusted_proxy_headers=True,
        # poll(), not select(): a large index keeps over a thousand files open (53 segments of a
        # 100k-document index: 1,145 files), and select() refuses any descriptor past 1023.
        asyncore_use_poll=True, **proxy)
    count_draining_as_active(server)
    if site.large_body_allowed:
        server.channel_class = gated_channel(site.large_body_allowed, site.small_body)
    server.run()        # returns on SIGINT/SIGTERM (SystemExit), running requests given 5 s
