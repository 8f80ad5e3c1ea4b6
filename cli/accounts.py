"""`dossier user ...` and `dossier token ...`: staff accounts and API tokens.

Exit codes: 0 ok, 2 usage, 4 no such user (or token).
"""
from __future__ import annotations

import sys

import click

from dossier.core import ROLES
from dossier.core.accounts import DEFAULT_ROLE, AccountError, Accounts, NoSuchUser

from .app import NOT_FOUND, USAGE, cli, config, data_option, fail


def _accounts() -> Accounts:
    return Accounts(config().data_dir)


@cli.group()
def user():
    """Staff accounts: they sign in to upload and edit.

    Removing an account, or giving it a new password, signs it out everywhere at once.
    """


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


ROLE_HELP = ("editor: upload, edit and schedule drafts; publisher: also publish, withdraw and override a "
             "redaction warning; admin: also users, tokens and purging.")


@user.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default=DEFAULT_ROLE, show_default=True, help=ROLE_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@data_option
def user_add(name, role, password_stdin, data_dir):
    """Create a staff account.

    Asks for the password twice, or reads it with --password-stdin.
    """
    password = _read_password(password_stdin)
    try:
        _accounts().add_user(name, password, role)
    except AccountError as exc:
        fail(str(exc), USAGE)
    click.echo(f"added user {name} ({role})", err=True)


@user.command(name="role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@data_option
def user_role(name, role, data_dir):
    """Give NAME another role (its API tokens carry it at once)."""
    try:
        _accounts().set_role(name, role)
    except NoSuchUser as exc:
        fail(str(exc), NOT_FOUND)
    click.echo(f"{name} is now {role}", err=True)


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
    """The staff accounts, one a line, with their roles."""
    for name, role in _accounts().users_with_roles():
        click.echo(f"{name}\t{role}")


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
