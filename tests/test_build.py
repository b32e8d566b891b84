"""The build: a clean index from clean content, and the old index untouched otherwise."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from exercise_library.content import library
from exercise_library.content.build import ContentError, index_version
from exercise_library.content.build import build_index_for as build_index

from .conftest import LIBRARY


def _rows(path: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(sql, params).fetchall()
    connection.close()
    return rows


def _edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / "exercises" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_build_reports_what_it_did(tmp_path: Path):
    report = build_index(LIBRARY, tmp_path / "index.sqlite3")
    assert report.exercises == 6
    assert report.version == index_version(LIBRARY)
    assert _rows(report.path, "SELECT count(*) FROM exercise") == [(6,)]


def test_build_leaves_no_temporary_files(tmp_path: Path):
    build_index(LIBRARY, tmp_path / "index.sqlite3")
    assert [p.name for p in tmp_path.iterdir()] == ["index.sqlite3"]


def test_full_text_search_covers_also_known_as(built_index: Path):
    rows = _rows(
        built_index,
        "SELECT e.slug FROM exercise_fts JOIN exercise e ON e.id = exercise_fts.rowid "
        "WHERE exercise_fts MATCH ?",
        '"rfess"',
    )
    assert rows == [("rear-foot-squat",)]


def test_full_text_search_covers_cues_and_mistakes(built_index: Path):
    rows = _rows(built_index, "SELECT count(*) FROM exercise_fts WHERE cues MATCH ?", '"grip"')
    assert rows == [(6,)]
    rows = _rows(built_index, "SELECT count(*) FROM exercise_fts WHERE mistakes MATCH ?", '"caves"')
    assert rows == [(6,)]


def test_a_failed_check_leaves_the_old_index_byte_for_byte(library_copy: Path, tmp_path: Path):
    index = tmp_path / "index.sqlite3"
    build_index(library_copy, index)
    before = index.read_bytes()
    (library_copy / "exercises" / "box-step.md").write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(ContentError) as raised:
        build_index(library_copy, index)
    assert any(p.path.endswith("box-step.md") for p in raised.value.problems)
    assert index.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "index.sqlite3"]


@pytest.mark.parametrize("step", ["_write", "_fsync"])
def test_a_crash_during_the_build_leaves_the_old_index(
    step, library_copy: Path, tmp_path: Path, monkeypatch
):
    index = tmp_path / "index.sqlite3"
    build_index(library_copy, index)
    before = index.read_bytes()
    _edit(library_copy, "box-step.md", "Step onto a box", "Step up onto a box")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(f"exercise_library.content.build.{step}", disk_full)
    with pytest.raises(OSError):
        build_index(library_copy, index)
    assert index.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "index.sqlite3"]


@pytest.fixture(scope="module")
def good_index(tmp_path_factory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("good") / "index.sqlite3"
    build_index(LIBRARY, path)
    return path, path.read_bytes()


def _case_names() -> list[str]:
    from .test_library import CASE_PROBLEMS

    return sorted(CASE_PROBLEMS)


@pytest.mark.parametrize("case", _case_names())
def test_every_kind_of_broken_file_leaves_the_index_byte_for_byte(
    case, good_index, library_copy: Path
):
    from .conftest import CASES

    index, before = good_index
    shutil.copy(CASES / f"{case}.md", library_copy / "exercises" / f"{case}.md")
    with pytest.raises(ContentError):
        build_index(library_copy, index)
    assert index.read_bytes() == before
    assert [p.name for p in index.parent.iterdir()] == ["index.sqlite3"]


def _contents(path: Path) -> dict[str, list]:
    """Every table of an index but the time it was built: what any query can see."""
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'exercise_fts_%'"
            )
        ]
        contents = {
            table: connection.execute(f"SELECT * FROM {table}").fetchall() for table in tables
        }
    connection.close()
    contents["meta"] = [row for row in contents["meta"] if row[0] != "built_at"]
    return contents


def test_the_same_content_gives_the_same_index(tmp_path: Path):
    first = build_index(LIBRARY, tmp_path / "first.sqlite3")
    second = build_index(LIBRARY, tmp_path / "second.sqlite3")
    assert _contents(first.path) == _contents(second.path)


def test_a_build_on_all_cores_equals_one_on_one(library_copy: Path, tmp_path: Path, monkeypatch):
    serial = build_index(library_copy, tmp_path / "serial.sqlite3")
    monkeypatch.setattr(library, "PARALLEL_FROM", 1)  # worker processes even for six files
    parallel = build_index(library_copy, tmp_path / "parallel.sqlite3")
    assert parallel.version == serial.version == index_version(library_copy)
    assert _contents(parallel.path) == _contents(serial.path)


def test_an_unchanged_index_is_kept_only_when_asked(library_copy: Path, tmp_path: Path):
    index = tmp_path / "index.sqlite3"
    build_index(library_copy, index)
    inode = index.stat().st_ino
    assert build_index(library_copy, index, if_changed=True).skipped
    assert index.stat().st_ino == inode
    assert not build_index(library_copy, index).skipped  # without the flag, always built
    _edit(library_copy, "box-step.md", "Step onto a box", "Step up onto a box")
    report = build_index(library_copy, index, if_changed=True)
    assert not report.skipped and report.version == index_version(library_copy)


def test_the_version_follows_the_code_as_well_as_the_content(library_copy: Path):
    from exercise_library.content import build

    before = index_version(library_copy)
    template = build.PACKAGE / "templates" / "exercises" / "_card.html"
    original = template.read_bytes()
    try:
        template.write_bytes(original + b"\n")
        assert index_version(library_copy) != before
    finally:
        template.write_bytes(original)
    assert index_version(library_copy) == before
