"""The library query: filters from a URL, full-text search, facet counts, one page of results.

A query is worked out on sets of exercise ids. The search words give one set (an FTS5
query), each chosen facet another (its terms' exercises, kept per index in `taxonomy`);
the results are their intersection and the facet counts the intersections with each term.
A page is the results sorted in Python: by id for "easiest first" (ids are numbered easiest
first when the index is built), by the title order kept per index for "A to Z", or by the
relevance key of `_relevance`.

Search text is read as a `Query` (query.py) and reaches SQL as a bound parameter. The last
word is also tried as the start of a word only when, as typed, the words find nothing
(someone still typing); a word found nowhere is corrected to the nearest word of the
library when that is clear, and otherwise offered as "Did you mean". A page's cards are
cards.py's."""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from .cards import Card, cards
from .db import db, index_version
from .models import Exercise, Name, Synonym, Term, Word
from .query import Phrase, Query, nearest_word, search_words, words

FACETS = ("phase", "equipment", "muscle")
FACET_LABELS = {"phase": "Phase", "equipment": "Equipment", "muscle": "Target muscle"}
SORTS = {"level": "Easiest first", "title": "A to Z", "relevance": "Best match"}
PAGE_SIZE = 30
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
# Where all the searched words are found, best first (the relevance key); then anywhere.
RANKED_PLACES = ("title", "names", "summary", "labels", "why", "cues mistakes")
_MATCH = "SELECT rowid FROM exercise_fts WHERE exercise_fts MATCH ?"
# Words every exercise here implies: "single-leg" in a title does not make it less exactly
# what was searched for.
IMPLIED = {"single", "leg", "one", "legged"}


@dataclass(frozen=True)
class Filters:
    """A library query with only known values, each once, in taxonomy order."""

    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    q: str = ""
    sort: str = "level"
    page: int = 1
    known: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    # Values of a link that name nothing here (facet, value): left out, and said so.
    unknown: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: MultiDict, known: dict[str, list[str]]) -> Filters:
        """Keep what makes sense in *args* and drop the rest: a pasted link with a stale or
        mistyped value still shows a useful page."""
        selected, unknown = {}, []
        for facet in FACETS:
            wanted = set(args.getlist(facet))
            if values := tuple(slug for slug in known.get(facet, []) if slug in wanted):
                selected[facet] = values
            unknown += sorted((facet, value[:40]) for value in wanted - set(values) if value)
        q = " ".join(args.get("q", "", type=str).split())[:MAX_QUERY_LENGTH]
        default = "relevance" if search_words(q) else "level"
        sort = args.get("sort", "", type=str)
        if sort not in SORTS or (sort == "relevance" and default != "relevance"):
            sort = default
        page = args.get("page", 1, type=int)
        page = page if 1 <= page <= MAX_PAGE else 1
        return cls(selected, q, sort, page, known, tuple(unknown))

    @property
    def default_sort(self) -> str:
        return "relevance" if search_words(self.q) else "level"

    @property
    def is_empty(self) -> bool:
        return not self.selected and not self.q

    def is_active(self, facet: str, slug: str) -> bool:
        return slug in self.selected.get(facet, ())

    def to_args(self, page: int | None = None, **selected: tuple[str, ...]) -> dict:
        """The canonical query-string arguments (for url_for), with *selected* facets and
        *page* in place of this query's. A different filter starts again at page one."""
        chosen = {**self.selected, **selected}
        args: dict = {facet: list(chosen[facet]) for facet in FACETS if chosen.get(facet)}
        if self.q:
            args["q"] = self.q
        if self.sort != self.default_sort:
            args["sort"] = self.sort
        page = (1 if selected else self.page) if page is None else page
        if page > 1:
            args["page"] = str(page)
        return args

    def searching(self, q: str, keep_filters: bool = True) -> dict:
        """The arguments of a search for *q* instead, from page one, with or without the
        filters."""
        kept = self.selected if keep_filters else {}
        sort = "relevance" if search_words(q) else "level"
        return dataclasses.replace(self, selected=kept, q=q, sort=sort, page=1).to_args()

    def toggled(self, facet: str, slug: str) -> dict:
        """The arguments with *slug* added to or removed from *facet*, the rest kept."""
        values = set(self.selected.get(facet, ())) ^ {slug}
        return self.to_args(**{facet: tuple(s for s in self.known.get(facet, []) if s in values)})


@dataclass
class FacetValue:
    term: Term
    count: int
    selected: bool


@dataclass(frozen=True)
class Spelling:
    """What became of words found nowhere in the library: the search text with each one
    corrected, and whether that was clear enough to search for instead."""

    missing: tuple[str, ...]  # as typed
    suggestion: str | None = None
    applied: bool = False


