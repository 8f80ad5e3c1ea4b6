"""Running the web app: one listening socket, then worker processes serving it (``web.serving``)."""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from socket import socket

from dossier.core import Config, Dossier, background, worker
from dossier.core.accounts import Accounts

from .security import secret_key
from .serving import Options, ServeError, Site, listen
from .serving import serve as run_workers

__all__ = ["ServeError", "Server"]


@dataclass
class Server:
    config: Config
    sock: socket
    options: Options

    @classmethod
    def bind(cls, config: Config, host: str, port: int, *, threads: int, idle_timeout: int) -> "Server":
        """Bind the port first (ServeError: in use, with a free one to try), then, once before
        forking, catch up on indexing and make the secret key and the accounts database, so the
        workers do not race to do it."""
        from . import REQUEST_MARGIN

        sock = listen(host, port)
        Dossier(config).close()
        secret_key(config.data_dir)
        Accounts(config.data_dir)
        options = Options(threads=threads, idle_timeout=idle_timeout,
                          max_body=config.max_upload_bytes + REQUEST_MARGIN,
                          trusted_proxy=config.trusted_proxies or None)
        return cls(config, sock, options)

    @property
    def url(self) -> str:
        address, port = self.sock.getsockname()[:2]
        return f"http://{f'[{address}]' if ':' in address else address}:{port}/"

    def run(self, workers: int) -> int:
        """Serve until stopped (SIGINT, SIGTERM), with two background processes beside the workers
        (scheduled releases go out at their time; the queue's consumer runs OCR); the exit status."""
        spawn = multiprocessing.get_context("spawn")
        # Not daemonic: the queue's consumer starts OCR workers of its own (each dies with its parent).
        beside = [spawn.Process(target=target, args=(self.config, os.getpid()), name=name)
                  for target, name in ((background.main, "dossier-background"), (worker.main, "dossier-worker"))]
        for process in beside:
            process.start()
        try:
            return run_workers(self.sock, lambda: worker_app(self.config), workers, self.options)
        finally:
            for process in beside:
                process.terminate()
            for process in beside:
                process.join(10)


def worker_app(config: Config) -> Site:
    """What one worker process serves: the app, its access log, and the large-body gate."""
    from . import close_services, create_app
    from .access_log import with_access_log
    from .security import ANONYMOUS_BODY_LIMIT, large_body_allowed

    app = create_app(config)
    return Site(with_access_log(app), lambda: close_services(app),
                lambda environ: large_body_allowed(app, environ), ANONYMOUS_BODY_LIMIT)
