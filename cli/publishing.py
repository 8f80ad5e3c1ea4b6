"""Publishing from the command line: publish (now or at a time), withdraw, unschedule, the audit log."""
from __future__ import annotations

import json

import click

from dossier.core import Dossier, parse_time

from . import output
from .app import ACTOR, cli, with_dossier


@cli.command()
@click.argument("doc_id")
@click.option("--at", "at", metavar="TIME", help="Schedule it instead: 2026-12-02 09:00 (office time) or with an offset.")
@click.option("--override", metavar="REASON",
              help="Publish although text can be copied out from under black boxes; the reason is kept in the log.")
@with_dossier
def publish(app: Dossier, doc_id, at, override):
    """Publish a document and its attachments now (or schedule them with --at)."""
    docs = app.publish(doc_id, at=parse_time(at, app.config.office_zone) if at else None, override=override,
                       actor=ACTOR)
    for doc in docs:
        click.echo(output.state_line(doc, app.config.office_zone))


@cli.command()
@click.argument("doc_id")
@click.option("--reason", required=True, help="Why: the public reads it on the withdrawal notice.")
@with_dossier
def withdraw(app: Dossier, doc_id, reason):
    """Withdraw a published document and its attachments: the public sees a notice with the reason."""
    for doc in app.withdraw(doc_id, reason, actor=ACTOR):
        click.echo(output.state_line(doc, app.config.office_zone))


@cli.command()
@click.argument("doc_id")
@with_dossier
def unschedule(app: Dossier, doc_id):
    """Call off a scheduled release: it and its attachments go back to draft."""
    for doc in app.unschedule(doc_id, actor=ACTOR):
        click.echo(output.state_line(doc, app.config.office_zone))


@cli.command(name="log")
@click.argument("doc_id", required=False)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@with_dossier
def log(app: Dossier, doc_id, limit, as_json):
    """The audit log, newest first: who added, changed, published, withdrew or deleted what (of one document,
    or all)."""
    for entry in app.audit_log(doc_id, viewer=ACTOR, limit=limit):
        click.echo(json.dumps(entry.to_dict(), ensure_ascii=False) if as_json else output.audit_line(entry))
