"""The Dossier app under each server measured by `bench.slow_clients`, as a subprocess.

python -m bench.serve_candidates {gunicorn-sync,gunicorn-gthread,waitress} --data D --port P [--workers W] [--threads T]

`granian_app` is the factory for granian's own command line (DOSSIER_DATA names the data folder).
"""
from __future__ import annotations

import argparse
import sys


def _app():
    from dossier.web import create_app
    from dossier.core import load_config
    return create_app(load_config())


def granian_app():
    return _app()


def gunicorn(worker_class: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            # As `dossier serve` ran before it moved to waitress, but for the worker class and threads.
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads, "timeout": 300,
                               "accesslog": "-", "worker_class": worker_class,
                               "control_socket_disable": True}.items():
                self.cfg.set(key, value)

        def load(self):
            return _app()

    Server().run()


def waitress(port: int, workers: int, threads: int) -> int:
    from dossier.web import REQUEST_MARGIN, close_services, create_app
    from dossier.web.access_log import with_access_log
    from dossier.web.serving import Options, Site, listen, serve
    from dossier.core import load_config

    config = load_config()

    def make():
        app = create_app(config)
        return Site(with_access_log(app), lambda: close_services(app))

    options = Options(threads=threads, max_body=config.max_upload_bytes + REQUEST_MARGIN)
    return serve(listen("127.0.0.1", port), make, workers, options)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("gunicorn-sync", "gunicorn-gthread", "waitress"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.kind == "waitress":
        return waitress(args.port, args.workers, args.threads)
    gunicorn(args.kind.split("-")[1], args.port, args.workers, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
