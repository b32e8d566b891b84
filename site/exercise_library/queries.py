"""Reading the index: the library filter (facets, full text, sort) and single-page lookups.

Every value from a request reaches SQL as a bound parameter; search text is reduced to
quoted words before it becomes an FTS5 query, so no input can be read as FTS syntax.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from . import current
from .db import db, driver_connection
from .fts import FTS_WEIGHTS
from .models import Alias, Exercise, Meta, Term

FACETS = ("phase", "equipment", "muscle")
FACET_LABELS = {"phase": "Phase", "equipment": "Equipment", "muscle": "Target muscle"}
SORTS = {"level": "Easiest first", "title": "A to Z", "relevance": "Best match"}
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 30
MAX_PAGE = 10_000
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class Filters:
    """A normalized library query: only known values, each once, in a stable order."""

    selected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    q: str = ""
    sort: str = "level"
    page: int = 1
    # Each facet's known values in taxonomy order, so toggled links come out canonical.
    known: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_args(cls, args: MultiDict, known: dict[str, list[str]]) -> Filters:
        """Keep what makes sense in *args* and drop the rest silently: a pasted link with a
        stale or mistyped value still shows a useful page."""
        selected = {}
        for facet in FACETS:
            wanted = set(args.getlist(facet))
            values = tuple(slug for slug in known.get(facet, []) if slug in wanted)
            if values:
                selected[facet] = values
        q = " ".join(args.get("q", "", type=str).split())[:MAX_QUERY_LENGTH]
        sort = args.get("sort", "", type=str)
        if sort not in SORTS or (sort == "relevance" and not search_words(q)):
            sort = "relevance" if search_words(q) else "level"
        page = args.get("page", 1, type=int)
        page = page if 1 <= page <= MAX_PAGE else 1
        return cls(selected, q, sort, page, known)

    def default_sort(self) -> str:
        return self._default_sort

    @functools.cached_property
    def _default_sort(self) -> str:
        # Asked for by every link a list page makes; the answer never changes.
        return "relevance" if search_words(self.q) else "level"

    def to_args(self) -> dict[str, list[str] | str]:
        """The canonical query-string arguments for this query (for url_for)."""
        return self._args(self.selected, self.page)

    def on_page(self, page: int) -> dict[str, list[str] | str]:
        return self._args(self.selected, page)

    def toggled(self, facet: str, slug: str) -> dict[str, list[str] | str]:
        """The arguments with *slug* added to or removed from *facet*, the rest kept."""
        return self.with_values(facet, self.toggled_values(facet, slug))

    def toggled_values(self, facet: str, slug: str) -> tuple[str, ...]:
        """*facet*'s values with *slug* added or removed, in canonical order."""
        values = self.selected.get(facet, ())
        values = (*values, slug) if slug not in values else tuple(v for v in values if v != slug)
        order = self.known.get(facet, [])
        return tuple(sorted(values, key=lambda v: order.index(v) if v in order else len(order)))

    def with_values(self, facet: str, values: tuple[str, ...]) -> dict[str, list[str] | str]:
        """The arguments with *values* as *facet*'s, the rest kept."""
        # A different filter starts again from the first page.
        return self._args({**self.selected, facet: values}, 1)

    def _args(self, selected: dict[str, tuple[str, ...]], page: int) -> dict[str, list[str] | str]:
        """The canonical arguments of this query with *selected* and *page* instead: facets
        in FACETS order, then the rest, so a link made from them is never redirected."""
        args: dict[str, list[str] | str] = {f: list(selected[f]) for f in FACETS if selected.get(f)}
        if self.q:
            args["q"] = self.q
        if self.sort != self._default_sort:
            args["sort"] = self.sort
        if page > 1:
            args["page"] = str(page)
        return args

    def is_active(self, facet: str, slug: str) -> bool:
        return slug in self.selected.get(facet, ())

    @property
    def is_empty(self) -> bool:
        return not self.selected and not self.q


@dataclass
class FacetValue:
    term: TermInfo
    count: int
    selected: bool


@dataclass
class SearchResult:
    filters: Filters
    ids: list[int]  # this page's exercises, in order
    facets: dict[str, list[FacetValue]]
    total: int

    @functools.cached_property
    def exercises(self) -> list[Card]:
        """This page's cards, read when asked for: the list page only needs the ids, as it
        renders each card once and keeps it (views.exercise_cards)."""
        return cards(self.ids)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def first_number(self) -> int:
        """The list number of the first result on this page."""
        return (self.filters.page - 1) * PAGE_SIZE + 1

    @property
    def has_next(self) -> bool:
        return self.filters.page < self.pages


