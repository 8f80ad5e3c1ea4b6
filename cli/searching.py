"""`dossier search`: full-text search with facet filters."""
from __future__ import annotations

import json
import shutil

import click

from dossier.core import FACETS, MAX_PER_PAGE, SORTS, Dossier, SearchQuery

from . import output
from .app import ACTOR, cli, with_dossier


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
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, MAX_PER_PAGE), default=10, show_default=True)
@click.option("--as-typed", is_flag=True, help="When nothing matches, do not show a correction's results instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_dossier
def search(app: Dossier, query, date_from, date_to, sort, page, per_page, as_typed, as_json, **facets):
    """Full-text search with facet filters; QUERY uses Whoosh syntax (AND, OR, NOT, "phrase", field:value).
    Drafts and scheduled releases are found too (each hit names its state)."""
    filters = {name: list(values) for name, values in facets.items() if values}
    result = app.search(SearchQuery(text=query, filters=filters, sort=sort, page=page, per_page=per_page,
                                    date_from=date_from, date_to=date_to, as_typed=as_typed), ACTOR)
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if as_json
               else output.search_table(result, shutil.get_terminal_size().columns))
