"""Command-line tools: `flask check` validates the content, `flask index` rebuilds the index."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .slugs import is_slug

# The commands import the indexer and the content loader when they run: the site registers
# these commands too, and its workers should not carry the Markdown and YAML parsers.


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Validate all content and report every problem as path:line: message. Changes nothing."""
    from .library import load_library

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
@click.option(
    "--full", is_flag=True, help="Build from nothing instead of patching the index in place."
)
@with_appcontext
def index_command(full: bool) -> None:
    """Check the content, then build a new index and swap it in: with an index in place, only
    the files that changed are read again and only their rows rewritten. On any problem the
    index that is serving stays as it is."""
    from .indexer import ContentError, build_index

    try:
        report = build_index(
            current_app.config["CONTENT_DIR"], current_app.config["INDEX_PATH"], full=full
        )
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) found; the existing index was left untouched"
        ) from None
    click.echo(f"Indexed {report.describe()}, version {report.version}, into {report.path}")


@click.command("publish")
@with_appcontext
def publish_command() -> None:
    """Record every exercise slug in content/published.txt, so `check` can make sure each
    published URL keeps answering after renames and deletions."""
    from .library import PUBLISHED, read_published

    content = current_app.config["CONTENT_DIR"]
    record = content / PUBLISHED
    recorded = {slug for slug, _ in read_published(content)}
    new = sorted(
        path.stem
        for path in (content / "exercises").glob("*.md")
        if is_slug(path.stem) and path.stem not in recorded
    )
    if not new:
        click.echo(f"Nothing to add: every exercise is already in {record}")
        return
    existing = record.read_text(encoding="utf-8") if record.exists() else PUBLISHED_HEADER
    if existing and not existing.endswith("\n"):
        existing += "\n"
    record.write_text(existing + "".join(f"{slug}\n" for slug in new), encoding="utf-8")
    click.echo(f"Recorded {len(new)} new slug(s) in {record}: {', '.join(new)}")


PUBLISHED_HEADER = """\
# Every exercise slug ever published, one per line. Never remove a line: a rename keeps the
# old slug in the exercise's `aliases`, and `flask --app wsgi check` fails if any slug here
# stops answering. `flask --app wsgi publish` appends new exercises.
"""


def init_app(app: Flask) -> None:
    app.cli.add_command(check_command)
    app.cli.add_command(index_command)
    app.cli.add_command(publish_command)
