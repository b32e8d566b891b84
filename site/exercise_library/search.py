"""The library query: filters from a URL, full-text search, facet counts, one page of results.

Every value from a request reaches SQL as a bound parameter; search text is reduced to
quoted words before it becomes an FTS5 query, so no input is ever read as FTS syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import ColumnElement, column, func, literal_column, select, table, text
from werkzeug.datastructures import MultiDict

from .db import db
from .models import Exercise, ExerciseTerm, Term

FACETS = ("phase", "equipment", "muscle")
FACET_LABELS = {"phase": "Phase", "equipment": "Equipment", "muscle": "Target muscle"}
SORTS = {"level": "Easiest first", "title": "A to Z", "relevance": "Best match"}
PAGE_SIZE = 30
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
# The full-text columns and their bm25 weights: a hit in the title or a known name counts most.
FTS_COLUMNS = ("title", "names", "summary", "cues", "mistakes", "body")
FTS_WEIGHTS = (10.0, 8.0, 4.0, 2.0, 2.0, 1.0)
EASIEST_FIRST = (Exercise.level, Exercise.title, Exercise.slug)

_fts = table("exercise_fts", column("rowid"))
_rank = literal_column(f"bm25(exercise_fts, {', '.join(map(str, FTS_WEIGHTS))})")


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


def known_terms() -> dict[str, list[Term]]:
    """Every taxonomy term by kind, in taxonomy order."""
    terms: dict[str, list[Term]] = {}
    for term in db.session.scalars(select(Term).order_by(Term.kind, Term.position)):
        terms.setdefault(term.kind, []).append(term)
    return terms


def parse_filters(args: MultiDict, terms: dict[str, list[Term]]) -> Filters:
    return Filters.from_args(args, {kind: [t.slug for t in found] for kind, found in terms.items()})


def _matching(filters: Filters, leave_out: str | None = None) -> list[ColumnElement[bool]]:
    """The conditions an exercise must meet: the search text and every facet but *leave_out*
    (values of one facet are OR-ed, facets AND-ed)."""
    conditions = []
    if match := fts_query(filters.q):
        conditions.append(
            Exercise.id.in_(
                select(_fts.c.rowid).where(
                    text("exercise_fts MATCH :match").bindparams(match=match)
                )
            )
        )
    for facet, slugs in filters.selected.items():
        if facet != leave_out:
            having = (
                select(ExerciseTerm.exercise_id)
                .join(Term)
                .where(Term.kind == facet, Term.slug.in_(slugs))
            )
            conditions.append(Exercise.id.in_(having))
    return conditions


def search(filters: Filters, terms: dict[str, list[Term]]) -> Result:
    """One page of the exercises matching *filters*, their total, and for every facet value
    how many results choosing it would give with the other facets as they are."""
    conditions = _matching(filters)
    total = db.session.scalar(select(func.count()).select_from(Exercise).where(*conditions)) or 0
    page = select(Exercise.id, Exercise.card_html).where(*conditions)
    if filters.sort == "relevance" and (match := fts_query(filters.q)):
        ranked = (
            select(_fts.c.rowid.label("id"), _rank.label("rank"))
            .where(text("exercise_fts MATCH :match").bindparams(match=match))
            .subquery()
        )
        page = page.join(ranked, ranked.c.id == Exercise.id).order_by(ranked.c.rank, *EASIEST_FIRST)
    elif filters.sort == "title":
        page = page.order_by(Exercise.title, Exercise.slug)
    else:
        page = page.order_by(*EASIEST_FIRST)
    rows = db.session.execute(page.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).all()
    facets = {}
    for facet in FACETS:
        counted = (
            select(Term.slug, func.count())
            .join(ExerciseTerm, ExerciseTerm.term_id == Term.id)
            .where(Term.kind == facet)
            .group_by(Term.slug)
        )
        if others := _matching(filters, leave_out=facet):
            counted = counted.where(
                ExerciseTerm.exercise_id.in_(select(Exercise.id).where(*others))
            )
        counts = dict(db.session.execute(counted).all())
        facets[facet] = [
            FacetValue(term, counts.get(term.slug, 0), filters.is_active(facet, term.slug))
            for term in terms.get(facet, [])
        ]
    return Result(filters, total, [r.id for r in rows], [Markup(r.card_html) for r in rows], facets)


def cards_with_term(term: Term) -> list[Markup]:
    """The list cards of every exercise with *term*, easiest first."""
    having = select(ExerciseTerm.exercise_id).where(ExerciseTerm.term_id == term.id)
    query = select(Exercise.card_html).where(Exercise.id.in_(having)).order_by(*EASIEST_FIRST)
    return [Markup(html) for html in db.session.scalars(query)]