@dataclass
class Result:
    filters: Filters
    total: int
    ids: list[int]  # this page's exercises, in order
    facets: dict[str, list[FacetValue]]
    query: Query | None = None  # the words searched for, corrected if they were
    spelling: Spelling | None = None  # when the words as typed found nothing
    everywhere: int = 0  # with filters set and nothing found: what the words find alone

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first_number(self) -> int:
        return (self.filters.page - 1) * PAGE_SIZE + 1

    @property
    def has_next(self) -> bool:
        return self.filters.page < self.pages

    @property
    def chosen(self) -> list[tuple[str, Term]]:
        """Each selected facet value, as (facet, term), in the order the facets show them."""
        return [(f, v.term) for f, values in self.facets.items() for v in values if v.selected]

    @functools.cached_property
    def cards(self) -> list[Card]:
        """This page's cards (read only by the pages that show them)."""
        return cards(self.ids, self.query)


def parse_filters(args: MultiDict, terms: dict[str, list[Term]]) -> Filters:
    return Filters.from_args(args, {kind: [t.slug for t in found] for kind, found in terms.items()})


@dataclass(frozen=True)
class Taxonomy:
    """What every query of one index needs: the terms by kind in taxonomy order, each term's
    exercises by term id, the exercise ids in title order with each title's length in words,
    and the synonyms search knows."""

    terms: dict[str, list[Term]]
    members: dict[int, frozenset[int]]
    by_title: list[int]
    title_words: dict[int, int]
    synonyms: dict[Phrase, tuple[Phrase, ...]]

    @functools.cached_property
    def vocabulary(self) -> dict[str, int]:
        """Every word of the library and how many exercises use it, read the first time a
        search finds nothing."""
        return dict(db.session.execute(select(Word.word, Word.exercises)).all())


_taxonomies: dict[str, Taxonomy] = {}


def taxonomy() -> Taxonomy:
    """The taxonomy of the index being served, read once per index and kept while it serves.

    The one thing the site keeps in memory besides QR codes: a few sets and lists of ids, so
    that a page of any query is set arithmetic and one sort (bench/README.md has the numbers)."""
    version = index_version() or ""
    if version not in _taxonomies:
        terms: dict[str, list[Term]] = {}
        for term in db.session.scalars(select(Term).order_by(Term.kind, Term.position)):
            db.session.expunge(term)  # kept beyond this request's session
            terms.setdefault(term.kind, []).append(term)
        members: dict[int, set[int]] = {}
        for term_id, exercise_id in db.session.execute(
            text("SELECT term_id, exercise_id FROM exercise_term")
        ):
            members.setdefault(term_id, set()).add(exercise_id)
        titles = db.session.execute(
            select(Exercise.id, Exercise.title).order_by(Exercise.title, Exercise.slug)
        ).all()
        synonyms = {
            tuple(said.split()): tuple(tuple(phrase.split()) for phrase in finds)
            for said, finds in db.session.execute(select(Synonym.words, Synonym.finds))
        }
        _taxonomies.clear()  # only the index being served is worth memory
        _taxonomies[version] = Taxonomy(
            terms,
            {t: frozenset(ids) for t, ids in members.items()},
            [exercise_id for exercise_id, _ in titles],
            {exercise_id: len(set(words(title)) - IMPLIED) for exercise_id, title in titles},
            synonyms,
        )
    return _taxonomies[version]


def known_terms() -> dict[str, list[Term]]:
    """Every taxonomy term by kind, in taxonomy order."""
    return taxonomy().terms


def _both(first: frozenset[int] | None, second: frozenset[int] | None) -> frozenset[int] | None:
    """The intersection of two sets, where None is every exercise."""
    return second if first is None else first if second is None else first & second


def _matching(expression: str) -> frozenset[int]:
    """Every exercise an FTS5 query matches, whatever the filters."""
    # Thousands of ids at 10,000 exercises: read straight from the driver, as tuples.
    driver = db.session.connection().connection.dbapi_connection
    return frozenset(itertools.chain.from_iterable(driver.execute(_MATCH, (expression,))))


def _found_anywhere(query: Query) -> bool:
    driver = db.session.connection().connection.dbapi_connection
    return driver.execute(f"{_MATCH} LIMIT 1", (query.expression(),)).fetchone() is not None


def _spelling(query: Query, known: Taxonomy) -> Spelling:
    """The words of *query* found nowhere, and the search text with each corrected."""
    missing = []
    for word in dict.fromkeys(query.typed):
        alone = Query.parse(word, known.synonyms)
        if alone is not None and not _found_anywhere(alone):
            missing.append(word)
    if not missing:
        return Spelling(())
    corrected, clear = list(query.typed), True
    for n, word in enumerate(query.typed):
        if word in missing:
            near, stands_out = nearest_word(word, known.vocabulary)
            if near is None:
                return Spelling(tuple(missing))
            corrected[n], clear = near, clear and stands_out
    return Spelling(tuple(missing), " ".join(corrected), applied=clear)