def search_words(q: str) -> list[str]:
    return re.findall(r"\w+", q.lower())[:MAX_QUERY_WORDS]


def fts_query(q: str) -> str | None:
    """Quote each word so FTS5 reads it as a plain term; the last one matches as a prefix,
    so results keep up while someone is still typing."""
    words = search_words(q)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


@dataclass(frozen=True)
class TermInfo:
    """A taxonomy term as the pages show it, read once per index version and shared."""

    id: int
    kind: str
    slug: str
    label: str
    description: str
    weeks: str | None


@dataclass
class Card:
    """What a list shows of one exercise, read as plain rows: a list page must not pay for
    ORM objects it only prints."""

    id: int
    slug: str
    title: str
    summary: str
    family: TermInfo
    updated: str | None
    links: list[tuple[TermInfo, str | None]]  # (term, muscle role) in taxonomy order

    def terms(self, kind: str, role: str | None = None) -> list[TermInfo]:
        """This exercise's terms of one kind (and, for muscles, one role), like Exercise.terms."""
        return [
            term
            for term, link_role in self.links
            if term.kind == kind and role in (None, link_role)
        ]


# Every exercise id, in each sort order the list offers. Slugs break ties: ids depend on how
# the index was built (a full or an incremental build), the order must not.
_EASIEST_FIRST = "exercise.level, exercise.title, exercise.slug"
_SORT_ORDERS = {
    "level": f"SELECT id FROM exercise ORDER BY {_EASIEST_FIRST}",
    "title": "SELECT id FROM exercise ORDER BY title, slug",
}


@dataclass
class FacetIndex:
    """What every library query needs, read once per index version and worker: the taxonomy,
    and the membership of each term as a bitset (bit *n* stands for exercise id *n*).

    Facet counting is then AND and popcount on integers, microseconds at ten thousand
    exercises where the equivalent SQL takes tens of milliseconds.
    """

    version: str
    terms_by_kind: dict[str, list[TermInfo]]  # in taxonomy order
    term_by_id: dict[int, TermInfo]
    members: dict[tuple[str, str], int]  # (kind, slug) -> bitset of exercise ids
    every: int
    orders: dict[str, array]  # sort -> exercise ids in that order
    places: dict[str, array]  # sort -> each exercise id's place in that order
    slugs_by_kind: dict[str, list[str]] = field(init=False)  # in taxonomy order

    def __post_init__(self) -> None:
        self.slugs_by_kind = {
            kind: [term.slug for term in terms] for kind, terms in self.terms_by_kind.items()
        }

    @classmethod
    def load(cls, version: str) -> FacetIndex:
        # Rows straight from the driver, a cursor at a time: at ten thousand exercises the
        # links are about 80,000 rows, and ORM rows held all at once would cost ten times
        # the memory the result needs.
        connection = driver_connection()
        terms_by_kind: dict[str, list[TermInfo]] = {}
        term_by_id: dict[int, TermInfo] = {}
        rows = connection.execute(
            "SELECT id, kind, slug, label, description, weeks FROM term ORDER BY kind, position"
        )
        for row in rows:
            term = TermInfo(*row)
            terms_by_kind.setdefault(term.kind, []).append(term)
            term_by_id[term.id] = term
        ids_by_term: dict[int, list[int]] = {}
        for term_id, exercise_id in connection.execute(
            "SELECT term_id, exercise_id FROM exercise_term"
        ):
            ids_by_term.setdefault(term_id, []).append(exercise_id)
        members = {
            (term_by_id[term_id].kind, term_by_id[term_id].slug): _bits(ids)
            for term_id, ids in ids_by_term.items()
        }
        orders = {
            sort: array("i", (row[0] for row in connection.execute(statement)))
            for sort, statement in _SORT_ORDERS.items()
        }
        places = {}
        for sort, order in orders.items():
            places[sort] = place = array("i", [0]) * (max(order, default=0) + 1)
            for position, exercise_id in enumerate(order):
                place[exercise_id] = position
        level = orders["level"]
        return cls(version, terms_by_kind, term_by_id, members, _bits(level), orders, places)

    def page(self, bits: int, sort: str, offset: int, size: int) -> list[int]:
        """Ids *offset* to *offset* + *size* of the exercises in *bits*, in *sort* order."""
        order = self.orders.get(sort, self.orders["level"])
        if bits.bit_count() * 8 >= len(order):
            # Many results: the page comes early in the order, so walk it until full.
            found = []
            for exercise_id in order:
                if bits >> exercise_id & 1:
                    found.append(exercise_id)
                    if len(found) == offset + size:
                        break
            return found[offset:]
        # Few results: walking the whole order would cost more than sorting just them.
        place = self.places[sort if sort in self.orders else "level"]
        return sorted(_ids(bits), key=place.__getitem__)[offset : offset + size]

    def facet(self, facet: str, slugs: tuple[str, ...]) -> int:
        """Exercises with any of *slugs* in *facet* (OR within a facet)."""
        bits = 0
        for slug in slugs:
            bits |= self.members.get((facet, slug), 0)
        return bits


