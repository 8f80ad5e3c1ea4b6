"""The `dossier` command group: the data folder option, opening the core, and mapping its errors
to exit codes. Each command parses its arguments, calls one use case and prints its answer.

Exit codes: 0 success, 1 partial success or problems found, 2 usage error,
3 a file was refused (nothing stored), 4 no such document.
"""
from __future__ import annotations

import functools
import getpass
import os
import sys
from pathlib import Path

import click

from dossier.core import (Config, Conflict, CorruptOriginal, Dossier, Forbidden, IndexLocked, Invalid, InvalidLink,
                          InvalidMetadata, NotFound, QueryError, Refused, RepositoryError, Viewer, Withdrawn,
                          load_config)

OK, PROBLEMS, USAGE, REFUSED, NOT_FOUND = 0, 1, 2, 3, 4


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


# Whoever runs the command line holds the data folder: every role, named so in the audit log.
ACTOR = Viewer(f"command line ({_login()})", "admin")


def data_option(func):
    """--data, accepted before the command and after it."""
    return click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        expose_value=True, is_eager=True, callback=_remember_data,
                        help="Data folder (default: $DOSSIER_DATA, else ~/.local/share/dossier).")(func)


def _remember_data(ctx: click.Context, _param, value):
    if value is not None:
        ctx.find_root().meta["dossier.data_dir"] = value
    return value


def config() -> Config:
    try:
        return load_config({"data_dir": click.get_current_context().find_root().meta.get("dossier.data_dir")})
    except ValueError as exc:
        raise click.UsageError(str(exc))


def fail(message: str, code: int):
    click.echo(f"dossier: {message}", err=True)
    sys.exit(code)


def errors_as_exit_codes(run):
    """Run a command body; the core's errors become a message and an exit code."""
    try:
        return run()
    except NotFound as exc:
        fail(str(exc), NOT_FOUND)
    except Refused as exc:
        # Details given on the command line that cannot be stored are a usage error.
        fail(f"refused ({exc.code}): {exc.message}", USAGE if exc.code == "invalid_metadata" else REFUSED)
    except (InvalidMetadata, InvalidLink, QueryError, Invalid) as exc:
        fail(str(exc), USAGE)
    except Conflict as exc:
        fail(f"{exc.code}: {exc.message}", PROBLEMS)
    except (Forbidden, Withdrawn) as exc:
        fail(str(exc), PROBLEMS)
    except IndexLocked as exc:
        fail(f"index busy: {exc}", PROBLEMS)
    except (CorruptOriginal, RepositoryError) as exc:
        fail(str(exc), PROBLEMS)


def with_dossier(func=None, *, catch_up: bool = True):
    """Open the core for the command (catching up on indexing first) and close it after."""
    if func is None:
        return functools.partial(with_dossier, catch_up=catch_up)

    @functools.wraps(func)
    def wrapper(*args, data_dir=None, **kwargs):
        app = errors_as_exit_codes(lambda: Dossier(config(), catch_up=catch_up))
        try:
            return errors_as_exit_codes(lambda: func(app, *args, **kwargs))
        finally:
            app.close()
    return data_option(wrapper)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@data_option
def cli(data_dir):
    """Dossier: a searchable repository for press releases and the filings they attach."""
