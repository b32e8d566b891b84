"""Command-line tools: `flask check` validates the content, `flask index` rebuilds the index."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .indexer import ContentError, build_index
from .library import load_library


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Validate all content and report every problem as path:line: message. Changes nothing."""
    library, problems = load_library(current_app.config["CONTENT_DIR"])
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found; nothing was changed")
    click.echo(
        f"OK: {len(library.exercises)} exercises, {len(library.programs)} programs, "
        f"{len(library.guides)} guides, {len(library.assessments)} assessments"
    )


@click.command("index")
@with_appcontext
def index_command() -> None:
    """Check the content, then build a new index and swap it in. On any problem the index
    that is serving stays as it is."""
    try:
        report = build_index(current_app.config["CONTENT_DIR"], current_app.config["INDEX_PATH"])
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) found; the existing index was left untouched"
        ) from None
    click.echo(
        f"Indexed {report.exercises} exercises in {report.seconds:.2f} s "
        f"(version {report.version}) into {report.path}"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(check_command)
    app.cli.add_command(index_command)
