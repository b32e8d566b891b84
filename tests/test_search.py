"""Filters, full-text queries and disjunctive facet counts, against the fixture index."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from exercise_library import create_app, search
from exercise_library.content.build import build_index_for as build_index
from exercise_library.db import db
from exercise_library.http import query_pairs
from exercise_library.models import Exercise
from exercise_library.search import Filters, fts_query

KNOWN = {"phase": ["beginner", "intermediate", "advanced"], "equipment": ["none", "dumbbell"]}


def test_unknown_and_repeated_values_are_dropped():
    args = MultiDict(
        [("phase", "advanced"), ("phase", "nonsense"), ("phase", "beginner"), ("phase", "beginner")]
    )
    filters = Filters.from_args(args, KNOWN)
    assert filters.selected == {"phase": ("beginner", "advanced")}


def test_toggling_a_value_keeps_the_rest_of_the_query():
    filters = Filters.from_args(
        MultiDict([("phase", "beginner"), ("equipment", "none"), ("q", "hip")]), KNOWN
    )
    assert filters.toggled("phase", "advanced") == {
        "phase": ["beginner", "advanced"],
        "equipment": ["none"],
        "q": "hip",
    }
    assert filters.toggled("equipment", "none") == {"phase": ["beginner"], "q": "hip"}


@given(
    st.lists(st.sampled_from(KNOWN["phase"]), max_size=3),
    st.lists(st.sampled_from(KNOWN["equipment"]), max_size=2),
    st.sampled_from(["", "hip", "knee drive"]),
    st.sampled_from(sorted(KNOWN)),
    st.data(),
)
def test_a_toggled_query_is_already_canonical(phases, equipment, q, facet, data):
    """A link that adds or removes a value must not be redirected to its clean form."""
    pairs = [("phase", v) for v in phases] + [("q", q)] + [("equipment", v) for v in equipment]
    filters = Filters.from_args(MultiDict(pairs), KNOWN)
    toggled = filters.toggled(facet, data.draw(st.sampled_from(KNOWN[facet])))
    again = Filters.from_args(MultiDict(query_pairs(toggled)), KNOWN)
    assert query_pairs(again.to_args()) == query_pairs(toggled)


def test_query_text_is_trimmed_and_bounded():
    filters = Filters.from_args(MultiDict([("q", "  single   leg " + "x" * 500)]), KNOWN)
    assert filters.q.startswith("single leg x") and len(filters.q) == 200


def test_unknown_sort_falls_back_to_the_default():
    assert Filters.from_args(MultiDict([("sort", "drop table")]), KNOWN).sort == "level"
    assert Filters.from_args(MultiDict([("q", "hip")]), KNOWN).sort == "relevance"
    assert Filters.from_args(MultiDict([("sort", "relevance")]), KNOWN).sort == "level"


def test_fts_query_quotes_every_word():
    assert fts_query('hip" OR title:x NEAR(') == '"hip" "or" "title" "x" "near"*'
    assert fts_query('"" ) ( *') is None


def _search(app, **args):
    with app.app_context():
        terms = search.known_terms()
        pairs = [(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])]
        result = search.search(search.parse_filters(MultiDict(pairs), terms), terms)
        by_id = dict(db.session.execute(select(Exercise.id, Exercise.slug)).all())
        slugs = [by_id[i] for i in result.ids]
        counts = {f: {v.term.slug: v.count for v in values} for f, values in result.facets.items()}
    return slugs, counts


def test_no_filter_lists_everything_easiest_first(app):
    slugs, counts = _search(app)
    assert slugs == [
        "balance-hold",
        "box-step",
        "hinge-basic",
        "split-squat-basic",
        "loaded-hinge",
        "rear-foot-squat",
    ]
    assert counts["phase"] == {"beginner": 4, "intermediate": 4, "advanced": 1}


def test_values_within_a_facet_are_ored(app):
    slugs, _ = _search(app, equipment=["bench", "box"])
    assert sorted(slugs) == ["box-step", "rear-foot-squat"]


def test_facets_are_anded(app):
    slugs, _ = _search(app, phase="beginner", equipment="none")
    assert sorted(slugs) == ["balance-hold", "hinge-basic", "split-squat-basic"]


def test_facet_counts_are_disjunctive(app):
    _, counts = _search(app, phase="beginner", equipment="none")
    # Each facet counts with the *other* facets applied, not its own.
    assert counts["phase"] == {"beginner": 3, "intermediate": 1, "advanced": 0}
    assert counts["equipment"] == {"none": 3, "dumbbell": 0, "bench": 0, "box": 1}
    assert counts["muscle"]["glute-max"] == 2


def test_muscle_matches_primary_and_secondary(app):
    slugs, _ = _search(app, muscle="core")
    assert sorted(slugs) == ["balance-hold", "box-step", "loaded-hinge", "rear-foot-squat"]


def test_text_search_ranks_and_narrows_counts(app):
    slugs, counts = _search(app, q="rfess")
    assert slugs == ["rear-foot-squat"]
    assert counts["phase"] == {"beginner": 0, "intermediate": 1, "advanced": 0}


def test_last_word_matches_as_a_prefix(app):
    slugs, _ = _search(app, q="hing")
    assert set(slugs) == {"hinge-basic", "loaded-hinge"}


def test_a_filtered_search_keeps_the_ranking_of_the_whole_search(app):
    intermediate, _ = _search(app, phase="intermediate")
    everywhere, _ = _search(app, q="squat")
    slugs, _ = _search(app, q="squat", phase="intermediate")
    assert slugs == [slug for slug in everywhere if slug in intermediate]
    assert slugs


def _write_twin(library: Path, slug: str, title: str, phase: str) -> None:
    """A published exercise that scores exactly like its twin for the word 'twin': titles
    of the same length, everything else the same."""
    text = (library / "exercises" / "balance-hold.md").read_text()
    text = text.replace("title: Balance hold", f"title: {title}")
    text = text.replace("phases: [beginner]", f"phases: [{phase}]")
    text = text.replace("  beginner:\n", f"  {phase}:\n")
    (library / "exercises" / f"{slug}.md").write_text(text)
    with (library / "published.txt").open("a") as record:
        record.write(f"{slug}\n")


def test_equal_scores_come_easiest_first(library_copy, tmp_path):
    _write_twin(library_copy, "twin-alpha", "Twin hold alpha", "advanced")
    _write_twin(library_copy, "twin-bravo", "Twin hold bravo", "beginner")
    index = build_index(library_copy, tmp_path / "index.sqlite3").path
    with closing(sqlite3.connect(index)) as connection:
        ids = dict(connection.execute("SELECT slug, id FROM exercise"))
        scores = dict(
            connection.execute(
                "SELECT rowid, bm25(exercise_fts) FROM exercise_fts WHERE exercise_fts MATCH 'twin'"
            )
        )
    assert scores[ids["twin-alpha"]] == scores[ids["twin-bravo"]]  # alpha first by slug
    app = create_app({"TESTING": True, "INDEX_PATH": index})

    slugs, _ = _search(app, q="twin")

    assert slugs == ["twin-bravo", "twin-alpha"]
