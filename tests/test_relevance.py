"""Search as people use it: the relevance test set (tests/relevance.py) against the real
library and a generated one ten times its size, and the bar for short words."""

from __future__ import annotations

import re

import pytest

from bench.generate import generate
from exercise_library import ROOT, create_app
from exercise_library.content.build import build_index_for

from .relevance import QUERIES, score

BAR = 0.9  # success@3, the bar


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    index = tmp_path_factory.mktemp("real") / "index.sqlite3"
    build_index_for(ROOT / "content", index)
    return create_app({"TESTING": True, "INDEX_PATH": index, "CONTENT_DIR": ROOT / "content"})


@pytest.fixture(scope="module")
def larger_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("larger")
    content = generate(500, folder / "content")
    index = folder / "index.sqlite3"
    build_index_for(content, index)
    return create_app({"TESTING": True, "INDEX_PATH": index, "CONTENT_DIR": content})


def test_the_set_is_big_enough_and_names_real_exercises():
    slugs = {path.stem for path in (ROOT / "content" / "exercises").glob("*.md")}
    assert len(QUERIES) >= 40
    assert {wanted for _, wanted in QUERIES} <= slugs


@pytest.mark.parametrize("library", ["real_app", "larger_app"])
def test_the_exercise_wanted_comes_in_the_first_three(library, request):
    with request.getfixturevalue(library).test_request_context("/"):
        result = score()
    assert result.at_3 >= BAR, result.misses


def _every_match(app, q: str) -> list[str]:
    """The slugs of every result for *q*, all pages."""
    from werkzeug.datastructures import MultiDict

    from exercise_library import search
    from exercise_library.db import db
    from exercise_library.models import Exercise

    found: list[int] = []
    with app.test_request_context("/"):
        terms = search.known_terms()
        for page in range(1, 10):
            args = MultiDict({"q": q, "page": str(page)})
            result = search.search(search.parse_filters(args, terms), terms)
            found += result.ids
            if not result.has_next:
                break
        slugs = dict(db.session.execute(db.select(Exercise.id, Exercise.slug)).all())
    return [slugs[i] for i in found]


@pytest.mark.parametrize("word", ["abs", "leg", "hop", "box", "arm", "run", "calf", "toe"])
def test_a_short_word_matches_only_what_really_has_it(real_app, word):
    """A word of three letters or more finds what has it, one of its forms (hops, calves) or
    a synonym (abs: core); never what only starts with its letters ('abs' in 'above')."""
    from exercise_library.content.library import load_library

    library, _ = load_library(ROOT / "content")
    synonyms = {s.words.lower(): [f.lower() for f in s.finds] for s in library.taxonomy.synonyms}
    forms = [word, *synonyms.get(word, []), *{"calf": ["calves"]}.get(word, [])]
    # A form is the word with an ending the stemmer strips (s, es, ed, ing, er), its last
    # letter doubled or not: hops, hopping, runners.
    stems = "|".join(re.escape(f) + "(?:" + re.escape(f[-1]) + ")?" for f in forms)
    has_it = re.compile(rf"\b(?:{stems})(?:s|es|ed|ing|er|ers)?\b")
    matches = _every_match(real_app, word)
    assert matches
    for slug in matches:
        text = " ".join(library.searched_text(library.exercises[slug]).values()).lower()
        assert has_it.search(text), slug
