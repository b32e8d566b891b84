"""The library query: filters from a URL, full-text search, facet counts, one page of results.

One FTS5 query finds a page: the search words AND each chosen facet, whose values are
tokens of the full-text index (`t12` for the term with id 12), so the ranking only ever
ranks what passes the filters. Exercise ids are numbered easiest first when the index is
built, so the library's default order is the order of ids. Facet counts are intersections
of each term's exercises, kept per index (`taxonomy`). Search text is reduced to quoted
words before it becomes an FTS5 query, so no input is ever read as FTS syntax, and it
reaches SQL as a bound parameter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from .db import db, index_version
from .models import Exercise, ExerciseTerm, Term

FACETS = ("phase", "equipment", "muscle")
FACET_LABELS = {"phase": "Phase", "equipment": "Equipment", "muscle": "Target muscle"}
SORTS = {"level": "Easiest first", "title": "A to Z", "relevance": "Best match"}
PAGE_SIZE = 30
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
# The full-text columns and their bm25 weights: a hit in the title or a known name counts
# most; the terms are there to filter by, not to rank.
FTS_COLUMNS = ("title", "names", "summary", "cues", "mistakes", "body", "terms")
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0, 0.0)
_RANKED = "bm25(exercise_fts, {})".format(", ".join(map(str, FTS_WEIGHTS)))
PAGES = {
    # The page of matches; the second column only orders them.
    "relevance": f"SELECT rowid, {_RANKED} AS rank FROM exercise_fts WHERE exercise_fts MATCH :match ORDER BY rank, rowid",
    "level": "SELECT rowid, 0 FROM exercise_fts WHERE exercise_fts MATCH :match ORDER BY rowid",
    "title": "SELECT exercise.id, exercise.title FROM exercise WHERE exercise.id IN"
    " (SELECT rowid FROM exercise_fts WHERE exercise_fts MATCH :match) ORDER BY exercise.title, exercise.slug",
}
EVERY_PAGE = {
    "level": "SELECT id, 0 FROM exercise ORDER BY id",
    "title": "SELECT id, 0 FROM exercise ORDER BY title, slug",
}


def term_token(term_id: int) -> str:
    """The full-text token that stands for a taxonomy term (an exercise's `terms` column)."""
    return f"t{term_id}"


def search_words(q: str) -> list[str]:
    return re.findall(r"\w+", q.lower())[:MAX_QUERY_WORDS]


def fts_query(q: str) -> str | None:
    """Each word quoted, so FTS5 reads it as a plain term; the last one also as a prefix, so
    results keep up while someone is still typing."""
    words = search_words(q)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words) + "*"


@dataclass(frozen=True)
class Filters:
    """A library query with only known values, each once, in taxonomy order."""

    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    q: str = ""
    sort: str = "level"
    page: int = 1
    known: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_args(cls, args: MultiDict, known: dict[str, list[str]]) -> Filters:
        """Keep what makes sense in *args* and drop the rest: a pasted link with a stale or
        mistyped value still shows a useful page."""
        selected = {}
        for facet in FACETS:
            wanted = set(args.getlist(facet))
            if values := tuple(slug for slug in known.get(facet, []) if slug in wanted):
                selected[facet] = values
        q = " ".join(args.get("q", "", type=str).split())[:MAX_QUERY_LENGTH]
        default = "relevance" if search_words(q) else "level"
        sort = args.get("sort", "", type=str)
        if sort not in SORTS or (sort == "relevance" and default != "relevance"):
            sort = default
        page = args.get("page", 1, type=int)
        return cls(selected, q, sort, page if 1 <= page <= MAX_PAGE else 1, known)

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

    def toggled(self, facet: str, slug: str) -> dict:
        """The arguments with *slug* added to or removed from *facet*, the rest kept."""
        values = set(self.selected.get(facet, ())) ^ {slug}
        return self.to_args(**{facet: tuple(s for s in self.known.get(facet, []) if s in values)})


@dataclass
class FacetValue:
    term: Term
    count: int
    selected: bool


