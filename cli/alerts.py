"""Alerts from the command line: counts for staff, the daily digest sent by hand."""
from __future__ import annotations

import click

from dossier.core import Dossier

from .app import ACTOR, cli, with_dossier


@cli.group(invoke_without_command=True)
@click.pass_context
def alerts(ctx):
    """Followed searches: how many, and what waits in the outbox (`dossier alerts`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(counts)


@alerts.command("counts", hidden=True)
@with_dossier
def counts(app: Dossier):
    for name, value in app.alert_counts(ACTOR).items():
        click.echo(f"{name:20} {value}")
    click.echo(f"{'email_alerts':20} {'on' if app.email_alerts() else 'off (no DOSSIER_SMTP_HOST)'}")


@alerts.command("send-digests")
@with_dossier
def send_digests(app: Dossier):
    """Send every daily alert's pending documents now (`dossier serve` does at 07:00 office time)."""
    _report(app.send_digests())


@alerts.command("send")
@with_dossier
def send(app: Dossier):
    """Deliver what is due in the outbox now (what `dossier serve` does on its own)."""
    _report(app.deliver_alerts())


def _report(done) -> None:
    click.echo(f"sent {done.sent} message(s), {done.failed} failed (retried later), {done.dropped} dropped, "
               f"{done.confirmations} confirmation(s)")
