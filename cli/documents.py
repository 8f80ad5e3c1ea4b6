"""Commands on documents: add, import, edit, show, get, link, unlink, delete, restore, purge."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import click

from dossier.core import KINDS, LINK_TYPES, Dossier, Release, Upload, entries_of, parse_time

from . import output
from .app import ACTOR, PROBLEMS, cli, fail, with_dossier

CHUNK = 1024 * 1024


def metadata_options(func):
    """The editable details, one option each (lists: repeat the option)."""
    options = [
        click.option("--kind", type=click.Choice(KINDS)),
        click.option("--title"), click.option("--date", help="YYYY-MM-DD"), click.option("--office"),
        click.option("--topic", "topics", multiple=True), click.option("--person", "people", multiple=True),
        click.option("--place", "places", multiple=True), click.option("--court"),
        click.option("--case-number", "--case_number", "case_number"),
        click.option("--doc-type", "--doc_type", "doc_type", help="complaint, motion, brief, order, letter, ..."),
        click.option("--parties", help='As the caption names them: "Jinhua v. Micron".'),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def given(meta: dict) -> dict:
    """The options that were given (click passes None, or () for a list, for the others)."""
    return {name: value for name, value in meta.items() if value not in (None, ())}


def release_options(func):
    """How a release goes out: now (the default), as a draft, or at a time."""
    func = click.option("--publish-at", "publish_at", metavar="TIME",
                        help="Schedule it: 2026-12-02 09:00 (the office's time zone) or with an offset.")(func)
    return click.option("--draft", is_flag=True, help="Keep it a draft: not public until published.")(func)


def release_of(app: Dossier, draft: bool, publish_at: str | None) -> Release | None:
    if draft and publish_at:
        fail("--draft and --publish-at: choose one", 2)
    if publish_at:
        return Release("scheduled", parse_time(publish_at, app.config.office_zone))
    return Release("draft") if draft else None


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@metadata_options
@click.option("--attach", "attachments", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A file to attach (a PDF or document becomes a filing, an image a photo). Repeatable.")
@release_options
@click.option("--ocr-languages", metavar="L",
              help="Languages OCR reads this upload's scans in, joined by + (default: $DOSSIER_OCR_LANGUAGES).")
@with_dossier
def add(app: Dossier, file: Path, attachments, draft, publish_at, ocr_languages, **meta):
    """Store FILE with its attachments, all of them or none, and index them. Prints the ids, one a line:
    FILE's, then each attachment's. Published at once unless --draft or --publish-at."""
    added = app.add(Upload(file, file.name, given(meta)), [Upload(path, path.name) for path in attachments],
                    release=release_of(app, draft, publish_at), ocr_languages=ocr_languages, actor=ACTOR)
    for stored in (added.main, *added.attachments):
        click.echo(stored.document.id)
        if not stored.created:
            for line in output.already_stored(stored):
                click.echo(line, err=True)
    if added.held:
        click.echo(f"{added.main.document.id}: {added.held} See `dossier show`; `dossier publish --override REASON` "
                   "publishes it anyway.", err=True)


@cli.command()
@click.argument("doc_id")
@metadata_options
@click.option("--clear", "cleared", multiple=True, metavar="FIELD",
              help="Empty this field (date, office, topics, ...). Repeatable.")
@with_dossier
def edit(app: Dossier, doc_id: str, cleared, **meta):
    """Change a document's details: only the options given change (a list option replaces the list)."""
    changes = given(meta)
    changes.update({name: None for name in cleared})
    if not changes:
        fail("nothing to change: give the details to change, e.g. --date 2018-06-19", 2)
    doc = app.update(doc_id, changes, actor=ACTOR)
    click.echo(output.document(dict(doc.to_dict(), links=app.link_summary(doc.id, ACTOR).to_dict())))


@cli.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@with_dossier
def import_(app: Dossier, source: Path):
    """Import a JSONL manifest (one release with its attachments a line) or every file in a folder."""
    entries = entries_of(source)
    with click.progressbar(length=len(entries), label="importing", file=sys.stderr) as bar:
        report = app.import_entries(entries, progress=bar.update)
    for line in output.report_lines(report):
        click.echo(line, err=True)
    if report.skipped:
        sys.exit(PROBLEMS)


@cli.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@with_dossier
def show(app: Dossier, doc_id, as_json):
    """A document's details and links."""
    doc = app.document(doc_id, ACTOR)
    record = dict(doc.to_dict(), links=app.link_summary(doc.id, ACTOR).to_dict(),
                  text_pages=[p.to_dict() for p in app.page_sources(doc.id, ACTOR)])
    if doc.deleted:
        record["deleted"] = "yes: hidden from search and listing; `dossier restore` brings it back"
    click.echo(json.dumps(record, indent=2, ensure_ascii=False) if as_json else output.document(record))


@cli.command()
@click.argument("doc_id")
@click.option("-o", "--output", "target", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write it (default: standard output).")
@with_dossier
def get(app: Dossier, doc_id, target):
    """Write a document's original, byte for byte (nothing of a damaged one)."""
    doc, path = app.original(doc_id, ACTOR)
    to_stdout = target is None or str(target) == "-"
    with open(path, "rb") as src:
        if to_stdout:
            digest = copy_hashing(src, sys.stdout.buffer)
        else:
            with open(target, "wb") as dst:
                digest = copy_hashing(src, dst)
    if digest != doc.sha256:       # changed while it was being copied
        if not to_stdout:
            target.unlink(missing_ok=True)
        fail(f"the original of {doc.id} no longer matches its sha256: run `dossier check`", PROBLEMS)


def copy_hashing(src, dst) -> str:
    digest = hashlib.sha256()
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        dst.write(chunk)
    return digest.hexdigest()


@cli.command()
@click.argument("doc_id")
@click.argument("other_id")
@click.option("--type", "link_type", type=click.Choice(LINK_TYPES[::-1]), default="related", show_default=True,
              help="attachment: OTHER_ID is a file of release DOC_ID.")
@with_dossier
def link(app: Dossier, doc_id, other_id, link_type):
    """Link two stored documents."""
    if not app.link(doc_id, other_id, link_type, actor=ACTOR):
        click.echo("already linked", err=True)


@cli.command()
@click.argument("doc_id")
@click.argument("other_id")
@with_dossier
def unlink(app: Dossier, doc_id, other_id):
    """Remove the links between two documents."""
    if not app.unlink(doc_id, other_id, actor=ACTOR):
        fail(f"{doc_id} and {other_id} are not linked", PROBLEMS)


@cli.command()
@click.argument("doc_id")
@with_dossier
def delete(app: Dossier, doc_id):
    """Hide a document from search and listing (restorable until purged)."""
    app.delete(doc_id, actor=ACTOR)


@cli.command()
@click.argument("doc_id")
@with_dossier
def restore(app: Dossier, doc_id):
    """Bring back a deleted document."""
    app.restore(doc_id, actor=ACTOR)


@cli.command()
@with_dossier
def purge(app: Dossier):
    """Remove deleted documents and their originals for good."""
    click.echo(f"purged {len(app.purge(actor=ACTOR))} document(s)", err=True)