@dataclass
class Result:
    filters: Filters
    total: int
    ids: list[int]  # this page's exercises, in order
    cards: list[Markup]  # and their list cards, rendered when the index was built
    facets: dict[str, list[FacetValue]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first_number(self) -> int:
        return (self.filters.page - 1) * PAGE_SIZE + 1

    @property
    def has_next(self) -> bool:
        return self.filters.page < self.pages


def parse_filters(args: MultiDict, terms: dict[str, list[Term]]) -> Filters:
    return Filters.from_args(args, {kind: [t.slug for t in found] for kind, found in terms.items()})


@dataclass(frozen=True)
class Taxonomy:
    """The terms by kind in taxonomy order, and each term's exercises by term id."""

    terms: dict[str, list[Term]]
    members: dict[int, frozenset[int]]


_taxonomies: dict[str, Taxonomy] = {}


def taxonomy() -> Taxonomy:
    """The taxonomy of the index being served, read once per index and kept while it serves.

    The one thing the site keeps in memory besides QR codes. Facet counts as SQL GROUP BYs
    over each term's exercises cost up to 20 ms a list at 10,000 exercises; as intersections
    of the sets kept here, under 1 ms (bench/README.md has the numbers)."""
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
        _taxonomies.clear()  # only the index being served is worth memory
        _taxonomies[version] = Taxonomy(terms, {t: frozenset(ids) for t, ids in members.items()})
    return _taxonomies[version]


def known_terms() -> dict[str, list[Term]]:
    """Every taxonomy term by kind, in taxonomy order."""
    return taxonomy().terms


def _both(first: frozenset[int] | None, second: frozenset[int] | None) -> frozenset[int] | None:
    """The intersection of two sets, where None is every exercise."""
    return second if first is None else first if second is None else first & second


def search(filters: Filters, terms: dict[str, list[Term]]) -> Result:
    """One page of the exercises matching *filters*, their total, and for every facet value
    how many results choosing it would give with the other facets as they are."""
    ids = {(t.kind, t.slug): t.id for found in terms.values() for t in found}
    words = fts_query(filters.q)
    chosen = [
        "terms:(" + " OR ".join(term_token(ids[facet, slug]) for slug in slugs) + ")"
        for facet, slugs in filters.selected.items()
    ]
    match = " AND ".join(([f"({words})"] if words else []) + chosen)
    sort = filters.sort if words or filters.sort != "relevance" else "level"
    page = PAGES[sort] if match else EVERY_PAGE[sort]
    offset = (filters.page - 1) * PAGE_SIZE
    found = db.session.execute(text(f"{page} LIMIT {PAGE_SIZE} OFFSET {offset}"), {"match": match})
    page_ids = [row[0] for row in found]
    cards = dict(
        db.session.execute(
            select(Exercise.id, Exercise.card_html).where(Exercise.id.in_(page_ids))
        ).all()
    )
    # Counted from the sets of exercises: what the search words find, what each chosen
    # facet admits (its values OR-ed); a facet's counts take every set but its own.
    members = taxonomy().members
    matched = None
    if words:
        # Thousands of ids at 10,000 exercises: read straight from the driver, as tuples.
        driver = db.session.connection().connection.dbapi_connection
        sql = "SELECT rowid FROM exercise_fts WHERE exercise_fts MATCH ?"
        matched = frozenset(row[0] for row in driver.execute(sql, (words,)))
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
    every = sum(len(members.get(t.id, ())) for t in terms.get("family", []))  # one family each
    total = every if results is None else len(results)
    return Result(filters, total, page_ids, [Markup(cards[i]) for i in page_ids], facets)


def cards_with_term(term: Term) -> list[Markup]:
    """The list cards of every exercise with *term*, easiest first."""
    having = select(ExerciseTerm.exercise_id).where(ExerciseTerm.term_id == term.id)
    query = select(Exercise.card_html).where(Exercise.id.in_(having)).order_by(Exercise.id)
    return [Markup(html) for html in db.session.scalars(query)]
