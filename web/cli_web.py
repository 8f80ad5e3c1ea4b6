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
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True,
              help="Threads per worker running requests (searches, uploads being indexed).")
@click.option("--idle-timeout", type=click.IntRange(1, 3600), default=60, show_default=True,
              help="Seconds a connection may stay silent (nothing received, none of the answer read) "
                   "before it is closed; never while its request runs.")
@data_option
def serve(host, port, workers, threads, idle_timeout, data_dir):
    """Serve the web site and JSON API (waitress, in worker processes)."""
    from . import REQUEST_MARGIN
    from .security import secret_key
    from .serving import Options, ServeError, listen
    from .serving import serve as run
    from .services import open_services

    config = _config()
    try:
        sock = listen(host, port)
    except ServeError as exc:
        fail(str(exc), USAGE)
    # Once, before forking: catch up on indexing, make the secret key and the
    # accounts database, so the workers do not race to do it.
    open_services(config).close()
    secret_key(config.data_dir)
    Accounts(config.data_dir)

    options = Options(threads=threads, idle_timeout=idle_timeout, max_body=config.max_upload_bytes + REQUEST_MARGIN,
                      trusted_proxy=config.trusted_proxies or None)
    shown = sock.getsockname()
    click.echo(f"Dossier on http://{_url_host(shown[0])}:{shown[1]}/ (data: {config.data_dir})", err=True)
    sys.exit(run(sock, lambda: _worker_app(config), workers, options))


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _worker_app(config: Config):
    from . import close_services, create_app
    from .access_log import with_access_log
    from .security import ANONYMOUS_BODY_LIMIT, large_body_allowed
    from .serving import Site

    app = create_app(config)
    return Site(with_access_log(app), lambda: close_services(app),
                lambda environ: large_body_allowed(app, environ), ANONYMOUS_BODY_LIMIT)


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
