"""Content that is not what the loader expects: the wrong kind of file, a file that cannot be
read, hostile values and shapes. Each is a `path:line: message` with the fix, never a
traceback or a hang; and an interrupted build leaves the old index exactly as it was."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from exercise_library import ROOT, create_app
from exercise_library.content.build import build_index_for
from exercise_library.content.library import load_library

from .conftest import LIBRARY

PLACES = ["exercises/box-step.md", "exercises/new.md", "taxonomy.yml", "published.txt"]


def _make(kind: str, path: Path, library: Path) -> None:
    if path.exists():
        path.unlink()
    if kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "link-to-nothing":
        os.symlink(library / "exercises" / "gone.md", path)
    elif kind == "link-to-dev-zero":
        os.symlink("/dev/zero", path)


EXPECTED = {
    "folder": "not a regular file (a folder, device or pipe): replace it with a text file",
    "pipe": "not a regular file (a folder, device or pipe): replace it with a text file",
    "link-to-nothing": "a symbolic link to nothing: replace it with the file itself, or delete it",
    "link-to-dev-zero": "a symbolic link that points outside content/",
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_file_of_the_wrong_kind_is_named_with_the_fix(library_copy: Path, kind, place):
    _make(kind, library_copy / place, library_copy)
    _, problems = load_library(library_copy)  # a pipe would block here if it were opened
    assert any(
        p.path.endswith(place) and p.line == 1 and EXPECTED[kind] in p.message for p in problems
    ), problems


@pytest.mark.parametrize("kind", ["pipe", "link-to-dev-zero"])
def test_check_and_index_neither_hang_nor_leave_a_temporary_file(library_copy, tmp_path, kind):
    _make(kind, library_copy / "exercises" / "box-step.md", library_copy)
    index = tmp_path / "instance" / "index.sqlite3"
    environment = {
        **os.environ,
        "EXERCISE_LIBRARY_CONTENT_DIR": str(library_copy),
        "EXERCISE_LIBRARY_INDEX_PATH": str(index),
    }
    for command in ("check", "index"):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", command],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        assert "box-step.md:1:" in done.stderr + done.stdout
        assert "Traceback" not in done.stderr
    assert not index.exists()
    assert list(index.parent.glob(".index-*")) == []


@pytest.mark.parametrize("place", ["exercises/box-step.md", "taxonomy.yml", "published.txt"])
def test_a_file_that_cannot_be_read_is_named(library_copy: Path, monkeypatch, place):
    # Root reads any file whatever its mode, so the refusal is made where the file opens.
    target = library_copy / place
    real_open = Path.open

    def refusing_open(self: Path, *args, **kwargs):
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    _, problems = load_library(library_copy)
    assert [str(p).split(":", 1)[1] for p in problems if p.path.endswith(place)] == [
        "1: cannot be read (Permission denied): check the file's permissions"
    ]


def test_an_unreadable_published_list_blames_no_exercise(library_copy: Path):
    (library_copy / "published.txt").write_bytes(b"box-step\n\xff\xfe\n")
    _, problems = load_library(library_copy)
    assert [str(p).split(":", 1)[1] for p in problems] == [
        "2: bytes that are not UTF-8 (at byte 9): save the file as UTF-8"
    ]


def test_publish_never_rewrites_a_published_list_it_cannot_read(library_copy, tmp_path):
    record = library_copy / "published.txt"
    record.write_bytes(b"box-step\n\xff\n")
    app = create_app(
        {"TESTING": True, "CONTENT_DIR": library_copy, "INDEX_PATH": tmp_path / "i.sqlite3"}
    )
    from .conftest import CommandRunner

    result = CommandRunner(app).invoke(["publish"])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    assert record.read_bytes() == b"box-step\n\xff\n"


def test_a_long_line_in_the_published_list_is_shown_cut_short(library_copy: Path):
    with (library_copy / "published.txt").open("a") as record:
        record.write("x" * 900_000 + "\n")
    _, problems = load_library(library_copy)
    (problem,) = problems
    assert problem.message == f"'{'x' * 40}...' is not a slug: one exercise slug per line"


def test_a_published_list_too_big_to_be_one_is_refused(library_copy: Path):
    (library_copy / "published.txt").write_text("x" * 5_000_000)
    _, problems = load_library(library_copy)
    assert [p.message for p in problems] == [
        "the file is 5000 kB; the limit is 1000 kB: split or shorten it"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "assessments: {slug: balance}\n",
            "'assessments' must be a list, e.g. [a, b], got a mapping",
        ),
        ("assessments: 5\n", "'assessments' must be a list, e.g. [a, b], got the number 5"),
        ("- balance\n", "expected a mapping of fields, got a list"),
    ],
)
def test_assessments_of_the_wrong_shape_are_named(library_copy: Path, text, message):
    (library_copy / "assessments.yml").write_text(text)
    _, problems = load_library(library_copy)
    assert [str(p).split(":", 1)[1] for p in problems] == [f"1: {message}"]


@pytest.mark.parametrize("character", ["\\0", "\\x1b", "\\x85"])
def test_a_control_character_in_a_taxonomy_label_is_refused(library_copy: Path, character):
    taxonomy = library_copy / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text().replace("label: Core", f'label: "Co{character}re"'))
    _, problems = load_library(library_copy)
    assert [(p.line, "must not hold a control character" in p.message) for p in problems] == [
        (21, True)
    ]


def test_a_regression_cycle_is_refused(library_copy: Path):
    hold = library_copy / "exercises" / "balance-hold.md"
    hold.write_text(
        hold.read_text().replace(
            "progressions:\n  - exercise: hinge-basic\n    when: You hold 30 s on each leg.",
            "regressions:\n  - exercise: box-step\n    when: You wobble.",
        )
    )
    _, problems = load_library(library_copy)
    assert any(
        "regressions loop back: balance-hold -> box-step -> balance-hold" in p.message
        for p in problems
    ), problems


def test_a_progression_chain_a_thousand_long_builds_and_serves(library_copy, tmp_path):
    template = (library_copy / "exercises" / "balance-hold.md").read_text()
    template = re.sub(r"progressions:\n(  .*\n)+", "LADDER", template)
    names = [f"chain-{n:04d}" for n in range(1000)]
    for n, name in enumerate(names):
        ladder = f"progressions:\n  - exercise: {names[n + 1]}\n    when: Now.\n" if n < 999 else ""
        ladder += f"regressions:\n  - exercise: {names[n - 1]}\n    when: Not yet.\n" if n else ""
        text = template.replace("title: Balance hold", f"title: Chain {n}")
        text = text.replace("balance hold", f"chain {n}").replace("LADDER", ladder)
        (library_copy / "exercises" / f"{name}.md").write_text(text)
    with (library_copy / "published.txt").open("a") as record:
        record.write("".join(f"{name}\n" for name in names))
    index = tmp_path / "index.sqlite3"
    assert build_index_for(library_copy, index).exercises == 1006
    client = create_app(
        {"TESTING": True, "CONTENT_DIR": library_copy, "INDEX_PATH": index}
    ).test_client()
    page = client.get("/exercises/chain-0000")
    assert page.status_code == 200
    assert b'href="/exercises/chain-0001"' in page.data


# An interrupted build: Ctrl-C reaches the whole process group, a service manager's TERM
# reaches the main process only. Either way the index being served must not change.
@pytest.fixture(scope="module")
def big_library(tmp_path_factory) -> Path:
    return generate(2500, tmp_path_factory.mktemp("big") / "content")


def _processes_in_group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("stage", ["reading", "writing"])
@pytest.mark.parametrize("how", ["ctrl-c to the group", "term to the process"])
def test_an_interrupted_build_leaves_the_old_index_and_nothing_else(
    big_library, tmp_path, how, stage
):
    index = tmp_path / "instance" / "index.sqlite3"
    build_index_for(LIBRARY, index)
    before = index.read_bytes()
    environment = {
        **os.environ,
        "EXERCISE_LIBRARY_CONTENT_DIR": str(big_library),
        "EXERCISE_LIBRARY_INDEX_PATH": str(index),
    }
    build = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "index"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    # Reading: the worker processes are up. Writing: the temporary index exists.
    while not (
        len(_processes_in_group(build.pid)) > 1
        if stage == "reading"
        else list(index.parent.glob(".index-*.tmp"))
    ):
        assert build.poll() is None, build.stdout.read().decode()
        assert time.monotonic() < deadline, f"the build never reached {stage}"
        time.sleep(0.01)
    if how == "ctrl-c to the group":
        os.killpg(build.pid, signal.SIGINT)
    else:
        build.send_signal(signal.SIGTERM)
    output = build.communicate(timeout=30)[0].decode()
    assert build.returncode != 0, output
    assert "Traceback" not in output
    assert index.read_bytes() == before
    assert sorted(path.name for path in index.parent.iterdir()) == ["index.sqlite3"]
    deadline = time.monotonic() + 5
    while _processes_in_group(build.pid):
        assert time.monotonic() < deadline, "a worker outlived the build"
        time.sleep(0.05)