_facet_indexes: dict[str, FacetIndex] = {}
_facet_lock = threading.Lock()


def facet_index() -> FacetIndex:
    """The taxonomy and bitsets of the index this request reads, loaded on first use."""
    from .cache import served_version

    version = served_version() or ""
    index = _facet_indexes.get(version)
    if index is None:
        index = FacetIndex.load(version)
        with _facet_lock:
            _facet_indexes.clear()  # only the version being served is worth memory
            _facet_indexes[version] = index
    return index


def known_terms() -> dict[str, list[TermInfo]]:
    """Every taxonomy term by kind, in taxonomy order."""
    return facet_index().terms_by_kind


def parse_filters(args: MultiDict) -> tuple[Filters, dict[str, list[TermInfo]]]:
    index = facet_index()
    return Filters.from_args(args, index.slugs_by_kind), index.terms_by_kind


def cards(ids: list[int]) -> list[Card]:
    """The cards of exercises *ids*, in that order."""
    term_by_id = facet_index().term_by_id
    connection = driver_connection()
    links: dict[int, list[tuple[TermInfo, str | None]]] = {exercise_id: [] for exercise_id in ids}
    by_id = {}
    # A term page lists every exercise with the term; SQLite caps bound values per query.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = connection.execute(
            "SELECT exercise_id, term_id, role FROM exercise_term"
            f" WHERE exercise_id IN ({marks}) ORDER BY exercise_id, position",
            chunk,
        )
        for exercise_id, term_id, role in rows:
            links[exercise_id].append((term_by_id[term_id], role))
        rows = connection.execute(
            "SELECT id, slug, title, summary, family_id, updated FROM exercise"
            f" WHERE id IN ({marks})",
            chunk,
        )
        for exercise_id, slug, title, summary, family_id, updated in rows:
            by_id[exercise_id] = Card(
                exercise_id, slug, title, summary, term_by_id[family_id], updated,
                links[exercise_id],
            )  # fmt: skip
    return [by_id[exercise_id] for exercise_id in ids if exercise_id in by_id]


@dataclass(frozen=True)
class Matches:
    """Every exercise matching one search: best first (bm25 with the column weights), and
    the same as a bitset for the facet counts."""

    ranked: array  # of exercise ids; an array, not a list, to keep the search cache small
    bits: int


# Best match first. Equal scores are common (exercises written from one template score
# alike); left to ids, their order would depend on how the index was built, and two nodes
# serving one index version could show them differently under the same ETag. They come
# easiest first, as the level sort has them.
_RANKING = (
    "SELECT exercise_fts.rowid FROM exercise_fts"
    " JOIN exercise ON exercise.id = exercise_fts.rowid WHERE exercise_fts MATCH ?"
    f" ORDER BY bm25(exercise_fts, {', '.join(str(w) for w in FTS_WEIGHTS)}), {_EASIEST_FIRST}"
)


def _matches(version: str, q: str) -> Matches | None:
    """The matches of search text *q*, or None when *q* has no words. People search the same
    few words with many filter combinations, so the matches of recent searches are kept
    (see cache.init_app); the filters are applied per request, to the kept ranking."""
    match = fts_query(q)
    if match is None:
        return None
    searches = current.app().extensions["search_cache"]
    found = searches.get(version, match)
    if found is None:
        ids = [row[0] for row in driver_connection().execute(_RANKING, (match,))]
        # Two bytes an id while they fit: twice the searches in the same cache.
        ranked = array("H" if max(ids, default=0) < 1 << 16 else "i", ids)
        found = Matches(ranked, _bits(ranked))
        searches.put(version, match, found)
    return found


def _bits(ids: Sequence[int]) -> int:
    """The bitset of *ids*. Set in a byte array: OR-ing thousands of bits into a growing
    int copies it each time."""
    if not ids:
        return 0
    bitmap = bytearray((max(ids) >> 3) + 1)
    for exercise_id in ids:
        bitmap[exercise_id >> 3] |= 1 << (exercise_id & 7)
    return int.from_bytes(bitmap, "little")


