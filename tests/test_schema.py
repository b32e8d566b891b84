"""The content format as pydantic models: every validation error becomes a problem at its
file line, in words that say how to fix it."""

from __future__ import annotations

from exercise_library.content.assessments import AssessmentsFile, limb_symmetry
from exercise_library.content.frontmatter import load_yaml
from exercise_library.content.schema import ExerciseMeta, Taxonomy, validate

TERMS = {
    "terms": {
        "phase": ["beginner", "intermediate"],
        "family": ["hinge"],
        "equipment": ["none", "dumbbell"],
        "muscle": ["glute-max", "hamstrings"],
    }
}
EXERCISE = """\
title: Hinge
summary: Hinge on one leg.
family: hinge
phases: [beginner]
equipment: [none]
muscles:
  primary: [glute-max]
dosage:
  beginner:
    sets: 3
    reps: 10
figure: {view: side, leg: left, poses: [{step: 1, planted: left}, {step: 2, planted: left}]}
"""


def _problems(text: str, model=ExerciseMeta, context=TERMS) -> list[tuple[int, str]]:
    data, lines = load_yaml(text)
    value, problems = validate(model, data, lines, "x.md", context)
    assert (value is None) == bool(problems)
    return [(p.line, p.message) for p in problems]


def test_a_valid_exercise_has_no_problems():
    assert _problems(EXERCISE) == []


def test_an_unknown_field_suggests_the_nearest_one():
    assert _problems(EXERCISE.replace("summary:", "sumary:")) == [
        (1, "missing required field 'summary': add it (content/README.md lists the fields)"),
        (2, "unknown field 'sumary': did you mean 'summary'?"),
    ]


def test_an_unknown_field_deep_down_suggests_the_nearest_one():
    problems = _problems(EXERCISE.replace("    reps: 10", "    reps: 10\n    temp: 2-1-2"))
    assert problems == [(12, "unknown field 'temp': did you mean 'tempo'?")]


def test_an_unknown_term_suggests_the_nearest_one():
    problems = _problems(EXERCISE.replace("[none]", "[none, dumbell]"))
    assert problems == [(5, "unknown equipment 'dumbell': did you mean 'dumbbell'?")]


def test_a_number_out_of_range_says_the_range():
    assert _problems(EXERCISE.replace("sets: 3", "sets: 30")) == [
        (10, "'sets' is 30: use a whole number up to 10")
    ]


def test_a_rule_across_fields_points_at_the_field():
    problems = _problems(EXERCISE.replace("phases: [beginner]", "phases: [beginner, intermediate]"))
    assert problems == [
        (4, "no dosage for phase 'intermediate': add dosage: intermediate: {sets: ..., reps: ...}")
    ]


def test_a_range_must_rise_and_stay_human():
    problems = _problems(EXERCISE.replace("reps: 10", 'reps: "1-99999"'))
    assert len(problems) == 1 and "a rising range in quotes" in problems[0][1]


def test_a_control_character_in_a_taxonomy_label_is_refused():
    taxonomy = "\n".join(
        f'{group}:\n  - {{slug: a, label: "A\\u0000", description: D.}}'
        for group in ("phases", "families", "equipment", "muscles")
    )
    problems = _problems(taxonomy, Taxonomy, None)
    assert problems[0] == (2, "'label' must not hold a control character (U+0000): delete it")
    assert len(problems) == 4


ASSESSMENTS = """\
assessments:
  - slug: hop
    title: Hop test
    exercise: hinge
    baseline: Weaker leg about 90% of the stronger
    advanced: Weaker leg 95% of the stronger
    tries: 3
    how_to_test: Hop and stick.
    symmetry:
      target_percent: 90
      note: A rough guide.
      example: {stronger: 200, weaker: 179, unit: cm}
running_signs:
  title: Signs in your running
  intro: What running shows.
  signs: [Faster at the same effort.]
"""


def test_an_assessment_states_its_tries_and_a_side_to_side_target():
    assert _problems(ASSESSMENTS, AssessmentsFile) == []
    data, lines = load_yaml(ASSESSMENTS)
    value, _ = validate(AssessmentsFile, data, lines, "assessments.yml")
    assert value.assessments[0].symmetry.example.percent == 89  # 89.5 rounded down
    assert limb_symmetry(150, 165) == 90
    assert _problems(ASSESSMENTS.replace("    tries: 3\n", ""), AssessmentsFile) == [
        (2, "missing required field 'tries': add it (content/README.md lists the fields)")
    ]
    assert _problems(
        ASSESSMENTS.replace("target_percent: 90", "target_percent: 900"), AssessmentsFile
    ) == [(10, "'target_percent' is 900: use a whole number up to 100")]
    assert _problems(ASSESSMENTS.replace("weaker: 179", "weaker: 201"), AssessmentsFile) == [
        (12, "'weaker' is 201, more than 'stronger' (200): swap them")
    ]
    assert _problems(
        ASSESSMENTS.replace("signs: [Faster at the same effort.]", "signs: []"), AssessmentsFile
    ) == [(16, "'signs' is empty: list at least one")]
