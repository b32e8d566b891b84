"""`flask check` and `flask index`, as a content editor runs them."""

from __future__ import annotations

import shutil

from exercise_library import create_app

from .conftest import CASES


def _runner(content, index):
    app = create_app({"TESTING": True, "CONTENT_DIR": content, "INDEX_PATH": index})
    return app.test_cli_runner()


def test_check_passes_clean_content(runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0
    assert "OK: 6 exercises" in result.output


def test_check_names_file_and_line_and_fails(library_copy, tmp_path):
    shutil.copy(CASES / "title-yes.md", library_copy / "exercises" / "title-yes.md")
    result = _runner(library_copy, tmp_path / "i.sqlite3").invoke(args=["check"])
    assert result.exit_code != 0
    assert "exercises/title-yes.md:2: 'title' must be text" in result.output
    assert not (tmp_path / "i.sqlite3").exists()


def test_index_builds_and_reports(library_copy, tmp_path):
    result = _runner(library_copy, tmp_path / "i.sqlite3").invoke(args=["index"])
    assert result.exit_code == 0
    assert "Indexed 6 exercises in" in result.output
    assert (tmp_path / "i.sqlite3").exists()


def test_index_again_after_an_edit_is_incremental(library_copy, tmp_path):
    runner = _runner(library_copy, tmp_path / "i.sqlite3")
    assert "(full build: no index of this format in place" in runner.invoke(args=["index"]).output
    path = library_copy / "exercises" / "box-step.md"
    path.write_text(path.read_text().replace("Step onto a box", "Step up onto a box"))
    result = runner.invoke(args=["index"])
    assert result.exit_code == 0
    assert "(incremental: 1 file(s) parsed, 0 removed)" in result.output


def test_index_full_builds_from_nothing(library_copy, tmp_path):
    runner = _runner(library_copy, tmp_path / "i.sqlite3")
    runner.invoke(args=["index"])
    result = runner.invoke(args=["index", "--full"])
    assert result.exit_code == 0
    assert "(full build: asked for)" in result.output


def test_index_after_a_broken_file_keeps_the_previous_index(library_copy, tmp_path):
    runner = _runner(library_copy, tmp_path / "i.sqlite3")
    runner.invoke(args=["index"])
    before = (tmp_path / "i.sqlite3").read_bytes()
    shutil.copy(CASES / "tab-indent.md", library_copy / "exercises" / "tab-indent.md")
    result = runner.invoke(args=["index"])
    assert result.exit_code != 0
    assert "tab-indent.md:8: YAML syntax error" in result.output
    assert "the existing index was left untouched" in result.output
    assert (tmp_path / "i.sqlite3").read_bytes() == before


def test_publish_records_new_exercises_once(library_copy, tmp_path):
    text = (library_copy / "exercises" / "box-step.md").read_text()
    (library_copy / "exercises" / "box-step-down.md").write_text(text)
    runner = _runner(library_copy, tmp_path / "i.sqlite3")
    assert runner.invoke(args=["check"]).exit_code != 0
    result = runner.invoke(args=["publish"])
    assert "Recorded 1 new slug(s)" in result.output and "box-step-down" in result.output
    assert (library_copy / "published.txt").read_text().endswith("box-step-down\n")
    assert "Nothing to add" in runner.invoke(args=["publish"]).output
    assert runner.invoke(args=["check"]).exit_code == 0
