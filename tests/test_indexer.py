"""The build: a clean index from clean content, and the old index untouched otherwise."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from exercise_library.db import index_version
from exercise_library.indexer import ContentError, build_index, ensure_index
from exercise_library.library import content_version, load_library

from .conftest import LIBRARY, rename_box_step_with_alias


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
    assert report.version == content_version(LIBRARY)
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


@pytest.mark.parametrize("step", ["_write", "_copy", "_patch"])
def test_a_crash_during_the_build_leaves_the_old_index(
    step, library_copy: Path, tmp_path: Path, monkeypatch
):
    index = tmp_path / "index.sqlite3"
    build_index(library_copy, index)
    before = index.read_bytes()
    _edit(library_copy, "box-step.md", "Step onto a box", "Step up onto a box")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(f"exercise_library.indexer.{step}", disk_full)
    with pytest.raises(OSError):
        build_index(library_copy, index, full=step == "_write")
    assert index.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "index.sqlite3"]


def test_ensure_index_rebuilds_only_when_content_changed(library_copy: Path, tmp_path: Path):
    index = tmp_path / "index.sqlite3"
    ensure_index(library_copy, index)
    first = index.stat().st_ino
    ensure_index(library_copy, index)
    assert index.stat().st_ino == first
    summary = library_copy / "exercises" / "box-step.md"
    summary.write_text(summary.read_text().replace("Step onto a box", "Step up onto a box"))
    ensure_index(library_copy, index)
    assert index_version(index) == content_version(library_copy)
    assert index.stat().st_ino != first


def test_ensure_index_keeps_the_last_good_index_when_content_breaks(
    library_copy: Path, tmp_path: Path, caplog
):
    index = tmp_path / "index.sqlite3"
    ensure_index(library_copy, index)
    before = index.read_bytes()
    (library_copy / "exercises" / "box-step.md").write_text("no front matter")
    ensure_index(library_copy, index)
    assert index.read_bytes() == before
    assert "box-step.md:1: the file must start with" in caplog.text


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


# -- incremental builds ---------------------------------------------------------------------

# Rows whose own id is only a row number; everything else is compared as stored.
_NUMBERED = {
    "exercise", "also_known_as", "dosage", "section", "step", "cue", "mistake", "ladder_step",
}  # fmt: skip
_SEARCHES = ('"box"', '"knee"', '"grip"', '"rfess"', "phasebeginner", '"hold" equipmentbox')


def _contents(path: Path) -> dict[str, list]:
    """Every table of an index, exercise ids replaced by slugs, plus the answers (slugs and
    bm25 scores) to a few searches: what any query can see."""
    with sqlite3.connect(path) as connection:
        slugs = dict(connection.execute("SELECT id, slug FROM exercise"))
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'exercise_fts%'"
            )
        ]
        contents = {}
        for table in tables:
            cursor = connection.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor:
                record = dict(zip(columns, row, strict=True))
                if table in _NUMBERED:
                    del record["id"]
                for key in ("exercise_id", "target_id"):
                    if key in record:
                        record[key] = slugs[record[key]]
                if record.get("key") not in ("built_at", "scanned_ns"):
                    rows.append(repr(sorted(record.items())))
            contents[table] = sorted(rows)
        contents["exercise_fts"] = sorted(
            repr([slugs[rowid], *rest])
            for rowid, *rest in connection.execute("SELECT rowid, * FROM exercise_fts")
        )
        for query in _SEARCHES:
            contents[query] = sorted(
                (round(score, 9), slugs[rowid])
                for rowid, score in connection.execute(
                    "SELECT rowid, bm25(exercise_fts) FROM exercise_fts WHERE exercise_fts MATCH ?",
                    (query,),
                )
            )
    connection.close()
    return contents


def _assert_same_as_full_build(content: Path, index: Path, tmp_path: Path) -> None:
    full = build_index(content, tmp_path / "full.sqlite3", full=True)
    assert index_version(index) == full.version == content_version(content)
    assert _contents(index) == _contents(full.path)


@pytest.fixture
def indexed_copy(library_copy: Path, tmp_path: Path) -> Path:
    """The library copy with its index built in full, ready to be changed and rebuilt."""
    build_index(library_copy, tmp_path / "index.sqlite3")
    return tmp_path / "index.sqlite3"


def test_an_incremental_build_after_an_edit_equals_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    _edit(library_copy, "box-step.md", "- exercise: balance-hold", "- exercise: hinge-basic")
    _edit(library_copy, "box-step.md", "## Cues\n", "## Cues\n\n- Knees soft, eyes up.\n")
    report = build_index(library_copy, indexed_copy)
    assert report.incremental and report.parsed == 1
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)


def test_an_incremental_build_after_adding_an_exercise_equals_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    text = (library_copy / "exercises" / "box-step.md").read_text()
    (library_copy / "exercises" / "box-step-down.md").write_text(
        text.replace("title: Box step", "title: Box step down")
    )
    with (library_copy / "published.txt").open("a") as record:
        record.write("box-step-down\n")
    report = build_index(library_copy, indexed_copy)
    assert report.incremental and report.parsed == 1 and report.exercises == 7
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)


def test_an_incremental_build_after_deleting_an_exercise_equals_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    (library_copy / "exercises" / "box-step.md").unlink()
    _edit(library_copy, "hinge-basic.md", "aliases: [old-hinge]", "aliases: [old-hinge, box-step]")
    report = build_index(library_copy, indexed_copy)
    assert (report.incremental, report.parsed, report.removed) == (True, 1, 1)
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)


def test_an_incremental_build_after_a_rename_with_an_alias_equals_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    rename_box_step_with_alias(library_copy)
    report = build_index(library_copy, indexed_copy)
    assert (report.incremental, report.parsed, report.removed) == (True, 1, 1)
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)
    assert _rows(
        indexed_copy,
        "SELECT e.slug FROM alias JOIN exercise e ON e.id = exercise_id ORDER BY e.slug",
    ) == [
        ("box-step-up",),
        ("hinge-basic",),
    ]


def test_an_incremental_build_reads_only_the_changed_file(
    library_copy: Path, indexed_copy: Path, caplog
):
    caplog.set_level("INFO", logger="exercise_library.indexer")
    _edit(library_copy, "box-step.md", "Step onto a box", "Step up onto a box")
    report = build_index(library_copy, indexed_copy)
    assert (report.incremental, report.parsed, report.removed) == (True, 1, 0)
    assert "incremental: 1 file(s) parsed, 0 removed" in caplog.text


def test_an_invalid_change_leaves_the_index_byte_for_byte_with_file_and_line(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    before = indexed_copy.read_bytes()
    _edit(library_copy, "box-step.md", "- exercise: balance-hold", "- exercise: balance-hodl")
    with pytest.raises(ContentError) as raised:
        build_index(library_copy, indexed_copy)
    [problem] = raised.value.problems
    assert problem.path.endswith("exercises/box-step.md") and problem.line == 20
    assert (
        problem.message
        == "regressions: unknown exercise 'balance-hodl': did you mean 'balance-hold'?"
    )
    assert indexed_copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "index.sqlite3"]


def test_an_incremental_build_checks_unchanged_files_against_a_deletion(
    library_copy: Path, indexed_copy: Path
):
    before = indexed_copy.read_bytes()
    (library_copy / "exercises" / "loaded-hinge.md").unlink()
    with pytest.raises(ContentError) as raised:
        build_index(library_copy, indexed_copy)
    found = {(Path(p.path).name, p.line, p.message.split(":")[0]) for p in raised.value.problems}
    assert ("hinge-basic.md", 21, "progressions") in found
    assert (
        "published.txt",
        7,
        "/exercises/loaded-hinge was published and nothing answers it now",
    ) in found
    assert indexed_copy.read_bytes() == before


def test_a_taxonomy_change_falls_back_to_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    taxonomy = library_copy / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text() + "\n")
    report = build_index(library_copy, indexed_copy)
    assert not report.incremental and report.reason == "taxonomy.yml changed"
    assert report.parsed == 6
    # Built into the file that began as a copy of the old index, thrown away first.
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)


def test_an_index_of_another_format_falls_back_to_a_full_build(
    library_copy: Path, indexed_copy: Path
):
    with sqlite3.connect(indexed_copy) as connection:
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    connection.close()
    report = build_index(library_copy, indexed_copy)
    assert not report.incremental and "no index of this format" in report.reason


def test_an_incremental_build_finds_a_loop_through_an_unchanged_file(
    library_copy: Path, indexed_copy: Path
):
    before = indexed_copy.read_bytes()
    # loaded-hinge regresses to hinge-basic, which progresses to loaded-hinge; making
    # loaded-hinge progress to hinge-basic too closes a loop through the unchanged file.
    _edit(library_copy, "loaded-hinge.md", "regressions:", "progressions:")
    with pytest.raises(ContentError) as raised:
        build_index(library_copy, indexed_copy)
    assert any("progressions loop back" in p.message for p in raised.value.problems)
    assert raised.value.problems == load_library(library_copy)[1]  # as a full check says it
    assert indexed_copy.read_bytes() == before


def test_an_edit_of_the_same_size_right_after_a_build_is_seen(
    library_copy: Path, indexed_copy: Path, tmp_path: Path
):
    _edit(library_copy, "box-step.md", "Step onto a box", "Step onto a bux")
    report = build_index(library_copy, indexed_copy)
    assert report.parsed == 1
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)


def test_a_build_on_all_cores_equals_one_on_one(library_copy: Path, tmp_path: Path, monkeypatch):
    from exercise_library import library

    serial = build_index(library_copy, tmp_path / "serial.sqlite3", full=True)
    # Worker processes even for six files, two at a time: rows and hashes made there.
    monkeypatch.setattr(library, "PARALLEL_FROM", 1)
    monkeypatch.setattr(library, "CHUNK", 2)
    parallel = build_index(library_copy, tmp_path / "parallel.sqlite3", full=True)
    assert parallel.version == serial.version == content_version(library_copy)
    assert _contents(parallel.path) == _contents(serial.path)


def test_too_many_changed_files_fall_back_to_a_full_build(
    library_copy: Path, indexed_copy: Path, tmp_path: Path, monkeypatch
):
    from exercise_library import indexer

    # At these settings, one of the six exercises may change; two (one edited, one deleted)
    # may not.
    monkeypatch.setattr(indexer, "INCREMENTAL_AT_LEAST", 0)
    monkeypatch.setattr(indexer, "INCREMENTAL_UP_TO", 0.2)
    _edit(library_copy, "box-step.md", "Step onto a box", "Step up onto a box")
    assert build_index(library_copy, indexed_copy).incremental
    _edit(library_copy, "box-step.md", "Step up onto a box", "Step onto a box")
    rename_box_step_with_alias(library_copy)  # box-step.md gone, box-step-up.md added
    report = build_index(library_copy, indexed_copy)
    assert not report.incremental and report.reason == "2 exercise files changed"
    _assert_same_as_full_build(library_copy, indexed_copy, tmp_path)
