"""`dossier ocr`: recognise documents now; `dossier worker`: run the background queue alone."""
from __future__ import annotations

import click

from dossier.core import Dossier, worker

from .app import USAGE, cli, config, data_option, fail, with_dossier


@cli.command()
@click.argument("doc_ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every document with pages that need OCR.")
@click.option("--redo", is_flag=True, help="Recognise again, forgetting what was recognised before.")
@click.option("--languages", help="Tesseract languages joined by + (default: $DOSSIER_OCR_LANGUAGES, eng+spa).")
@with_dossier
def ocr(app: Dossier, doc_ids, every, redo, languages):
    """Recognise the text of scanned pages and images now (the background queue does it otherwise)."""
    if bool(doc_ids) == every:
        fail("name documents, or give --all", USAGE)
    waiting = app.request_ocr(None if every else list(doc_ids), redo=redo)
    for doc_id in waiting:
        doc = app.recognise(doc_id, languages)
        confidence = "" if doc.ocr_confidence is None else f" (confidence {doc.ocr_confidence:g})"
        click.echo(f"{doc.id}: {doc.text_status}{confidence}")
    click.echo(f"{len(waiting)} document(s) recognised", err=True)


@cli.command(name="worker")
@data_option
def worker_command(data_dir):
    """Run the background queue (OCR) without the web server, until Ctrl-C."""
    worker.run(config())
