"""Keeping the repository whole: reindex, merge, check, and loading the demo data."""
from __future__ import annotations

import sys

import click

from dossier.core import Dossier

from . import output
from .app import PROBLEMS, cli, with_dossier


@cli.command()
@with_dossier(catch_up=False)     # no catching up (or rebuilding) first: all of it is redone here
def reindex(app: Dossier):
    """Rebuild the whole index from the repository."""
    with click.progressbar(length=app.live_count(), label="indexing", file=sys.stderr) as bar:
        count = app.reindex(progress=bar.update)
    click.echo(f"indexed {count} document(s)", err=True)


@cli.command()
@click.option("--refresh", is_flag=True, help="Read again what an older reader read (and what was never read).")
@click.option("--all", "everything", is_flag=True, help="Read every document again.")
@with_dossier
def metadata(app: Dossier, refresh, everything):
    """Read what documents say about themselves again: dates, courts, case numbers, parties,
    types, headlines. What staff typed is never changed."""
    if not (refresh or everything):
        raise click.UsageError("say --refresh (what an older reader read) or --all")
    count = app.refresh_metadata(everything)
    click.echo(f"{count} document(s) changed", err=True)


@cli.command()
@with_dossier
def merge(app: Dossier):
    """Merge the index's segments by size (after a large import: faster searches)."""
    app.merge()
    click.echo("merged", err=True)


@cli.command()
@with_dossier
def check(app: Dossier):
    """Verify every original against its sha256, and the index against the repository."""
    problems = app.check()
    for problem in problems:
        click.echo(f"{problem.code}: {problem.message}")
    click.echo(f"{len(problems)} problem(s) found", err=True)
    if problems:
        sys.exit(PROBLEMS)


@cli.command(name="demo")
@click.option("--if-empty", is_flag=True, help="Only load when the repository holds nothing yet.")
@with_dossier
def demo(app: Dossier, if_empty):
    """Load the demo data: the seed release and, where ../shared/corpus exists, its releases and filings."""
    if if_empty and app.live_count():
        click.echo("the repository is not empty: demo data not loaded", err=True)
        return
    with click.progressbar(length=app.demo_size(), label="loading the demo", file=sys.stderr) as bar:
        report = app.load_demo(progress=bar.update)
    for line in output.report_lines(report):
        click.echo(line, err=True)
