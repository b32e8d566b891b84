"""Filters, full-text queries and disjunctive facet counts, against the fixture index."""

from __future__ import annotations

import re
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
from exercise_library.search import Filters

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
    # By first phase, then by the steps of its ladders below it in that phase (box-step and
    # hinge-basic both regress to balance-hold), then by title.
    slugs, counts = _search(app)
    assert slugs == [
        "balance-hold",
        "split-squat-basic",
        "box-step",
        "hinge-basic",
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


def _write_variant(library: Path, slug: str, title: str, phase: str, extra: str = "") -> None:
    """A published copy of balance-hold under another title and phase, off its ladders,
    with *extra* in its Safety section."""
    text = (library / "exercises" / "balance-hold.md").read_text()
    text = re.sub(r"progressions:\n(  .*\n)+", "", text)
    text = text.replace("title: Balance hold", f"title: {title}")
    text = text.replace("phases: [beginner]", f"phases: [{phase}]")
    text = text.replace("  beginner:\n", f"  {phase}:\n")
    text = text.replace("## Safety\n", f"## Safety\n\n{extra}\n")
    (library / "exercises" / f"{slug}.md").write_text(text)
    with (library / "published.txt").open("a") as record:
        record.write(f"{slug}\n")


def _app_for(library: Path, tmp_path: Path):
    index = build_index(library, tmp_path / "index.sqlite3").path
    return create_app({"TESTING": True, "INDEX_PATH": index, "CONTENT_DIR": library})


def test_equal_matches_come_easiest_first(library_copy, tmp_path):
    _write_variant(library_copy, "twin-alpha", "Twin hold alpha", "advanced")
    _write_variant(library_copy, "twin-bravo", "Twin hold bravo", "beginner")
    slugs, _ = _search(_app_for(library_copy, tmp_path), q="twin")
    assert slugs == ["twin-bravo", "twin-alpha"]


def test_a_title_match_ranks_above_a_match_in_the_text(library_copy, tmp_path):
    _write_variant(library_copy, "early-mention", "Early hold", "beginner", "Then try a lunge.")
    _write_variant(library_copy, "the-lunge", "Lunge hold", "advanced")
    slugs, _ = _search(_app_for(library_copy, tmp_path), q="lunge")
    # Between them, the squats of the family "Squat and lunge": a match in their tags.
    assert slugs == ["the-lunge", "split-squat-basic", "rear-foot-squat", "early-mention"]


def test_words_written_together_rank_above_scattered_words(library_copy, tmp_path):
    _write_variant(library_copy, "scattered", "Knee hold", "beginner", "Keep the drive low.")
    _write_variant(library_copy, "together", "Knee drive hold", "advanced")
    slugs, _ = _search(_app_for(library_copy, tmp_path), q="knee drive")
    assert slugs.index("together") < slugs.index("scattered")


def test_a_short_word_is_not_read_as_the_start_of_longer_ones(library_copy, tmp_path):
    _write_variant(library_copy, "above", "Above hold", "beginner", "Hold the knee above the toe.")
    _write_variant(library_copy, "abs-hold", "Abs hold", "beginner")
    slugs, _ = _search(_app_for(library_copy, tmp_path), q="abs")
    assert slugs == ["abs-hold"]


def test_a_misspelt_word_is_searched_as_the_word_it_clearly_means(app):
    with app.test_request_context("/"):
        terms = search.known_terms()
        result = search.search(search.parse_filters(MultiDict({"q": "hinje"}), terms), terms)
        assert result.spelling == search.Spelling(("hinje",), "hinge", applied=True)
        assert result.total == 2


def test_a_synonym_finds_what_the_library_calls_it(app):
    slugs, _ = _search(app, q="bum")
    assert set(slugs) == {
        "box-step",
        "hinge-basic",
        "loaded-hinge",
        "rear-foot-squat",
        "split-squat-basic",
    }  # every exercise that works the glute max


def test_found_words_are_marked_and_the_rest_escaped(library_copy, tmp_path):
    _write_variant(library_copy, "odd-title", "Odd <b>hold</b> & balance", "beginner")
    with _app_for(library_copy, tmp_path).test_request_context("/"):
        terms = search.known_terms()
        result = search.search(search.parse_filters(MultiDict({"q": "odd"}), terms), terms)
        (card,) = result.cards
    assert str(card.title) == "<mark>Odd</mark> &lt;b&gt;hold&lt;/b&gt; &amp; balance"


def test_a_match_outside_the_title_is_quoted_from_where_it_was_found(app):
    with app.test_request_context("/"):
        terms = search.known_terms()
        result = search.search(search.parse_filters(MultiDict({"q": "looking down"}), terms), terms)
        card = result.cards[0]
    assert card.found_in == "Common mistake"
    assert "<mark>Looking</mark> <mark>down</mark>" in str(card.found)
