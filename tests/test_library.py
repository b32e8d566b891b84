"""The content check: one tiny broken file per edge case (tests/cases/), each reported with
its own path, line and a message that says how to fix it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from exercise_library.content.library import load_library

from .conftest import CASES, LIBRARY, rename_box_step_with_alias

# case file -> (line, words the message must contain)
CASE_PROBLEMS = {
    "Bad_Name": (1, "rename it to 'bad-name.md'"),
    "alias-collides": (10, "alias 'box-step' is also the slug of exercises/box-step.md"),
    "byte-order-mark": (1, "byte-order mark"),
    "cues-not-a-list": (33, "'## Cues' must be a bullet list"),
    "dangling-link": (20, "unknown exercise 'loaded-hinj': did you mean 'loaded-hinge'?"),
    "dosage-for-unlisted-phase": (15, "a dosage for 'intermediate', which is not in phases"),
    "duplicate-cue": (37, "two cues share the anchor '#cue-grip-the-floor-with-the-whole-foot'"),
    "empty-section": (49, "section '## Safety' is empty"),
    "former-slug-link": (23, "'old-hinge' is a former slug: link 'hinge-basic' instead"),
    "front-matter-not-a-mapping": (2, "expected a mapping of fields, got a list"),
    "h1-in-body": (28, "a '# ' heading in the body"),
    "iframe": (47, "raw HTML is not allowed ('<iframe"),
    "javascript-link": (47, "a link to 'javascript:alert(1)' is not allowed: link to an http"),
    "missing-section": (47, "missing section '## Safety'"),
    "missing-title": (3, "missing required field 'title'"),
    "mistake-without-fix": (42, "mistake 'Knee caves in.' has no fix: add 'Fix: '"),
    "muscle-both-roles": (9, "muscle 'glute-max' is both primary and secondary"),
    "no-front-matter": (1, "must start with a line '---'"),
    "not-utf8": (46, "not UTF-8"),
    "onclick-attribute": (47, 'raw HTML is not allowed (\'<a href="/" onclick'),
    "raw-script": (47, "raw HTML is not allowed ('<script>"),
    "reps-and-seconds": (12, "exactly one of 'reps' or 'seconds'"),
    "self-link": (20, "'self-link' lists itself in progressions"),
    "sets-wrong-type": (13, "'sets' must be a whole number, got 'three'"),
    "summary-date": (3, "the date 2026-01-02 (YAML reads it as a date): put it in quotes"),
    "tab-indent": (8, "indent with spaces, not tabs"),
    "tempo-sexagesimal": (
        18,
        "YAML reads '1:30' as a number of minutes and seconds (90): put it in quotes",
    ),
    "title-yes": (
        2,
        "got true (YAML reads yes/no/on/off/true/false as true): put the value in quotes",
    ),
    "too-few-cues": (51, "only 2 cues under '## Cues': write at least 3"),
    "unclosed-front-matter": (1, "the front matter is never closed"),
    "unknown-equipment": (6, "unknown equipment 'dumbell': did you mean 'dumbbell'?"),
    "unknown-field": (3, "unknown field 'sumary': did you mean 'summary'?"),
    "unknown-phase": (5, "unknown phase 'beginer': did you mean 'beginner'?"),
    "yaml-syntax": (3, "YAML syntax error"),
    "duplicate-key": (4, "the key 'summary' is given twice: keep one of them"),
    "octal-reps": (15, "'010' has a leading zero, which YAML reads as an octal number: write 10"),
    "nul-in-title": (2, "'title' must not hold a control character (U+0000): delete it"),
    "title-too-long": (2, "'title' is 239 characters long: keep it to 100"),
    "blank-title": (2, "'title' is empty: write it"),
    "superscript-reps": (15, "'reps' must be a whole number from 1 to 600 (10)"),
    "huge-range": (18, "got '1-99999'"),
    "when-raw-html": (22, "raw HTML is not allowed ('<img src=x onerror"),
    "one-way-ladder": (
        20,
        "lists 'balance-hold' in regressions, but balance-hold.md does not list 'one-way-ladder'",
    ),
    "when-javascript": (22, "a link to 'javascript:alert(1)' is not allowed"),
    "javascript-reference-link": (54, "a 'javascript:' link is not allowed"),
    "javascript-entity-link": (52, "a link to 'javascript:alert(1)' is not allowed"),
    "javascript-tab-link": (52, "a 'javascript:' link is not allowed"),
    "javascript-angle-link": (52, "a 'javascript:' link is not allowed"),
    "figure-missing": (2, "missing required field 'figure'"),
    "figure-unknown-view": (26, "'view': Input should be 'side' or 'front'"),
    "figure-unknown-joint": (31, "unknown joint 'hipp': did you mean 'hip'?"),
    "figure-angle-out-of-range": (36, "the left hip is at 170 degrees, more than a hip moves"),
    "figure-knee-backwards": (31, "the left knee bends backwards (-20)"),
    "figure-foot-floats": (34, "the right foot is planted but floats 57 cm above the floor"),
    "figure-air-while-planted": (35, "'air' lifts the figure off the floor, so no foot is planted"),
    "figure-unknown-prop": (29, "unknown prop 'dumbell': did you mean 'dumbbell'?"),
    "figure-prop-not-placed": (29, "a box stands on the floor: place it with x"),
    "figure-one-pose": (28, "a figure shows two to four poses, this one has 1"),
    "figure-step-not-in-body": (33, "pose 2 shows step 5, but '## How to do it' has 2 steps"),
    "figure-too-big": (31, "the poses take 324 x 215 cm, more than the 300 x 270"),
}


def test_every_case_file_has_an_expectation():
    assert {path.stem for path in CASES.glob("*.md")} == set(CASE_PROBLEMS)


def test_the_fixture_library_is_clean():
    library, problems = load_library(LIBRARY)
    assert problems == []
    assert len(library.exercises) == 6


# A phase program that disagrees with the pages it prescribes: tests/cases/programs/, each
# read as the fixture's program of a phase, after its beginner program.
PROGRAM_PROBLEMS = {
    "dose-disagrees": ("beginner", 11, "'hinge-basic' is prescribed 4 x 10 reps, but its page"),
    "no-dose-for-the-phase": ("beginner", 11, "'rear-foot-squat' has no dose for the beginner"),
    "easier-rung-never-trained": (
        "advanced",
        10,
        "'rear-foot-squat' is reached from split-squat-basic",
    ),
    "gate-never-trained": ("beginner", 18, "the move-on gate names 'split-squat-basic'"),
    "session-longer-than-it-takes": ("beginner", 7, "takes about 6 minutes at its doses"),
    "unknown-swap": (
        "beginner",
        10,
        "unknown exercise 'split-squat-basik': did you mean 'split-squat-basic'?",
    ),
}


def test_an_exercise_in_the_first_phase_its_page_lists_needs_no_easier_rung_first(
    library_copy: Path,
):
    # The same program read as the intermediate one: the rear-foot squat starts there.
    case = CASES / "programs" / "easier-rung-never-trained.md"
    shutil.copy(case, library_copy / "phases" / "intermediate.md")
    _, problems = load_library(library_copy)
    assert not [p for p in problems if "is reached from" in p.message], problems


def test_every_program_case_has_an_expectation():
    assert {path.stem for path in (CASES / "programs").glob("*.md")} == set(PROGRAM_PROBLEMS)


@pytest.mark.parametrize("case", sorted(PROGRAM_PROBLEMS))
def test_a_program_that_disagrees_is_reported_at_its_line(case: str, library_copy: Path):
    phase, line, words = PROGRAM_PROBLEMS[case]
    shutil.copy(CASES / "programs" / f"{case}.md", library_copy / "phases" / f"{phase}.md")
    _, problems = load_library(library_copy)
    assert any(p.line == line and words in p.message for p in problems), problems
    assert all(p.path.endswith(f"phases/{phase}.md") for p in problems)


@pytest.mark.parametrize("case", sorted(CASE_PROBLEMS))
def test_broken_file_is_reported_at_its_line(case: str, library_copy: Path):
    name = f"{case}.md"
    shutil.copy(CASES / name, library_copy / "exercises" / name)
    _, problems = load_library(library_copy)
    line, words = CASE_PROBLEMS[case]
    mine = [p for p in problems if p.path.endswith(f"exercises/{name}")]
    assert any(p.line == line and words in p.message for p in mine), mine
    assert mine == problems, "one broken file must not blame the files around it"


def _reported(problems: list, file_name: str, line: int, words: str) -> bool:
    """Whether one of *problems* is in *file_name* at *line*, with *words* in its message."""
    return any(
        p.path.endswith(file_name) and p.line == line and words in p.message for p in problems
    )


def _write(library: Path, name: str, text: str) -> None:
    (library / "exercises" / name).write_text(text, encoding="utf-8")


def _variant(old: str, new: str) -> str:
    text = (LIBRARY / "exercises" / "hinge-basic.md").read_text(encoding="utf-8")
    return text.replace("aliases: [old-hinge]", "aliases: []").replace(old, new)


def test_an_alias_claimed_by_two_files_is_reported(library_copy: Path):
    _write(library_copy, "second-hinge.md", _variant("aliases: []", "aliases: [old-hinge]"))
    _, problems = load_library(library_copy)
    assert any(
        "alias 'old-hinge' is already an alias of 'hinge-basic'" in p.message for p in problems
    )


def test_progressions_that_loop_back_are_reported(library_copy: Path):
    loaded = library_copy / "exercises" / "loaded-hinge.md"
    text = loaded.read_text().replace(
        "regressions:", "progressions:\n  - exercise: hinge-basic\n    when: Always.\nregressions:"
    )
    loaded.write_text(text)
    _, problems = load_library(library_copy)
    assert any(
        "progressions loop back: hinge-basic -> loaded-hinge -> hinge-basic" in p.message
        for p in problems
    )


def test_a_huge_file_is_refused_without_parsing(library_copy: Path):
    _write(library_copy, "huge.md", _variant("Stop if", "x" * 5_000_000 + "\n\nStop if"))
    _, problems = load_library(library_copy)
    assert any(p.path.endswith("huge.md") and "the limit is 1000 kB" in p.message for p in problems)


def test_a_symlink_out_of_the_content_folder_is_refused(library_copy: Path, tmp_path: Path):
    outside = tmp_path / "outside.md"
    outside.write_text(_variant("", ""))
    os.symlink(outside, library_copy / "exercises" / "linked.md")
    _, problems = load_library(library_copy)
    assert any(
        p.path.endswith("linked.md") and "points outside content/" in p.message for p in problems
    )


def test_a_broken_taxonomy_names_its_line(library_copy: Path):
    taxonomy = library_copy / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text().replace(
            "{slug: bench, label: Bench, description: A flat bench.}", "{slug: bench, label: Bench}"
        )
    )
    _, problems = load_library(library_copy)
    assert _reported(problems, "taxonomy.yml", 14, "'description'"), problems


def _with_synonyms(library: Path, lines: str) -> None:
    taxonomy = library / "taxonomy.yml"
    text = taxonomy.read_text()
    taxonomy.write_text(text[: text.index("synonyms:")] + "synonyms:\n" + lines)


def test_a_synonym_that_finds_nothing_names_its_line(library_copy: Path):
    _with_synonyms(
        library_copy,
        "  - {words: bum, finds: [glute max]}\n  - {words: quads, finds:\n      [quadriceps, quadzilla]}\n",
    )
    _, problems = load_library(library_copy)
    assert [(p.line, p.message) for p in problems] == [
        (
            25,
            "the synonym 'quads' finds 'quadzilla', which no exercise says: use words from an"
            " exercise, or drop it",
        )
    ]


def test_the_same_synonym_twice_is_reported(library_copy: Path):
    _with_synonyms(
        library_copy, "  - {words: bum, finds: [glute max]}\n  - {words: Bum, finds: [core]}\n"
    )
    _, problems = load_library(library_copy)
    assert [(p.line, p.message) for p in problems] == [
        (24, "the synonym 'Bum' is given twice: keep one of them")
    ]


def test_a_broken_link_in_a_guide_is_reported(library_copy: Path):
    guide = library_copy / "guides" / "scheduling.md"
    guide.write_text(
        guide.read_text().replace("/exercises/balance-hold", "/exercises/balance-hodl")
    )
    _, problems = load_library(library_copy)
    assert _reported(problems, "scheduling.md", 7, "did you mean 'balance-hold'"), problems


def test_a_guide_file_name_that_is_not_a_slug_is_reported(library_copy: Path):
    guides = library_copy / "guides"
    (guides / "scheduling.md").rename(guides / "Race Week.md")
    _, problems = load_library(library_copy)
    assert _reported(problems, "Race Week.md", 1, "rename it to 'race-week.md'"), problems


def test_a_program_naming_an_unknown_exercise_is_reported(library_copy: Path):
    program = library_copy / "phases" / "beginner.md"
    program.write_text(
        program.read_text().replace("exercise: hinge-basic", "exercise: hinge-basik")
    )
    _, problems = load_library(library_copy)
    assert _reported(problems, "beginner.md", 12, "did you mean 'hinge-basic'"), problems


def test_version_depends_only_on_content(library_copy: Path):
    first, _ = load_library(LIBRARY)
    second, _ = load_library(library_copy)
    assert first.version == second.version
    _write(
        library_copy,
        "box-step.md",
        (library_copy / "exercises" / "box-step.md").read_text() + "\nMore.\n",
    )
    third, _ = load_library(library_copy)
    assert third.version != first.version


def test_deleting_a_published_exercise_fails_the_check(library_copy: Path):
    (library_copy / "exercises" / "box-step.md").unlink()
    for path in (library_copy / "exercises").glob("*.md"):
        path.write_text(
            path.read_text().replace("  - exercise: box-step\n", "  - exercise: balance-hold\n")
        )
    _, problems = load_library(library_copy)
    published = [p for p in problems if p.path.endswith("published.txt")]
    assert [(p.line, "/exercises/box-step was published" in p.message) for p in published] == [
        (5, True)
    ]
    assert "add 'box-step' to the aliases" in published[0].message


def test_renaming_with_an_alias_keeps_the_check_clean(library_copy: Path):
    rename_box_step_with_alias(library_copy)
    _, problems = load_library(library_copy)
    assert problems == []


def test_renaming_without_an_alias_fails_the_check(library_copy: Path):
    (library_copy / "exercises" / "box-step.md").rename(
        library_copy / "exercises" / "box-step-up.md"
    )
    _, problems = load_library(library_copy)
    messages = [str(p) for p in problems]
    assert any("published.txt:5: /exercises/box-step was published" in m for m in messages)
    assert any(
        "box-step-up.md:1: new exercise 'box-step-up' is not recorded" in m for m in messages
    )


def test_a_muscle_the_body_map_cannot_show_is_reported(library_copy: Path):
    taxonomy = library_copy / "taxonomy.yml"
    taxonomy.write_text(
        taxonomy.read_text().replace(
            "synonyms:", "  - {slug: tibialis, label: Tibialis, description: Shin.}\nsynonyms:"
        )
    )
    _, problems = load_library(library_copy)
    assert [(p.line, p.message.split(",")[0]) for p in problems] == [
        (22, "muscle 'tibialis' has no region on the body map")
    ]
