"""`dossier serve`: the web site and the JSON API."""
from __future__ import annotations

import sys

import click

from .app import USAGE, cli, config, data_option, fail


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (each opens the repository and index).")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Threads per worker running requests (searches, uploads being indexed).")
@click.option("--idle-timeout", type=click.IntRange(1, 3600), default=60, show_default=True,
              help="Seconds a connection may stay silent (nothing received, none of the answer read) "
                   "before it is closed; never while its request runs.")
@data_option
def serve(host, port, workers, threads, idle_timeout, data_dir):
    """Serve the web site and JSON API (waitress, in worker processes)."""
    from dossier.web.server import ServeError, Server      # the web layer: only this command needs it

    try:
        server = Server.bind(config(), host, port, threads=threads, idle_timeout=idle_timeout)
    except ServeError as exc:
        fail(str(exc), USAGE)
    click.echo(f"Dossier on {server.url} (data: {server.config.data_dir})", err=True)
    sys.exit(server.run(workers))
