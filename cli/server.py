"""`dossier serve`: the web site and the JSON API."""
from __future__ import annotations

import click

from .app import cli, config, data_option


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (each opens the repository and index).")
@click.option("--timeout", type=click.IntRange(10, 3600), default=300, show_default=True,
              help="Seconds a request may take (large uploads are extracted before the answer).")
@data_option
def serve(host, port, workers, timeout, data_dir):
    """Serve the web site and JSON API."""
    from web.server import serve as run      # the web layer: only this command needs it

    run(config(), host=host, port=port, workers=workers, timeout=timeout)
