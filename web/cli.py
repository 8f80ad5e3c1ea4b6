"""The `dossier` command. Thin: open the services, call one function, map errors to exit codes.

Exit codes: 0 success, 1 partial success or problems found, 2 usage error,
3 a file was rejected, 4 no such document.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import click

from indexer.errors import IndexerError, QueryError
from indexer.search import FACETS, SearchQuery
from repository import CorruptOriginal, InvalidLink, InvalidMetadata, NotFound, RepositoryError
from repository.metadata import clean_metadata
from uploads.bulk import folder_entries, read_manifest, run_import
from uploads.errors import Rejected
from uploads.intake import Upload

from . import demo, formatting
from .services import Services, open_services
from .settings import load_config

OK, PROBLEMS, USAGE, REJECTED, NOT_FOUND = 0, 1, 2, 3, 4


def data_option(func):
    """--data, accepted before the command and after it."""
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        expose_value=True, is_eager=True, callback=_remember_data,
                        help="Data folder (default: $DOSSIER_DATA, else ~/.local/share/dossier).")(func)


def _remember_data(ctx: click.Context, _param, value):
    if value is not None:
        ctx.find_root().meta["dossier.data_dir"] = value
    return value


def with_services(func=None, *, catch_up: bool = True):
    """Open the services for the command (catching up on indexing first) and close them after."""
    if func is None:
        return functools.partial(with_services, catch_up=catch_up)

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args, data_dir=None, **kwargs):
        try:
            config = load_config({"data_dir": ctx.find_root().meta.get("dossier.data_dir")})
        except ValueError as exc:
            raise click.UsageError(str(exc))
        services = open_services(config, catch_up=catch_up)
        try:
            return func(services, *args, **kwargs)
        except NotFound as exc:
            fail(str(exc), NOT_FOUND)
        except Rejected as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"rejected ({exc.code}): {where}{exc.message}", REJECTED)
        except (InvalidMetadata, InvalidLink, QueryError) as exc:
            fail(str(exc), USAGE)
        except IndexerError as exc:
            fail(f"index error: {exc}", PROBLEMS)
        except RepositoryError as exc:  # a missing or corrupted original, say
            fail(str(exc), PROBLEMS)
        finally:
            services.close()
    return data_option(wrapper)


def fail(message: str, code: int):
    click.echo(f"dossier: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@data_option
def cli(data_dir):
    """Dossier: a searchable repository for press releases and the filings they attach."""


# -- adding -------------------------------------------------------------------
def metadata_options(func):
    options = [
        click.option("--kind", type=click.Choice(["release", "filing", "photo", "other"])),
        click.option("--title"), click.option("--date", help="YYYY-MM-DD"), click.option("--office"),
        click.option("--topic", "topics", multiple=True), click.option("--person", "people", multiple=True),
        click.option("--place", "places", multiple=True), click.option("--court"),
        click.option("--case-number", "--case_number", "case_number"),
        click.option("--doc-type", "--doc_type", "doc_type", help="complaint, motion, brief, order, letter, ..."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@metadata_options
@click.option("--attach", "attachments", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A file to attach (a PDF or document becomes a filing, an image a photo). Repeatable.")
@with_services
def add(services: Services, file: Path, attachments, **meta):
    """Store FILE (and its attachments) and index it. Prints the new ids, one a line."""
    meta = {k: v for k, v in meta.items() if v not in (None, ())}
    clean_metadata(meta, partial=True)  # a bad option is a usage error, before anything is read
    main, parts = services.intake.add(Upload(file, file.name, meta), [Upload(a, a.name) for a in attachments])
    for stored in (main, *parts):
        click.echo(stored.document.id)
        if not stored.created:
            click.echo(f"{stored.document.id}: already stored ({stored.document.filename}); "
                       "metadata kept as it was", err=True)


@cli.command(name="import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@with_services
def import_(services: Services, source: Path):
    """Import a JSONL manifest (one document a line) or every file in a folder."""
    entries = list(folder_entries(source) if source.is_dir() else read_manifest(source))
    with click.progressbar(length=len(entries), label="importing", file=sys.stderr) as bar:
        report = run_import(services.intake, entries, on_batch=services.indexer.index_ids, progress=bar.update)
    print_report(report)
    if report.skipped:
        sys.exit(PROBLEMS)


def print_report(report) -> None:
    for skip in report.skipped:
        click.echo(f"skipped {skip}", err=True)
    click.echo(report.summary(), err=True)


# -- finding ------------------------------------------------------------------
def facet_options(func):
    for name in reversed(FACETS):
        names = {f"--{name}", f"--{name.replace('_', '-')}"}
        func = click.option(*sorted(names), name, multiple=True, help=f"Only {name} V (repeat for OR).")(func)
    return func


@cli.command()
@click.argument("query", required=False, default="")
@facet_options
@click.option("--from", "date_from", help="Dated on or after YYYY-MM-DD.")
@click.option("--to", "date_to", help="Dated on or before YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_services
def search(services: Services, query, date_from, date_to, sort, page, per_page, as_json, **facets):
    """Full-text search with facet filters; QUERY uses Whoosh syntax (AND, OR, NOT, "phrase", field:value)."""
    filters = {name: list(values) for name, values in facets.items() if values}
    result = services.index.search(SearchQuery(text=query, filters=filters, sort=sort, page=page,
                                               per_page=per_page, date_from=date_from, date_to=date_to))
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if as_json
               else formatting.search_table(result, shutil.get_terminal_size().columns))


@cli.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@with_services
def show(services: Services, doc_id, as_json):
    """A document's metadata and links."""
    doc = services.repo.get(doc_id)
    record = dict(doc.to_dict(), links=services.repo.links(doc_id).to_dict())
    click.echo(json.dumps(record, indent=2, ensure_ascii=False) if as_json else formatting.document(record))


