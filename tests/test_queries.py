"""Filters, full-text queries and disjunctive facet counts, against the fixture index."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from exercise_library import create_app, queries, views
from exercise_library.indexer import build_index
from exercise_library.queries import Filters, fts_query

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
    again = Filters.from_args(MultiDict(queries.query_pairs(toggled)), KNOWN)
    assert queries.query_pairs(again.to_args()) == queries.query_pairs(toggled)


@given(
    st.lists(st.sampled_from(KNOWN["phase"]), max_size=3),
    st.lists(st.sampled_from(KNOWN["equipment"]), max_size=2),
    st.text(max_size=30),
    st.sampled_from(["", "title"]),
    st.sampled_from(sorted(KNOWN)),
    st.data(),
)
def test_toggled_addresses_are_those_of_each_toggled_query(phases, equipment, q, sort, facet, data):
    """The body map's links, built from one address with a hole, are the addresses
    library_url gives, whatever the query text holds (a NUL, 'phase=', an ampersand)."""
    pairs = [("phase", v) for v in phases] + [("equipment", v) for v in equipment]
    filters = Filters.from_args(MultiDict([*pairs, ("q", q), ("sort", sort)]), KNOWN)
    around = views.Toggled.of(filters, facet, "/exercises")
    value = data.draw(st.sampled_from(KNOWN[facet]))
    assert around.address(facet, filters.toggled_values(facet, value)) == views.library_url(
        filters.toggled(facet, value), "/exercises"
    )


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
        filters, terms = queries.parse_filters(
            MultiDict(
                [(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])]
            )
        )
        result = queries.search(filters, terms)
        slugs = [e.slug for e in result.exercises]
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


@given(
    st.permutations(list(range(1, 120))),
    st.sets(st.integers(1, 119)),
    st.integers(0, 130),
    st.integers(1, 40),
)
def test_a_page_of_results_is_the_slice_of_the_sort_order(order, chosen, offset, size):
    # Both ways of cutting a page (walking the order for many results, sorting the few)
    # give what filtering the whole order would.
    places = [0] * 120
    for position, exercise_id in enumerate(order):
        places[exercise_id] = position
    index = queries.FacetIndex("v", {}, {}, {}, 0, {"level": order}, {"level": places})
    bits = sum(1 << exercise_id for exercise_id in chosen)
    expected = [i for i in order if i in chosen][offset : offset + size]
    assert index.page(bits, "level", offset, size) == expected


def test_a_filtered_search_keeps_the_ranking_of_the_whole_search(app):
    intermediate, _ = _search(app, phase="intermediate")
    everywhere, _ = _search(app, q="squat")
    slugs, _ = _search(app, q="squat", phase="intermediate")
    assert slugs == [slug for slug in everywhere if slug in intermediate]
    assert slugs


def test_the_same_words_with_other_filters_reuse_the_search(app):
    _search(app, q="squat")
    _search(app, q="squat", phase="intermediate")
    _search(app, q="Squat ", equipment="none")
    assert len(app.extensions["search_cache"]) == 1
    _search(app, q="hinge")
    assert len(app.extensions["search_cache"]) == 2


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


def test_equal_scores_come_easiest_first_whatever_their_ids(library_copy, tmp_path):
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
    # A full build numbers exercises in slug order: the harder twin has the lower id.
    assert ids["twin-alpha"] < ids["twin-bravo"]
    assert scores[ids["twin-alpha"]] == scores[ids["twin-bravo"]]
    app = create_app({"TESTING": True, "INDEX_PATH": index, "AUTO_BUILD_INDEX": False})

    slugs, _ = _search(app, q="twin")

    assert slugs == ["twin-bravo", "twin-alpha"]
