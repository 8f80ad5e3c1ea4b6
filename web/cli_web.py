"""`dossier serve`, `dossier user ...` and `dossier token ...`: registered on the main command group.

Exit codes as in web.cli: 0 ok, 2 usage, 4 no such user (or token).
"""
from __future__ import annotations

import sys

import click

from .accounts import AccountError, Accounts, NoSuchUser
from .cli import NOT_FOUND, USAGE, cli, data_option, fail
from .settings import Config, load_config


def _config() -> Config:
    try:
        return load_config({"data_dir": click.get_current_context().find_root().meta.get("dossier.data_dir")})
    except ValueError as exc:
        raise click.UsageError(str(exc))


def _accounts() -> Accounts:
    return Accounts(_config().data_dir)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes (each opens the repository and index).")
@click.option("--timeout", type=click.IntRange(10, 3600), default=300, show_default=True,
              help="Seconds a request may take (large uploads are extracted before the answer).")
@data_option
def serve(host, port, workers, timeout, data_dir):
    """Serve the web site and JSON API under gunicorn."""
    from gunicorn.app.base import BaseApplication

    from . import close_services, create_app
    from .security import secret_key
    from .services import open_services

    config = _config()
    # Once, before forking: catch up on indexing, make the secret key and the
    # accounts database, so the workers do not race to do it.
    open_services(config).close()
    secret_key(config.data_dir)
    Accounts(config.data_dir)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "timeout": timeout,
                               "accesslog": "-", "worker_class": "sync",
                               # no ~/.gunicorn/gunicorn.ctl: runtime data stays in the data folder
                               "control_socket_disable": True}.items():
                self.cfg.set(key, value)

        def load(self):
            app = create_app(config)
            return app

    click.echo(f"Dossier on http://{host}:{port}/ (data: {config.data_dir})", err=True)
    Server().run()


@cli.group()
def user():
    """Staff accounts: they sign in to upload and edit.

    Removing an account, or giving it a new password, signs it out everywhere at once.
    """


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@user.command(name="add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@data_option
def user_add(name, password_stdin, data_dir):
    """Create a staff account.

    Asks for the password twice, or reads it with --password-stdin.
    """
    password = _read_password(password_stdin)
    try:
        _accounts().add_user(name, password)
    except AccountError as exc:
        fail(str(exc), USAGE)
    click.echo(f"added user {name}", err=True)


@user.command(name="password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input (first line).")
@data_option
def user_password(name, password_stdin, data_dir):
    """Set a new password for NAME and sign out all its sessions.

    Asks for the new password twice, or reads it with --password-stdin. Every
    browser signed in as NAME is signed out at once; its API tokens keep working
    (revoke them with `dossier token revoke`).
    """
    accounts = _accounts()
    if not accounts.user_exists(name):
        fail(f"no such user: {name}", NOT_FOUND)
    password = _read_password(password_stdin, "New password")
    try:
        ended = accounts.set_password(name, password)
    except NoSuchUser as exc:
        fail(str(exc), NOT_FOUND)
    except AccountError as exc:
        fail(str(exc), USAGE)
    click.echo(f"changed the password of {name}; signed out {ended} session(s)", err=True)


@user.command(name="remove")
@click.argument("name")
@data_option
def user_remove(name, data_dir):
    """Remove a staff account, its sessions and its API tokens.

    Its sessions and tokens stop working at once. Adding the name again later
    makes a new account: nothing issued to the old one works for it.
    """
    try:
        _accounts().remove_user(name)
    except NoSuchUser as exc:
        fail(str(exc), NOT_FOUND)
    click.echo(f"removed user {name}", err=True)


@user.command(name="list")
@data_option
def user_list(data_dir):
    """The staff accounts, one a line."""
    for name in _accounts().users():
        click.echo(name)


@cli.group()
def token():
    """API tokens (for `Authorization: Bearer <token>`)."""


@token.command(name="create")
@click.argument("name")
@data_option
def token_create(name, data_dir):
    """Print a new API token for user NAME (shown once: only its hash is kept)."""
    try:
        click.echo(_accounts().create_token(name))
    except NoSuchUser as exc:
        fail(str(exc), NOT_FOUND)


@token.command(name="revoke")
@click.argument("token_value", metavar="TOKEN")
@data_option
def token_revoke(token_value, data_dir):
    """Revoke an API token."""
    try:
        _accounts().revoke_token(token_value)
    except NoSuchUser as exc:
        fail(str(exc), NOT_FOUND)
    click.echo("token revoked", err=True)
