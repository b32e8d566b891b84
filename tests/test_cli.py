"""`flask check` and `flask index`, as a content editor runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points

from exercise_library import create_app

from .conftest import CASES, CommandRunner


def _runner(content, index):
    return CommandRunner(create_app({"TESTING": True, "CONTENT_DIR": content, "INDEX_PATH": index}))


def test_flask_finds_the_commands():
    found = {e.name: e.value for e in entry_points(group="flask.commands")}
    assert found["check"] == "exercise_library.cli:check_command"
    assert {"index", "publish"} <= set(found)


def test_flask_check_runs_from_the_command_line(library_copy, tmp_path):
    env = {"EXERCISE_LIBRARY_CONTENT_DIR": str(library_copy), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "exercise_library", "check"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "OK: 6 exercises" in result.stdout


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
    text = re.sub(r"regressions:\n(  .*\n)+", "", text)  # off the ladder, which is kept two-way
    (library_copy / "exercises" / "box-step-down.md").write_text(text)
    runner = _runner(library_copy, tmp_path / "i.sqlite3")
    assert runner.invoke(args=["check"]).exit_code != 0
    result = runner.invoke(args=["publish"])
    assert "Recorded 1 new slug(s)" in result.output and "box-step-down" in result.output
    assert (library_copy / "published.txt").read_text().endswith("box-step-down\n")
    assert "Nothing to add" in runner.invoke(args=["publish"]).output
    assert runner.invoke(args=["check"]).exit_code == 0