@cli.command()
@click.argument("doc_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write it (default: standard output).")
@with_services
def get(services: Services, doc_id, output):
    """Write a document's original, byte for byte."""
    doc = services.repo.get(doc_id)
    try:
        path = services.repo.verified_original(doc)      # nothing is written of a damaged original
    except CorruptOriginal as exc:
        fail(f"{doc.id}: {exc}; adding the same file again repairs it", PROBLEMS)
    to_stdout = output is None or str(output) == "-"
    with open(path, "rb") as src:
        if to_stdout:
            digest = copy_hashing(src, sys.stdout.buffer)
        else:
            with open(output, "wb") as dst:
                digest = copy_hashing(src, dst)
    if digest != doc.sha256:       # changed while it was being copied
        if not to_stdout:
            output.unlink(missing_ok=True)
        fail(f"the original of {doc.id} no longer matches its sha256: run `dossier check`", PROBLEMS)


def copy_hashing(src, dst) -> str:
    digest = hashlib.sha256()
    while chunk := src.read(1024 * 1024):
        digest.update(chunk)
        dst.write(chunk)
    return digest.hexdigest()


# -- changing -----------------------------------------------------------------
@cli.command()
@click.argument("doc_id")
@click.argument("other_id")
@click.option("--type", "link_type", type=click.Choice(["related", "attachment"]), default="related",
              show_default=True, help="attachment: OTHER_ID is a file of release DOC_ID.")
@with_services
def link(services: Services, doc_id, other_id, link_type):
    """Link two stored documents."""
    services.repo.get(doc_id)
    services.repo.get(other_id)
    if not services.repo.link(doc_id, other_id, link_type):
        click.echo("already linked", err=True)


@cli.command()
@click.argument("doc_id")
@click.argument("other_id")
@with_services
def unlink(services: Services, doc_id, other_id):
    """Remove the links between two documents."""
    if not services.repo.unlink(doc_id, other_id):
        fail(f"{doc_id} and {other_id} are not linked", PROBLEMS)


@cli.command()
@click.argument("doc_id")
@with_services
def delete(services: Services, doc_id):
    """Hide a document from search and listing (restorable until purged)."""
    services.repo.delete(doc_id)
    services.indexer.index_ids([doc_id])


@cli.command()
@click.argument("doc_id")
@with_services
def restore(services: Services, doc_id):
    """Bring back a deleted document."""
    services.repo.get(doc_id, include_deleted=True)
    services.repo.restore(doc_id)
    services.indexer.index_ids([doc_id])


@cli.command()
@with_services
def purge(services: Services):
    """Remove deleted documents and their originals for good."""
    purged = services.repo.purge()
    services.index.delete([d.id for d in purged])
    click.echo(f"purged {len(purged)} document(s)", err=True)


# -- maintenance --------------------------------------------------------------
@cli.command()
@with_services(catch_up=False)     # no catching up (or rebuilding) first: all of it is redone here
def reindex(services: Services):
    """Rebuild the whole index from the repository."""
    total = len(services.repo.live_ids())
    with click.progressbar(length=total, label="indexing", file=sys.stderr) as bar:
        count = services.indexer.reindex(progress=bar.update)
    click.echo(f"indexed {count} document(s)", err=True)


@cli.command()
@with_services
def merge(services: Services):
    """Merge the index's segments by size (after a large import: faster searches)."""
    services.index.merge()
    click.echo("merged", err=True)


@cli.command()
@with_services
def check(services: Services):
    """Verify every original against its sha256, and the index against the repository."""
    problems = services.indexer.check()
    for problem in problems:
        click.echo(f"{problem.code}: {problem.message}")
    click.echo(f"{len(problems)} problem(s) found", err=True)
    if problems:
        sys.exit(PROBLEMS)


@cli.command(name="demo")
@click.option("--if-empty", is_flag=True, help="Only load when the repository holds nothing yet.")
@with_services
def demo_(services: Services, if_empty):
    """Load the demo data: the seed release and, where ../shared/corpus exists, its releases and filings."""
    if if_empty and services.repo.live_ids():
        click.echo("the repository is not empty: demo data not loaded", err=True)
        return
    print_report(demo.load(services))


def main() -> None:
    os.umask(0o077)          # every file of the data folder, the index's included, is the owner's only
    _keep_children_light()
    cli(prog_name="dossier")


def _keep_children_light() -> None:
    """A spawned child (the import's storing process, extraction workers) first
    re-runs the parent's main module; here that is the `dossier` script, which
    imports Flask, Whoosh and numpy (~0.5 s of CPU per child). They need none
    of it: without a file or spec, ``__main__`` is not re-run."""
    main = sys.modules["__main__"]
    for name in ("__file__", "__spec__"):
        if getattr(main, name, None) is not None:
            setattr(main, name, None)


from . import cli_web  # noqa: E402,F401  (registers serve, user and token)
