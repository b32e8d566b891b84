"""Search text as an FTS5 query, and the library's word nearest to one found nowhere: pure
functions, no index needed."""

from __future__ import annotations

from exercise_library.query import Query, nearest_word


def test_every_word_is_quoted_so_nothing_is_read_as_fts_syntax():
    query = Query.parse('hip" OR title:x NEAR(', {})
    assert query.expression() == '"hip" AND "or" AND "title" AND "x" AND "near"'
    assert Query.parse('"" ) ( *', {}) is None


def test_a_word_finds_its_irregular_plural():
    assert Query.parse("calf", {}).expression() == '("calf" OR "calves")'
    assert Query.parse("feet", {}).expression() == '("feet" OR "foot")'


def test_the_longest_synonym_is_read_first():
    synonyms = {("sl",): (("single", "leg"),), ("sl", "rdl"): (("single", "leg", "rdl"),)}
    query = Query.parse("SL RDL hold", synonyms)
    assert query.expression() == '("sl rdl" OR "single leg rdl") AND "hold"'


def test_only_a_plain_last_word_of_three_letters_can_be_a_prefix():
    assert Query.parse("hin", {}).as_prefix().expression() == '"hin"*'
    assert not Query.parse("hi", {}).can_be_prefix
    assert not Query.parse("bum", {("bum",): (("glute", "max"),)}).can_be_prefix


def test_a_clear_correction_is_the_only_word_that_near():
    vocabulary = {"bulgarian": 12, "squat": 40, "split": 20}
    assert nearest_word("bulgarain", vocabulary) == ("bulgarian", True)
    assert nearest_word("sqaut", vocabulary) == ("squat", True)
    assert nearest_word("xylophone", vocabulary) == (None, False)


def test_two_words_equally_near_and_equally_used_are_not_clear():
    assert nearest_word("hop", {"hip": 10, "hops": 9}) == ("hip", False)
    assert nearest_word("hop", {"hip": 30, "hops": 9}) == ("hip", True)
