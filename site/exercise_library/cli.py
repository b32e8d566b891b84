"""Command-line tools: `flask check` validates the content, `flask index` rebuilds the index,
`flask publish` records new exercise slugs. Flask finds them through the package's
`flask.commands` entry points, so the site itself never loads the content pipeline."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .content.build import ContentError, build_index
from .content.library import PUBLISHED, load_library, read_published
from .slugs import is_slug

PUBLISHED_HEADER = """\
# Every exercise slug ever published, one per line. Never remove a line: a rename keeps the
# old slug in the exercise's `aliases`, and `flask --app wsgi check` fails if any slug here
# stops answering. `flask --app wsgi publish` appends new exercises.
"""


def _report(problems: list) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Validate all content and report every problem as path:line: message. Changes nothing."""
    library, problems = load_library(current_app.config["CONTENT_DIR"])
    _report(problems)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found; nothing was changed")
    click.echo(
        f"OK: {len(library.exercises)} exercises, {len(library.programs)} programs, "
        f"{len(library.guides)} guides, {len(library.assessments)} assessments"
    )


@click.command("index")
@click.option(
    "--if-changed", is_flag=True, help="Keep an index built from the same content and code."
)
@with_appcontext
def index_command(if_changed: bool) -> None:
    """Check the content, build a new index and swap it in. On any problem the index that
    is serving stays exactly as it is."""
    config = current_app.config
    try:
        report = build_index(config["CONTENT_DIR"], config["INDEX_PATH"], if_changed=if_changed)
    except ContentError as error:
        _report(error.problems)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) found; the existing index was left untouched"
        ) from None
    if report.skipped:
        click.echo(f"The index is up to date (version {report.version}): {report.path}")
        return
    click.echo(
        f"Indexed {report.exercises} exercises in {report.seconds:.2f} s,"
        f" version {report.version}, into {report.path}"
    )


@click.command("publish")
@with_appcontext
def publish_command() -> None:
    """Record every new exercise slug in content/published.txt, so `check` can make sure
    each published URL keeps answering after renames and deletions."""
    content = current_app.config["CONTENT_DIR"]
    record = content / PUBLISHED
    entries, problems = read_published(content)
    if entries is None:  # rewriting a file that cannot be read could lose every line of it
        raise click.ClickException("; ".join(str(problem) for problem in problems))
    recorded = {slug for slug, _ in entries}
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
