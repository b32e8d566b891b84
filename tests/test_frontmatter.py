"""Front matter: YAML split from the body, each value's file line, the YAML 1.1 traps."""

from __future__ import annotations

import pytest

from exercise_library.content.frontmatter import YamlError, describe, load_yaml, split

TEXT = """---
title: Hinge
dosage:
  beginner:
    sets: 3
progressions:
  - exercise: loaded-hinge
    when: Later.
---

## How to do it
"""


def test_split_gives_the_data_and_where_the_body_starts():
    document = split(TEXT)
    assert document.data["dosage"]["beginner"]["sets"] == 3
    assert document.body.startswith("\n## How to do it")
    assert document.body_first_line == 10


def test_every_value_has_its_file_line():
    lines = split(TEXT).lines
    assert lines.of(("title",)) == 2
    assert lines.of(("dosage", "beginner")) == 4  # a mapping's key line, where it is named
    assert lines.of(("dosage", "beginner", "sets")) == 5
    assert lines.of(("progressions", 0, "when")) == 8


def test_a_place_that_does_not_exist_gets_its_parents_line():
    assert split(TEXT).lines.of(("dosage", "beginner", "reps")) == 4


@pytest.mark.parametrize(
    ("yaml_text", "line", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "the key 'a' is given twice"),
        ("reps: 010\n", 1, "leading zero, which YAML reads as an octal number: write 10"),
        ("x: 1\ntempo: 1:30\n", 2, "YAML reads '1:30' as a number of minutes and seconds (90)"),
        ("a:\n\tb: 1\n", 2, "indent with spaces, not tabs"),
        ("a: [1, 2\n", 2, "YAML syntax error"),
    ],
)
def test_yaml_that_would_be_misread_is_refused_at_its_line(yaml_text, line, words):
    with pytest.raises(YamlError) as raised:
        load_yaml(yaml_text)
    assert raised.value.line == line and words in raised.value.message


def test_quoted_values_are_left_as_written():
    assert load_yaml('reps: "010"\ntempo: "1:30"\n')[0] == {"reps": "010", "tempo": "1:30"}


def test_describe_names_the_trap():
    assert "YAML reads yes/no/on/off/true/false as true" in describe(True)
    assert "YAML reads it as a date" in describe(__import__("datetime").date(2026, 1, 2))
