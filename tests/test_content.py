"""The real library: clean, complete against the source article, connected, in our own words."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from exercise_library import ROOT
from exercise_library.content.library import Library, load_library

TESTS = Path(__file__).parent

# Every exercise the source article names, as a runner would search for it.
SEED_EXERCISES = [
    "single-leg Romanian deadlift",
    "Bulgarian split squat",
    "pistol squat",
    "box pistol squat",
    "assisted pistol squat",
    "step-up with knee drive",
    "single-leg balance",
    "split squat",
    "low-box step-up",
    "single-leg box squat",
    "lateral step-down",
    "single-leg calf raise",
    "single-leg hops",
    "bounds",
    "depth drop",
]


@pytest.fixture(scope="module")
def library() -> Library:
    library, problems = load_library(ROOT / "content")
    assert [str(p) for p in problems] == []
    return library


def _names(library: Library) -> dict[str, str]:
    names = {}
    for exercise in library.exercises.values():
        for name in [exercise.meta.title, *exercise.meta.also_known_as]:
            names[name.lower()] = exercise.slug
    return names


def test_the_library_is_large_enough(library):
    assert len(library.exercises) >= 40


@pytest.mark.parametrize("name", SEED_EXERCISES)
def test_every_exercise_the_article_names_is_present(library, name):
    names = _names(library)
    assert any(name.lower() in known for known in names), name


def test_every_exercise_meets_the_house_minimums(library):
    for exercise in library.exercises.values():
        assert len(exercise.body.steps) >= 3, exercise.slug
        assert len(exercise.body.cues) >= 3, exercise.slug
        assert len(exercise.body.mistakes) >= 3, exercise.slug
        safety = exercise.body.section("safety").text
        assert "72 hours" in safety and "pain" in safety, exercise.slug
        assert exercise.body.section("why").text.strip(), exercise.slug


def test_every_exercise_is_on_a_ladder(library):
    for exercise in library.exercises.values():
        assert exercise.meta.progressions or exercise.meta.regressions, exercise.slug


def test_no_exercise_is_an_orphan(library):
    reachable = set()
    for exercise in library.exercises.values():
        reachable.update(s.exercise for s in exercise.meta.progressions + exercise.meta.regressions)
    for program in library.programs.values():
        reachable.update(item.exercise for s in program.meta.sessions for item in s.exercises)
    assert set(library.exercises) - reachable == set()


def test_programs_follow_the_article(library):
    assert set(library.programs) == {"beginner", "intermediate", "advanced"}
    assert library.programs["beginner"].meta.sessions_per_week == 2
    assert library.programs["intermediate"].meta.sessions_per_week == 2
    assert library.programs["advanced"].meta.sessions_per_week == 3
    beginner = {
        i.exercise: i for s in library.programs["beginner"].meta.sessions for i in s.exercises
    }
    assert beginner["single-leg-rdl"].sets == 3 and beginner["single-leg-rdl"].reps == "10"
    assert beginner["split-squat"].reps == "12"
    assert beginner["single-leg-balance"].seconds == "30"


def test_guides_and_assessments_are_there(library):
    assert {
        "scheduling-strength-around-running",
        "common-mistakes",
        "balance-in-daily-life",
        "recovery-and-nutrition",
        "first-30-days",
        "deload-weeks",
        "in-season-and-taper",
        "masters-runners",
        "returning-after-injury",
    } <= set(library.guides)
    targets = {a.exercise: (a.baseline, a.advanced) for a in library.assessments}
    assert set(targets) == {
        "single-leg-balance-eyes-closed",
        "bulgarian-split-squat",
        "single-leg-calf-raise",
        "step-up-with-knee-drive",
        "single-leg-hop-and-stick",
        "forward-single-leg-hops",
    }
    assert all(a.tries == 3 for a in library.assessments if a.symmetry)
    assert library.running_signs and len(library.running_signs.signs) == 3


def _shingles(text: str, size: int = 8) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_content_is_in_our_own_words():
    """No run of eight words may match the source article (stored only as hashes)."""
    lines = (TESTS / "seed-shingles.txt").read_text().splitlines()
    seed = {line for line in lines if line and not line.startswith("#")}
    copied = []
    for path in sorted((ROOT / "content").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".yml"):
            for shingle in _shingles(path.read_text(encoding="utf-8")):
                if hashlib.sha256(shingle.encode()).hexdigest()[:16] in seed:
                    copied.append(f"{path.relative_to(ROOT)}: {shingle}")
    assert copied == []
