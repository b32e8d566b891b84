"""Shared fixtures in the Flask tutorial's shape: app, client, runner, plus a built index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exercise_library import create_app
from exercise_library.cli import check_command, index_command, publish_command
from exercise_library.content.build import build_index_for

from .browser_support import CHROMIUM, CHROMIUM_ARGS, serve

TESTS = Path(__file__).parent
LIBRARY = TESTS / "library"
CASES = TESTS / "cases"
COMMANDS = {"check": check_command, "index": index_command, "publish": publish_command}


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture library, indexed once per session; the site only ever reads it."""
    path = tmp_path_factory.mktemp("index") / "index.sqlite3"
    build_index_for(LIBRARY, path)
    return path


@pytest.fixture
def app(built_index: Path):
    return create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": LIBRARY,
            "INDEX_PATH": built_index,
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


class CommandRunner:
    """Runs the `flask` commands (found through entry points) in an app's context."""

    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def invoke(self, args: list[str]):
        return self.runner.invoke(COMMANDS[args[0]], args[1:])


@pytest.fixture
def runner(app) -> CommandRunner:
    return CommandRunner(app)


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture library, for tests that break or change content."""
    target = tmp_path / "content"
    shutil.copytree(LIBRARY, target)
    return target


@pytest.fixture
def copy_app(library_copy: Path, tmp_path: Path):
    """An app over a writable library copy and its own index, built from it."""
    index = tmp_path / "instance" / "index.sqlite3"
    build_index_for(library_copy, index)
    return create_app({"TESTING": True, "CONTENT_DIR": library_copy, "INDEX_PATH": index})


# Browser tests (pytest-playwright): Debian's Chromium, and the fixture library on loopback.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: playwright cannot download its own build here, and these tests
    # must run (never skip) wherever `make test` runs, which installs it.
    assert CHROMIUM.exists(), (
        "Chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(built_index):
    with serve(LIBRARY, built_index) as url:
        yield url


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real library (content/), indexed and served on loopback."""
    content = LIBRARY.parents[1] / "content"
    index = tmp_path_factory.mktemp("real") / "index.sqlite3"
    build_index_for(content, index)
    with serve(content, index) as url:
        yield url


def rename_box_step_with_alias(library: Path) -> None:
    """Rename box-step to box-step-up the way an author should: the old slug kept as an
    alias, the new one recorded as published."""
    old = library / "exercises" / "box-step.md"
    text = old.read_text().replace("muscles:", "aliases: [box-step]\nmuscles:", 1)
    old.unlink()
    (library / "exercises" / "box-step-up.md").write_text(text)
    # Links to it follow the new slug: a former slug only answers for links already shared.
    hold = library / "exercises" / "balance-hold.md"
    hold.write_text(hold.read_text().replace("exercise: box-step\n", "exercise: box-step-up\n"))
    with (library / "published.txt").open("a") as record:
        record.write("box-step-up\n")