def _words_found(
    q: str, known: Taxonomy
) -> tuple[Query | None, frozenset[int] | None, Spelling | None]:
    """The query the words are searched as, what it matches, and what became of the words
    if as typed they found nothing."""
    query = Query.parse(q, known.synonyms)
    if query is None:
        return None, None, None
    matched = _matching(query.expression())
    if not matched and query.can_be_prefix:
        query = query.as_prefix()
        matched = _matching(query.expression())
    if matched:
        return query, matched, None
    spelling = _spelling(query, known)
    corrected = Query.parse(spelling.suggestion or "", known.synonyms)
    if spelling.applied and corrected and (found := _matching(corrected.expression())):
        return corrected, found, spelling
    return query, matched, Spelling(spelling.missing, spelling.suggestion, applied=False)


def corrected(q: str) -> str:
    """*q* with each word found nowhere in the library replaced by its nearest word, where
    there is one (what a "not found" page offers to search for)."""
    known = taxonomy()
    query = Query.parse(q, known.synonyms)
    if query is None or _found_anywhere(query):
        return q
    return _spelling(query, known).suggestion or q


def nearest_exercise(slug: str) -> tuple[str, str] | None:
    """The exercise whose slug is clearly nearest to *slug* (a link with a typo in it): its
    slug and title."""
    titles = dict(db.session.execute(select(Exercise.slug, Exercise.title)).all())
    found = process.extractOne(slug, list(titles), scorer=fuzz.ratio, score_cutoff=85)
    return (found[0], titles[found[0]]) if found else None


def search(filters: Filters, terms: dict[str, list[Term]]) -> Result:
    """One page of the exercises matching *filters*, their total, and for every facet value
    how many results choosing it would give with the other facets as they are."""
    known = taxonomy()
    ids = {(t.kind, t.slug): t.id for found in terms.values() for t in found}
    query, matched, spelling = _words_found(filters.q, known)
    # What each chosen facet admits (its values OR-ed); a facet's counts take every set but
    # its own, so they say what choosing a value would give.
    members = known.members
    admitted = {}
    for facet, slugs in filters.selected.items():
        sets = [members.get(ids[facet, slug], frozenset()) for slug in slugs]
        admitted[facet] = sets[0] if len(sets) == 1 else frozenset().union(*sets)
    results = matched
    for exercises in admitted.values():
        results = _both(results, exercises)
    facets = {}
    for facet in FACETS:
        base = matched
        for other, exercises in admitted.items():
            base = base if other == facet else _both(base, exercises)
        facets[facet] = []
        for term in terms.get(facet, []):
            own = members.get(term.id, frozenset())
            count = len(own) if base is None else len(own & base)
            facets[facet].append(FacetValue(term, count, filters.is_active(facet, term.slug)))
    total = len(known.by_title) if results is None else len(results)
    offset = (filters.page - 1) * PAGE_SIZE
    ordered = _ordered(results, filters.sort, query, known)
    page_ids = list(itertools.islice(ordered, offset, offset + PAGE_SIZE))
    everywhere = len(matched) if matched and not total else 0
    return Result(filters, total, page_ids, facets, query, spelling, everywhere)


def _ordered(
    results: frozenset[int] | None, sort: str, query: Query | None, known: Taxonomy
) -> Iterable[int]:
    """*results* (None: every exercise) in the order *sort* names."""
    if sort == "title":
        return known.by_title if results is None else (i for i in known.by_title if i in results)
    if results is None:
        return range(1, len(known.by_title) + 1)  # ids run from 1, easiest first
    if sort == "relevance" and query is not None:
        return sorted(results, key=_relevance(query, known))
    return sorted(results)


def _relevance(query: Query, known: Taxonomy) -> Callable[[int], tuple]:
    """The best match first: an exercise named exactly what was typed (its title or another
    name); then by the first place that holds all the words (the title, another name, the
    summary or tags, why it matters, a cue or mistake, then anywhere); in one place, the
    words written together before the words scattered, and short titles before long ones
    (the fewer other words, the closer a title names what was searched). Equals stay
    easiest first."""
    named = frozenset(
        db.session.scalars(select(Name.exercise_id).where(Name.words == " ".join(query.typed)))
    )
    places = [_matching(query.expression(place)) for place in RANKED_PLACES]
    together = _matching(phrase) if (phrase := query.phrase()) else frozenset()
    in_title = places[0]

    def key(exercise_id: int) -> tuple:
        place = next((n for n, found in enumerate(places) if exercise_id in found), len(places))
        return (
            exercise_id not in named,
            place,
            exercise_id not in together,
            known.title_words[exercise_id] if exercise_id in in_title else 0,
            exercise_id,
        )

    return key


def term_page(term: Term, page: int) -> tuple[int, list[Card]]:
    """How many exercises have *term*, and the cards of page *page* of them, easiest first."""
    having = sorted(taxonomy().members.get(term.id, ()))
    offset = (page - 1) * PAGE_SIZE
    return len(having), cards(having[offset : offset + PAGE_SIZE])
