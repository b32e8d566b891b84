"""The relevance test set: what runners and coaches type into the search box, each with the
exercise a strength coach would want among the first three results. Written before looking
at the results, and never changed to suit them: a miss is fixed in the search (or the
content), not here. tests/test_relevance.py holds the library to it; `make bench` reports
success@1 and success@3 for the real library and a generated one ten times its size."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

QUERIES = [
    # Names as written, and as half-remembered
    ("bulgarian split squat", "bulgarian-split-squat"),
    ("bulgarian", "bulgarian-split-squat"),
    ("split squat", "split-squat"),
    ("single leg rdl", "single-leg-rdl"),
    ("romanian deadlift", "single-leg-rdl"),
    ("pistol squat", "pistol-squat"),
    ("pistol", "pistol-squat"),
    ("step up", "low-box-step-up"),
    ("step up knee drive", "step-up-with-knee-drive"),
    ("step down", "forward-step-down"),
    ("calf raise", "single-leg-calf-raise"),
    ("heel drop", "eccentric-heel-drop"),
    ("glute bridge", "single-leg-glute-bridge"),
    ("hip thrust", "single-leg-hip-thrust"),
    ("hip abduction", "side-lying-hip-abduction"),
    ("copenhagen", "copenhagen-plank"),
    ("hop and stick", "single-leg-hop-and-stick"),
    ("box jump", "single-leg-box-jump"),
    ("depth drop", "depth-drop-single-leg-stick"),
    ("lateral lunge", "lateral-lunge"),
    ("reverse lunge", "reverse-lunge"),
    ("lunges", "reverse-lunge"),
    ("short foot", "short-foot"),
    ("eyes closed", "single-leg-balance-eyes-closed"),
    ("y balance", "y-balance-reach"),
    ("box squat", "single-leg-box-squat"),
    ("ball toss", "single-leg-balance-ball-toss"),
    ("lateral hops", "lateral-single-leg-hops"),
    ("crossover", "crossover-step-up"),
    ("skater", "skater-squat"),
    ("balance", "single-leg-balance"),
    # Nicknames and gym shorthand
    ("rfess", "bulgarian-split-squat"),
    ("bss", "bulgarian-split-squat"),
    ("sl rdl", "single-leg-rdl"),
    ("kickstand", "kickstand-rdl"),
    ("b-stance rdl", "kickstand-rdl"),
    ("kettlebell rdl", "loaded-single-leg-rdl"),
    ("db bulgarian", "dumbbell-bulgarian-split-squat"),
    ("barbell split squat", "barbell-bulgarian-split-squat"),
    ("trx pistol", "assisted-pistol-squat"),
    ("high knee step up", "step-up-with-knee-drive"),
    ("weighted step up", "loaded-step-up-with-knee-drive"),
    ("alfredson", "eccentric-heel-drop"),
    ("pogo", "single-leg-pogo-hops"),
    ("bounding", "bounds"),
    ("jumping lunges", "split-squat-jumps"),
    ("airborne lunge", "skater-squat"),
    ("stork stand", "single-leg-balance"),
    ("wobble board", "single-leg-balance-unstable"),
    ("pelvic drop", "hip-hike"),
    ("big toe", "toe-yoga"),
    ("plyo", "single-leg-hop-and-stick"),
    # Muscles and body parts, as runners say them
    ("calves", "single-leg-calf-raise"),
    ("calf", "single-leg-calf-raise"),
    ("soleus", "bent-knee-calf-raise"),
    ("achilles", "eccentric-heel-drop"),
    ("glutes", "single-leg-glute-bridge"),
    ("glute med", "side-lying-hip-abduction"),
    ("hamstrings", "single-leg-rdl"),
    ("adductors", "copenhagen-plank"),
    ("groin", "copenhagen-plank"),
    ("arch", "short-foot"),
    # Problems
    ("knee caves in", "lateral-step-down"),
    ("knee pain", "lateral-step-down"),
    ("hip drop", "hip-hike"),
    ("balance test", "single-leg-balance-eyes-closed"),
    # Typos
    ("bulgarain split squat", "bulgarian-split-squat"),
    ("sqaut", "split-squat"),
    ("pistl squat", "pistol-squat"),
    ("clf raise", "single-leg-calf-raise"),
    ("copenhagan", "copenhagen-plank"),
    ("romanain deadlift", "single-leg-rdl"),
    ("hamstrigns", "single-leg-rdl"),
]


@dataclass
class Score:
    at_1: float
    at_3: float
    misses: list[tuple[str, str, list[str]]]  # (query, wanted, what came first instead)


def top_slugs(q: str, count: int = 3) -> list[str]:
    """The first *count* results for *q*, as the list page ranks them (in a request context)."""
    from exercise_library import search
    from exercise_library.db import db
    from exercise_library.models import Exercise

    terms = search.known_terms()
    result = search.search(search.parse_filters(MultiDict({"q": q}), terms), terms)
    slugs = dict(db.session.execute(db.select(Exercise.id, Exercise.slug)).all())
    return [slugs[i] for i in result.ids[:count]]


def score(queries: list[tuple[str, str]] = QUERIES) -> Score:
    """success@1 and success@3 over *queries* (in a request context of the app to judge)."""
    first = third = 0
    misses = []
    for q, wanted in queries:
        top = top_slugs(q)
        first += top[:1] == [wanted]
        third += wanted in top
        if wanted not in top:
            misses.append((q, wanted, top))
    return Score(first / len(queries), third / len(queries), misses)