def _ids(bits: int) -> list[int]:
    """The ids in a bitset, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    return [
        byte_number * 8 + bit
        for byte_number, byte in enumerate(data)
        if byte
        for bit in range(8)
        if byte >> bit & 1
    ]


def search(filters: Filters, terms: dict[str, list[TermInfo]]) -> SearchResult:
    """Run a library query: one page of matching exercises, their total, and for every facet
    value how many results choosing it would give with the other facets as they are
    (disjunctive counts)."""
    index = facet_index()
    matches = _matches(index.version, filters.q)
    searched = matches.bits if matches else index.every
    chosen = {facet: index.facet(facet, values) for facet, values in filters.selected.items()}
    result = searched
    for bits in chosen.values():
        result &= bits

    offset = (filters.page - 1) * PAGE_SIZE
    if matches and filters.sort == "relevance":
        # The bitset as bytes, to test one id in constant time (shifting the int copies it).
        wanted = result.to_bytes((index.every.bit_length() + 7) // 8, "little")
        found = (i for i in matches.ranked if wanted[i >> 3] >> (i & 7) & 1)
        page_ids = list(itertools.islice(found, offset, offset + PAGE_SIZE))
    else:
        page_ids = index.page(result, filters.sort, offset, PAGE_SIZE)

    facets = {}
    for facet in FACETS:
        base = searched
        for name, bits in chosen.items():
            if name != facet:
                base &= bits
        facets[facet] = [
            FacetValue(
                term,
                (index.members.get((facet, term.slug), 0) & base).bit_count(),
                filters.is_active(facet, term.slug),
            )
            for term in terms.get(facet, [])
        ]
    return SearchResult(filters, page_ids, facets, result.bit_count())


# Built once: an exercise page is the one page whose every address (a coach's note in it)
# can be new, and building the statement and its cache key is a tenth of its cost.
_EXERCISE_PAGE = (
    select(Exercise)
    .where(Exercise.slug == bindparam("slug"))
    .options(
        selectinload(Exercise.links),
        selectinload(Exercise.names),
        selectinload(Exercise.dosages),
        selectinload(Exercise.sections),
        selectinload(Exercise.steps),
        selectinload(Exercise.cues),
        selectinload(Exercise.mistakes),
        selectinload(Exercise.ladder),
    )
)


def exercise_by_slug(slug: str) -> Exercise | None:
    """The exercise at *slug* with everything its page shows."""
    return db.session.scalars(_EXERCISE_PAGE, {"slug": slug}).first()


def exercises_for(slugs: set[str]) -> tuple[dict[str, Exercise], dict[str, str]]:
    """The exercises for a set of slugs, current or former; and which former slugs were renamed."""
    renamed = dict(
        db.session.execute(
            select(Alias.slug, Exercise.slug)
            .join(Exercise, Exercise.id == Alias.exercise_id)
            .where(Alias.slug.in_(slugs))
        ).all()
    )
    wanted = (slugs - set(renamed)) | set(renamed.values())
    statement = (
        select(Exercise)
        .where(Exercise.slug.in_(wanted))
        .options(selectinload(Exercise.links), selectinload(Exercise.cues))
    )
    return {e.slug: e for e in db.session.scalars(statement)}, renamed


def query_pairs(args: dict[str, list[str] | str]) -> list[tuple[str, str]]:
    """Arguments for url_for as the (name, value) pairs of the query string they make."""
    pairs: list[tuple[str, str]] = []
    for name, value in args.items():
        if isinstance(value, list):
            pairs.extend((name, item) for item in value)
        else:
            pairs.append((name, value))
    return pairs


def slug_for_alias(slug: str) -> str | None:
    statement = select(Exercise.slug).join(Alias, Alias.exercise_id == Exercise.id)
    return db.session.scalar(statement.where(Alias.slug == slug))


def term_by_slug(kind: str, slug: str) -> Term | None:
    return db.session.scalar(select(Term).where(Term.kind == kind, Term.slug == slug))


def exercises_with_term(term: Term) -> list[int]:
    """The ids of every exercise with *term*, easiest first."""
    index = facet_index()
    members = index.members.get((term.kind, term.slug), 0)
    return [i for i in index.orders["level"] if members >> i & 1]


def meta() -> dict[str, str]:
    return dict(db.session.execute(select(Meta.key, Meta.value)).all())
